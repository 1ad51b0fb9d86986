/**
 * Audits as the pages show them: grades as labels, each item with its self-assessment where the
 * viewer may see it, the judgement with its reasons, and the timeline in sentences. Pure apart
 * from the reads in `auditRecord` and `timelineOf`.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { users } from '../org/schema.ts';
import { STATUS_LABELS } from './lifecycle.ts';
import { auditEvents, moderations, responses } from './schema.ts';
import { showsSelfAssessment } from './visibility.ts';
import { computedGradeOf, judgementStands, missingFor, type JudgementBasis } from './judgement.ts';
import { textFields } from './area-form.ts';
import { areaAnswers, auditStatusOf, judgementBasis, type AuditContext } from './stage-one.ts';
import { TASK_STATUS_LABELS, type FormArea, type TaskStatus } from './tool-form.ts';
import { alertsOnAudit } from './safeguarding.ts';
import { actionsOfAudit } from './agreed-actions.ts';
import { feedbackOnAudit, learningOnAudit } from './feedback-and-learning.ts';

export const CASE_TYPE_LABELS: Record<string, string> = {
  cin: 'Child in need',
  cp: 'Child protection',
  cla: 'Child looked after',
  'care-leaver': 'Care leaver',
  'early-help': 'Early help',
  adoption: 'Adoption',
  'pre-birth': 'Pre-birth',
};

export const STATUS_TAG_CLASSES: Record<string, string> = {
  allocated: 'govuk-tag--grey',
  'self-assessed': 'govuk-tag--light-blue',
  'in-progress': 'govuk-tag--blue',
  submitted: 'govuk-tag--purple',
  'in-moderation': 'govuk-tag--yellow',
  moderated: 'govuk-tag--turquoise',
  disputed: 'govuk-tag--orange',
  closed: 'govuk-tag--green',
  cancelled: 'govuk-tag--grey',
};

export const TASK_TAG: Record<TaskStatus, { text: string; classes: string } | null> = {
  'not-started': { text: TASK_STATUS_LABELS['not-started'], classes: 'govuk-tag--blue' },
  'in-progress': { text: TASK_STATUS_LABELS['in-progress'], classes: 'govuk-tag--light-blue' },
  completed: null,
  'not-applicable': { text: TASK_STATUS_LABELS['not-applicable'], classes: 'govuk-tag--grey' },
};

export function gradeLabel(ctx: Pick<AuditContext, 'tool'>, grade: string | null | undefined): string | null {
  if (!grade) return null;
  return ctx.tool.scale.grades.find((g) => g.id === grade)?.label ?? grade;
}

export interface SelfView {
  grade: string | null;
  reason: string | null;
}

/** One item as a page shows it: the auditor's answer and, where allowed, the self-assessment. */
export interface ItemView {
  index: number;
  title: string;
  grade: string | null;
  fields: Array<{ label: string; value: string | null }>;
  self: SelfView | null;
  /** Why the self-assessment is not shown, when there is one the viewer will see later. */
  selfWithheld: boolean;
}

export function presentArea(ctx: AuditContext, area: FormArea) {
  const answers = areaAnswers(ctx, 'audit', area.id);
  const own = areaAnswers(ctx, 'self-assessment', area.id);
  const state = { submitted: ctx.selfAssessmentSubmitted };
  const items: ItemView[] = [...area.items.slice(1), area.items[0]!].map((item) => {
    const answer = answers.get(item.criterionId);
    const graded = answer?.grade != null;
    const shown = showsSelfAssessment(ctx.access, state, graded);
    const selfAnswer = own.get(item.criterionId);
    return {
      index: item.index,
      title: item.title,
      grade: gradeLabel(ctx, answer?.grade),
      fields: textFields('audit', item.index).map((f) => ({ label: f.label, value: (answer?.[f.key] as string | null) ?? null })),
      self: shown && selfAnswer ? { grade: gradeLabel(ctx, selfAnswer.grade), reason: selfAnswer.reason } : null,
      selfWithheld: !shown && ctx.access.audit && state.submitted && selfAnswer !== undefined,
    };
  });
  const evident = answers.get('')?.featuresEvident ?? {};
  return {
    number: area.number,
    position: area.position,
    title: area.title,
    variant: area.variant ?? null,
    status: auditStatusOf(ctx, area),
    items,
    features: area.featureGroups.map((g) => ({ label: g.label, total: g.features.length, evident: (evident[g.grade] ?? []).map((p) => g.features[p]!).filter(Boolean) })),
  };
}

export function presentJudgement(ctx: AuditContext, basis: JudgementBasis = judgementBasis(ctx)) {
  const computed = computedGradeOf(basis);
  return {
    kind: basis.kind,
    description: ctx.tool.judgement.description,
    computed: gradeLabel(ctx, computed),
    computedId: computed,
    reasons: basis.kind !== 'professional' && basis.result.status === 'judged' ? basis.result.reasons : [],
    missing: missingFor(basis),
    final: gradeLabel(ctx, ctx.audit.finalGrade),
    confirmedComputed: gradeLabel(ctx, ctx.audit.computedGrade),
    overrideReason: ctx.audit.overrideReason,
    stands: judgementStands(ctx.audit, basis),
    flags:
      ctx.tool.judgement.type === 'rule-based'
        ? ctx.tool.judgement.flags.map((f) => ({ id: f.id, question: f.question, answer: ctx.inputs.flags[f.id] === undefined ? null : ctx.inputs.flags[f.id]! }))
        : [],
  };
}

