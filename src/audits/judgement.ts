/**
 * The overall judgement of an audit: worked out by the tool's rule where it has one (seed 003),
 * otherwise proposed from the area grades (or not at all) and confirmed by the auditor. Both
 * the computed and the final grade are kept; a final grade that differs from the computed one,
 * or one formed with nothing computed, needs the auditor's reason.
 */
import { evaluateJudgement, proposeJudgement, type AreaAnswer, type JudgementResult } from '../standards/judgement-rule.ts';
import type { AuditTool } from '../standards/schema.ts';
import type { FormArea, ItemAnswer } from './tool-form.ts';

/** What the auditor answered for the judgement itself, kept in `audits.judgement_inputs`. */
export interface JudgementInputs {
  /** Answers to the rule's yes/no questions, by flag id. */
  flags: Record<string, boolean>;
  /** Areas the auditor marked as not applying to this case. */
  notApplicable: string[];
}

export function readJudgementInputs(stored: unknown): JudgementInputs {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Partial<JudgementInputs>;
  const flags: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(value.flags ?? {})) if (typeof v === 'boolean') flags[k] = v;
  return { flags, notApplicable: Array.isArray(value.notApplicable) ? value.notApplicable.filter((a): a is string => typeof a === 'string') : [] };
}

export type JudgementBasis =
  /** The tool's rule gives the grade. */
  | { kind: 'rule'; result: JudgementResult }
  /** The tool proposes a grade from the area grades; the auditor confirms or changes it. */
  | { kind: 'proposal'; result: JudgementResult }
  /** The tool proposes nothing: the auditor judges, once every area is graded. */
  | { kind: 'professional'; missing: string[] };

/**
 * Works the judgement out from the area-level answers of the audit stage. Areas outside the form
 * (another case type's variant) and areas marked not applicable are left out of every count.
 */
export function workOutJudgement(tool: AuditTool, areas: readonly FormArea[], areaAnswers: ReadonlyMap<string, ItemAnswer | undefined>, inputs: JudgementInputs): JudgementBasis {
  const applicable = areas.filter((a) => !inputs.notApplicable.includes(a.id));
  if (tool.judgement.type === 'rule-based') {
    const answers: Record<string, AreaAnswer> = {};
    for (const area of tool.areas) answers[area.id] = { applicable: false };
    for (const area of applicable) {
      const answer = areaAnswers.get(area.id);
      answers[area.id] = {
        ...(answer?.grade ? { grade: answer.grade } : {}),
        ...(answer?.featuresEvident ? { evident: answer.featuresEvident } : {}),
      };
    }
    return { kind: 'rule', result: evaluateJudgement(tool, { areas: answers, flags: inputs.flags }) };
  }
  const grades: Record<string, string | undefined> = {};
  for (const area of applicable) grades[area.id] = areaAnswers.get(area.id)?.grade ?? undefined;
  const proposal = proposeJudgement(tool, grades);
  if (proposal) return { kind: 'proposal', result: proposal };
  const missing = applicable.filter((a) => !grades[a.id]).map((a) => `grade for area ${a.position} (${a.title})`);
  return { kind: 'professional', missing: applicable.length ? missing : ['at least one area must apply to the case'] };
}

/** The grade the tool gives or proposes, or null while answers are missing or the tool proposes nothing. */
export function computedGradeOf(basis: JudgementBasis): string | null {
  if (basis.kind === 'professional') return null;
  return basis.result.status === 'judged' ? basis.result.grade : null;
}

export function missingFor(basis: JudgementBasis): string[] {
  if (basis.kind === 'professional') return basis.missing;
  return basis.result.status === 'incomplete' ? basis.result.missing : [];
}

export type Confirmation =
  | { ok: true; computedGrade: string | null; finalGrade: string; overrideReason: string | null; overridden: boolean }
  | { ok: false; field: 'finalGrade' | 'overrideReason'; message: string };

/**
 * Checks the auditor's confirmation of the overall judgement against what the tool computed.
 * A grade that follows the computation needs no reason; any other grade, or a judgement formed
 * where the tool computes nothing, does.
 */
export function confirmJudgement(tool: AuditTool, basis: JudgementBasis, finalGrade: string | undefined, reason: string | undefined): Confirmation {
  const missing = missingFor(basis);
  if (missing.length > 0) return { ok: false, field: 'finalGrade', message: `Complete the audit before confirming the judgement: ${missing.join('; ')}` };
  if (!finalGrade || !tool.scale.grades.some((g) => g.id === finalGrade)) return { ok: false, field: 'finalGrade', message: 'Select the overall judgement' };
  const computed = computedGradeOf(basis);
  const why = reason?.trim() ? reason.trim() : null;
  if (computed === null && !why) return { ok: false, field: 'overrideReason', message: 'Give the reason for your judgement' };
  if (computed !== null && finalGrade !== computed && !why) {
    const label = tool.scale.grades.find((g) => g.id === computed)?.label ?? computed;
    return { ok: false, field: 'overrideReason', message: `Give the reason for a judgement other than ${label}, the grade the tool works out` };
  }
  return { ok: true, computedGrade: computed, finalGrade, overrideReason: why, overridden: computed !== null && finalGrade !== computed };
}

/**
 * Whether the confirmed judgement still stands: the auditor confirmed one, and the tool still
 * computes what it computed then. Changing an area grade after confirming sends the judgement
 * back to the auditor rather than silently keeping a grade formed on other answers.
 */
export function judgementStands(stored: { finalGrade: string | null; computedGrade: string | null }, basis: JudgementBasis): boolean {
  if (stored.finalGrade === null || missingFor(basis).length > 0) return false;
  return computedGradeOf(basis) === stored.computedGrade;
}

/** The worst grade on the tool's scale: an inadequate judgement shortens action deadlines. */
export function isWorstGrade(tool: AuditTool, grade: string | null): boolean {
  if (grade === null) return false;
  const worst = tool.scale.grades.reduce((a, b) => (b.rank > a.rank ? b : a));
  return grade === worst.id;
}
