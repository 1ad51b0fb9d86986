/**
 * Disputes about moderated grades. The auditor or the practitioner challenges one grade (a
 * criterion, an area, or the overall judgement) of a moderated audit; the moderator and the
 * auditor meet (level 0); if they still disagree the dispute goes up the council's chain, each
 * level with a timescale in working days. The grade decided is recorded beside the moderated one:
 * the moderation's own rows are never overwritten.
 */
import { childVisibleSql } from '../../restrictions/visibility.ts';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/client.ts';
import { ForbiddenError, NotFoundError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { englandAndWalesCalendar, type IsoDate } from '../../platform/calendar/index.ts';
import { notify } from '../../platform/notify/in-app.ts';
import { formatDate } from '../../platform/http/render.ts';
import { services, teams, users } from '../../org/schema.ts';
import { visibleTeamIds } from '../../org/service.ts';
import { children } from '../../cases/schema.ts';
import { getAuditToolVersion } from '../../standards/versions/service.ts';
import { auditAccess, loadAudit, moveAudit, requireAuditAccess, type Audit } from '../core.ts';
import { audits, disputes, disputeSteps, moderations, responses } from '../schema.ts';
import { formAreas } from '../tool-form.ts';
import { holdersOf } from '../programme/people.ts';
import { lifecycleMove, StateError } from '../programme/http.ts';
import { canEscalate, DEFAULT_CHAIN, DisputeChainSchema, levelDueDate, levelTitle, outcomeOf, summariseDisputes, type Decider, type DisputeChain, type DisputeSummary } from './chain.ts';
import { disputeChains, disputeRoutes } from './schema.ts';

const calendar = englandAndWalesCalendar();

export async function getChain(db: Db, organisationId: string): Promise<{ chain: DisputeChain; version: number }> {
  const [row] = await db.select().from(disputeChains).where(eq(disputeChains.organisationId, organisationId));
  return row ? { chain: DisputeChainSchema.parse(row.chain), version: row.version } : { chain: DEFAULT_CHAIN, version: 0 };
}

export async function updateChain(db: Db, actor: Actor, version: number, chain: DisputeChain): Promise<void> {
  requireCapability(actor, 'programme.manage');
  const valid = DisputeChainSchema.parse(chain);
  for (const step of valid.steps) {
    if (step.decider.kind !== 'user') continue;
    const [person] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, step.decider.userId), eq(users.organisationId, actor.organisationId)));
    if (!person) throw new ForbiddenError('Choose people from the list.');
  }
  if (version === 0) {
    const inserted = await db.insert(disputeChains).values({ organisationId: actor.organisationId, chain: valid }).onConflictDoNothing().returning({ id: disputeChains.organisationId });
    if (inserted.length === 0) throw new ConflictError('dispute chain');
    return;
  }
  const updated = await db
    .update(disputeChains)
    .set({ chain: valid, version: sql`${disputeChains.version} + 1` })
    .where(and(eq(disputeChains.organisationId, actor.organisationId), eq(disputeChains.version, version)))
    .returning({ id: disputeChains.organisationId });
  if (updated.length === 0) throw new ConflictError('dispute chain');
}

/** A grade that can be challenged: every graded item of the moderation, and the overall judgement. */
export interface ChallengeableGrade {
  /** "area|criterion", or "" for the overall judgement. */
  key: string;
  areaId: string;
  criterionId: string;
  title: string;
  auditGrade: string | null;
  moderatedGrade: string | null;
}

async function challengeable(db: Db, audit: Audit): Promise<{ grades: ChallengeableGrade[]; labels: Map<string, string> }> {
  const tool = await getAuditToolVersion(db, audit.organisationId, audit.toolId, audit.toolVersion);
  const [child] = await db.select({ caseType: children.caseType }).from(children).where(eq(children.id, audit.childId));
  const [rows, [moderation]] = await Promise.all([
    db.select().from(responses).where(eq(responses.auditId, audit.id)),
    db.select().from(moderations).where(eq(moderations.auditId, audit.id)),
  ]);
  const grades: ChallengeableGrade[] = [
    { key: '', areaId: '', criterionId: '', title: 'The overall judgement', auditGrade: audit.finalGrade, moderatedGrade: moderation?.overallGrade ?? null },
  ];
  for (const area of formAreas(tool, child?.caseType ?? null)) {
    for (const item of [...area.items.slice(1), area.items[0]!]) {
      const moderated = rows.find((r) => r.stage === 'moderation' && r.areaId === area.id && r.criterionId === item.criterionId);
      if (!moderated?.grade) continue;
      const given = rows.find((r) => r.stage === 'audit' && r.areaId === area.id && r.criterionId === item.criterionId);
      grades.push({
        key: `${area.id}|${item.criterionId}`,
        areaId: area.id,
        criterionId: item.criterionId,
        title: item.criterionId ? `${area.number}. ${area.title}: ${item.title}` : `${area.number}. ${area.title}`,
        auditGrade: given?.grade ?? null,
        moderatedGrade: moderated.grade,
      });
    }
  }
  return { grades, labels: new Map(tool.scale.grades.map((g) => [g.id, g.label])) };
}

