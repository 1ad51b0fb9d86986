/**
 * Restricting a child's record, granting and removing named people's access, lifting a
 * restriction, and the emergency break-glass view. Managing restrictions needs
 * `restrictions.manage`, but only on a record the manager can see: holding the capability opens
 * no restricted record (whoever restricts a record is granted it, so they keep sight of it).
 * Every change bumps the restriction's version; a form sent from an older page is refused.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { addDays, type IsoDate } from '../platform/calendar/iso-date.ts';
import { notifyAndEmail } from '../platform/notify/email/outbox.ts';
import { userRoles, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { chaseSettingsFor, qaLeadIds } from '../actions/settings.ts';
import { breakGlassViews, childRestrictions, restrictionGrants, RESTRICTION_REASONS, type RestrictionReason } from './schema.ts';
import { childVisibleSql, isChildHidden } from './visibility.ts';

/** How long an emergency view lasts: long enough to deal with the emergency, short enough to stay an exception. */
export const BREAK_GLASS_MINUTES = 60;
/** A grant lasts at most a year: access to a restricted record is reviewed at least that often. */
export const LONGEST_GRANT_DAYS = 366;

export const REASON_LABELS: Record<RestrictionReason, string> = {
  'staff-or-relative': 'A member of staff or a relative of staff',
  'high-profile': 'A high-profile family',
  adoption: 'Adoption',
  other: 'Another reason',
};

export class RestrictionProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The moment a grant stops: the start of the day after its last day, in London. */
export function grantEndsAt(lastDay: IsoDate): Date {
  const next = addDays(lastDay, 1);
  // London is UTC or UTC+1: try both and keep the one whose London date is the next day at midnight.
  for (const offset of ['+00:00', '+01:00']) {
    const at = new Date(`${next}T00:00:00${offset}`);
    if (londonDate(at) === next && londonDate(new Date(at.getTime() - 1)) === lastDay) return at;
  }
  return new Date(`${next}T00:00:00Z`);
}

/** The last day a grant works, for showing it. */
export function grantLastDay(expiresAt: Date): IsoDate {
  return londonDate(new Date(expiresAt.getTime() - 1));
}

/** The last day must be today or later, and within a year. */
export function checkLastDay(lastDay: IsoDate, today: IsoDate): void {
  if (lastDay < today) throw new RestrictionProblem('lastDay', 'The last day of access must be today or in the future');
  if (lastDay > addDays(today, LONGEST_GRANT_DAYS)) throw new RestrictionProblem('lastDay', 'The last day of access must be within a year from today');
}

export const RestrictInput = z.object({
  reason: z.enum(RESTRICTION_REASONS, { message: 'Select why the record is restricted' }),
  note: z
    .string()
    .trim()
    .max(500, { message: 'The note must be 500 characters or fewer' })
    .optional()
    .transform((v) => v || null),
});
export type RestrictInput = z.infer<typeof RestrictInput>;

export const BreakGlassInput = z.object({
  reason: z
    .string({ message: 'Enter why you need to see this record now' })
    .trim()
    .min(20, { message: 'Say why you need to see this record now, in at least 20 characters' })
    .max(1000, { message: 'The reason must be 1,000 characters or fewer' }),
});

export interface GrantRow {
  id: string;
  userId: string;
  name: string;
  grantedByName: string | null;
  grantedAt: Date;
  lastDay: IsoDate;
  current: boolean;
}

export interface RestrictionView {
  id: string;
  reason: RestrictionReason;
  reasonLabel: string;
  note: string | null;
  restrictedByName: string | null;
  restrictedAt: Date;
  version: number;
  grants: GrantRow[];
}

/** The child, if the actor may see it; a hidden or unknown child is not found. */
async function visibleChild(db: Db, actor: Actor, childId: string): Promise<{ id: string; childRef: string }> {
  const [child] = await db
    .select({ id: children.id, childRef: children.childRef })
    .from(children)
    .where(and(eq(children.id, childId), eq(children.organisationId, actor.organisationId), childVisibleSql(actor, sql`${children.id}`)));
  if (!child) throw new NotFoundError();
  return child;
}

