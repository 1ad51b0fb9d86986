/**
 * Actions to completion, by team: how many were set in the period, how many are still to do and
 * how many of those are overdue today, how many are done and wait for the line manager's
 * sign-off, how many are signed off, and the median days from setting an action to signing it
 * off. Overdue actions are drift and delay for a child (seed 002), so they lead the page.
 *
 * An action belongs to the team of the audit it came from (the child's team when the audit was
 * allocated), or for an action set outside an audit, the child's team, or failing that its
 * owner's team.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { periodSql } from './audit-sql.ts';
import { stackedBars, PALETTE } from './charts.ts';
import type { InsightContext } from './context.ts';
import { drillHref, monthLabel, monthsBetween, periodLabel, type Drill, type InsightFilter } from './filters.ts';
import type { Headline } from './practice-quality.ts';
import { share } from './statistics.ts';
import { count, decimal, formatShare, percentage, text, type Cell, type Figure } from './tables.ts';
import { notAmong } from '../restrictions/visibility.ts';

interface ActionCounts {
  key: string;
  created: number;
  outstanding: number;
  overdue: number;
  awaiting: number;
  signedOff: number;
  cancelled: number;
  /** Signed off, and marked done by the owner on or before the due date. */
  doneInTime: number;
  medianDays: number | null;
}

export interface ActionsDashboard {
  period: string;
  headlines: Headline[];
  byTeam: Figure;
  byMonth: Figure;
}

const TEAM = sql`coalesce(audits.team_id, c.team_id, o.team_id)`;

