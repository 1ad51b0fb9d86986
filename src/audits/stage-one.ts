/**
 * Stage 1 of the collaborative audit (seed 002): the practitioner's self-assessment, starting
 * the audit, the auditor's grading area by area, the overall judgement and submission. Every
 * edit names the audit version it started from; a save against an older version is refused
 * (ConflictError) so that nobody's words are overwritten unseen.
 */
import { selectForModeration } from './moderation/service.ts';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, NotFoundError, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { notify } from '../platform/notify/in-app.ts';
import type { IsoDate } from '../platform/calendar/index.ts';
import { teams, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { getAuditToolVersion } from '../standards/versions/service.ts';
import type { AuditTool } from '../standards/schema.ts';
import { actions } from '../actions/schema.ts';
import { moveAudit, recordAuditEvent, requireAuditAccess, type Audit, type AuditAccess } from './core.ts';
import { auditEvents, audits, responses } from './schema.ts';
import { AuditStateError } from './errors.ts';
import { auditAreaStatus, findArea, formAreas, selfAssessmentAreaStatus, type FormArea, type ItemAnswer, type TaskStatus } from './tool-form.ts';
import { confirmJudgement, isWorstGrade, judgementStands, readJudgementInputs, workOutJudgement, type JudgementBasis, type JudgementInputs } from './judgement.ts';
import { shortenActionDeadlines, shortDeadlineApplies } from './agreed-actions.ts';

type Stage = 'self-assessment' | 'audit';
/** Answers of one stage: area id → criterion id ('' for the area as a whole) → answer. */
export type StageAnswers = Map<string, Map<string, ItemAnswer>>;

export interface AuditContext {
  /** The person the context was loaded for: what they may do is decided for them alone. */
  viewerId: string;
  audit: Audit;
  access: AuditAccess;
  tool: AuditTool;
  /** Every area that applies to the child. */
  areas: FormArea[];
  /** The areas this person may see: all of them, or a partner's invited ones. */
  visibleAreas: FormArea[];
  child: { id: string; childRef: string; name: string | null; caseType: string | null };
  names: { auditor: string; practitioner: string | null; team: string | null };
  inputs: JudgementInputs;
  answers: Record<Stage, StageAnswers>;
  selfAssessmentSubmitted: boolean;
}

function toAnswer(row: typeof responses.$inferSelect): ItemAnswer {
  return {
    grade: row.grade,
    evidence: row.evidence,
    workingWell: row.workingWell,
    worries: row.worries,
    nextSteps: row.nextSteps,
    reason: row.reason,
    featuresEvident: (row.featuresEvident as Record<string, number[]> | null) ?? null,
  };
}

/** Everything a stage 1 page needs, after checking the person may see the audit at all. */
export async function loadAuditContext(db: Db, actor: Actor, auditId: string): Promise<AuditContext> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  const [child] = await db
    .select({ id: children.id, childRef: children.childRef, name: children.name, caseType: children.caseType })
    .from(children)
    .where(eq(children.id, audit.childId));
  if (!child) throw new NotFoundError();
  const tool = await getAuditToolVersion(db, audit.organisationId, audit.toolId, audit.toolVersion);
  const areas = formAreas(tool, child.caseType);
  const visibleAreas = access.invitedAreas === undefined ? areas : areas.filter((a) => access.invitedAreas!.includes(a.id));
  // A partner not granted the child's details sees the reference only: no name, no case type or legal status.
  if (!access.childDetails) Object.assign(child, { name: null, caseType: null });
  const [rows, people, team, selfAssessed] = await Promise.all([
    db.select().from(responses).where(eq(responses.auditId, audit.id)),
    db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(and(eq(users.organisationId, audit.organisationId), inArray(users.id, [audit.auditorId, audit.practitionerId ?? audit.auditorId]))),
    audit.teamId ? db.select({ name: teams.name }).from(teams).where(eq(teams.id, audit.teamId)) : Promise.resolve([]),
    db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.auditId, audit.id), eq(auditEvents.kind, 'self-assess')))
      .limit(1),
  ]);
  const answers: Record<Stage, StageAnswers> = { 'self-assessment': new Map(), audit: new Map() };
  for (const row of rows) {
    if (row.stage === 'moderation') continue;
    const byArea = answers[row.stage];
    if (!byArea.has(row.areaId)) byArea.set(row.areaId, new Map());
    byArea.get(row.areaId)!.set(row.criterionId, toAnswer(row));
  }
  const nameOf = (id: string | null) => people.find((p) => p.id === id)?.displayName ?? null;
  return {
    viewerId: actor.userId,
    audit,
    access,
    tool,
    areas,
    visibleAreas,
    child,
    names: { auditor: nameOf(audit.auditorId) ?? '', practitioner: nameOf(audit.practitionerId), team: team[0]?.name ?? null },
    inputs: readJudgementInputs(audit.judgementInputs),
    answers,
    selfAssessmentSubmitted: selfAssessed.length > 0,
  };
}