async function currentRestriction(db: Db, organisationId: string, childId: string) {
  const [row] = await db
    .select()
    .from(childRestrictions)
    .where(and(eq(childRestrictions.childId, childId), eq(childRestrictions.organisationId, organisationId), isNull(childRestrictions.liftedAt)));
  return row;
}

/** The restriction in force on a child the actor can see, with its grants (current and past), or null. */
export async function restrictionOf(db: Db, actor: Actor, childId: string, now: Date): Promise<RestrictionView | null> {
  await visibleChild(db, actor, childId);
  const restriction = await currentRestriction(db, actor.organisationId, childId);
  if (!restriction) return null;
  const granter = sql<string | null>`(select display_name from users g where g.id = ${restrictionGrants.grantedBy})`;
  const grants = await db
    .select({ id: restrictionGrants.id, userId: restrictionGrants.userId, name: users.displayName, grantedByName: granter, grantedAt: restrictionGrants.grantedAt, expiresAt: restrictionGrants.expiresAt })
    .from(restrictionGrants)
    .innerJoin(users, eq(users.id, restrictionGrants.userId))
    .where(and(eq(restrictionGrants.restrictionId, restriction.id), isNull(restrictionGrants.removedAt)))
    .orderBy(asc(users.displayName));
  const [by] = restriction.restrictedBy ? await db.select({ name: users.displayName }).from(users).where(eq(users.id, restriction.restrictedBy)) : [];
  return {
    id: restriction.id,
    reason: restriction.reason,
    reasonLabel: REASON_LABELS[restriction.reason],
    note: restriction.note,
    restrictedByName: by?.name ?? null,
    restrictedAt: restriction.restrictedAt,
    version: restriction.version,
    grants: grants.map(({ expiresAt, ...g }) => ({ ...g, lastDay: grantLastDay(expiresAt), current: expiresAt > now })),
  };
}

/** Restricts a child's record; the person restricting it is granted access until `lastDay`. */
export async function restrictChild(db: Db, actor: Actor, childId: string, input: RestrictInput & { lastDay: IsoDate }, now: Date, requestId?: string): Promise<string> {
  requireCapability(actor, 'restrictions.manage');
  checkLastDay(input.lastDay, londonDate(now));
  return db.transaction(async (tx) => {
    await visibleChild(tx, actor, childId);
    if (await currentRestriction(tx, actor.organisationId, childId)) throw new ConflictError('restriction');
    const [row] = await tx
      .insert(childRestrictions)
      .values({ organisationId: actor.organisationId, childId, reason: input.reason, note: input.note, restrictedBy: actor.userId, restrictedAt: now })
      .returning({ id: childRestrictions.id });
    await tx.insert(restrictionGrants).values({ restrictionId: row!.id, userId: actor.userId, grantedBy: actor.userId, grantedAt: now, expiresAt: grantEndsAt(input.lastDay) });
    await recordAccess(tx, actor, { recordType: 'child-restriction', recordId: row!.id, action: 'create' }, requestId);
    return row!.id;
  });
}

/** Loads the restriction for a change, checking the actor may manage it and nobody changed it since `version`. */
async function forChange(tx: Db, actor: Actor, restrictionId: string, version: number) {
  requireCapability(actor, 'restrictions.manage');
  const [restriction] = await tx
    .select()
    .from(childRestrictions)
    .where(and(eq(childRestrictions.id, restrictionId), eq(childRestrictions.organisationId, actor.organisationId), isNull(childRestrictions.liftedAt)));
  if (!restriction || (await isChildHidden(tx, actor, restriction.childId))) throw new NotFoundError();
  const [bumped] = await tx
    .update(childRestrictions)
    .set({ version: sql`${childRestrictions.version} + 1` })
    .where(and(eq(childRestrictions.id, restrictionId), eq(childRestrictions.version, version)))
    .returning({ id: childRestrictions.id });
  if (!bumped) throw new ConflictError('restriction');
  return restriction;
}

