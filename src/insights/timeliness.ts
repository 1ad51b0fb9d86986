/**
 * Timeliness beside quality: how many deadlines fell due in the period and how many were met on
 * time, by measure, team and month, and each team's audit grades for the same period next to its
 * compliance, so a leader can see whether the teams that miss deadlines are the teams whose
 * practice is graded lower.
 *
 * The deadlines come from a `ComplianceSource`. The one in use reads the timeliness engine's
 * stored items (`compliance_items`, recomputed after every import); another source (a council's
 * own performance system) would only need to give the same counts.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../platform/db/client.ts';
import { latestRun } from '../timeliness/store.ts';
import { measureLabel } from '../timeliness/measures.ts';
import { formatDate } from '../platform/http/render.ts';
import type { AuditScope } from './audit-sql.ts';
import { notAmong } from '../restrictions/visibility.ts';
import { groupedBars, shareLines, PALETTE } from './charts.ts';
import type { InsightContext } from './context.ts';
import { dayAfter, drillHref, firstDay, monthLabel, monthsBetween, periodLabel, shortMonthLabel, type InsightFilter, type Month } from './filters.ts';
import { GradeTallies } from './grade-counts.ts';
import { teamGradeRows, type Headline } from './practice-quality.ts';
import { share } from './statistics.ts';
import { count, formatShare, percentage, text, type Figure, type Table } from './tables.ts';
import { commonScale } from './tools.ts';

/** Deadlines of one measure, for one team, falling due in one month, judged against today. */
export interface ComplianceCount {
  measure: string;
  teamId: string | null;
  month: Month;
  /** Done by the deadline. */
  met: number;
  /** Done after it. */
  late: number;
  /** Not done, and past the deadline today. */
  overdue: number;
  /** Not done, deadline still to come. */
  pending: number;
}

export interface ComplianceQuery {
  scope: AuditScope;
  filter: Pick<InsightFilter, 'serviceId' | 'teamId' | 'caseType'>;
  from: Month;
  to: Month;
  today: string;
}

export interface ComplianceSource {
  counts(db: Db, query: ComplianceQuery): Promise<ComplianceCount[]>;
  /** Short names of the measures, and the day the deadlines were last computed as of. */
  describe(db: Db, organisationId: string): Promise<{ labels: ReadonlyMap<string, string>; asOf: string | null }>;
}

/**
 * The stored items. An item computed "pending" on its as-of day whose deadline has passed since
 * is overdue today; "missed" means done late (the engine's word), and an open item past its
 * deadline is overdue, as the drift dashboard counts them.
 */
export const storedCompliance: ComplianceSource = {
  async counts(db, q) {
    const parts = [
      sql`i.organisation_id = ${q.scope.organisationId}`,
      sql`i.due_date >= ${firstDay(q.from)}::date`,
      sql`i.due_date < ${dayAfter(q.to)}::date`,
      notAmong(sql`i.child_id`, q.scope.hiddenChildren),
    ];
    if (q.scope.teams !== 'all') {
      parts.push(
        q.scope.teams.length
          ? sql`c.team_id in (${sql.join(
              q.scope.teams.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`
          : sql`false`,
      );
    }
    if (q.filter.teamId) parts.push(sql`c.team_id = ${q.filter.teamId}::uuid`);
    if (q.filter.serviceId) parts.push(sql`t.service_id = ${q.filter.serviceId}::uuid`);
    if (q.filter.caseType) parts.push(sql`c.case_type = ${q.filter.caseType}`);
    const open = sql`i.actual_date is null and i.status <> 'missed'`;
    return queryRows<ComplianceCount>(
      db,
      sql`select i.measure as "measure", c.team_id as "teamId", to_char(i.due_date, 'YYYY-MM') as "month",
            (count(*) filter (where i.status = 'met'))::int as "met",
            (count(*) filter (where i.status = 'missed'))::int as "late",
            (count(*) filter (where ${open} and i.due_date < ${q.today}::date))::int as "overdue",
            (count(*) filter (where ${open} and i.due_date >= ${q.today}::date))::int as "pending"
          from compliance_items i join children c on c.id = i.child_id left join teams t on t.id = c.team_id
          where ${sql.join(parts, sql` and `)}
          group by 1, 2, 3`,
    );
  },
  async describe(db, organisationId) {
    const run = await latestRun(db, organisationId);
    return { labels: new Map((run?.measures ?? []).map((m) => [m.id, measureLabel(m)])), asOf: run?.asOf ?? null };
  },
};