export async function disputeChoices(db: Db, actor: Actor, auditId: string) {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!access.audit && !access.selfAssess) throw new ForbiddenError('Only the auditor or the practitioner can challenge a moderated grade.');
  const [child] = await db.select({ childRef: children.childRef }).from(children).where(eq(children.id, audit.childId));
  const { grades, labels } = await challengeable(db, audit);
  return { audit, childRef: child?.childRef ?? '', grades, labels, canRaise: audit.status === 'moderated' };
}

export const RaiseInput = z.object({
  grade: z.string({ error: 'Select the grade you are challenging' }),
  position: z.string({ error: 'Say why you disagree with the moderated grade' }).trim().min(1, 'Say why you disagree with the moderated grade').max(10_000, 'Your position must be 10,000 characters or fewer'),
});

async function deciderIds(db: Db, audit: Audit, decider: Decider): Promise<string[]> {
  if (decider.kind === 'user') return [decider.userId];
  if (decider.kind === 'role') return holdersOf(db, audit.organisationId, decider.role);
  if (!audit.teamId) return [];
  const [row] = await db
    .select({ lead: services.leadUserId })
    .from(teams)
    .innerJoin(services, eq(services.id, teams.serviceId))
    .where(eq(teams.id, audit.teamId));
  return row?.lead ? [row.lead] : [];
}

/** Who decides at `level`: the moderator at the meeting, then each step's decider. */
async function decidersAt(db: Db, audit: Audit, chain: DisputeChain, level: number, moderatorId: string | null): Promise<string[]> {
  if (level === 0) return moderatorId ? [moderatorId] : [];
  const step = chain.steps[level - 1];
  return step ? deciderIds(db, audit, step.decider) : [];
}

export async function raiseDispute(db: Db, actor: Actor, auditId: string, input: z.infer<typeof RaiseInput>, today: IsoDate): Promise<string> {
  const { audit, grades } = await disputeChoices(db, actor, auditId);
  if (audit.status !== 'moderated') throw new StateError('A grade can be challenged only once the moderation is complete, and while no other dispute about the audit is open.');
  const challenged = grades.find((g) => g.key === input.grade);
  if (!challenged) throw new StateError('Select a grade the moderation recorded.');
  const { chain } = await getChain(db, audit.organisationId);
  const [moderation] = await db.select().from(moderations).where(eq(moderations.auditId, audit.id));
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(disputes)
      .values({
        auditId,
        raisedBy: actor.userId,
        areaId: challenged.areaId,
        criterionId: challenged.criterionId,
        raiserPosition: input.position,
        level: 0,
        stepDueDate: levelDueDate(calendar, today, chain, 0),
      })
      .returning({ id: disputes.id });
    await tx.insert(disputeRoutes).values({ disputeId: row!.id, chain });
    await tx.insert(disputeSteps).values({ disputeId: row!.id, level: 0, kind: 'raised', note: input.position, actorId: actor.userId });
    await lifecycleMove(() => moveAudit(tx, actor, audit, 'dispute', audit.version, {}, { version: audit.version + 1, disputeId: row!.id, grade: challenged.title, moderatedGrade: challenged.moderatedGrade }));
    return row!.id;
  });
  const qa = await holdersOf(db, audit.organisationId, 'qa-officer');
  await notify(db, {
    organisationId: audit.organisationId,
    userIds: [moderation?.moderatorId ?? null, audit.auditorId, audit.practitionerId, ...qa].filter((u): u is string => u !== null && u !== actor.userId),
    kind: 'dispute-raised',
    title: 'A moderated grade has been challenged',
    body: `${challenged.title}: the moderator and the auditor meet to agree the grade, by ${formatDate(levelDueDate(calendar, today, chain, 0))}.`,
    link: `/disputes/${id}`,
    dedupeKey: `dispute-raised:${id}`,
  });
  return id;
}

interface LoadedDispute {
  dispute: typeof disputes.$inferSelect;
  chain: DisputeChain;
  audit: Audit;
  moderatorId: string | null;
}