function where(ctx: InsightContext): SQL {
  const { scope, filter } = ctx;
  const parts: SQL[] = [
    sql`x.organisation_id = ${scope.organisationId}`,
    periodSql(sql`x.created_at`, filter.from, filter.to),
    notAmong(sql`coalesce(x.child_id, audits.child_id)`, scope.hiddenChildren),
  ];
  if (scope.teams !== 'all') {
    parts.push(
      scope.teams.length
        ? sql`${TEAM} in (${sql.join(
            scope.teams.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql`false`,
    );
  }
  if (filter.teamId) parts.push(sql`${TEAM} = ${filter.teamId}::uuid`);
  if (filter.serviceId) parts.push(sql`t.service_id = ${filter.serviceId}::uuid`);
  if (filter.toolId) parts.push(sql`coalesce(x.tool_id, audits.tool_id) = ${filter.toolId}`);
  if (filter.caseType) parts.push(sql`c.case_type = ${filter.caseType}`);
  return sql.join(parts, sql` and `);
}

async function counts(ctx: InsightContext, key: SQL): Promise<ActionCounts[]> {
  const days = sql`((x.signed_off_at at time zone 'Europe/London')::date - (x.created_at at time zone 'Europe/London')::date)`;
  const rows = await queryRows<ActionCounts & { medianDays: number | string | null }>(
    ctx.db,
    sql`select ${key} as "key",
          count(*)::int as "created",
          (count(*) filter (where x.status in ('open', 'reopened')))::int as "outstanding",
          (count(*) filter (where x.status in ('open', 'reopened') and x.due_date < ${ctx.today}::date))::int as "overdue",
          (count(*) filter (where x.status = 'done'))::int as "awaiting",
          (count(*) filter (where x.status = 'signed-off'))::int as "signedOff",
          (count(*) filter (where x.status = 'cancelled'))::int as "cancelled",
          (count(*) filter (where x.status = 'signed-off' and (x.done_at at time zone 'Europe/London')::date <= x.due_date))::int as "doneInTime",
          percentile_cont(0.5) within group (order by ${days}) filter (where x.status = 'signed-off') as "medianDays"
        from actions x
        left join audits on audits.id = x.audit_id
        left join children c on c.id = coalesce(x.child_id, audits.child_id)
        join users o on o.id = x.owner_id
        left join teams t on t.id = ${TEAM}
        where ${where(ctx)}
        group by 1`,
  );
  return rows.map((r) => ({ ...r, key: r.key ?? '', medianDays: r.medianDays === null ? null : Number(r.medianDays) }));
}

function cells(r: ActionCounts, link: (state: Drill['actions']) => string | undefined): Cell[] {
  return [
    count(r.created),
    count(r.outstanding, link('outstanding')),
    count(r.overdue, link('overdue')),
    count(r.awaiting, link('awaiting')),
    count(r.signedOff, link('signed-off')),
    percentage(share(r.doneInTime, r.signedOff)),
    decimal(r.medianDays, 1),
  ];
}

const COLUMNS = [
  { label: 'Set', numeric: true },
  { label: 'Still to do', numeric: true },
  { label: 'Overdue', numeric: true },
  { label: 'Awaiting sign-off', numeric: true },
  { label: 'Signed off', numeric: true },
  { label: 'Signed off and done by the due date', numeric: true },
  { label: 'Median days to sign-off', numeric: true },
];

const none = (key: string): ActionCounts => ({ key, created: 0, outstanding: 0, overdue: 0, awaiting: 0, signedOff: 0, cancelled: 0, doneInTime: 0, medianDays: null });

export async function actionsDashboard(ctx: InsightContext): Promise<ActionsDashboard> {
  const { filter } = ctx;
  const [byTeam, byMonth, [all]] = await Promise.all([
    counts(ctx, sql`${TEAM}::text`),
    counts(ctx, sql`to_char(x.created_at at time zone 'Europe/London', 'YYYY-MM')`),
    counts(ctx, sql`''`),
  ]);
  const total = all ?? none('');
  const period = periodLabel(filter.from, filter.to);
  const link = (narrow: Partial<InsightFilter>) => (state: Drill['actions']) => drillHref({ ...filter, ...narrow }, { actions: state });
  const teams = byTeam.sort((a, b) => (ctx.teams.get(a.key)?.name ?? 'zz').localeCompare(ctx.teams.get(b.key)?.name ?? 'zz'));
  const teamName = (id: string) => ctx.teams.get(id)?.name ?? 'No team recorded';
  const months = monthsBetween(filter.from, filter.to);
  const monthRows = new Map(byMonth.map((r) => [r.key, r]));
  return {
    period,
    headlines: [
      { label: 'Actions set', value: total.created.toLocaleString('en-GB') },
      { label: 'Overdue now', value: total.overdue.toLocaleString('en-GB'), href: total.overdue ? link({})('overdue') : undefined },
      { label: 'Awaiting sign-off', value: total.awaiting.toLocaleString('en-GB'), href: total.awaiting ? link({})('awaiting') : undefined },
      { label: 'Signed off', value: formatShare(share(total.signedOff, total.created - total.cancelled)), detail: `${total.signedOff} of ${total.created - total.cancelled} not cancelled` },
      { label: 'Median days to sign-off', value: total.medianDays === null ? 'no figure' : total.medianDays.toFixed(1) },
    ],
    byTeam: {
      table: {
        id: 'by-team',
        caption: 'Actions set in the period, by team',
        columns: [{ label: 'Team' }, ...COLUMNS],
        rows: teams.map((r) => [text(teamName(r.key)), ...cells(r, r.key ? link({ teamId: r.key }) : () => undefined)]),
        empty: 'No actions were set in this period.',
      },
      chart: teams.length
        ? stackedBars({
            id: 'chart-actions-team',
            title: 'Where each team’s actions stand',
            description: `For each team, the actions set ${period}: still to do and not yet due, overdue, done and awaiting sign-off, and signed off.`,
            rows: teams.map((r) => teamName(r.key)),
            series: [
              { label: 'Still to do, not yet due', colour: PALETTE[0]! },
              { label: 'Overdue', colour: PALETTE[4]! },
              { label: 'Awaiting sign-off', colour: PALETTE[3]! },
              { label: 'Signed off', colour: PALETTE[1]! },
            ],
            values: [teams.map((r) => r.outstanding - r.overdue), teams.map((r) => r.overdue), teams.map((r) => r.awaiting), teams.map((r) => r.signedOff)],
          })
        : undefined,
      summary: 'Overdue actions are counted within those still to do. The numbers link to the audits the actions came from.',
    },
    byMonth: {
      table: {
        id: 'by-month',
        caption: 'Actions by the month they were set',
        columns: [{ label: 'Month' }, ...COLUMNS],
        rows: months.map((m) => [text(monthLabel(m)), ...cells(monthRows.get(m) ?? none(m), () => undefined)]),
        empty: 'No actions were set in this period.',
      },
    },
  };
}