/** Grants a named person access until `lastDay`; a person already granted gets the new last day. */
export async function grantAccess(db: Db, actor: Actor, restrictionId: string, input: { userId: string; lastDay: IsoDate; version: number }, now: Date, requestId?: string): Promise<void> {
  checkLastDay(input.lastDay, londonDate(now));
  await db.transaction(async (tx) => {
    const restriction = await forChange(tx, actor, restrictionId, input.version);
    const [person] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.organisationId, actor.organisationId), isNull(users.disabledAt)));
    if (!person) throw new RestrictionProblem('userId', 'Select who may see this record');
    // One current grant per person: a new one replaces theirs (kept as history).
    await tx
      .update(restrictionGrants)
      .set({ removedAt: now, removedBy: actor.userId })
      .where(and(eq(restrictionGrants.restrictionId, restriction.id), eq(restrictionGrants.userId, input.userId), isNull(restrictionGrants.removedAt)));
    await tx.insert(restrictionGrants).values({ restrictionId: restriction.id, userId: input.userId, grantedBy: actor.userId, grantedAt: now, expiresAt: grantEndsAt(input.lastDay) });
    await recordAccess(tx, actor, { recordType: 'child-restriction', recordId: restriction.id, action: 'update' }, requestId);
  });
}

export async function removeGrant(db: Db, actor: Actor, restrictionId: string, grantId: string, version: number, now: Date, requestId?: string): Promise<void> {
  await db.transaction(async (tx) => {
    const restriction = await forChange(tx, actor, restrictionId, version);
    const removed = await tx
      .update(restrictionGrants)
      .set({ removedAt: now, removedBy: actor.userId })
      .where(and(eq(restrictionGrants.id, grantId), eq(restrictionGrants.restrictionId, restriction.id), isNull(restrictionGrants.removedAt)))
      .returning({ id: restrictionGrants.id });
    if (removed.length === 0) throw new NotFoundError();
    await recordAccess(tx, actor, { recordType: 'child-restriction', recordId: restriction.id, action: 'update' }, requestId);
  });
}

/** Lifts the restriction: the record is open again to everyone whose scope covers it; the history stays. */
export async function liftRestriction(db: Db, actor: Actor, restrictionId: string, version: number, now: Date, requestId?: string): Promise<string> {
  return db.transaction(async (tx) => {
    const restriction = await forChange(tx, actor, restrictionId, version);
    await tx.update(childRestrictions).set({ liftedAt: now, liftedBy: actor.userId }).where(eq(childRestrictions.id, restriction.id));
    await recordAccess(tx, actor, { recordType: 'child-restriction', recordId: restriction.id, action: 'update' }, requestId);
    return restriction.childId;
  });
}

/** People who may be granted access: the council's active staff (partners never see case records). */
export async function grantChoices(db: Db, actor: Actor) {
  requireCapability(actor, 'restrictions.manage');
  return db
    .selectDistinct({ id: users.id, name: users.displayName })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.active, true), sql`${userRoles.role} <> 'partner'`))
    .where(and(eq(users.organisationId, actor.organisationId), isNull(users.disabledAt)))
    .orderBy(asc(users.displayName));
}

/**
 * Whether `childId` is a restricted child hidden from the actor that they may break the glass
 * on. Anything else (no such child, not restricted, already visible, no capability) is "not
 * found", so the break-glass page is no oracle for who is restricted to people who cannot use it.
 */
export async function requireBreakGlassCandidate(db: Db, actor: Actor, childId: string): Promise<void> {
  requireCapability(actor, 'restrictions.break-glass');
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`select c.id from children c where c.id = ${childId}::uuid and c.organisation_id = ${actor.organisationId}::uuid
          and exists (select 1 from child_restrictions r where r.child_id = c.id and r.lifted_at is null)`,
  );
  if (!row) throw new NotFoundError();
}