export function presentSummary(ctx: AuditContext) {
  return {
    id: ctx.audit.id,
    status: ctx.audit.status,
    statusLabel: STATUS_LABELS[ctx.audit.status],
    statusClass: STATUS_TAG_CLASSES[ctx.audit.status] ?? '',
    version: ctx.audit.version,
    childRef: ctx.child.childRef,
    childName: ctx.child.name,
    caseType: ctx.child.caseType ? (CASE_TYPE_LABELS[ctx.child.caseType] ?? ctx.child.caseType) : null,
    toolTitle: ctx.tool.title,
    toolVersion: ctx.tool.version,
    auditorName: ctx.names.auditor,
    practitionerName: ctx.names.practitioner,
    teamName: ctx.names.team,
    dueDate: ctx.audit.dueDate,
    periodStart: ctx.audit.periodStart,
    periodEnd: ctx.audit.periodEnd,
    safeguardingConcern: ctx.audit.safeguardingConcern,
    submittedAt: ctx.audit.submittedAt,
    noSelfAssessmentReason: ctx.audit.noSelfAssessmentReason,
    selfAssessmentSubmitted: ctx.selfAssessmentSubmitted,
    finalGrade: gradeLabel(ctx, ctx.audit.finalGrade),
  };
}

/** The moderator's review, when stage 2 has happened: kept beside, never over, the audit's grades. */
async function moderationOf(db: Db, ctx: AuditContext) {
  const [moderation] = await db
    .select({ moderatorName: users.displayName, overallGrade: moderations.overallGrade, overallReason: moderations.overallReason, reflectiveDiscussion: moderations.reflectiveDiscussion, completedAt: moderations.completedAt, selectedBecause: moderations.selectedBecause })
    .from(moderations)
    .leftJoin(users, eq(users.id, moderations.moderatorId))
    .where(eq(moderations.auditId, ctx.audit.id));
  if (!moderation) return null;
  const rows = await db
    .select()
    .from(responses)
    .where(and(eq(responses.auditId, ctx.audit.id), eq(responses.stage, 'moderation')));
  const grades = rows.flatMap((r) => {
    const area = ctx.areas.find((a) => a.id === r.areaId);
    if (!area) return [];
    const item = area.items.find((i) => i.criterionId === r.criterionId);
    return [{ area: `${area.position}. ${area.title}`, item: item?.title ?? r.criterionId, grade: gradeLabel(ctx, r.grade), reason: r.reason }];
  });
  return { ...moderation, overallGrade: gradeLabel(ctx, moderation.overallGrade), grades };
}

/** The whole audit for the child's file. */
export async function auditRecord(db: Db, ctx: AuditContext) {
  const [alerts, agreed, feedback, learning, moderation] = await Promise.all([
    alertsOnAudit(db, ctx.audit.id),
    actionsOfAudit(db, ctx.audit.id),
    feedbackOnAudit(db, ctx.audit.id),
    learningOnAudit(db, ctx.audit.id),
    moderationOf(db, ctx),
  ]);
  return {
    summary: presentSummary(ctx),
    areas: ctx.visibleAreas.map((a) => presentArea(ctx, a)),
    judgement: presentJudgement(ctx),
    alerts,
    actions: agreed,
    feedback,
    learning,
    moderation,
  };
}

const THEME_KIND_WORDS: Record<string, string> = { strength: ' as a strength', barrier: ' as a barrier', 'recurring-issue': ' as a recurring issue' };

const PARTICIPATION = { auditor: 'as auditor', practitioner: 'as practitioner', moderator: 'as moderator', manager: 'as manager' } as Record<string, string>;

/** The partner an invitation entry is about (the demo's early entries name nobody). */
const partnerOf = (detail: Record<string, unknown>) => (typeof detail.partnerName === 'string' ? `${detail.partnerName} (multi-agency partner)` : 'a multi-agency partner');

function areasIn(areas: unknown, areaName: (id: string) => string): string {
  const names = (Array.isArray(areas) ? areas : []).map((id) => areaName(String(id)));
  if (names.length === 0) return 'their areas';
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `area${names.length === 1 ? '' : 's'} ${list}`;
}

const sharing = (shared: unknown) => (shared ? '; the child’s details shared' : '; the child’s details not shared');