interface Totals {
  met: number;
  late: number;
  overdue: number;
  pending: number;
}

const zero = (): Totals => ({ met: 0, late: 0, overdue: 0, pending: 0 });

function add(into: Totals, c: Totals): void {
  into.met += c.met;
  into.late += c.late;
  into.overdue += c.overdue;
  into.pending += c.pending;
}

/** Deadlines that have come: met on time, met late, or overdue. Pending ones are not yet judged. */
function due(t: Totals): number {
  return t.met + t.late + t.overdue;
}

/** The share of deadlines that have come which were met on time. */
export function complianceRate(t: Totals): number | null {
  return share(t.met, due(t));
}

function sumBy<K>(rows: readonly ComplianceCount[], key: (r: ComplianceCount) => K): Map<K, Totals> {
  const out = new Map<K, Totals>();
  for (const r of rows) {
    const k = key(r);
    const t = out.get(k) ?? zero();
    add(t, r);
    out.set(k, t);
  }
  return out;
}

export interface Timeliness {
  period: string;
  asOf: string | null;
  headlines: Headline[];
  byMeasure: Figure;
  byMonth: Figure;
  byTeam: Figure;
  measureByMonth: Figure;
}

function totalsCells(t: Totals) {
  return [count(due(t)), count(t.met), count(t.late), count(t.overdue), percentage(complianceRate(t))];
}

const TOTAL_COLUMNS = [
  { label: 'Deadlines due', numeric: true },
  { label: 'Met on time', numeric: true },
  { label: 'Met late', numeric: true },
  { label: 'Overdue now', numeric: true },
  { label: 'On time', numeric: true },
];

