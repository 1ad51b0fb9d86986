/**
 * Drift and delay, from the stored deadlines, for the children a person may see: what is overdue
 * and what falls due in the next working week, by team and by worker; and the weekly dip sample,
 * a front-line manager's open cases with the most overdue first.
 *
 * Stored items were computed on some day; a deadline that was "in time" then and is past due
 * today is overdue today. Nothing else changes with the passing of days alone (new events arrive
 * only with an import, which recomputes), so judging open items against today is exact.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { queryRows } from '../platform/db/client.ts';
import { requireCapability, type Actor } from '../platform/auth/actor.ts';
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { childScope } from '../cases/service.ts';
import { measureLabel } from './measures.ts';
import { latestRun } from './store.ts';

/** "Due soon": within this many working days from today. */
const DUE_SOON_WORKING_DAYS = 5;

export interface GroupCount {
  id: string | null;
  name: string | null;
  teamName?: string | null;
  overdue: number;
  dueSoon: number;
}

export interface DeadlineRow {
  childId: string;
  childRef: string;
  teamName: string | null;
  workerName: string | null;
  measure: string;
  label: string;
  anchorDate: IsoDate;
  dueDate: IsoDate;
  /** Working days past due (overdue) or until due (due soon). */
  workingDays: number;
}

export interface DriftDashboard {
  today: IsoDate;
  dueSoonWorkingDays: number;
  dueSoonUntil: IsoDate;
  computedAsOf: IsoDate | null;
  totals: { overdue: number; dueSoon: number };
  byTeam: GroupCount[];
  byWorker: GroupCount[];
  overdue: DeadlineRow[];
  dueSoon: DeadlineRow[];
  /** How many overdue items the list leaves out. */
  overdueNotShown: number;
  dueSoonNotShown: number;
}

const OPEN = sql`i.actual_date is null and i.status <> 'missed'`;

async function scopeWith(db: Db, actor: Actor, teamId: string | undefined): Promise<SQL> {
  const scope = await childScope(db, actor);
  return teamId ? sql`${scope} and c.team_id = ${teamId}::uuid` : scope;
}

export async function driftDashboard(db: Db, actor: Actor, options: { today: IsoDate; teamId?: string | undefined; limit?: number }): Promise<DriftDashboard> {
  requireCapability(actor, 'cases.view');
  const { today } = options;
  const limit = options.limit ?? 100;
  const [calendar, run, scope] = await Promise.all([calendarFor(db, actor.organisationId), latestRun(db, actor.organisationId), scopeWith(db, actor, options.teamId)]);
  const until = calendar.addWorkingDays(today, DUE_SOON_WORKING_DAYS);
  const titles = new Map((run?.measures ?? []).map((m) => [m.id, measureLabel(m)]));
  const from = sql`compliance_items i join children c on c.id = i.child_id left join teams t on t.id = c.team_id left join users u on u.id = c.worker_id`;
  const where = sql`i.organisation_id = ${actor.organisationId} and ${OPEN} and i.due_date <= ${until}::date and ${scope}`;
  const counts = sql`(count(*) filter (where i.due_date < ${today}::date))::int as overdue, (count(*) filter (where i.due_date >= ${today}::date))::int as "dueSoon"`;

  const [byTeam, byWorker, overdueRows, dueSoonRows] = await Promise.all([
    queryRows<GroupCount>(db, sql`select c.team_id as id, t.name, ${counts} from ${from} where ${where} group by c.team_id, t.name order by overdue desc, "dueSoon" desc, t.name nulls last`),
    queryRows<GroupCount>(
      db,
      sql`select c.worker_id as id, u.display_name as name, t.name as "teamName", ${counts} from ${from} where ${where}
          group by c.worker_id, u.display_name, t.name order by overdue desc, "dueSoon" desc, u.display_name nulls last, t.name nulls last`,
    ),
    deadlineRows(db, from, sql`${where} and i.due_date < ${today}::date`, sql`i.due_date asc, c.child_ref`, limit),
    deadlineRows(db, from, sql`${where} and i.due_date >= ${today}::date`, sql`i.due_date asc, c.child_ref`, limit),
  ]);
  const label = (row: Omit<DeadlineRow, 'label' | 'workingDays'>) => titles.get(row.measure) ?? row.measure;
  const overdue = overdueRows.map((r) => ({ ...r, label: label(r), workingDays: calendar.workingDaysBetween(r.dueDate, today) }));
  const dueSoon = dueSoonRows.map((r) => ({ ...r, label: label(r), workingDays: calendar.workingDaysBetween(today, r.dueDate) }));
  const totals = byTeam.reduce((sum, g) => ({ overdue: sum.overdue + g.overdue, dueSoon: sum.dueSoon + g.dueSoon }), { overdue: 0, dueSoon: 0 });
  return {
    today,
    dueSoonWorkingDays: DUE_SOON_WORKING_DAYS,
    dueSoonUntil: until,
    computedAsOf: run?.asOf ?? null,
    totals,
    byTeam,
    byWorker,
    overdue,
    dueSoon,
    overdueNotShown: Math.max(0, totals.overdue - overdue.length),
    dueSoonNotShown: Math.max(0, totals.dueSoon - dueSoon.length),
  };
}