async function loadDispute(db: Db, actor: Actor, disputeId: string): Promise<LoadedDispute> {
  const [row] = await db
    .select({ dispute: disputes, chain: disputeRoutes.chain, moderatorId: moderations.moderatorId })
    .from(disputes)
    .innerJoin(audits, eq(audits.id, disputes.auditId))
    .leftJoin(disputeRoutes, eq(disputeRoutes.disputeId, disputes.id))
    .leftJoin(moderations, eq(moderations.auditId, disputes.auditId))
    .where(and(eq(disputes.id, disputeId), eq(audits.organisationId, actor.organisationId)));
  if (!row) throw new NotFoundError();
  const audit = await loadAudit(db, actor, row.dispute.auditId);
  return { dispute: row.dispute, chain: row.chain ? DisputeChainSchema.parse(row.chain) : DEFAULT_CHAIN, audit, moderatorId: row.moderatorId };
}

async function tookPart(db: Db, actor: Actor, disputeId: string): Promise<boolean> {
  const rows = await db
    .select({ id: disputeSteps.id })
    .from(disputeSteps)
    .where(and(eq(disputeSteps.disputeId, disputeId), eq(disputeSteps.actorId, actor.userId)))
    .limit(1);
  return rows.length > 0;
}

/** Whether this person decides at the dispute's current level (the QA team always may record it). */
async function decides(db: Db, actor: Actor, loaded: LoadedDispute): Promise<boolean> {
  if (actor.roles.includes('qa-officer')) return true;
  return (await decidersAt(db, loaded.audit, loaded.chain, loaded.dispute.level, loaded.moderatorId)).includes(actor.userId);
}

export async function getDispute(db: Db, actor: Actor, disputeId: string, today: IsoDate) {
  requireCapability(actor, 'disputes.view');
  const loaded = await loadDispute(db, actor, disputeId);
  const access = await auditAccess(db, actor, loaded.audit);
  const deciderNow = await decides(db, actor, loaded);
  // Those who decide a level see the dispute even when the audit is outside their usual view,
  // and keep seeing it once they have taken part.
  if (!access.view && !deciderNow && !(await tookPart(db, actor, disputeId))) throw new NotFoundError();
  const { dispute, chain, audit } = loaded;
  const { grades, labels } = await challengeable(db, audit);
  const key = dispute.areaId === '' && dispute.criterionId === '' ? '' : `${dispute.areaId}|${dispute.criterionId}`;
  const grade = grades.find((g) => g.key === key);
  const steps = await db
    .select({ level: disputeSteps.level, kind: disputeSteps.kind, note: disputeSteps.note, at: disputeSteps.at, actorName: users.displayName })
    .from(disputeSteps)
    .innerJoin(users, eq(users.id, disputeSteps.actorId))
    .where(eq(disputeSteps.disputeId, disputeId))
    .orderBy(asc(disputeSteps.at));
  const [child] = await db.select({ childRef: children.childRef }).from(children).where(eq(children.id, audit.childId));
  const names = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, [dispute.raisedBy, audit.auditorId, audit.practitionerId, loaded.moderatorId].filter((x): x is string => x !== null)));
  const name = (id: string | null) => names.find((n) => n.id === id)?.name ?? null;
  const deciders = await decidersAt(db, audit, chain, dispute.level, loaded.moderatorId);
  const deciderNames = deciders.length
    ? (await db.select({ name: users.displayName }).from(users).where(inArray(users.id, deciders))).map((u) => u.name)
    : [];
  const open = dispute.status === 'open';
  return {
    dispute,
    chain,
    auditId: audit.id,
    childRef: child?.childRef ?? '',
    grade: grade ?? { key, areaId: dispute.areaId, criterionId: dispute.criterionId, title: 'A grade no longer on the audit', auditGrade: null, moderatedGrade: null },
    gradeLabel: (id: string | null) => (id ? (labels.get(id) ?? id) : null),
    grades: [...labels.entries()].map(([value, text]) => ({ value, text })),
    names: { raisedBy: name(dispute.raisedBy), auditor: name(audit.auditorId), practitioner: name(audit.practitionerId), moderator: name(loaded.moderatorId) },
    levels: [0, ...chain.steps.map((_, i) => i + 1)].map((level) => ({ level, title: levelTitle(chain, level), current: level === dispute.level })),
    levelTitle: levelTitle(chain, dispute.level),
    deciderNames,
    steps,
    overdue: open && dispute.stepDueDate < today,
    canStatePosition: open && dispute.level === 0 && loaded.moderatorId === actor.userId,
    canDecide: open && deciderNow,
    canEscalate: open && canEscalate(chain, dispute.level),
  };
}

