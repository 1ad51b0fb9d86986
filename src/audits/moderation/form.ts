/**
 * Reading the moderation form: for each grade the auditor gave, and for the overall judgement,
 * the moderator agrees or revises it, with a reason for every revision; and the reflective
 * discussion. A draft may be partial; completing needs every decision and the discussion.
 */
import type { FieldErrors } from '../../platform/http/forms.ts';
import { toFieldErrors } from '../../platform/http/forms.ts';

export interface GradedItem {
  areaId: string;
  criterionId: string;
  /** The auditor's grade. */
  grade: string;
}

export interface Decision {
  decision: 'agree' | 'revise';
  /** The moderated grade: the auditor's when agreed. */
  grade: string;
  reason: string | null;
}

export interface ModerationForm {
  discussion: string | null;
  items: Array<(Decision & { areaId: string; criterionId: string }) | null>;
  overall: Decision | null;
}

const MAX_TEXT = 10_000;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function readDecision(
  body: Record<string, unknown>,
  names: { decision: string; grade: string; reason: string },
  auditGrade: string | null,
  gradeIds: ReadonlySet<string>,
  complete: boolean,
  what: string,
  issues: Array<{ path: string[]; message: string }>,
): Decision | null {
  const decision = text(body[names.decision]);
  const reason = text(body[names.reason]);
  if (reason.length > MAX_TEXT) issues.push({ path: [names.reason], message: `The reason must be ${MAX_TEXT} characters or fewer` });
  if (decision === 'agree') return { decision: 'agree', grade: auditGrade ?? '', reason: reason || null };
  if (decision === 'revise') {
    const grade = text(body[names.grade]);
    if (!gradeIds.has(grade)) {
      issues.push({ path: [names.grade], message: `Select the moderated grade for ${what}` });
      return null;
    }
    if (grade === auditGrade) {
      issues.push({ path: [names.grade], message: `Select a grade different from the auditor’s for ${what}, or choose agree` });
      return null;
    }
    if (!reason) {
      issues.push({ path: [names.reason], message: `Give the reason for revising ${what}` });
      return null;
    }
    return { decision: 'revise', grade, reason };
  }
  if (decision !== '') issues.push({ path: [names.decision], message: `Select agree or revise for ${what}` });
  else if (complete) issues.push({ path: [names.decision], message: `Select whether you agree with ${what}` });
  return null;
}

export function readModerationForm(
  body: Record<string, unknown>,
  items: ReadonlyArray<GradedItem & { label: string }>,
  overallGrade: string | null,
  gradeIds: ReadonlySet<string>,
  complete: boolean,
): { ok: true; value: ModerationForm } | { ok: false; errors: FieldErrors } {
  const issues: Array<{ path: string[]; message: string }> = [];
  const discussion = text(body.discussion);
  if (discussion.length > MAX_TEXT) issues.push({ path: ['discussion'], message: `The reflective discussion must be ${MAX_TEXT} characters or fewer` });
  if (complete && !discussion) issues.push({ path: ['discussion'], message: 'Record the reflective discussion before completing the moderation' });
  const decided = items.map((item, i) => {
    const d = readDecision(body, { decision: `decision-${i}`, grade: `grade-${i}`, reason: `reason-${i}` }, item.grade, gradeIds, complete, item.label, issues);
    return d ? { ...d, areaId: item.areaId, criterionId: item.criterionId } : null;
  });
  const overall = readDecision(body, { decision: 'overallDecision', grade: 'overallGrade', reason: 'overallReason' }, overallGrade, gradeIds, complete, 'the overall judgement', issues);
  if (issues.length > 0) return { ok: false, errors: toFieldErrors(issues) };
  return { ok: true, value: { discussion: discussion || null, items: decided, overall } };
}
