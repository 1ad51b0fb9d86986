/**
 * Disposal: which records are due under the retention schedule, which of those a legal hold
 * keeps, and the run that deletes the rest. Each record goes in its own transaction with
 * everything that depends on it (a child's facts, deadlines, audits and actions; an audit's
 * grades, notes, alerts, moderation, disputes, feedback and learning), and leaves one row per
 * record in the append-only disposal log: type, id, class, date, run, who. No names, no content.
 *
 * The access log is never touched: it is append-only evidence with a class of its own that
 * Sightline does not dispose of (docs/DECISIONS.md).
 */
import { and, eq, inArray, isNotNull, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../platform/db/client.ts';
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import { children, caseFacts, caseImportProblems } from '../cases/schema.ts';
import { complianceItems } from '../timeliness/schema.ts';
import {
  audits,
  auditEvents,
  auditInvitations,
  auditThemes,
  disputes,
  disputeSteps,
  familyFeedback,
  moderations,
  reflectiveLearning,
  responses,
  rounds,
  safeguardingAlertRecipients,
  safeguardingAlerts,
} from '../audits/schema.ts';
import { roundAllocations } from '../audits/programme/schema.ts';
import type { DrawRecord } from '../audits/programme/rounds.ts';
import { safeguardingAlertNotes } from '../audits/stage-one/schema.ts';
import { disputeRoutes } from '../audits/disputes/schema.ts';
import { actionChases, actionEvents, actions } from '../actions/schema.ts';
import { notifications } from '../platform/notify/schema.ts';
import { emailMessages } from '../platform/notify/email/schema.ts';
import { breakGlassViews, childRestrictions, restrictionGrants } from '../restrictions/schema.ts';
import { disposalLog, disposalRuns, legalHolds } from './schema.ts';
import { actionDisposalDate, auditDisposalDate, childDisposalDate, importProblemsDisposalDate, isDue, type DisposalDate, type RetentionClassId } from './retention.ts';

export type DisposableType = 'child' | 'audit' | 'action' | 'import-problems';

export interface Hold {
  id: string;
  recordType: 'child' | 'audit';
  recordId: string;
  reason: string;
  placedAt: Date;
  version: number;
}

export interface ReviewedRecord {
  recordType: DisposableType;
  id: string;
  /** The child's reference, where the record is about a child: lists show references, never names. */
  childRef: string | null;
  retentionClass: RetentionClassId;
  disposalDate: IsoDate;
  /** The holds that keep it (its own, its child's, or one of its audits'). */
  holds: Hold[];
  /** Work still under way that keeps it: an open audit or action. */
  blockedBy: string | null;
}

export interface RetentionReview {
  asOf: IsoDate;
  /** Due, not held and not blocked: what a run would dispose of. */
  due: ReviewedRecord[];
  /** Due, but kept by a legal hold or work under way. */
  kept: ReviewedRecord[];
  /** Children with no disposal date (no date of birth): never disposed of automatically. */
  undated: Array<{ id: string; childRef: string; retentionClass: RetentionClassId; why: string }>;
}

interface ChildRow {
  id: string;
  child_ref: string;
  case_type: string | null;
  date_of_birth: string | null;
  last_activity: string | null;
  open_audit: boolean;
  open_action: boolean;
}

interface AuditRow {
  id: string;
  child_id: string;
  child_ref: string;
  ended_on: string | null;
  open_action: boolean;
}

interface ActionRow {
  id: string;
  child_id: string | null;
  child_ref: string | null;
  ended_on: string | null;
}

const LONDON_DAY = (column: SQL) => sql`(${column} at time zone 'Europe/London')::date`;
const OPEN_ACTION = sql`('open', 'done', 'reopened')`;
const FINISHED_AUDIT = sql`('closed', 'cancelled')`;

async function activeHolds(db: Db, organisationId: string): Promise<Hold[]> {
  return db
    .select({ id: legalHolds.id, recordType: legalHolds.recordType, recordId: legalHolds.recordId, reason: legalHolds.reason, placedAt: legalHolds.placedAt, version: legalHolds.version })
    .from(legalHolds)
    .where(and(eq(legalHolds.organisationId, organisationId), isNull(legalHolds.liftedAt)));
}

/** Everything due for disposal on `asOf` in one council, with the holds and open work that keep some of it. */
export async function reviewRetention(db: Db, organisationId: string, asOf: IsoDate): Promise<RetentionReview> {
  const childRows = await queryRows<ChildRow>(
    db,
    sql`select c.id, c.child_ref, c.case_type, c.date_of_birth::text as date_of_birth,
               greatest((select max(greatest(f.event_date, f.end_date)) from case_facts f where f.child_id = c.id),
                        (select max(greatest(${LONDON_DAY(sql`a.created_at`)}, ${LONDON_DAY(sql`a.closed_at`)})) from audits a where a.child_id = c.id))::text as last_activity,
               exists (select 1 from audits a where a.child_id = c.id and a.status not in ${FINISHED_AUDIT}) as open_audit,
               exists (select 1 from actions x left join audits a on a.id = x.audit_id
                        where (x.child_id = c.id or a.child_id = c.id) and x.status in ${OPEN_ACTION}) as open_action
          from children c where c.organisation_id = ${organisationId}`,
  );
  const auditRows = await queryRows<AuditRow>(
    db,
    sql`select a.id, a.child_id, c.child_ref,
               (case when a.status = 'closed' then ${LONDON_DAY(sql`a.closed_at`)}
                     when a.status = 'cancelled' then coalesce(${LONDON_DAY(sql`a.closed_at`)},
                          (select max(${LONDON_DAY(sql`e.at`)}) from audit_events e where e.audit_id = a.id), ${LONDON_DAY(sql`a.created_at`)}) end)::text as ended_on,
               exists (select 1 from actions x where x.audit_id = a.id and x.status in ${OPEN_ACTION}) as open_action
          from audits a join children c on c.id = a.child_id
         where a.organisation_id = ${organisationId}`,
  );
  const actionRows = await queryRows<ActionRow>(
    db,
    sql`select x.id, x.child_id, c.child_ref,
               (case when x.status = 'signed-off' then ${LONDON_DAY(sql`x.signed_off_at`)}
                     when x.status = 'cancelled' then ${LONDON_DAY(sql`x.updated_at`)} end)::text as ended_on
          from actions x left join children c on c.id = x.child_id
         where x.organisation_id = ${organisationId} and x.audit_id is null`,
  );
  const importRows = await queryRows<{ id: string; finished_on: string | null }>(
    db,
    sql`select i.id, ${LONDON_DAY(sql`i.finished_at`)}::text as finished_on from case_imports i
         where i.organisation_id = ${organisationId} and exists (select 1 from case_import_problems p where p.import_id = i.id)`,
  );
  const holds = await activeHolds(db, organisationId);
  const holdsOn = (type: 'child' | 'audit', id: string) => holds.filter((h) => h.recordType === type && h.recordId === id);
  const auditsOfChild = new Map<string, AuditRow[]>();
  for (const a of auditRows) auditsOfChild.set(a.child_id, [...(auditsOfChild.get(a.child_id) ?? []), a]);

  const review: RetentionReview = { asOf, due: [], kept: [], undated: [] };
  const place = (record: ReviewedRecord) => (record.holds.length > 0 || record.blockedBy ? review.kept : review.due).push(record);
  const goingWithChild = new Set<string>();

  for (const c of childRows) {
    const disposal = childDisposalDate({ caseType: c.case_type, dateOfBirth: c.date_of_birth, lastActivityOn: c.last_activity });
    if (disposal.date === null) {
      review.undated.push({ id: c.id, childRef: c.child_ref, retentionClass: disposal.retentionClass, why: disposal.why });
      continue;
    }
    if (!isDue(disposal, asOf)) continue;
    const childAudits = auditsOfChild.get(c.id) ?? [];
    for (const a of childAudits) goingWithChild.add(a.id);
    place({
      recordType: 'child',
      id: c.id,
      childRef: c.child_ref,
      retentionClass: disposal.retentionClass,
      disposalDate: disposal.date,
      holds: [...holdsOn('child', c.id), ...childAudits.flatMap((a) => holdsOn('audit', a.id))],
      blockedBy: c.open_audit ? 'An audit of the child is still under way' : c.open_action ? 'An action for the child is still open' : null,
    });
  }
  for (const a of auditRows) {
    if (goingWithChild.has(a.id)) continue;
    const disposal = auditDisposalDate(a.ended_on);
    if (!isDue(disposal, asOf)) continue;
    place({
      recordType: 'audit',
      id: a.id,
      childRef: a.child_ref,
      retentionClass: disposal.retentionClass,
      disposalDate: disposal.date,
      holds: [...holdsOn('audit', a.id), ...holdsOn('child', a.child_id)],
      blockedBy: a.open_action ? 'An action agreed in the audit is still open' : null,
    });
  }
  const childDue = new Set(review.due.concat(review.kept).filter((r) => r.recordType === 'child').map((r) => r.id));
  for (const x of actionRows) {
    if (x.child_id && childDue.has(x.child_id)) continue;
    const disposal = actionDisposalDate(x.ended_on);
    if (!isDue(disposal, asOf)) continue;
    place({ recordType: 'action', id: x.id, childRef: x.child_ref, retentionClass: disposal.retentionClass, disposalDate: disposal.date, holds: x.child_id ? holdsOn('child', x.child_id) : [], blockedBy: null });
  }
  for (const i of importRows) {
    const disposal: DisposalDate = importProblemsDisposalDate(i.finished_on);
    if (!isDue(disposal, asOf)) continue;
    place({ recordType: 'import-problems', id: i.id, childRef: null, retentionClass: disposal.retentionClass, disposalDate: disposal.date, holds: [], blockedBy: null });
  }
  const order = (a: ReviewedRecord, b: ReviewedRecord) => a.disposalDate.localeCompare(b.disposalDate) || a.recordType.localeCompare(b.recordType) || (a.childRef ?? '').localeCompare(b.childRef ?? '') || a.id.localeCompare(b.id);
  review.due.sort(order);
  review.kept.sort(order);
  review.undated.sort((a, b) => a.childRef.localeCompare(b.childRef));
  return review;
}

export interface DisposalOutcome {
  runId: string;
  disposed: number;
  /** Due records kept by a hold or by open work, found at the start of the run or inside a record's transaction. */
  kept: number;
  byType: Record<DisposableType, number>;
}

/**
 * Disposes of every record due on `asOf` and not kept. Each record is re-checked inside its own
 * transaction (a hold placed, or an audit reopened, since the review keeps the record), so a
 * record is either gone with everything under it and logged, or untouched.
 */
export async function runDisposal(
  db: Db,
  options: { organisationId: string; asOf: IsoDate; userId: string | null; channel: 'browser' | 'command line'; now: Date },
): Promise<DisposalOutcome> {
  const review = await reviewRetention(db, options.organisationId, options.asOf);
  const [run] = await db
    .insert(disposalRuns)
    .values({ organisationId: options.organisationId, asOf: options.asOf, startedBy: options.userId, channel: options.channel, startedAt: options.now })
    .returning({ id: disposalRuns.id });
  const runId = run!.id;
  const byType: Record<DisposableType, number> = { child: 0, audit: 0, action: 0, 'import-problems': 0 };
  let kept = review.kept.length;
  for (const record of review.due) {
    const done = await db.transaction(async (tx) => {
      if (!(await stillDue(tx, record))) return false;
      await disposeOne(tx, record, { runId, organisationId: options.organisationId, userId: options.userId });
      return true;
    });
    if (done) byType[record.recordType] += 1;
    else kept += 1;
  }
  const disposed = Object.values(byType).reduce((a, b) => a + b, 0);
  await db.update(disposalRuns).set({ finishedAt: new Date(), disposed, held: kept }).where(eq(disposalRuns.id, runId));
  return { runId, disposed, kept, byType };
}

const held = (type: 'child' | 'audit', id: SQL) => sql`exists (select 1 from legal_holds h where h.record_type = ${type} and h.record_id = ${id} and h.lifted_at is null)`;

/** The review's verdict checked again inside the record's transaction, with its row locked. */
async function stillDue(tx: Db, record: ReviewedRecord): Promise<boolean> {
  switch (record.recordType) {
    case 'import-problems':
      return true;
    case 'action': {
      const [row] = await queryRows<{ kept: boolean }>(
        tx,
        sql`select (x.child_id is not null and ${held('child', sql`x.child_id`)}) as kept from actions x where x.id = ${record.id} and x.status in ('signed-off', 'cancelled') for update`,
      );
      return row !== undefined && !row.kept;
    }
    case 'audit': {
      const [row] = await queryRows<{ kept: boolean }>(
        tx,
        sql`select (${held('audit', sql`a.id`)} or ${held('child', sql`a.child_id`)}
                    or exists (select 1 from actions x where x.audit_id = a.id and x.status in ${OPEN_ACTION})) as kept
              from audits a where a.id = ${record.id} and a.status in ${FINISHED_AUDIT} for update`,
      );
      return row !== undefined && !row.kept;
    }
    case 'child': {
      const [row] = await queryRows<{ kept: boolean }>(
        tx,
        sql`select (${held('child', sql`c.id`)}
                    or exists (select 1 from audits a where a.child_id = c.id and (a.status not in ${FINISHED_AUDIT} or ${held('audit', sql`a.id`)}))
                    or exists (select 1 from actions x left join audits a on a.id = x.audit_id
                                where (x.child_id = c.id or a.child_id = c.id) and x.status in ${OPEN_ACTION})) as kept
              from children c where c.id = ${record.id} for update`,
      );
      return row !== undefined && !row.kept;
    }
  }
}

interface RunContext {
  runId: string;
  organisationId: string;
  userId: string | null;
}

async function disposeOne(tx: Db, record: ReviewedRecord, run: RunContext): Promise<void> {
  const log = (recordType: string, recordId: string, disposedWith: string | null) =>
    tx.insert(disposalLog).values({ organisationId: run.organisationId, runId: run.runId, recordType, recordId, retentionClass: record.retentionClass, disposalDate: record.disposalDate, disposedWith, disposedBy: run.userId });
  // Names the run for the safeguarding triggers, for this transaction only (see migration 0018).
  await tx.execute(sql`select set_config('sightline.disposal_run', ${run.runId}, true)`);

  switch (record.recordType) {
    case 'import-problems':
      await log('import-problems', record.id, null);
      await tx.delete(caseImportProblems).where(eq(caseImportProblems.importId, record.id));
      return;
    case 'action':
      await log('action', record.id, null);
      await deleteActions(tx, [record.id]);
      return;
    case 'audit': {
      const actionIds = (await tx.select({ id: actions.id }).from(actions).where(eq(actions.auditId, record.id))).map((r) => r.id);
      await log('audit', record.id, null);
      for (const id of actionIds) await log('action', id, `audit:${record.id}`);
      await deleteActions(tx, actionIds);
      await deleteAudits(tx, [record.id]);
      return;
    }
    case 'child': {
      const auditIds = (await tx.select({ id: audits.id }).from(audits).where(eq(audits.childId, record.id))).map((r) => r.id);
      const actionIds = (
        await tx
          .select({ id: actions.id })
          .from(actions)
          .where(or(eq(actions.childId, record.id), auditIds.length > 0 ? inArray(actions.auditId, auditIds) : sql`false`))
      ).map((r) => r.id);
      await log('child', record.id, null);
      for (const id of auditIds) await log('audit', id, `child:${record.id}`);
      for (const id of actionIds) await log('action', id, `child:${record.id}`);
      await deleteActions(tx, actionIds);
      await deleteAudits(tx, auditIds);
      await tx.delete(caseFacts).where(eq(caseFacts.childId, record.id));
      await tx.delete(complianceItems).where(eq(complianceItems.childId, record.id));
      // A restriction guards the record's access; once the record is gone there is nothing to guard.
      const restrictionIds = (await tx.select({ id: childRestrictions.id }).from(childRestrictions).where(eq(childRestrictions.childId, record.id))).map((r) => r.id);
      if (restrictionIds.length > 0) await tx.delete(restrictionGrants).where(inArray(restrictionGrants.restrictionId, restrictionIds));
      await tx.delete(childRestrictions).where(eq(childRestrictions.childId, record.id));
      await tx.delete(breakGlassViews).where(eq(breakGlassViews.childId, record.id));
      await deleteNoticesAbout(tx, [record.id]);
      await forgetLiftedHolds(tx, 'child', [record.id]);
      await forgetInDraws(tx, run.organisationId, record.id);
      await tx.delete(children).where(eq(children.id, record.id));
      return;
    }
  }
}

/** Notifications and e-mail that link to a disposed record: their titles carry its child's reference. */
async function deleteNoticesAbout(tx: Db, ids: string[]): Promise<void> {
  for (const id of ids) {
    await tx.delete(notifications).where(like(notifications.link, `%${id}%`));
    await tx.delete(emailMessages).where(like(emailMessages.link, `%${id}%`));
  }
}

async function deleteActions(tx: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.delete(actionChases).where(inArray(actionChases.actionId, ids));
  await tx.delete(actionEvents).where(inArray(actionEvents.actionId, ids));
  await deleteNoticesAbout(tx, ids);
  await tx.delete(actions).where(inArray(actions.id, ids));
}

async function deleteAudits(tx: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const alertIds = (await tx.select({ id: safeguardingAlerts.id }).from(safeguardingAlerts).where(inArray(safeguardingAlerts.auditId, ids))).map((r) => r.id);
  if (alertIds.length > 0) {
    await tx.delete(safeguardingAlertRecipients).where(inArray(safeguardingAlertRecipients.alertId, alertIds));
    await tx.delete(safeguardingAlertNotes).where(inArray(safeguardingAlertNotes.alertId, alertIds));
    await tx.delete(safeguardingAlerts).where(inArray(safeguardingAlerts.id, alertIds));
  }
  const disputeIds = (await tx.select({ id: disputes.id }).from(disputes).where(inArray(disputes.auditId, ids))).map((r) => r.id);
  if (disputeIds.length > 0) {
    await tx.delete(disputeSteps).where(inArray(disputeSteps.disputeId, disputeIds));
    await tx.delete(disputeRoutes).where(inArray(disputeRoutes.disputeId, disputeIds));
    await tx.delete(disputes).where(inArray(disputes.id, disputeIds));
  }
  for (const table of [responses, auditEvents, familyFeedback, reflectiveLearning, moderations, auditThemes, auditInvitations]) await tx.delete(table).where(inArray(table.auditId, ids));
  await deleteNoticesAbout(tx, ids);
  await forgetLiftedHolds(tx, 'audit', ids);
  await tx.delete(audits).where(inArray(audits.id, ids));
}

/**
 * A lifted hold on a disposed record has nothing left to hold, and its reasons may describe the
 * child. (A hold still in force stops the disposal before it gets here.)
 */
async function forgetLiftedHolds(tx: Db, recordType: 'child' | 'audit', ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.delete(legalHolds).where(and(eq(legalHolds.recordType, recordType), inArray(legalHolds.recordId, ids), isNotNull(legalHolds.liftedAt)));
}

/** Stands for a disposed child in a round's draw: a valid id that no child has. */
export const DISPOSED_CHILD_ID = '00000000-0000-0000-0000-000000000000';
export const DISPOSED_CHILD_REF = 'Disposed of';

/**
 * A round's draw record lists every case considered, and its allocation the cases it could not
 * allocate. A disposed child keeps its place there (the counts and the rules that applied still
 * explain the draw) but loses its id, reference and worker.
 */
async function forgetInDraws(tx: Db, organisationId: string, childId: string): Promise<void> {
  const naming = await tx
    .select({ id: rounds.id, drawRecord: rounds.drawRecord })
    .from(rounds)
    .where(and(eq(rounds.organisationId, organisationId), like(sql`${rounds.drawRecord}::text`, `%${childId}%`)));
  for (const round of naming) {
    const record = round.drawRecord as DrawRecord;
    const entries = record.entries.map((e) =>
      e.candidate.childId === childId ? { ...e, candidate: { ...e.candidate, childId: DISPOSED_CHILD_ID, childRef: DISPOSED_CHILD_REF, workerId: null }, targetNote: undefined } : e,
    );
    await tx.update(rounds).set({ drawRecord: { ...record, entries } }).where(eq(rounds.id, round.id));
  }
  const allocations = await tx
    .select({ roundId: roundAllocations.roundId, notAllocated: roundAllocations.notAllocated })
    .from(roundAllocations)
    .innerJoin(rounds, eq(rounds.id, roundAllocations.roundId))
    .where(and(eq(rounds.organisationId, organisationId), like(sql`${roundAllocations.notAllocated}::text`, `%${childId}%`)));
  for (const allocation of allocations) {
    const notAllocated = allocation.notAllocated.map((n) => (n.childId === childId ? { ...n, childId: DISPOSED_CHILD_ID } : n));
    await tx.update(roundAllocations).set({ notAllocated }).where(eq(roundAllocations.roundId, allocation.roundId));
  }
}

/** The tables disposal empties of a record's dependants: a test compares this with the database's foreign keys. */
export const DISPOSAL_COVERS: Readonly<Record<'children' | 'audits' | 'actions' | 'safeguarding_alerts' | 'audit_disputes' | 'child_restrictions', readonly string[]>> = {
  children: ['audits', 'actions', 'case_facts', 'compliance_items', 'safeguarding_alerts', 'child_restrictions', 'break_glass_views'],
  audits: ['actions', 'safeguarding_alerts', 'audit_disputes', 'audit_responses', 'audit_events', 'audit_family_feedback', 'audit_learning', 'audit_moderations', 'audit_themes', 'audit_invitations'],
  actions: ['action_chases', 'action_events'],
  safeguarding_alerts: ['safeguarding_alert_recipients', 'safeguarding_alert_notes'],
  audit_disputes: ['audit_dispute_steps', 'audit_dispute_routes'],
  child_restrictions: ['restriction_grants'],
};