export async function timeliness(ctx: InsightContext, source: ComplianceSource = storedCompliance): Promise<Timeliness> {
  const { filter } = ctx;
  const [rows, described, gradeRows] = await Promise.all([
    source.counts(ctx.db, { scope: ctx.scope, filter, from: filter.from, to: filter.to, today: ctx.today }),
    source.describe(ctx.db, ctx.actor.organisationId),
    teamGradeRows(ctx),
  ]);
  const label = (measure: string) => described.labels.get(measure) ?? measure;
  const period = periodLabel(filter.from, filter.to);
  const total = zero();
  for (const r of rows) add(total, r);

  const measures = sumBy(rows, (r) => r.measure);
  const measureIds = [...measures.keys()].sort((a, b) => label(a).localeCompare(label(b)));
  const months = monthsBetween(filter.from, filter.to);
  const byMonth = sumBy(rows, (r) => r.month);
  const byTeam = sumBy(rows, (r) => r.teamId ?? '');
  const byMeasureMonth = sumBy(rows, (r) => `${r.measure}|${r.month}`);

  const grades = new GradeTallies<string>(commonScale(ctx.tools));
  for (const r of gradeRows) grades.add(r.key, ctx.tools, r.toolId, r.grade, r.n, r.toolVersion);
  const teamIds = [...new Set([...byTeam.keys(), ...grades.byKey.keys()])].sort((a, b) => (ctx.teams.get(a)?.name ?? 'zz').localeCompare(ctx.teams.get(b)?.name ?? 'zz'));
  const teamName = (id: string) => ctx.teams.get(id)?.name ?? 'No team recorded';

  const teamTable: Table = {
    id: 'by-team',
    caption: 'Deadlines met on time and audit grades, by team',
    columns: [{ label: 'Team' }, ...TOTAL_COLUMNS, { label: 'Audits completed', numeric: true }, { label: 'Audits good or better', numeric: true }],
    rows: teamIds.map((id) => {
      const t = byTeam.get(id) ?? zero();
      const g = grades.get(id);
      const narrow: InsightFilter = { ...filter, teamId: id || undefined };
      return [text(teamName(id)), ...totalsCells(t), count(g.total, id ? drillHref(narrow, {}) : undefined), percentage(share(g.goodOrBetter, g.total))];
    }),
    empty: 'No deadlines fell due and no audits were completed in this period.',
  };

  const chartTeams = teamIds.filter((id) => id && (due(byTeam.get(id) ?? zero()) > 0 || grades.get(id).total > 0));
  return {
    period,
    asOf: described.asOf,
    headlines: [
      { label: 'Deadlines due', value: due(total).toLocaleString('en-GB'), detail: total.pending ? `and ${total.pending.toLocaleString('en-GB')} still to come in the period` : undefined },
      { label: 'Met on time', value: formatShare(complianceRate(total)), detail: `${total.met.toLocaleString('en-GB')} of ${due(total).toLocaleString('en-GB')}` },
      { label: 'Overdue now', value: total.overdue.toLocaleString('en-GB') },
      { label: 'Deadlines computed as of', value: described.asOf ? formatDate(described.asOf) : 'Not computed yet' },
    ],
    byMeasure: {
      table: {
        id: 'by-measure',
        caption: 'Deadlines by measure',
        columns: [{ label: 'Measure' }, ...TOTAL_COLUMNS],
        rows: measureIds.map((m) => [text(label(m)), ...totalsCells(measures.get(m)!)]),
        empty: 'No deadlines fell due in this period.',
      },
      chart: measureIds.length
        ? groupedBars({
            id: 'chart-by-measure',
            title: 'Deadlines met on time, by measure',
            description: `The share of each measure's deadlines, due ${period}, that were met on time.`,
            rows: measureIds.map(label),
            series: [{ label: 'Met on time', colour: PALETTE[0]! }],
            values: [measureIds.map((m) => complianceRate(measures.get(m)!))],
          })
        : undefined,
    },
    byMonth: {
      table: {
        id: 'by-month',
        caption: 'Deadlines by the month they fell due',
        columns: [{ label: 'Month' }, ...TOTAL_COLUMNS],
        rows: months.map((m) => [text(monthLabel(m)), ...totalsCells(byMonth.get(m) ?? zero())]),
        empty: 'No deadlines fell due in this period.',
      },
      chart: shareLines({
        id: 'chart-timeliness-month',
        title: 'Deadlines met on time, by month',
        description: `The share of deadlines falling due each month, ${period}, that were met on time. Gaps are months with no deadlines.`,
        categories: months.map(shortMonthLabel),
        lines: [{ label: 'Met on time', colour: PALETTE[0]!, values: months.map((m) => complianceRate(byMonth.get(m) ?? zero())) }],
      }),
    },
    byTeam: {
      table: teamTable,
      chart: chartTeams.length
        ? groupedBars({
            id: 'chart-timeliness-team',
            title: 'Deadlines met on time beside audits good or better, by team',
            description: `For each team, two bars from 0 to 100%: the share of its deadlines due ${period} met on time, and the share of its audits completed in the same period graded good or better.`,
            rows: chartTeams.map(teamName),
            series: [
              { label: 'Deadlines met on time', colour: PALETTE[0]! },
              { label: 'Audits good or better', colour: PALETTE[1]! },
            ],
            values: [chartTeams.map((id) => complianceRate(byTeam.get(id) ?? zero())), chartTeams.map((id) => share(grades.get(id).goodOrBetter, grades.get(id).total))],
          })
        : undefined,
      summary: 'A team’s deadlines are those of the children its team holds now; its audits are the audits of children in its team when they were allocated.',
    },
    measureByMonth: {
      table: {
        id: 'measure-by-month',
        caption: 'Share of deadlines met on time, by measure and month',
        columns: [{ label: 'Measure' }, ...months.map((m) => ({ label: shortMonthLabel(m), numeric: true }))],
        rows: measureIds.map((id) => [text(label(id)), ...months.map((m) => percentage(complianceRate(byMeasureMonth.get(`${id}|${m}`) ?? zero())))]),
        empty: 'No deadlines fell due in this period.',
      },
    },
  };
}
