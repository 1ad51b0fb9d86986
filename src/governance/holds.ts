/**
 * Legal holds: a child's record or an audit kept past its disposal date because of litigation,
 * an inquiry, a complaint or a subject access request under way. Placed and lifted by
 * information governance, with a reason each time; lifting never deletes the hold's record.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { requireCapability, type Actor } from '../platform/auth/actor.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { children } from '../cases/schema.ts';
import { audits } from '../audits/schema.ts';
import { users } from '../org/schema.ts';
import { legalHolds } from './schema.ts';

const Reason = z
  .string({ error: 'Enter why the record must be kept' })
  .trim()
  .min(1, 'Enter why the record must be kept')
  .max(1000, 'The reason must be 1,000 characters or fewer');

export const PlaceHoldInput = z.discriminatedUnion(
  'recordType',
  [
    z.object({ recordType: z.literal('child'), childRef: z.string({ error: 'Enter the child’s reference' }).trim().min(1, 'Enter the child’s reference').max(100, 'The reference must be 100 characters or fewer'), reason: Reason }),
    z.object({ recordType: z.literal('audit'), auditId: z.uuid({ error: 'Choose the audit from the retention list' }), reason: Reason }),
  ],
  { error: 'Choose whether to hold a child’s record or an audit' },
);
export type PlaceHoldInput = z.infer<typeof PlaceHoldInput>;

export const LiftHoldInput = z.object({
  reason: z.string({ error: 'Enter why the hold is lifted' }).trim().min(1, 'Enter why the hold is lifted').max(1000, 'The reason must be 1,000 characters or fewer'),
  version: z.string({ error: 'Reload the page and try again' }).regex(/^\d{1,9}$/, 'Reload the page and try again').transform(Number),
});

/** A problem with one field, for the form to show beside it. */
export class HoldFieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export async function findChildByRef(db: Db, organisationId: string, childRef: string): Promise<{ id: string; childRef: string } | undefined> {
  const [row] = await db
    .select({ id: children.id, childRef: children.childRef })
    .from(children)
    .where(and(eq(children.organisationId, organisationId), sql`lower(${children.childRef}) = lower(${childRef.trim()})`));
  return row;
}

export async function placeHold(db: Db, actor: Actor, input: PlaceHoldInput, now: Date): Promise<string> {
  requireCapability(actor, 'governance.manage');
  let recordId: string;
  if (input.recordType === 'child') {
    const child = await findChildByRef(db, actor.organisationId, input.childRef);
    if (!child) throw new HoldFieldProblem('childRef', 'No child has that reference');
    recordId = child.id;
  } else {
    const [audit] = await db.select({ id: audits.id }).from(audits).where(and(eq(audits.id, input.auditId), eq(audits.organisationId, actor.organisationId)));
    if (!audit) throw new HoldFieldProblem('auditId', 'No audit has that id');
    recordId = audit.id;
  }
  const [row] = await db
    .insert(legalHolds)
    .values({ organisationId: actor.organisationId, recordType: input.recordType, recordId, reason: input.reason, placedBy: actor.userId, placedAt: now })
    .returning({ id: legalHolds.id });
  return row!.id;
}

export async function liftHold(db: Db, actor: Actor, holdId: string, input: z.infer<typeof LiftHoldInput>, now: Date): Promise<void> {
  requireCapability(actor, 'governance.manage');
  const updated = await db
    .update(legalHolds)
    .set({ liftedAt: now, liftedBy: actor.userId, liftReason: input.reason, version: sql`${legalHolds.version} + 1` })
    .where(and(eq(legalHolds.id, holdId), eq(legalHolds.organisationId, actor.organisationId), eq(legalHolds.version, input.version), isNull(legalHolds.liftedAt)))
    .returning({ id: legalHolds.id });
  if (updated.length > 0) return;
  const [exists] = await db.select({ id: legalHolds.id }).from(legalHolds).where(and(eq(legalHolds.id, holdId), eq(legalHolds.organisationId, actor.organisationId)));
  if (!exists) throw new NotFoundError();
  throw new ConflictError('legal hold');
}

export interface HoldView {
  id: string;
  recordType: 'child' | 'audit';
  recordId: string;
  /** The child's reference (the audit's child for an audit); null once the record is gone. */
  childRef: string | null;
  reason: string;
  placedByName: string;
  placedAt: Date;
  liftedAt: Date | null;
  liftedByName: string | null;
  liftReason: string | null;
  version: number;
}

export async function listHolds(db: Db, actor: Actor): Promise<HoldView[]> {
  requireCapability(actor, 'governance.manage');
  const rows = await db.execute(sql`
    select h.id, h.record_type as "recordType", h.record_id as "recordId", coalesce(c.child_ref, ac.child_ref) as "childRef", h.reason,
           p.display_name as "placedByName", h.placed_at as "placedAt", h.lifted_at as "liftedAt", l.display_name as "liftedByName",
           h.lift_reason as "liftReason", h.version
      from ${legalHolds} h
      join ${users} p on p.id = h.placed_by
      left join ${users} l on l.id = h.lifted_by
      left join ${children} c on h.record_type = 'child' and c.id = h.record_id
      left join ${audits} a on h.record_type = 'audit' and a.id = h.record_id
      left join ${children} ac on ac.id = a.child_id
     where h.organisation_id = ${actor.organisationId}
     order by h.lifted_at is not null, h.placed_at desc`);
  return (rows as unknown as { rows: Array<HoldView & { placedAt: Date | string; liftedAt: Date | string | null }> }).rows.map((r) => ({
    ...r,
    placedAt: new Date(r.placedAt),
    liftedAt: r.liftedAt ? new Date(r.liftedAt) : null,
  }));
}

/** Holds are few (tens, not thousands): one is read from the list rather than by a query of its own. */
export async function getHold(db: Db, actor: Actor, holdId: string): Promise<HoldView> {
  const hold = (await listHolds(db, actor)).find((h) => h.id === holdId);
  if (!hold) throw new NotFoundError();
  return hold;
}