export async function statePosition(db: Db, actor: Actor, disputeId: string, position: string): Promise<void> {
  const loaded = await loadDispute(db, actor, disputeId);
  if (loaded.moderatorId !== actor.userId) throw new ForbiddenError('Only the moderator records the moderator’s position.');
  if (loaded.dispute.status !== 'open') throw new StateError('This dispute has been resolved.');
  await db.transaction(async (tx) => {
    await tx.update(disputes).set({ moderatorPosition: position }).where(eq(disputes.id, disputeId));
    await tx.insert(disputeSteps).values({ disputeId, level: loaded.dispute.level, kind: 'position', note: position, actorId: actor.userId });
  });
}

export const OutcomeInput = z
  .object({
    level: z.coerce.number().int().min(0),
    decision: z.enum(['resolve', 'escalate'], { message: 'Select whether the dispute is resolved or escalated' }),
    resolvedGrade: z.string().optional(),
    note: z.string({ error: 'Record what was decided and why' }).trim().min(1, 'Record what was decided and why').max(10_000, 'The record must be 10,000 characters or fewer'),
  })
  .superRefine((input, ctx) => {
    if (input.decision === 'resolve' && !input.resolvedGrade) ctx.addIssue({ code: 'custom', path: ['resolvedGrade'], message: 'Select the grade agreed' });
  });

/**
 * Records the outcome at the dispute's current level: resolved with the grade agreed, or escalated
 * to the next level of its chain. `level` is the level the person saw, so two people deciding at
 * once cannot both act on it.
 */
export async function recordOutcome(db: Db, actor: Actor, disputeId: string, input: z.infer<typeof OutcomeInput>, today: IsoDate): Promise<string> {
  requireCapability(actor, 'disputes.view');
  const loaded = await loadDispute(db, actor, disputeId);
  const { dispute, chain, audit } = loaded;
  if (!(await decides(db, actor, loaded))) throw new ForbiddenError('Only the people deciding at this level can record its outcome.');
  if (dispute.status !== 'open') throw new StateError('This dispute has been resolved.');
  const { grades, labels } = await challengeable(db, audit);
  const key = dispute.areaId === '' && dispute.criterionId === '' ? '' : `${dispute.areaId}|${dispute.criterionId}`;
  const moderatedGrade = grades.find((g) => g.key === key)?.moderatedGrade ?? null;
  const [child] = await db.select({ childRef: children.childRef }).from(children).where(eq(children.id, audit.childId));
  if (input.decision === 'escalate') {
    if (!canEscalate(chain, dispute.level)) throw new StateError(`${levelTitle(chain, dispute.level)} is the last level: record the grade decided.`);
    const next = dispute.level + 1;
    await db.transaction(async (tx) => {
      const moved = await tx
        .update(disputes)
        .set({ level: next, stepDueDate: levelDueDate(calendar, today, chain, next) })
        .where(and(eq(disputes.id, disputeId), eq(disputes.level, input.level), eq(disputes.status, 'open')))
        .returning({ id: disputes.id });
      if (moved.length === 0) throw new ConflictError('dispute');
      await tx.insert(disputeSteps).values({ disputeId, level: dispute.level, kind: 'escalated', note: input.note, actorId: actor.userId });
    });
    await notify(db, {
      organisationId: audit.organisationId,
      userIds: (await decidersAt(db, audit, chain, next, loaded.moderatorId)).filter((id) => id !== actor.userId),
      kind: 'dispute-escalated',
      title: `A grading dispute needs your decision: ${child?.childRef ?? ''}`,
      body: `Escalated to ${levelTitle(chain, next)}; decide by ${formatDate(levelDueDate(calendar, today, chain, next))}.`,
      link: `/disputes/${disputeId}`,
      dedupeKey: `dispute-escalated:${disputeId}:${next}`,
    });
    return audit.id;
  }
  const resolvedGrade = input.resolvedGrade!;
  if (!labels.has(resolvedGrade)) throw new StateError('Select a grade on the audit tool’s scale.');
  const outcome = outcomeOf(moderatedGrade, resolvedGrade);
  await db.transaction(async (tx) => {
    const resolved = await tx
      .update(disputes)
      .set({ status: 'resolved', outcome, resolvedGrade, resolvedAt: new Date() })
      .where(and(eq(disputes.id, disputeId), eq(disputes.level, input.level), eq(disputes.status, 'open')))
      .returning({ id: disputes.id });
    if (resolved.length === 0) throw new ConflictError('dispute');
    await tx.insert(disputeSteps).values({ disputeId, level: dispute.level, kind: 'resolved', note: input.note, actorId: actor.userId });
    // The overall judgement decided in a dispute becomes the audit's moderated grade; the
    // moderator's own grade stays in the moderation record.
    await lifecycleMove(() =>
      moveAudit(tx, actor, audit, 'resolve-dispute', audit.version, key === '' ? { moderatedGrade: resolvedGrade } : {}, {
        version: audit.version + 1,
        disputeId,
        outcome,
        from: moderatedGrade,
        to: resolvedGrade,
      }),
    );
  });
  await notify(db, {
    organisationId: audit.organisationId,
    userIds: [dispute.raisedBy, audit.auditorId, audit.practitionerId, loaded.moderatorId].filter((id): id is string => id !== null && id !== actor.userId),
    kind: 'dispute-resolved',
    title: `Grading dispute resolved: ${child?.childRef ?? ''}`,
    body: outcome === 'upheld' ? 'The moderated grade stands.' : `The grade was revised to ${labels.get(resolvedGrade)}.`,
    link: `/disputes/${disputeId}`,
    dedupeKey: `dispute-resolved:${disputeId}`,
  });
  return audit.id;
}

