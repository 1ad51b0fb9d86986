/**
 * Stage 2, moderation (seed 002): "a sample group of these audits will be moderated". Submitted
 * audits are selected (all inadequate plus a seeded random share, by default), wait in the
 * moderators' pool, are claimed by one moderator, who records the reflective discussion and agrees
 * or revises each grade and the overall judgement with reasons. The auditor's grades are never
 * changed: the moderation keeps its own rows (stage `moderation`).
 */
import { childVisibleSql } from '../../restrictions/visibility.ts';
import { and, desc, eq, inArray, isNull, isNotNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/client.ts';
import { ForbiddenError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { notify } from '../../platform/notify/in-app.ts';
import { teams, users } from '../../org/schema.ts';
import { children } from '../../cases/schema.ts';
import { getAuditToolVersion } from '../../standards/versions/service.ts';
import type { AuditTool } from '../../standards/schema.ts';
import { loadAudit, moveAudit, recordAuditEvent, requireAuditAccess, type Audit } from '../core.ts';
import { audits, moderations, responses } from '../schema.ts';
import { formAreas } from '../tool-form.ts';
import { holdersOf } from '../programme/people.ts';
import { lifecycleMove, StateError } from '../programme/http.ts';
import { decideModeration, DEFAULT_SHARE, worstGrade, type ModerationDecision, type ModerationShare } from './selection.ts';
import { moderationSettings } from './schema.ts';
import type { ModerationForm } from './form.ts';

export interface ShareSettings extends ModerationShare {
  /** 0 until the council saves its own settings. */
  version: number;
}

export async function getShare(db: Db, organisationId: string): Promise<ShareSettings> {
  const [row] = await db.select().from(moderationSettings).where(eq(moderationSettings.organisationId, organisationId));
  // The default seed is the council's id: fixed, so selections made before any settings are saved can be checked.
  if (!row) return { ...DEFAULT_SHARE, seed: organisationId, version: 0 };
  return { allInadequate: row.allInadequate, randomPercent: row.randomPercent, seed: row.seed, version: row.version };
}

export async function updateShare(db: Db, actor: Actor, version: number, input: { allInadequate: boolean; randomPercent: number }): Promise<void> {
  requireCapability(actor, 'programme.manage');
  if (version === 0) {
    const inserted = await db
      .insert(moderationSettings)
      .values({ organisationId: actor.organisationId, ...input, seed: actor.organisationId })
      .onConflictDoNothing()
      .returning({ id: moderationSettings.organisationId });
    if (inserted.length === 0) throw new ConflictError('moderation settings');
    return;
  }
  const updated = await db
    .update(moderationSettings)
    .set({ ...input, version: sql`${moderationSettings.version} + 1` })
    .where(and(eq(moderationSettings.organisationId, actor.organisationId), eq(moderationSettings.version, version)))
    .returning({ id: moderationSettings.organisationId });
  if (updated.length === 0) throw new ConflictError('moderation settings');
}

async function childRefOf(db: Db, childId: string): Promise<string> {
  const [row] = await db.select({ childRef: children.childRef }).from(children).where(eq(children.id, childId));
  return row?.childRef ?? 'a case';
}

/**
 * Decides whether a submitted audit is moderated, and moves it on: to moderation (waiting in the
 * pool, the moderators told) or closed. The decision, the draw and the share it was made under go
 * on the audit's timeline either way. Call it in the transaction that submits the audit, with
 * the audit as it stands after submission.
 */
export async function selectForModeration(tx: Db, actor: Actor, audit: Audit): Promise<ModerationDecision> {
  if (audit.status !== 'submitted') throw new StateError('Only a submitted audit can be selected for moderation.');
  const tool = await getAuditToolVersion(tx, audit.organisationId, audit.toolId, audit.toolVersion);
  const share = await getShare(tx, audit.organisationId);
  const decision = decideModeration(audit, worstGrade(tool), share);
  const detail = { because: decision.because, draw: Number(decision.draw.toFixed(4)), share: { allInadequate: share.allInadequate, randomPercent: share.randomPercent, seed: share.seed } };
  if (!decision.selected) {
    await moveAudit(tx, actor, audit, 'close', audit.version, { closedAt: new Date() }, { ...detail, moderation: 'not selected' });
    return decision;
  }
  await moveAudit(tx, actor, audit, 'moderate', audit.version, { moderationSelected: true }, detail);
  await tx.insert(moderations).values({ auditId: audit.id, selectedBecause: decision.because! });
  const moderators = (await holdersOf(tx, audit.organisationId, 'moderator')).filter((id) => id !== audit.auditorId && id !== audit.practitionerId);
  const ref = await childRefOf(tx, audit.childId);
  await notify(tx, {
    organisationId: audit.organisationId,
    userIds: moderators,
    kind: 'moderation-waiting',
    title: `Audit ready for moderation: ${ref}`,
    body: decision.because === 'inadequate' ? 'The audit found the case inadequate, so it is moderated.' : 'The audit was drawn at random for moderation.',
    link: `/moderation/${audit.id}`,
    dedupeKey: `moderation-waiting:${audit.id}`,
  });
  return decision;
}

/**
 * Runs the selection for every submitted audit still waiting for it: the QA team's catch-up for
 * audits submitted before selection ran at submission, or when it could not.
 */
export async function processSubmitted(db: Db, actor: Actor): Promise<{ moderated: number; closed: number }> {
  requireCapability(actor, 'programme.manage');
  const waiting = await db
    .select({ id: audits.id })
    .from(audits)
    .where(and(eq(audits.organisationId, actor.organisationId), eq(audits.status, 'submitted')));
  let moderated = 0;
  let closed = 0;
  for (const { id } of waiting) {
    const decision = await db.transaction(async (tx) => {
      const audit = await loadAudit(tx, actor, id);
      // Someone else (or the submission itself) may have moved it on since the list was read.
      return audit.status === 'submitted' ? selectForModeration(tx, actor, audit) : null;
    });
    if (decision?.selected) moderated++;
    else if (decision) closed++;
  }
  return { moderated, closed };
}

export interface PoolRow {
  auditId: string;
  childRef: string;
  teamName: string | null;
  auditorName: string;
  finalGrade: string | null;
  selectedBecause: string;
  assignedAt: Date;
  moderatorId: string | null;
  moderatorName: string | null;
  completedAt: Date | null;
  toolId: string;
  toolVersion: number;
}

async function poolRows(db: Db, actor: Actor, where: ReturnType<typeof and>, limit = 200): Promise<PoolRow[]> {
  const moderator = sql<string | null>`(select display_name from users m where m.id = ${moderations.moderatorId})`;
  return db
    .select({
      auditId: audits.id,
      childRef: children.childRef,
      teamName: teams.name,
      auditorName: users.displayName,
      finalGrade: audits.finalGrade,
      selectedBecause: moderations.selectedBecause,
      assignedAt: moderations.assignedAt,
      moderatorId: moderations.moderatorId,
      moderatorName: moderator,
      completedAt: moderations.completedAt,
      toolId: audits.toolId,
      toolVersion: audits.toolVersion,
    })
    .from(moderations)
    .innerJoin(audits, eq(audits.id, moderations.auditId))
    .innerJoin(children, eq(children.id, audits.childId))
    .innerJoin(users, eq(users.id, audits.auditorId))
    .leftJoin(teams, eq(teams.id, audits.teamId))
    .where(and(eq(audits.organisationId, actor.organisationId), childVisibleSql(actor, sql`${audits.childId}`), where))
    .orderBy(desc(moderations.assignedAt))
    .limit(limit);
}

/**
 * The moderation pool. Moderators see what waits (except audits they carried out or hold as
 * worker: nobody moderates their own), what they have claimed, and what they completed; the QA
 * team sees everything, and how many submitted audits still wait for selection.
 */
export async function moderationPool(db: Db, actor: Actor) {
  requireCapability(actor, 'moderation.view');
  const qa = actor.roles.includes('qa-officer');
  const notMine = and(sql`${audits.auditorId} <> ${actor.userId}`, sql`${audits.practitionerId} is distinct from ${actor.userId}`);
  const [waiting, claimed, completed, submitted] = await Promise.all([
    poolRows(db, actor, and(isNull(moderations.moderatorId), isNull(moderations.completedAt), qa ? undefined : notMine)),
    poolRows(db, actor, and(isNotNull(moderations.moderatorId), isNull(moderations.completedAt), qa ? undefined : eq(moderations.moderatorId, actor.userId))),
    poolRows(db, actor, and(isNotNull(moderations.completedAt), qa ? undefined : eq(moderations.moderatorId, actor.userId)), 20),
    qa
      ? db
          .select({ n: sql<number>`count(*)::int` })
          .from(audits)
          .where(and(eq(audits.organisationId, actor.organisationId), eq(audits.status, 'submitted'), childVisibleSql(actor, sql`${audits.childId}`)))
      : Promise.resolve([{ n: 0 }]),
  ]);
  return { waiting, claimed, completed, submittedWaiting: submitted[0]?.n ?? 0 };
}

export async function waitingCount(db: Db, actor: Actor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(moderations)
    .innerJoin(audits, eq(audits.id, moderations.auditId))
    .where(
      and(eq(audits.organisationId, actor.organisationId), isNull(moderations.moderatorId), isNull(moderations.completedAt), sql`${audits.auditorId} <> ${actor.userId}`, childVisibleSql(actor, sql`${audits.childId}`)),
    );
  return row?.n ?? 0;
}

async function requireModeration(db: Db, auditId: string) {
  const [moderation] = await db.select().from(moderations).where(eq(moderations.auditId, auditId));
  if (!moderation) throw new StateError('This audit was not selected for moderation.');
  return moderation;
}

/** Takes an audit from the pool. Claiming one already claimed by the same moderator is harmless. */
export async function claimModeration(db: Db, actor: Actor, auditId: string): Promise<void> {
  requireCapability(actor, 'moderation.moderate');
  const { audit } = await requireAuditAccess(db, actor, auditId, 'moderate');
  if (audit.practitionerId === actor.userId) throw new ForbiddenError('You cannot moderate an audit of a case you hold.');
  const moderation = await requireModeration(db, auditId);
  if (moderation.completedAt) throw new StateError('This moderation is already complete.');
  if (moderation.moderatorId === actor.userId) return;
  const claimed = await db
    .update(moderations)
    .set({ moderatorId: actor.userId })
    .where(and(eq(moderations.auditId, auditId), isNull(moderations.moderatorId)))
    .returning({ id: moderations.auditId });
  if (claimed.length === 0) throw new StateError('Another moderator has claimed this audit.');
}

export interface ModerationItem {
  index: number;
  areaId: string;
  criterionId: string;
  areaTitle: string;
  title: string;
  label: string;
  /** The auditor's grade and evidence. */
  grade: string;
  evidence: string | null;
  workingWell: string | null;
  worries: string | null;
  nextSteps: string | null;
  /** The practitioner's self-assessed grade and reflection, once submitted. */
  selfGrade: string | null;
  selfReason: string | null;
  /** The moderation so far. */
  moderatedGrade: string | null;
  moderatedReason: string | null;
}

export interface ModerationRecord {
  audit: Audit;
  tool: AuditTool;
  child: { childRef: string; caseType: string | null };
  names: { auditor: string; practitioner: string | null; team: string | null; moderator: string | null };
  moderation: typeof moderations.$inferSelect;
  items: ModerationItem[];
  canModerate: boolean;
}

/** The graded items of stage 1 in the tool's order, with the moderation's rows beside them. */
export async function loadModeration(db: Db, actor: Actor, auditId: string): Promise<ModerationRecord> {
  requireCapability(actor, 'moderation.view');
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  // Moderators see what is sent to them; the QA team sees every moderation.
  if (!access.moderate && !access.manage) throw new ForbiddenError();
  const moderation = await requireModeration(db, auditId);
  const tool = await getAuditToolVersion(db, audit.organisationId, audit.toolId, audit.toolVersion);
  const [child] = await db.select({ childRef: children.childRef, caseType: children.caseType }).from(children).where(eq(children.id, audit.childId));
  const ids = [audit.auditorId, audit.practitionerId, moderation.moderatorId].filter((x): x is string => x !== null);
  const [people, team, rows, selfAssessed] = await Promise.all([
    db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids)),
    audit.teamId ? db.select({ name: teams.name }).from(teams).where(eq(teams.id, audit.teamId)) : Promise.resolve([]),
    db.select().from(responses).where(eq(responses.auditId, audit.id)),
    queryRows(db, sql`select 1 from audit_events where audit_id = ${audit.id} and kind = 'self-assess' limit 1`),
  ]);
  const selfSubmitted = selfAssessed.length > 0;
  const row = (stage: string, areaId: string, criterionId: string) => rows.find((r) => r.stage === stage && r.areaId === areaId && r.criterionId === criterionId);
  const items: ModerationItem[] = [];
  for (const area of formAreas(tool, child?.caseType ?? null)) {
    // The area as a whole after its criteria, as the audit form shows it.
    for (const item of [...area.items.slice(1), area.items[0]!]) {
      const given = row('audit', area.id, item.criterionId);
      if (!given?.grade) continue;
      const own = selfSubmitted ? row('self-assessment', area.id, item.criterionId) : undefined;
      const moderated = row('moderation', area.id, item.criterionId);
      items.push({
        index: items.length,
        areaId: area.id,
        criterionId: item.criterionId,
        areaTitle: `${area.number}. ${area.title}`,
        title: item.title,
        label: item.criterionId ? item.title : `${area.number}. ${area.title}`,
        grade: given.grade,
        evidence: given.evidence,
        workingWell: given.workingWell,
        worries: given.worries,
        nextSteps: given.nextSteps,
        selfGrade: own?.grade ?? null,
        selfReason: own?.reason ?? null,
        moderatedGrade: moderated?.grade ?? null,
        moderatedReason: moderated?.reason ?? null,
      });
    }
  }
  const name = (id: string | null) => people.find((p) => p.id === id)?.name ?? null;
  return {
    audit,
    tool,
    child: child ?? { childRef: 'Unknown', caseType: null },
    names: { auditor: name(audit.auditorId) ?? '', practitioner: name(audit.practitionerId), team: team[0]?.name ?? null, moderator: name(moderation.moderatorId) },
    moderation,
    items,
    canModerate: access.moderate && audit.status === 'in-moderation' && moderation.moderatorId === actor.userId,
  };
}

