/**
 * What every audit service shares: loading an audit, deciding what this person may do with it,
 * and moving it through its lifecycle with a timeline entry. Services never trust the route to
 * have checked: they call `requireAuditAccess` themselves.
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, NotFoundError, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { visibleTeamIds } from '../org/service.ts';
import { nextStatus, type AuditMove } from './lifecycle.ts';
import { childVisibleSql, isChildHidden } from '../restrictions/visibility.ts';
import { auditEvents, auditInvitations, audits, moderations } from './schema.ts';

export type Audit = typeof audits.$inferSelect;

/** What one person may do with one audit. */
export interface AuditAccess {
  view: boolean;
  /** The allocated practitioner: their self-assessment and their learning. */
  selfAssess: boolean;
  /** The allocated auditor: the stage 1 form, judgement, actions, feedback. */
  audit: boolean;
  /** A moderator the audit was sent to (or any moderator while it waits in the pool). */
  moderate: boolean;
  /** The QA team: allocate, cancel, themes, senior leadership selection. */
  manage: boolean;
  /** Multi-agency partners: only the areas they were invited to. */
  invitedAreas: string[] | undefined;
  /**
   * May see who the child is and their protection details (name, case type and legal status, what
   * the imported data says): everyone who sees the audit, except a partner whose invitation does
   * not share them.
   */
  childDetails: boolean;
  /** The role the person acts in, for the access log. */
  as: string;
}

const NONE: AuditAccess = { view: false, selfAssess: false, audit: false, moderate: false, manage: false, invitedAreas: undefined, childDetails: false, as: 'none' };

export async function loadAudit(db: Db, actor: Actor, auditId: string): Promise<Audit> {
  const [audit] = await db
    .select()
    .from(audits)
    .where(and(eq(audits.id, auditId), eq(audits.organisationId, actor.organisationId)));
  if (!audit) throw new NotFoundError();
  return audit;
}

/**
 * Practitioners see their own audits; auditors their allocations; managers their teams';
 * moderators what is sent to them; partners only audits they are invited to; QA officers and
 * senior leaders all of them.
 */
export async function auditAccess(db: Db, actor: Actor, audit: Audit): Promise<AuditAccess> {
  // An audit of a restricted child exists only for those who may see the child, whatever their role.
  if (await isChildHidden(db, actor, audit.childId)) return { ...NONE };
  const roles = new Set(actor.roles);
  const access: AuditAccess = { ...NONE };
  if (roles.has('qa-officer')) Object.assign(access, { view: true, manage: true, as: 'qa-officer' });
  else if (roles.has('senior-leader')) Object.assign(access, { view: true, as: 'senior-leader' });
  if (audit.practitionerId === actor.userId) Object.assign(access, { view: true, selfAssess: true, as: access.view ? access.as : 'practitioner' });
  if (audit.auditorId === actor.userId) Object.assign(access, { view: true, audit: true, as: 'auditor' });
  if (roles.has('moderator')) {
    const [moderation] = await db.select().from(moderations).where(eq(moderations.auditId, audit.id));
    const waiting = moderation && moderation.moderatorId === null;
    if (moderation && (moderation.moderatorId === actor.userId || waiting) && audit.auditorId !== actor.userId) {
      Object.assign(access, { view: true, moderate: true, as: 'moderator' });
    }
  }
  if (!access.view && (roles.has('practice-manager') || roles.has('group-manager')) && audit.teamId) {
    const scope = await visibleTeamIds(db, actor);
    if (scope === 'all' || scope.includes(audit.teamId)) Object.assign(access, { view: true, as: 'manager' });
  }
  if (!access.view && roles.has('partner')) {
    const [invitation] = await db
      .select()
      .from(auditInvitations)
      .where(and(eq(auditInvitations.auditId, audit.id), eq(auditInvitations.userId, actor.userId)));
    if (invitation) Object.assign(access, { view: true, invitedAreas: invitation.areaIds as string[], as: 'partner' });
    access.childDetails = Boolean(invitation?.shareChildDetails);
    return access;
  }
  access.childDetails = access.view;
  return access;
}

export async function requireAuditAccess(db: Db, actor: Actor, auditId: string, need: 'view' | 'selfAssess' | 'audit' | 'moderate' | 'manage') {
  const audit = await loadAudit(db, actor, auditId);
  const access = await auditAccess(db, actor, audit);
  // Someone with no view of the audit is told it does not exist, not that it is forbidden.
  if (!access.view) throw new NotFoundError();
  if (!access[need]) throw new ForbiddenError();
  return { audit, access };
}

export async function recordAuditEvent(db: Db, auditId: string, actorId: string | null, kind: string, detail?: Record<string, unknown>): Promise<void> {
  await db.insert(auditEvents).values({ auditId, actorId, kind, detail: detail ?? null });
}

/**
 * Moves an audit through its lifecycle: checks the move is legal, that nobody changed the audit
 * since `expectedVersion`, bumps the version and writes the timeline entry. Call inside the
 * transaction that makes the rest of the change.
 */
export async function moveAudit(
  tx: Db,
  actor: Actor,
  audit: Audit,
  move: AuditMove,
  expectedVersion: number,
  changes: Partial<typeof audits.$inferInsert> = {},
  detail: Record<string, unknown> = {},
): Promise<Audit> {
  const to = nextStatus(audit.status, move);
  const [updated] = await tx
    .update(audits)
    .set({ ...changes, status: to, version: sql`${audits.version} + 1` })
    .where(and(eq(audits.id, audit.id), eq(audits.version, expectedVersion)))
    .returning();
  if (!updated) throw new ConflictError('audit');
  await recordAuditEvent(tx, audit.id, actor.userId, move, { from: audit.status, to, ...detail });
  return updated;
}

/**
 * The audits this person may see, as a condition on `audits`: the same rules as `auditAccess`,
 * for lists and counts, so a list never shows an audit its page would refuse.
 */
export async function visibleAuditsWhere(db: Db, actor: Actor): Promise<SQL> {
  const roles = new Set(actor.roles);
  const inOrg = and(eq(audits.organisationId, actor.organisationId), childVisibleSql(actor, sql`${audits.childId}`))!;
  if (roles.has('qa-officer') || roles.has('senior-leader')) return inOrg;
  const ways: SQL[] = [eq(audits.auditorId, actor.userId), eq(audits.practitionerId, actor.userId)];
  if (roles.has('moderator')) {
    ways.push(
      sql`exists (select 1 from ${moderations} m where m.audit_id = ${audits.id} and (m.moderator_id = ${actor.userId} or m.moderator_id is null))`,
    );
  }
  if (roles.has('practice-manager') || roles.has('group-manager')) {
    const scope = await visibleTeamIds(db, actor);
    if (scope === 'all') ways.push(sql`${audits.teamId} is not null`);
    else if (scope.length) ways.push(inArray(audits.teamId, scope));
  }
  if (roles.has('partner')) {
    ways.push(sql`exists (select 1 from ${auditInvitations} i where i.audit_id = ${audits.id} and i.user_id = ${actor.userId})`);
  }
  return and(inOrg, or(...ways))!;
}