async function deadlineRows(db: Db, from: SQL, where: SQL, order: SQL, limit: number): Promise<Omit<DeadlineRow, 'label' | 'workingDays'>[]> {
  return queryRows(
    db,
    sql`select c.id as "childId", c.child_ref as "childRef", t.name as "teamName", u.display_name as "workerName", i.measure,
               to_char(i.anchor_date, 'YYYY-MM-DD') as "anchorDate", to_char(i.due_date, 'YYYY-MM-DD') as "dueDate"
        from ${from} where ${where} order by ${order} limit ${limit}`,
  );
}

export interface DipSampleRow {
  childId: string;
  childRef: string;
  caseType: string | null;
  teamName: string | null;
  workerName: string | null;
  overdue: number;
  /** Working days the oldest overdue deadline is past due; 0 when nothing is overdue. */
  mostLate: number;
  oldestDue: IsoDate | null;
  nextDue: IsoDate | null;
}

/**
 * The weekly dip sample: every open case (a case type on the last computation) in the person's
 * scope, or one team of it, those with the most overdue deadlines first, then the longest overdue.
 */
export async function dipSample(db: Db, actor: Actor, options: { today: IsoDate; teamId?: string | undefined; limit?: number }): Promise<{ rows: DipSampleRow[]; total: number }> {
  requireCapability(actor, 'cases.view');
  const { today } = options;
  const [calendar, scope] = await Promise.all([calendarFor(db, actor.organisationId), scopeWith(db, actor, options.teamId)]);
  const where = sql`${scope} and c.case_type is not null`;
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from children c where ${where}`);
  const rows = await queryRows<Omit<DipSampleRow, 'mostLate'>>(
    db,
    sql`select c.id as "childId", c.child_ref as "childRef", c.case_type as "caseType", t.name as "teamName", u.display_name as "workerName",
               coalesce(o.overdue, 0)::int as overdue, to_char(o.oldest, 'YYYY-MM-DD') as "oldestDue", to_char(o.next, 'YYYY-MM-DD') as "nextDue"
        from children c
        left join teams t on t.id = c.team_id left join users u on u.id = c.worker_id
        left join lateral (
          select count(*) filter (where i.due_date < ${today}::date) as overdue,
                 min(i.due_date) filter (where i.due_date < ${today}::date) as oldest,
                 min(i.due_date) filter (where i.due_date >= ${today}::date) as next
          from compliance_items i where i.child_id = c.id and ${OPEN}
        ) o on true
        where ${where}
        order by coalesce(o.overdue, 0) desc, o.oldest asc nulls last, o.next asc nulls last, c.child_ref
        limit ${options.limit ?? 200}`,
  );
  return {
    rows: rows.map((r) => ({ ...r, mostLate: r.oldestDue === null ? 0 : calendar.workingDaysBetween(r.oldestDue, today) })),
    total: count?.n ?? 0,
  };
}