/**
 * Opens an emergency view of a restricted child for BREAK_GLASS_MINUTES: recorded with its reason,
 * written to the access log as 'break-glass', and reported to the QA lead in-app and by e-mail
 * (a reference and a link; never the child's name or reference).
 */
export async function breakGlass(db: Db, actor: Actor, childId: string, reason: string, now: Date, requestId?: string): Promise<{ id: string; expiresAt: Date }> {
  await requireBreakGlassCandidate(db, actor, childId);
  const expiresAt = new Date(now.getTime() + BREAK_GLASS_MINUTES * 60_000);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(breakGlassViews).values({ organisationId: actor.organisationId, childId, userId: actor.userId, reason, openedAt: now, expiresAt }).returning({ id: breakGlassViews.id });
    const id = row!.id;
    await recordAccess(tx, actor, { recordType: 'child', recordId: childId, action: 'break-glass' }, requestId);
    const settings = await chaseSettingsFor(tx, actor.organisationId);
    const reference = breakGlassReference(id);
    await notifyAndEmail(tx, {
      organisationId: actor.organisationId,
      userIds: (await qaLeadIds(tx, actor.organisationId, settings.qaLeadUserId)).filter((lead) => lead !== actor.userId),
      kind: 'break-glass',
      title: `Emergency access to a restricted record: ${reference}`,
      body: `${actor.displayName} opened a restricted record in an emergency. Review the reason they gave.`,
      emailBody: 'Someone opened a restricted record in an emergency. Review the reason they gave in Sightline.',
      link: '/restrictions/break-glass',
      reference,
      dedupeKey: `break-glass:${id}`,
    });
    return { id, expiresAt };
  });
}

export function breakGlassReference(id: string): string {
  return `BG-${id.slice(0, 8).toUpperCase()}`;
}

export interface BreakGlassRow {
  reference: string;
  userName: string;
  /** The child's reference, only when the viewer may see the child; otherwise null. */
  childRef: string | null;
  childId: string | null;
  reason: string;
  openedAt: Date;
  expiresAt: Date;
}

/**
 * Every break-glass view, newest first, for the QA lead and those who manage restrictions. A
 * child's reference (and link) shows only to a viewer who may see that child; the others see the
 * view's reference, so the report names no restricted child to someone outside its grants.
 */
export async function listBreakGlass(db: Db, actor: Actor, limit = 200): Promise<BreakGlassRow[]> {
  requireCapability(actor, 'restrictions.manage');
  const visible = childVisibleSql(actor, sql`${breakGlassViews.childId}`);
  const rows = await db
    .select({
      id: breakGlassViews.id,
      userName: users.displayName,
      childRef: sql<string | null>`case when ${visible} then ${children.childRef} end`,
      childId: sql<string | null>`case when ${visible} then ${children.id} end`,
      reason: breakGlassViews.reason,
      openedAt: breakGlassViews.openedAt,
      expiresAt: breakGlassViews.expiresAt,
    })
    .from(breakGlassViews)
    .innerJoin(users, eq(users.id, breakGlassViews.userId))
    .innerJoin(children, eq(children.id, breakGlassViews.childId))
    .where(eq(breakGlassViews.organisationId, actor.organisationId))
    .orderBy(desc(breakGlassViews.openedAt))
    .limit(limit);
  return rows.map(({ id, ...r }) => ({ ...r, reference: breakGlassReference(id) }));
}

/** Whether a restriction is in force on the child (for its page's banner, shown only to those who see it). */
export async function isRestricted(db: Db, childId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: childRestrictions.id })
    .from(childRestrictions)
    .where(and(eq(childRestrictions.childId, childId), isNull(childRestrictions.liftedAt)));
  return Boolean(row);
}