export function areaAnswers(ctx: AuditContext, stage: Stage, areaId: string): Map<string, ItemAnswer> {
  return ctx.answers[stage].get(areaId) ?? new Map();
}

export function auditStatusOf(ctx: AuditContext, area: FormArea): TaskStatus {
  return auditAreaStatus(area, areaAnswers(ctx, 'audit', area.id), ctx.inputs.notApplicable.includes(area.id));
}

export function selfStatusOf(ctx: AuditContext, area: FormArea): TaskStatus {
  return selfAssessmentAreaStatus(area, areaAnswers(ctx, 'self-assessment', area.id));
}

export function judgementBasis(ctx: AuditContext): JudgementBasis {
  const areaLevel = new Map(ctx.areas.map((a) => [a.id, areaAnswers(ctx, 'audit', a.id).get('')]));
  return workOutJudgement(ctx.tool, ctx.areas, areaLevel, ctx.inputs);
}

export function requireArea(ctx: AuditContext, number: number): FormArea {
  const area = findArea(ctx.visibleAreas, number);
  if (!area) throw new NotFoundError();
  return area;
}

/** The auditor edits every area; an invited partner only their own sections. */
export function canEditArea(ctx: AuditContext, area: FormArea): boolean {
  if (ctx.audit.status !== 'in-progress') return false;
  return ctx.access.audit || (ctx.access.invitedAreas?.includes(area.id) ?? false);
}

/** Bumps the version if nobody else has; the caller's transaction then makes its change. */
async function claimVersion(tx: Db, auditId: string, expectedVersion: number, changes: Partial<typeof audits.$inferInsert> = {}): Promise<number> {
  const [row] = await tx
    .update(audits)
    .set({ ...changes, version: sql`${audits.version} + 1` })
    .where(and(eq(audits.id, auditId), eq(audits.version, expectedVersion)))
    .returning({ version: audits.version });
  if (!row) throw new ConflictError('audit');
  return row.version;
}

export interface ItemInput {
  criterionId: string;
  grade: string | null;
  evidence?: string | null;
  workingWell?: string | null;
  worries?: string | null;
  nextSteps?: string | null;
  reason?: string | null;
}

export interface AreaInput {
  items: ItemInput[];
  /** Feature positions ticked, by grade (tools that count features). */
  features: Record<string, number[]>;
  notApplicable: boolean;
}

