/**
 * Children's cases as staff see them: the list of children a person may see, and one child's
 * record (details, chronology and open deadlines). A person sees the children of the teams their
 * scope covers (`visibleTeamIds`) and the children allocated to them; a child whose team the
 * extract did not name, or named wrongly, is seen only by the council-wide roles.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { queryRows } from '../platform/db/client.ts';
import { ForbiddenError, NotFoundError, requireCapability, type Actor } from '../platform/auth/actor.ts';
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { listTeams, visibleTeamIds } from '../org/service.ts';
import { measureLabel } from '../timeliness/measures.ts';
import { latestRun } from '../timeliness/store.ts';
import { statusToday, type StoredItem } from './audit-evidence.ts';
import { buildChronology, type ChronologyEvent } from './chronology.ts';
import { loadCaseData } from './fact-store.ts';
import { childVisibleSql, isChildHidden } from '../restrictions/visibility.ts';

/**
 * The SQL condition "child `alias` is within the actor's scope": their teams or allocation, and
 * not a restricted record they hold no grant or break-glass view for.
 */
export async function childScope(db: Db, actor: Actor, alias = 'c'): Promise<SQL> {
  const teams = await visibleTeamIds(db, actor);
  const child = sql.raw(alias);
  const unrestricted = childVisibleSql(actor, sql`${child}.id`);
  if (teams === 'all') return sql`${child}.organisation_id = ${actor.organisationId} and ${unrestricted}`;
  const inTeams = teams.length === 0 ? sql`false` : sql`${child}.team_id in (${sql.join(teams.map((t) => sql`${t}::uuid`), sql`, `)})`;
  return sql`${child}.organisation_id = ${actor.organisationId} and (${inTeams} or ${child}.worker_id = ${actor.userId}::uuid) and ${unrestricted}`;
}

/** The teams a person may filter case pages by: those their scope covers. */
export async function teamChoices(db: Db, actor: Actor): Promise<{ value: string; text: string }[]> {
  const [teams, scope] = await Promise.all([listTeams(db, actor), visibleTeamIds(db, actor)]);
  return teams.filter((t) => scope === 'all' || scope.includes(t.id)).map((t) => ({ value: t.id, text: t.name }));
}

const PAGE_SIZE = 50;

export interface ChildListFilter {
  teamId?: string | undefined;
  caseType?: string | undefined;
  /** Only children with a case open (a case type) on the last computation. */
  open?: boolean | undefined;
  /** The council's child id, or the start of it. */
  childRef?: string | undefined;
  page?: number | undefined;
}

export interface ChildListRow {
  id: string;
  childRef: string;
  caseType: string | null;
  teamName: string | null;
  workerName: string | null;
  overdue: number;
}