export interface DisputeListing {
  id: string;
  auditId: string;
  childRef: string;
  teamName: string | null;
  raisedAt: Date;
  raisedByName: string;
  status: string;
  level: number;
  levelTitle: string;
  stepDueDate: string;
  outcome: string | null;
  overdue: boolean;
  waitingOnMe: boolean;
}

/**
 * The disputes this person may see: all of them for the QA team and senior leaders; otherwise
 * those on audits they may see, and those waiting on their decision.
 */
export async function listDisputes(db: Db, actor: Actor, today: IsoDate): Promise<{ disputes: DisputeListing[]; summary: DisputeSummary | null }> {
  requireCapability(actor, 'disputes.view');
  const rows = await db
    .select({
      dispute: disputes,
      chain: disputeRoutes.chain,
      audit: audits,
      moderatorId: moderations.moderatorId,
      childRef: children.childRef,
      teamName: teams.name,
      raisedByName: users.displayName,
    })
    .from(disputes)
    .innerJoin(audits, eq(audits.id, disputes.auditId))
    .innerJoin(children, eq(children.id, audits.childId))
    .innerJoin(users, eq(users.id, disputes.raisedBy))
    .leftJoin(teams, eq(teams.id, audits.teamId))
    .leftJoin(disputeRoutes, eq(disputeRoutes.disputeId, disputes.id))
    .leftJoin(moderations, eq(moderations.auditId, disputes.auditId))
    .where(and(eq(audits.organisationId, actor.organisationId), childVisibleSql(actor, sql`${audits.childId}`)))
    .orderBy(desc(disputes.raisedAt));
  const all = actor.roles.includes('qa-officer') || actor.roles.includes('senior-leader');
  const mine = new Set((await db.selectDistinct({ id: disputeSteps.disputeId }).from(disputeSteps).where(eq(disputeSteps.actorId, actor.userId))).map((r) => r.id));
  const scope = all ? 'all' : await visibleTeamIds(db, actor);
  const out: DisputeListing[] = [];
  for (const row of rows) {
    const chain = row.chain ? DisputeChainSchema.parse(row.chain) : DEFAULT_CHAIN;
    const open = row.dispute.status === 'open';
    const waitingOnMe = open && (await decidersAt(db, row.audit, chain, row.dispute.level, row.moderatorId)).includes(actor.userId);
    const involved =
      [row.audit.auditorId, row.audit.practitionerId, row.moderatorId, row.dispute.raisedBy].includes(actor.userId) ||
      mine.has(row.dispute.id) ||
      (scope !== 'all' && (actor.roles.includes('practice-manager') || actor.roles.includes('group-manager')) && row.audit.teamId !== null && scope.includes(row.audit.teamId));
    if (!all && !involved && !waitingOnMe) continue;
    out.push({
      id: row.dispute.id,
      auditId: row.audit.id,
      childRef: row.childRef,
      teamName: row.teamName,
      raisedAt: row.dispute.raisedAt,
      raisedByName: row.raisedByName,
      status: row.dispute.status,
      level: row.dispute.level,
      levelTitle: levelTitle(chain, row.dispute.level),
      stepDueDate: row.dispute.stepDueDate,
      outcome: row.dispute.outcome,
      overdue: open && row.dispute.stepDueDate < today,
      waitingOnMe,
    });
  }
  const summary = all ? summariseDisputes(rows.map((r) => r.dispute), (await getChain(db, actor.organisationId)).chain, today) : null;
  return { disputes: out, summary };
}