/**
 * Saves the moderation (a draft, or complete). A moderator saving an audit still in the pool
 * claims it. The save names the audit version it started from; a stale one is refused.
 */
export async function saveModeration(db: Db, actor: Actor, auditId: string, version: number, form: ModerationForm, options: { complete: boolean }): Promise<void> {
  requireCapability(actor, 'moderation.moderate');
  const { audit } = await requireAuditAccess(db, actor, auditId, 'moderate');
  if (audit.status !== 'in-moderation') throw new StateError('This audit is not in moderation any more.');
  await claimModeration(db, actor, auditId);
  const ref = await childRefOf(db, audit.childId);
  await db.transaction(async (tx) => {
    for (const item of form.items) {
      if (!item) continue;
      const values = { grade: item.grade, reason: item.reason, updatedBy: actor.userId, updatedAt: new Date() };
      await tx
        .insert(responses)
        .values({ auditId, stage: 'moderation', areaId: item.areaId, criterionId: item.criterionId, ...values })
        .onConflictDoUpdate({ target: [responses.auditId, responses.stage, responses.areaId, responses.criterionId], set: values });
    }
    await tx
      .update(moderations)
      .set({
        reflectiveDiscussion: form.discussion,
        overallGrade: form.overall?.grade ?? null,
        overallReason: form.overall?.reason ?? null,
        ...(options.complete ? { completedAt: new Date() } : {}),
      })
      .where(eq(moderations.auditId, auditId));
    const revised = form.items.filter((i) => i?.decision === 'revise').length;
    if (options.complete) {
      await lifecycleMove(() =>
        moveAudit(tx, actor, audit, 'complete-moderation', version, { moderatedGrade: form.overall!.grade }, { version: version + 1, revised, overall: form.overall!.decision }),
      );
    } else {
      const saved = await tx
        .update(audits)
        .set({ version: sql`${audits.version} + 1` })
        .where(and(eq(audits.id, auditId), eq(audits.version, version)))
        .returning({ id: audits.id });
      if (saved.length === 0) throw new ConflictError('audit');
      await recordAuditEvent(tx, auditId, actor.userId, 'moderation-saved', { version: version + 1, revised });
    }
  });
  if (options.complete) {
    const [serviceLead] = audit.teamId
      ? await db
          .select({ id: sql<string | null>`(select s.lead_user_id from services s where s.id = ${teams.serviceId})` })
          .from(teams)
          .where(eq(teams.id, audit.teamId))
      : [];
    const qa = await holdersOf(db, audit.organisationId, 'qa-officer');
    await notify(db, {
      organisationId: audit.organisationId,
      userIds: [audit.auditorId, audit.practitionerId, serviceLead?.id ?? null, ...qa].filter((id): id is string => id !== null && id !== actor.userId),
      kind: 'moderation-complete',
      title: `Stages 1 and 2 complete: audit of ${ref}`,
      body: form.items.some((i) => i?.decision === 'revise') || form.overall?.decision === 'revise' ? 'The moderator revised some grades, with reasons.' : 'The moderator agreed the grades.',
      link: `/audits/${auditId}`,
      dedupeKey: `moderation-complete:${auditId}`,
    });
  }
}
