/**
 * Reports of the access log: everything that happened to one child's records (their case, their
 * audits, their actions, the governance reports and bundles about them), or everything one worker
 * viewed or changed. Children appear by reference, never by name.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../platform/db/client.ts';
import { requireCapability, type Actor } from '../platform/auth/actor.ts';
import { readDateInput } from '../platform/calendar/date-input.ts';
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import { toFieldErrors, type FieldErrors } from '../platform/http/forms.ts';
import { users } from '../org/schema.ts';
import { childVisibleSql } from '../restrictions/visibility.ts';
import { findChildByRef } from './holds.ts';

export const PAGE_SIZE = 50;
/** An export is for a report, not a copy of the log: a larger one is refused with a message. */
export const EXPORT_LIMIT = 100_000;

export interface ReportFilter {
  by: 'child' | 'worker';
  childRef: string;
  userId: string;
  from: IsoDate | null;
  to: IsoDate | null;
  page: number;
}

const Query = z.object({
  by: z.enum(['child', 'worker']).catch('child'),
  childRef: z.string().trim().max(100).catch(''),
  userId: z.string().trim().max(64).catch(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** Reads the report's filters from the query string; problems come back for the error summary. */
export function readFilter(query: Record<string, unknown>): { filter: ReportFilter; errors?: FieldErrors } {
  const base = Query.parse({ by: query.by ?? 'child', childRef: query.childRef ?? '', userId: query.userId ?? '', page: query.page ?? 1 });
  const issues: Array<{ path: string[]; message: string }> = [];
  const from = readDateInput(query, 'from', 'The start date');
  const to = readDateInput(query, 'to', 'The end date');
  if (!from.ok) issues.push({ path: ['from-day'], message: from.message });
  if (!to.ok) issues.push({ path: ['to-day'], message: to.message });
  const filter: ReportFilter = { ...base, from: from.ok ? from.date : null, to: to.ok ? to.date : null };
  if (filter.from && filter.to && filter.from > filter.to) issues.push({ path: ['to-day'], message: 'The end date must be the same as or after the start date' });
  if (filter.by === 'worker' && filter.userId && !z.uuid().safeParse(filter.userId).success) issues.push({ path: ['userId'], message: 'Choose a worker from the list' });
  return issues.length > 0 ? { filter, errors: toFieldErrors(issues) } : { filter };
}

export interface LogEntry {
  id: number;
  at: Date;
  userId: string | null;
  userName: string | null;
  role: string | null;
  action: string;
  recordType: string;
  recordId: string;
  childRef: string | null;
}

export type Subject = { kind: 'child'; id: string; childRef: string } | { kind: 'worker'; id: string; name: string };

export class SubjectNotFound extends Error {}

/** The child or worker the filter names, in the actor's council; null when the filter names neither. */
export async function reportSubject(db: Db, actor: Actor, filter: ReportFilter): Promise<Subject | null> {
  requireCapability(actor, 'governance.access-log');
  if (filter.by === 'child') {
    if (!filter.childRef) return null;
    const child = await findChildByRef(db, actor.organisationId, filter.childRef);
    // A restricted child the viewer may not see is answered exactly as one that does not exist.
    const visible = child && (await queryRows<{ ok: boolean }>(db, sql`select ${childVisibleSql(actor, sql`${child.id}::uuid`)} as ok`))[0]?.ok;
    if (!child || !visible) throw new SubjectNotFound('No child has that reference');
    return { kind: 'child', id: child.id, childRef: child.childRef };
  }
  if (!filter.userId) return null;
  const [user] = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(and(eq(users.id, filter.userId), eq(users.organisationId, actor.organisationId)));
  if (!user) throw new SubjectNotFound('Choose a worker from the list');
  return { kind: 'worker', id: user.id, name: user.name };
}

/** The child each entry is about, where it is about one: the record's own child, or its audit's or action's. */
const CHILD_ID = sql`coalesce(
  case when l.record_type in ('child', 'child-access-log') then (select c.id from children c where c.id::text = l.record_id) end,
  case when l.record_type = 'audit' then (select a.child_id from audits a where a.id::text = l.record_id) end,
  case when l.record_type = 'action' then (select coalesce(x.child_id, a.child_id) from actions x left join audits a on a.id = x.audit_id where x.id::text = l.record_id) end)`;

function where(actor: Actor, subject: Subject, filter: ReportFilter): SQL {
  const about =
    subject.kind === 'worker'
      ? // What a worker did to a restricted child the viewer may not see is left out, as the child is everywhere else.
        sql`l.user_id = ${subject.id} and ${childVisibleSql(actor, CHILD_ID)}`
      : sql`((l.record_type in ('child', 'child-access-log') and l.record_id = ${subject.id})
            or (l.record_type = 'audit' and l.record_id in (select id::text from audits where child_id = ${subject.id}))
            or (l.record_type = 'action' and l.record_id in (select x.id::text from actions x left join audits a on a.id = x.audit_id where x.child_id = ${subject.id} or a.child_id = ${subject.id})))`;
  const day = sql`(l.at at time zone 'Europe/London')::date`;
  return sql`${about}${filter.from ? sql` and ${day} >= ${filter.from}::date` : sql``}${filter.to ? sql` and ${day} <= ${filter.to}::date` : sql``}`;
}

const CHILD_REF = sql`(select c.child_ref from children c where c.id = ${CHILD_ID})`;

async function entries(db: Db, actor: Actor, subject: Subject, filter: ReportFilter, limit: number, offset: number): Promise<LogEntry[]> {
  const rows = await queryRows<{ id: number | string; at: Date | string; user_id: string | null; user_name: string | null; role: string | null; action: string; record_type: string; record_id: string; child_ref: string | null }>(
    db,
    sql`select l.id, l.at, l.user_id, u.display_name as user_name, l.role, l.action, l.record_type, l.record_id, ${CHILD_REF} as child_ref
          from access_log l left join users u on u.id = l.user_id
         where ${where(actor, subject, filter)}
         order by l.at desc, l.id desc limit ${limit} offset ${offset}`,
  );
  return rows.map((r) => ({ id: Number(r.id), at: new Date(r.at), userId: r.user_id, userName: r.user_name, role: r.role, action: r.action, recordType: r.record_type, recordId: r.record_id, childRef: r.child_ref }));
}

export async function countEntries(db: Db, actor: Actor, subject: Subject, filter: ReportFilter): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from access_log l where ${where(actor, subject, filter)}`);
  return row?.n ?? 0;
}

export async function reportPage(db: Db, actor: Actor, subject: Subject, filter: ReportFilter): Promise<{ entries: LogEntry[]; total: number; pages: number }> {
  requireCapability(actor, 'governance.access-log');
  const total = await countEntries(db, actor, subject, filter);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return { entries: await entries(db, actor, subject, filter, PAGE_SIZE, (Math.min(filter.page, pages) - 1) * PAGE_SIZE), total, pages };
}

export async function reportForExport(db: Db, actor: Actor, subject: Subject, filter: ReportFilter): Promise<LogEntry[]> {
  requireCapability(actor, 'governance.access-log');
  return entries(db, actor, subject, filter, EXPORT_LIMIT, 0);
}

/** The workers a report can be about: everyone in the council, by name. */
export async function workerChoices(db: Db, actor: Actor): Promise<Array<{ value: string; text: string }>> {
  requireCapability(actor, 'governance.access-log');
  const rows = await db.select({ id: users.id, name: users.displayName, email: users.email }).from(users).where(eq(users.organisationId, actor.organisationId)).orderBy(asc(users.displayName));
  return rows.map((r) => ({ value: r.id, text: `${r.name} (${r.email})` }));
}