/** A timeline entry in words; `areaName` turns an area id into its number and title. */
export function describeEvent(kind: string, detail: Record<string, unknown>, areaName: (id: string) => string, grade: (id: string | null) => string | null): string {
  const status = (s: unknown) => (typeof s === 'string' && s in STATUS_LABELS ? STATUS_LABELS[s as keyof typeof STATUS_LABELS].toLowerCase() : String(s));
  switch (kind) {
    case 'area-saved':
      return `Saved area ${areaName(String(detail.area))}`;
    case 'self-assessment-saved':
      return `Saved the self-assessment of area ${areaName(String(detail.area))}`;
    case 'allocated':
      return 'Allocated to the auditor; the practitioner invited to self-assess';
    case 'self-assess':
      return 'Submitted the self-assessment';
    case 'start':
      return detail.withoutSelfAssessment ? 'Started the audit without a self-assessment (the reason is in the record)' : 'Started the audit';
    case 'judgement-questions-answered':
      return "Answered the judgement rule's questions";
    case 'judgement-confirmed': {
      const final = grade(detail.finalGrade as string | null);
      const computed = grade(detail.computedGrade as string | null);
      if (!computed) return `Confirmed the overall judgement: ${final}`;
      return detail.overridden ? `Confirmed the overall judgement: ${final}, in place of ${computed} worked out by the tool (reason recorded)` : `Confirmed the overall judgement: ${final}, as the tool worked out`;
    }
    case 'safeguarding-raised': {
      const told = Array.isArray(detail.recipients) ? detail.recipients.length : 0;
      return `Raised a safeguarding concern; ${told} manager${told === 1 ? '' : 's'} told at once`;
    }
    case 'safeguarding-acknowledged':
      return 'Acknowledged the safeguarding concern';
    case 'safeguarding-note':
      return 'Added a note to the safeguarding concern';
    case 'action-agreed':
      return `Agreed an action${detail.urgent ? ' (short deadline)' : ''}`;
    case 'family-feedback':
      return detail.sought ? 'Recorded family feedback' : 'Recorded why family feedback was not sought';
    case 'learning-recorded':
      return `Recorded their learning ${PARTICIPATION[String(detail.participation)] ?? ''}`.trim();
    case 'submit':
      return 'Submitted stage 1; moderators told';
    case 'moderate':
      return 'Selected for moderation';
    case 'moderation-saved':
      return 'Saved the moderation';
    case 'complete-moderation':
      return 'Completed the moderation';
    case 'dispute':
      return 'Disputed a moderated grade';
    case 'resolve-dispute':
      return 'Resolved the dispute';
    case 'close':
      return detail.moderation === 'not selected' ? 'Closed: not selected for moderation' : 'Closed the audit';
    case 'cancel':
      return 'Cancelled the audit';
    case 'theme-tagged':
      return `Tagged with the theme ${String(detail.theme)}${THEME_KIND_WORDS[String(detail.kind)] ?? ''}`;
    case 'theme-removed':
      return `Removed the theme ${detail.theme ? String(detail.theme) : ''}`.trim();
    case 'partner-invited':
      return `Invited ${partnerOf(detail)} to complete ${areasIn(detail.areas, areaName)}${sharing(detail.shareChildDetails)}`;
    case 'partner-invitation-changed':
      return `Changed the invitation of ${partnerOf(detail)}: now ${areasIn(detail.areas, areaName)}${sharing(detail.shareChildDetails)}`;
    case 'partner-invitation-withdrawn':
      return `Withdrew the invitation of ${partnerOf(detail)}`;
    case 'marked-for-slt':
      return 'Chosen for the senior leadership team';
    case 'unmarked-for-slt':
      return 'No longer chosen for the senior leadership team';
    default: {
      const words = kind.replace(/-/g, ' ');
      const moved = detail.from && detail.to ? ` (${status(detail.from)} to ${status(detail.to)})` : '';
      return `${words[0]!.toUpperCase()}${words.slice(1)}${moved}`;
    }
  }
}

/**
 * Everything that happened to the audit, oldest first. A run of saves of one area by one person
 * (autosave writes one every few seconds) reads as one entry with its count and time span.
 */
export async function timelineOf(db: Db, ctx: AuditContext) {
  const rows = await db
    .select({ at: auditEvents.at, kind: auditEvents.kind, detail: auditEvents.detail, actorId: auditEvents.actorId, actorName: users.displayName })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(eq(auditEvents.auditId, ctx.audit.id))
    .orderBy(asc(auditEvents.at), asc(auditEvents.id));
  const areaName = (id: string) => {
    const area = ctx.areas.find((a) => a.id === id);
    return area ? `${area.position}: ${area.title}` : id;
  };
  const grade = (id: string | null) => gradeLabel(ctx, id);
  const entries: Array<{ at: Date; until: Date | null; count: number; who: string; text: string; key: string }> = [];
  for (const row of rows) {
    const detail = (row.detail ?? {}) as Record<string, unknown>;
    const key = row.kind.endsWith('-saved') ? `${row.kind}:${String(detail.area)}:${row.actorId}` : '';
    const last = entries.at(-1);
    if (key && last?.key === key) {
      last.count += 1;
      last.until = row.at;
      continue;
    }
    entries.push({ at: row.at, until: null, count: 1, who: row.actorName ?? 'Sightline', text: describeEvent(row.kind, detail, areaName, grade), key });
  }
  return entries.map(({ key: _key, ...e }) => e);
}