async function writeAnswers(tx: Db, actor: Actor, auditId: string, stage: Stage, area: FormArea, input: AreaInput): Promise<void> {
  const now = new Date();
  // One statement for the whole area: an autosave is on the critical path of typing.
  await tx
    .insert(responses)
    .values(
      input.items.map((item) => ({
        auditId,
        stage,
        areaId: area.id,
        criterionId: item.criterionId,
        grade: item.grade,
        evidence: item.evidence ?? null,
        workingWell: item.workingWell ?? null,
        worries: item.worries ?? null,
        nextSteps: item.nextSteps ?? null,
        reason: item.reason ?? null,
        featuresEvident: stage === 'audit' && item.criterionId === '' && area.featureGroups.length ? input.features : null,
        updatedBy: actor.userId,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [responses.auditId, responses.stage, responses.areaId, responses.criterionId],
      set: {
        grade: sql`excluded.grade`,
        evidence: sql`excluded.evidence`,
        workingWell: sql`excluded.working_well`,
        worries: sql`excluded.worries`,
        nextSteps: sql`excluded.next_steps`,
        reason: sql`excluded.reason`,
        featuresEvident: sql`excluded.features_evident`,
        updatedBy: sql`excluded.updated_by`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** A context loaded for this person, or loaded now: the access checks are the context's. */
async function contextFor(db: Db, actor: Actor, target: string | AuditContext): Promise<AuditContext> {
  if (typeof target === 'string') return loadAuditContext(db, actor, target);
  if (target.viewerId !== actor.userId) throw new ForbiddenError();
  return target;
}

/** The auditor's (or an invited partner's) answers for one area. Partial answers are a draft. */
export async function saveAuditArea(db: Db, actor: Actor, target: string | AuditContext, areaNumber: number, version: number, input: AreaInput, options: { autosave: boolean }): Promise<number> {
  const ctx = await contextFor(db, actor, target);
  const auditId = ctx.audit.id;
  const area = requireArea(ctx, areaNumber);
  if (!ctx.access.audit && !ctx.access.invitedAreas?.includes(area.id)) throw new ForbiddenError('Only the auditor completes the audit.');
  if (ctx.audit.status !== 'in-progress') throw new AuditStateError(stateMessage(ctx.audit.status, 'audit'));
  // Only the auditor decides which areas apply; a partner's save leaves that as it is.
  const notApplicable = ctx.access.audit ? withMembership(ctx.inputs.notApplicable, area.id, input.notApplicable) : ctx.inputs.notApplicable;
  return db.transaction(async (tx) => {
    const next = await claimVersion(tx, auditId, version, { judgementInputs: { ...ctx.inputs, notApplicable } });
    await writeAnswers(tx, actor, auditId, 'audit', area, input);
    await recordAuditEvent(tx, auditId, actor.userId, 'area-saved', { area: area.id, version: next, autosave: options.autosave });
    return next;
  });
}

function withMembership(list: string[], id: string, member: boolean): string[] {
  const rest = list.filter((x) => x !== id);
  return member ? [...rest, id] : rest;
}

function stateMessage(status: Audit['status'], what: 'audit' | 'self-assessment'): string {
  if (what === 'self-assessment') return `The self-assessment can be changed only before the audit starts. This audit is ${status.replace(/-/g, ' ')}.`;
  if (status === 'allocated' || status === 'self-assessed') return 'The audit has not started yet. Start it first.';
  return `Stage 1 is closed: this audit is ${status.replace(/-/g, ' ')}.`;
}

export async function saveSelfAssessmentArea(db: Db, actor: Actor, target: string | AuditContext, areaNumber: number, version: number, input: AreaInput, options: { autosave: boolean }): Promise<number> {
  const ctx = await contextFor(db, actor, target);
  const auditId = ctx.audit.id;
  if (!ctx.access.selfAssess) throw new ForbiddenError('Only the allocated practitioner completes the self-assessment.');
  const area = requireArea(ctx, areaNumber);
  if (ctx.audit.status !== 'allocated') throw new AuditStateError(stateMessage(ctx.audit.status, 'self-assessment'));
  return db.transaction(async (tx) => {
    const next = await claimVersion(tx, auditId, version);
    await writeAnswers(tx, actor, auditId, 'self-assessment', area, input);
    await recordAuditEvent(tx, auditId, actor.userId, 'self-assessment-saved', { area: area.id, version: next, autosave: options.autosave });
    return next;
  });
}

export async function submitSelfAssessment(db: Db, actor: Actor, auditId: string, version: number): Promise<void> {
  const ctx = await loadAuditContext(db, actor, auditId);
  if (!ctx.access.selfAssess) throw new ForbiddenError('Only the allocated practitioner completes the self-assessment.');
  if (ctx.audit.status !== 'allocated') throw new AuditStateError(stateMessage(ctx.audit.status, 'self-assessment'));
  const unfinished = ctx.areas.filter((a) => selfStatusOf(ctx, a) !== 'completed');
  if (unfinished.length) throw new AuditStateError(`Grade every item before submitting. Still to do: ${unfinished.map((a) => a.title).join('; ')}.`);
  await db.transaction(async (tx) => {
    await moveAudit(tx, actor, ctx.audit, 'self-assess', version, {}, { version: version + 1 });
    await notify(tx, {
      organisationId: ctx.audit.organisationId,
      userIds: [ctx.audit.auditorId],
      kind: 'audit-self-assessed',
      title: `Self-assessment ready for ${ctx.child.childRef}`,
      body: 'The practitioner has completed their self-assessment. You will see it beside each item once you have graded it.',
      link: `/audits/${auditId}`,
      dedupeKey: `audit-self-assessed:${auditId}`,
    });
  });
}

export interface StartInput {
  periodStart: IsoDate;
  periodEnd: IsoDate;
  noSelfAssessmentReason: string | null;
}

export class StartProblem extends Error {
  constructor(
    readonly field: 'noSelfAssessmentReason' | 'periodStart' | 'periodEnd',
    message: string,
  ) {
    super(message);
  }
}

export async function startAudit(db: Db, actor: Actor, auditId: string, version: number, input: StartInput, today: IsoDate): Promise<void> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!access.audit) throw new ForbiddenError('Only the auditor starts the audit.');
  if (audit.status !== 'allocated' && audit.status !== 'self-assessed') throw new AuditStateError(`This audit has already started: it is ${audit.status.replace(/-/g, ' ')}.`);
  const withoutSelfAssessment = audit.status === 'allocated';
  if (withoutSelfAssessment && !input.noSelfAssessmentReason) {
    throw new StartProblem('noSelfAssessmentReason', 'Say why the audit is going ahead without the practitioner’s self-assessment');
  }
  if (input.periodEnd > today) throw new StartProblem('periodEnd', 'The end of the audit period must be today or in the past');
  if (input.periodStart >= input.periodEnd) throw new StartProblem('periodStart', 'The start of the audit period must be before its end');
  await db.transaction(async (tx) => {
    await moveAudit(
      tx,
      actor,
      audit,
      'start',
      version,
      { periodStart: input.periodStart, periodEnd: input.periodEnd, noSelfAssessmentReason: withoutSelfAssessment ? input.noSelfAssessmentReason : null },
      { version: version + 1, withoutSelfAssessment },
    );
  });
}

/** Answers to the rule's yes/no questions (rule-based tools). */
export async function saveJudgementFlags(db: Db, actor: Actor, auditId: string, version: number, flags: Record<string, boolean>): Promise<number> {
  const ctx = await loadAuditContext(db, actor, auditId);
  if (!ctx.access.audit) throw new ForbiddenError('Only the auditor forms the overall judgement.');
  if (ctx.audit.status !== 'in-progress') throw new AuditStateError(stateMessage(ctx.audit.status, 'audit'));
  if (ctx.tool.judgement.type !== 'rule-based') throw new NotFoundError();
  const known = new Set(ctx.tool.judgement.flags.map((f) => f.id));
  const kept = Object.fromEntries(Object.entries(flags).filter(([id]) => known.has(id)));
  return db.transaction(async (tx) => {
    const next = await claimVersion(tx, auditId, version, { judgementInputs: { ...ctx.inputs, flags: kept } });
    await recordAuditEvent(tx, auditId, actor.userId, 'judgement-questions-answered', { version: next, flags: kept });
    return next;
  });
}

export class JudgementProblem extends Error {
  constructor(
    readonly field: 'finalGrade' | 'overrideReason',
    message: string,
  ) {
    super(message);
  }
}

export async function confirmOverallJudgement(db: Db, actor: Actor, auditId: string, version: number, finalGrade: string | undefined, reason: string | undefined, now: Date): Promise<void> {
  const ctx = await loadAuditContext(db, actor, auditId);
  if (!ctx.access.audit) throw new ForbiddenError('Only the auditor forms the overall judgement.');
  if (ctx.audit.status !== 'in-progress') throw new AuditStateError(stateMessage(ctx.audit.status, 'audit'));
  const unfinished = ctx.areas.filter((a) => !['completed', 'not-applicable'].includes(auditStatusOf(ctx, a)));
  if (unfinished.length) throw new JudgementProblem('finalGrade', `Complete every area before confirming the judgement. Still to do: ${unfinished.map((a) => `${a.position}. ${a.title}`).join('; ')}`);
  const confirmation = confirmJudgement(ctx.tool, judgementBasis(ctx), finalGrade, reason);
  if (!confirmation.ok) throw new JudgementProblem(confirmation.field, confirmation.message);
  await db.transaction(async (tx) => {
    const next = await claimVersion(tx, auditId, version, {
      computedGrade: confirmation.computedGrade,
      finalGrade: confirmation.finalGrade,
      overrideReason: confirmation.overrideReason,
    });
    const inadequate = isWorstGrade(ctx.tool, confirmation.finalGrade);
    const shortened = inadequate ? await shortenActionDeadlines(tx, actor, ctx.audit, now) : 0;
    await recordAuditEvent(tx, auditId, actor.userId, 'judgement-confirmed', {
      version: next,
      computedGrade: confirmation.computedGrade,
      finalGrade: confirmation.finalGrade,
      overridden: confirmation.overridden,
      actionsShortened: shortened,
    });
  });
}

export interface Readiness {
  ready: boolean;
  problems: string[];
}

/** What still stops the auditor submitting stage 1. */
export async function submissionReadiness(db: Db, ctx: AuditContext): Promise<Readiness> {
  const problems: string[] = [];
  for (const area of ctx.areas) {
    const status = auditStatusOf(ctx, area);
    if (status !== 'completed' && status !== 'not-applicable') problems.push(`Complete area ${area.position}: ${area.title}${area.variant ? ` (${area.variant})` : ''}`);
  }
  const basis = judgementBasis(ctx);
  if (!judgementStands(ctx.audit, basis)) {
    problems.push(ctx.audit.finalGrade ? 'Confirm the overall judgement again: the grades it was formed on have changed' : 'Confirm the overall judgement');
  }
  const urgent = shortDeadlineApplies({ safeguardingConcern: ctx.audit.safeguardingConcern, inadequate: isWorstGrade(ctx.tool, ctx.audit.finalGrade) });
  if (urgent) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(actions).where(eq(actions.auditId, ctx.audit.id));
    if ((row?.n ?? 0) === 0) problems.push('Record at least one action: the audit found safeguarding concerns or an inadequate judgement');
  }
  return { ready: problems.length === 0, problems };
}

/** Locks stage 1 and decides at once whether the audit goes to moderation (stage 2). */
export async function submitAudit(db: Db, actor: Actor, auditId: string, version: number, now: Date): Promise<void> {
  const ctx = await loadAuditContext(db, actor, auditId);
  if (!ctx.access.audit) throw new ForbiddenError('Only the auditor submits the audit.');
  if (ctx.audit.status !== 'in-progress') throw new AuditStateError(stateMessage(ctx.audit.status, 'audit'));
  const readiness = await submissionReadiness(db, ctx);
  if (!readiness.ready) throw new AuditStateError(`The audit cannot be submitted yet. ${readiness.problems.join('. ')}.`);
  await db.transaction(async (tx) => {
    const submitted = await moveAudit(tx, actor, ctx.audit, 'submit', version, { submittedAt: now }, { version: version + 1, finalGrade: ctx.audit.finalGrade });
    // Stage 2 starts at once: the audit is drawn for moderation (the moderators told) or closed.
    await selectForModeration(tx, actor, submitted);
  });
}

/**
 * What changed since the version a person started from, for the conflict screen: the timeline
 * entries after the save that made their version, newest last.
 */
export async function changesSince(db: Db, audit: Audit, version: number) {
  const [base] = await db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.auditId, audit.id), sql`(${auditEvents.detail}->>'version')::int = ${version}`))
    .orderBy(asc(auditEvents.at))
    .limit(1);
  const since = base?.at ?? (version === 1 ? audit.createdAt : null);
  const rows = await db
    .select({ at: auditEvents.at, kind: auditEvents.kind, detail: auditEvents.detail, actorName: users.displayName })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.auditId, audit.id), since ? gt(auditEvents.at, since) : undefined))
    .orderBy(asc(auditEvents.at));
  return since ? rows : rows.slice(-5);
}