export async function listChildren(db: Db, actor: Actor, filter: ChildListFilter, today: IsoDate): Promise<{ rows: ChildListRow[]; total: number; page: number; pages: number }> {
  requireCapability(actor, 'cases.view');
  const scope = await childScope(db, actor);
  const conditions: SQL[] = [scope];
  if (filter.teamId) conditions.push(sql`c.team_id = ${filter.teamId}::uuid`);
  if (filter.caseType) conditions.push(sql`c.case_type = ${filter.caseType}`);
  if (filter.open) conditions.push(sql`c.case_type is not null`);
  if (filter.childRef) conditions.push(sql`lower(c.child_ref) like ${`${filter.childRef.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  const where = sql.join(conditions, sql` and `);
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from children c where ${where}`);
  const total = count?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(Math.max(1, filter.page ?? 1), pages);
  const rows = await queryRows<ChildListRow>(
    db,
    sql`select c.id, c.child_ref as "childRef", c.case_type as "caseType", t.name as "teamName", u.display_name as "workerName",
               (select count(*)::int from compliance_items i where i.child_id = c.id and i.actual_date is null and i.status <> 'missed' and i.due_date < ${today}::date) as overdue
        from children c left join teams t on t.id = c.team_id left join users u on u.id = c.worker_id
        where ${where}
        order by lower(c.child_ref)
        limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`,
  );
  return { rows, total, page, pages };
}

export interface CaseRecord {
  id: string;
  childRef: string;
  name: string | null;
  dateOfBirth: string | null;
  gender: string | null;
  caseType: string | null;
  teamName: string | null;
  workerName: string | null;
  extractTeam: string | null;
  extractWorker: string | null;
  source: string;
}

export interface OpenDeadline {
  label: string;
  status: 'overdue' | 'due';
  anchorDate: IsoDate;
  dueDate: IsoDate;
  /** Working days past due (overdue) or left until due (due). */
  workingDays: number;
}

export interface CaseView {
  child: CaseRecord;
  chronology: ChronologyEvent[];
  openItems: OpenDeadline[];
  decided: { met: number; missed: number };
  /** When the deadlines were last computed, if ever. */
  computedAsOf: IsoDate | null;
}

/** A child the actor may see, or NotFound (not this council's) / Forbidden (outside their scope). */
export async function getChild(db: Db, actor: Actor, childId: string): Promise<CaseRecord> {
  requireCapability(actor, 'cases.view');
  const [child] = await queryRows<CaseRecord & { organisationId: string }>(
    db,
    sql`select c.id, c.organisation_id as "organisationId", c.child_ref as "childRef", c.name, to_char(c.date_of_birth, 'YYYY-MM-DD') as "dateOfBirth",
               c.gender, c.case_type as "caseType", t.name as "teamName", u.display_name as "workerName",
               c.extract_team as "extractTeam", c.extract_worker as "extractWorker", c.source
        from children c left join teams t on t.id = c.team_id left join users u on u.id = c.worker_id
        where c.id = ${childId}::uuid and c.organisation_id = ${actor.organisationId}`,
  );
  // A restricted record the person may not see is answered exactly as a child that does not exist.
  if (!child || (await isChildHidden(db, actor, childId))) throw new NotFoundError();
  const [visible] = await queryRows<{ ok: boolean }>(db, sql`select true as ok from children c where c.id = ${childId}::uuid and ${await childScope(db, actor)}`);
  if (!visible) throw new ForbiddenError('You can only see the children of the teams you work in, manage or lead, and children allocated to you.');
  const { organisationId: _org, ...record } = child;
  return record;
}

export async function getCaseView(db: Db, actor: Actor, childId: string, today: IsoDate): Promise<CaseView> {
  const child = await getChild(db, actor, childId);
  const [{ facts }, items, run, calendar] = await Promise.all([
    loadCaseData(db, actor.organisationId, childId),
    queryRows<StoredItem>(
      db,
      sql`select measure, status, to_char(anchor_date, 'YYYY-MM-DD') as "anchorDate", to_char(due_date, 'YYYY-MM-DD') as "dueDate",
                 to_char(actual_date, 'YYYY-MM-DD') as "actualDate"
          from compliance_items where child_id = ${childId}::uuid order by due_date, measure`,
    ),
    latestRun(db, actor.organisationId),
    calendarFor(db, actor.organisationId),
  ]);
  const titles = new Map((run?.measures ?? []).map((m) => [m.id, measureLabel(m)]));
  const label = (measure: string) => titles.get(measure) ?? measure;
  const decided = items.flatMap((item) => {
    const status = statusToday(item, today);
    return status === 'met' || status === 'missed' ? [{ ...item, status, label: label(item.measure) }] : [];
  });
  const openItems: OpenDeadline[] = items.flatMap((item) => {
    const status = statusToday(item, today);
    if (status !== 'overdue' && status !== 'due') return [];
    const workingDays = status === 'overdue' ? calendar.workingDaysBetween(item.dueDate, today) : calendar.workingDaysBetween(today, item.dueDate);
    return [{ label: label(item.measure), status, anchorDate: item.anchorDate, dueDate: item.dueDate, workingDays }];
  });
  openItems.sort((a, b) => (a.status === b.status ? (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) : a.status === 'overdue' ? -1 : 1));
  return {
    child,
    chronology: buildChronology(facts, decided),
    openItems,
    decided: { met: decided.filter((d) => d.status === 'met').length, missed: decided.filter((d) => d.status === 'missed').length },
    computedAsOf: run?.asOf ?? null,
  };
}
