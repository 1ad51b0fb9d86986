/**
 * Practice quality: how the audits completed in the period were graded, by month, team, service,
 * area and criterion; the share good or better, month by month and over rolling quarters; and
 * every inadequate audit with what happened next (safeguarding alert, actions, moderation, the
 * next audit of the same child). Counts only: no child is named on this page.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { formatDate } from '../platform/http/render.ts';
import { AUDIT_FROM, completedSql, monthSql, SETTLED_GRADE, worstSql } from './audit-sql.ts';
import { shareLines, stackedBars, stackedColumns, PALETTE } from './charts.ts';
import type { InsightContext } from './context.ts';
import { addMonthsTo, CASE_TYPE_WORDS, drillHref, monthLabel, monthsBetween, periodLabel, shortMonthLabel, type Drill, type InsightFilter } from './filters.ts';
import { gradeCells, gradeColumns, gradeSeries, GradeTallies, seriesValues } from './grade-counts.ts';
import { rollingShare, share } from './statistics.ts';
import { count, formatShare, percentage, text, type Cell, type Figure, type Table } from './tables.ts';
import { areaTitle, commonScale, itemLabels } from './tools.ts';

/** The inadequate audits listed with what happened next: the latest, as leaders read them. */
export const INADEQUATE_SHOWN = 20;

export interface Headline {
  label: string;
  value: string;
  detail?: string;
  href?: string | undefined;
}

export interface PracticeQuality {
  period: string;
  headlines: Headline[];
  byMonth: Figure;
  rolling: Figure;
  byTeam: Figure;
  byService: Figure;
  /** One per tool with graded items in the period. */
  byArea: Figure[];
  inadequate: Figure;
}

export interface GradeRow {
  key: string;
  toolId: string;
  toolVersion: number;
  grade: string | null;
  n: number;
  moderated: number;
}

function link(filter: InsightFilter, drill: Drill, narrow: Partial<InsightFilter> = {}): string {
  return drillHref({ ...filter, ...narrow }, drill);
}

/** Audits per (month, tool, version, settled grade), from two months before the period for the rolling quarter. */
async function byMonthRows(ctx: InsightContext): Promise<GradeRow[]> {
  const period = { from: addMonthsTo(ctx.filter.from, -2), to: ctx.filter.to };
  return queryRows<GradeRow>(
    ctx.db,
    sql`select ${monthSql(sql`audits.submitted_at`)} as "key", audits.tool_id as "toolId", audits.tool_version as "toolVersion", ${SETTLED_GRADE} as "grade",
          count(*)::int as "n", count(audits.moderated_grade)::int as "moderated"
        ${AUDIT_FROM}
        where ${completedSql(ctx.scope, ctx.filter, period)}
        group by 1, 2, 3, 4`,
  );
}

/** Audits per (team, tool, version, settled grade) completed in the period. */
export async function teamGradeRows(ctx: InsightContext): Promise<GradeRow[]> {
  return queryRows<GradeRow>(
    ctx.db,
    sql`select coalesce(audits.team_id::text, '') as "key", audits.tool_id as "toolId", audits.tool_version as "toolVersion", ${SETTLED_GRADE} as "grade",
          count(*)::int as "n", count(audits.moderated_grade)::int as "moderated"
        ${AUDIT_FROM}
        where ${completedSql(ctx.scope, ctx.filter)}
        group by 1, 2, 3, 4`,
  );
}

interface ItemRow {
  toolId: string;
  toolVersion: number;
  areaId: string;
  criterionId: string;
  grade: string;
  n: number;
}

/** Each graded item's settled grade: the moderator's where the moderation is complete. */
export async function itemRows(ctx: InsightContext): Promise<ItemRow[]> {
  return queryRows<ItemRow>(
    ctx.db,
    sql`select audits.tool_id as "toolId", audits.tool_version as "toolVersion", r.area_id as "areaId", r.criterion_id as "criterionId",
          coalesce(m.grade, r.grade) as "grade", count(*)::int as "n"
        ${AUDIT_FROM}
        join audit_responses r on r.audit_id = audits.id and r.stage = 'audit' and r.grade is not null
        left join audit_moderations mo on mo.audit_id = audits.id and mo.completed_at is not null
        left join audit_responses m on mo.audit_id is not null and m.audit_id = audits.id and m.stage = 'moderation' and m.area_id = r.area_id and m.criterion_id = r.criterion_id
        where ${completedSql(ctx.scope, ctx.filter)}
        group by 1, 2, 3, 4, 5`,
  );
}

export interface InadequateRow {
  id: string;
  submittedAt: Date | string;
  teamName: string | null;
  caseType: string | null;
  toolId: string;
  finalGrade: string;
  moderatedGrade: string | null;
  alert: boolean;
  actions: number;
  signedOff: number;
  overdue: number;
  laterGrade: string | null;
  laterTool: string | null;
  laterAt: Date | string | null;
}

/** What followed an audit: a safeguarding alert, its actions, and the next audit of the same child. */
export function nextColumns(today: string) {
  return sql`exists (select 1 from safeguarding_alerts sa where sa.audit_id = audits.id) as "alert",
    (select count(*)::int from actions x where x.audit_id = audits.id and x.status <> 'cancelled') as "actions",
    (select count(*)::int from actions x where x.audit_id = audits.id and x.status = 'signed-off') as "signedOff",
    (select count(*)::int from actions x where x.audit_id = audits.id and x.status in ('open', 'reopened') and x.due_date < ${today}::date) as "overdue",
    later.grade as "laterGrade", later.tool_id as "laterTool", later.submitted_at as "laterAt"`;
}

export const LATER_AUDIT = sql`left join lateral (
    select coalesce(a2.moderated_grade, a2.final_grade) as grade, a2.tool_id, a2.submitted_at from audits a2
    where a2.child_id = audits.child_id and a2.status <> 'cancelled' and a2.final_grade is not null and a2.submitted_at > audits.submitted_at
    order by a2.submitted_at limit 1
  ) later on true`;

/** The inadequate audits (settled grade the scale's worst), latest first, with what followed. */
async function inadequateRows(ctx: InsightContext, limit: number): Promise<InadequateRow[]> {
  return queryRows<InadequateRow>(
    ctx.db,
    sql`select audits.id as "id", audits.submitted_at as "submittedAt", t.name as "teamName", c.case_type as "caseType", audits.tool_id as "toolId",
          audits.final_grade as "finalGrade", audits.moderated_grade as "moderatedGrade", ${nextColumns(ctx.today)}
        ${AUDIT_FROM} ${LATER_AUDIT}
        where ${completedSql(ctx.scope, ctx.filter)} and ${worstSql(ctx.tools, sql`audits.tool_id`, SETTLED_GRADE)}
        order by audits.submitted_at desc
        limit ${limit}`,
  );
}

function gradeName(ctx: InsightContext, toolId: string, grade: string | null): string {
  if (!grade) return '';
  return ctx.tools.get(toolId)?.current.scale.grades.find((g) => g.id === grade)?.label ?? grade;
}

export function whatHappenedNext(ctx: InsightContext, row: InadequateRow): string {
  const parts: string[] = [];
  if (row.alert) parts.push('Safeguarding alert raised');
  parts.push(row.actions === 0 ? 'No actions recorded' : `${row.actions} action${row.actions === 1 ? '' : 's'}: ${row.signedOff} signed off${row.overdue ? `, ${row.overdue} overdue` : ''}`);
  if (row.laterGrade && row.laterTool) parts.push(`Audited again ${formatDate(new Date(row.laterAt!))}: ${gradeName(ctx, row.laterTool, row.laterGrade)}`);
  else parts.push('Not audited again yet');
  return parts.join('. ');
}

export async function practiceQuality(ctx: InsightContext): Promise<PracticeQuality> {
  const { filter, tools } = ctx;
  const [monthRows, teamRows, items, inadequate] = await Promise.all([byMonthRows(ctx), teamGradeRows(ctx), itemRows(ctx), inadequateRows(ctx, INADEQUATE_SHOWN)]);
  const toolIds = new Set([...monthRows, ...teamRows].map((r) => r.toolId));
  if (filter.toolId) toolIds.add(filter.toolId);
  const series = gradeSeries(tools, toolIds.size ? toolIds : tools.keys());
  const k = commonScale(tools);

  const months = monthsBetween(filter.from, filter.to);
  const byMonth = new GradeTallies<string>(k);
  let moderated = 0;
  for (const r of monthRows) {
    byMonth.add(r.key, tools, r.toolId, r.grade, r.n, r.toolVersion);
    if (r.key >= filter.from) moderated += r.moderated;
  }
  const inPeriod = new GradeTallies<string>(k);
  for (const m of months) inPeriod.byKey.set(m, byMonth.get(m));
  const total = inPeriod.total();

  const allMonths = monthsBetween(addMonthsTo(filter.from, -2), filter.to);
  const rolling = rollingShare(
    allMonths.map((m) => ({ part: byMonth.get(m).goodOrBetter, whole: byMonth.get(m).total })),
    3,
  ).slice(2);
  const monthly = months.map((m) => share(byMonth.get(m).goodOrBetter, byMonth.get(m).total));

  const headlines: Headline[] = [
    { label: 'Audits completed', value: total.total.toLocaleString('en-GB'), href: total.total ? link(filter, {}) : undefined },
    {
      label: 'Good or better',
      value: formatShare(share(total.goodOrBetter, total.total)),
      detail: `${total.goodOrBetter} of ${total.total}`,
      href: total.goodOrBetter ? link(filter, { goodOrBetter: true }) : undefined,
    },
    {
      label: series.at(-1)?.label ?? 'Inadequate',
      value: formatShare(share(total.worst, total.total)),
      detail: `${total.worst} of ${total.total}`,
      href: total.worst ? link(filter, { rank: k }) : undefined,
    },
    { label: 'Moderated', value: formatShare(share(moderated, total.total)), detail: `${moderated} of ${total.total}`, href: moderated ? link(filter, { moderation: 'any' }) : undefined },
  ];

  const monthTable: Table = {
    id: 'by-month',
    caption: 'Audits by month and grade',
    columns: [{ label: 'Month' }, ...gradeColumns(series, 'Audits'), { label: 'Good or better, rolling quarter', numeric: true }],
    rows: months.map((m, i) => [text(monthLabel(m)), ...gradeCells(byMonth.get(m), series, (rank) => link(filter, { month: m, rank })), percentage(rolling[i] ?? null)]),
    empty: 'No audits were completed in this period.',
  };

  const teamTallies = new GradeTallies<string>(k);
  for (const r of teamRows) teamTallies.add(r.key, tools, r.toolId, r.grade, r.n, r.toolVersion);
  const teamKeys = [...teamTallies.byKey.keys()].sort((a, b) => (ctx.teams.get(a)?.name ?? 'zz').localeCompare(ctx.teams.get(b)?.name ?? 'zz'));
  const teamName = (id: string) => ctx.teams.get(id)?.name ?? 'No team recorded';
  const teamTable: Table = {
    id: 'by-team',
    caption: 'Audits by team and grade',
    columns: [{ label: 'Team' }, { label: 'Service' }, ...gradeColumns(series, 'Audits')],
    rows: teamKeys.map((id) => [
      text(teamName(id)),
      text(ctx.teams.get(id)?.serviceName ?? ''),
      ...gradeCells(teamTallies.get(id), series, (rank) => (id ? link(filter, { rank }, { teamId: id }) : undefined)),
    ]),
    empty: 'No audits were completed in this period.',
  };

  const serviceTallies = new GradeTallies<string>(k);
  for (const r of teamRows) serviceTallies.add(ctx.teams.get(r.key)?.serviceId ?? '', tools, r.toolId, r.grade, r.n, r.toolVersion);
  const serviceIds = [...serviceTallies.byKey.keys()].sort();
  const serviceName = (id: string) => ctx.choices.services.find((s) => s.value === id)?.text ?? 'No service recorded';
  const serviceTable: Table = {
    id: 'by-service',
    caption: 'Audits by service and grade',
    columns: [{ label: 'Service' }, ...gradeColumns(series, 'Audits')],
    rows: serviceIds.map((id) => [text(serviceName(id)), ...gradeCells(serviceTallies.get(id), series, (rank) => (id ? link(filter, { rank }, { serviceId: id }) : undefined))]),
    empty: 'No audits were completed in this period.',
  };

  const byArea: Figure[] = [];
  const itemTools = [...new Set(items.map((i) => i.toolId))].filter((id) => tools.has(id)).sort();
  for (const toolId of itemTools) {
    const tool = tools.get(toolId)!;
    const toolSeries = gradeSeries(tools, [toolId]);
    const tallies = new GradeTallies<string>(k);
    for (const r of items.filter((i) => i.toolId === toolId)) tallies.add(`${r.areaId}/${r.criterionId}`, tools, toolId, r.grade, r.n, r.toolVersion);
    // Every criterion once a tool is chosen; without one, each tool's areas as a whole.
    const labels = itemLabels(tool.current).filter((l) => tallies.byKey.has(`${l.areaId}/${l.criterionId}`) && (filter.toolId !== undefined || l.criterionId === ''));
    const rows: Cell[][] = labels.map((l) => [
      text(l.criterionId ? l.label : 'The area as a whole'),
      text(areaTitle(tool.current, l.areaId)),
      ...gradeCells(tallies.get(`${l.areaId}/${l.criterionId}`), toolSeries, (rank) => link({ ...filter, toolId }, { area: l.areaId, criterion: l.criterionId, itemRank: rank })),
    ]);
    const wholeAreas = labels.filter((l) => l.criterionId === '');
    byArea.push({
      table: {
        id: `by-area-${toolId}`,
        caption: filter.toolId ? `${tool.title}: graded items by area and criterion` : `${tool.title}: each area as a whole`,
        columns: [{ label: 'Criterion or area' }, { label: 'Area' }, ...gradeColumns(toolSeries, 'Graded')],
        rows,
        empty: 'No items were graded in this period.',
      },
      chart: wholeAreas.length
        ? stackedBars({
            id: `chart-area-${toolId}`,
            title: `${tool.title}: grades of each area as a whole`,
            description: `The share of each grade given to each area as a whole, ${periodLabel(filter.from, filter.to)}. The table below has the same figures with every criterion.`,
            rows: wholeAreas.map((l) => areaTitle(tool.current, l.areaId)),
            series: toolSeries,
            values: seriesValues(tallies, toolSeries, wholeAreas.map((l) => `${l.areaId}/`)),
            asShare: true,
          })
        : undefined,
      summary: `Each item’s grade is the moderator’s where the audit was moderated, otherwise the auditor’s.${filter.toolId ? '' : ' Choose this audit tool in the filters to see every criterion.'}`,
    });
  }

  const inadequateTable: Table = {
    id: 'inadequate',
    caption: `${series.at(-1)?.label ?? 'Inadequate'} audits and what happened next`,
    columns: [{ label: 'Audit' }, { label: 'Team' }, { label: 'Case type' }, { label: "Auditor's grade" }, { label: "Moderator's grade" }, { label: 'What happened next' }],
    rows: inadequate.map((r) => {
      const when = `Audit submitted ${formatDate(new Date(r.submittedAt))}`;
      return [
        { text: when, auditId: r.id },
        text(r.teamName ?? 'No team recorded'),
        text(r.caseType ? (CASE_TYPE_WORDS[r.caseType as keyof typeof CASE_TYPE_WORDS] ?? r.caseType) : 'Not recorded'),
        text(gradeName(ctx, r.toolId, r.finalGrade)),
        text(r.moderatedGrade ? gradeName(ctx, r.toolId, r.moderatedGrade) : 'Not moderated'),
        text(whatHappenedNext(ctx, r)),
      ];
    }),
    empty: 'No audit in this period was graded at the lowest grade.',
  };

  const period = periodLabel(filter.from, filter.to);
  const rankLabels = series.map((s) => s.label);
  return {
    period,
    headlines,
    byMonth: {
      table: monthTable,
      chart: stackedColumns({
        id: 'chart-by-month',
        title: 'Audits completed each month, by grade',
        description: `Columns show the number of audits completed each month, ${period}, stacked by settled grade (${rankLabels.join(', ')}). ${total.total} audits in all.`,
        categories: months.map(shortMonthLabel),
        series,
        values: seriesValues(byMonth, series, months),
      }),
    },
    rolling: {
      table: {
        id: 'rolling',
        caption: 'Share of audits good or better, by month and over rolling quarters',
        columns: [{ label: 'Month' }, { label: 'Audits in the month', numeric: true }, { label: 'Good or better in the month', numeric: true }, { label: 'Rolling quarter (3 months to the month)', numeric: true }],
        rows: months.map((m, i) => [text(monthLabel(m)), count(byMonth.get(m).total, link(filter, { month: m })), percentage(monthly[i] ?? null), percentage(rolling[i] ?? null)]),
        empty: 'No audits were completed in this period.',
      },
      chart: shareLines({
        id: 'chart-rolling',
        title: 'Share of audits good or better',
        description: `Two lines from 0 to 100%: the share of audits graded good or better each month, and over the three months to each month (a rolling quarter), ${period}. Gaps are months without audits.`,
        categories: months.map(shortMonthLabel),
        lines: [
          { label: 'Rolling quarter', colour: PALETTE[0]!, values: rolling },
          { label: 'Month', colour: PALETTE[5]!, values: monthly },
        ],
      }),
      summary: `A rolling quarter pools the audits of three months, so one month with few audits does not swing the line.`,
    },
    byTeam: {
      table: teamTable,
      chart: teamKeys.length
        ? stackedBars({
            id: 'chart-by-team',
            title: 'Grades by team',
            description: `The share of each settled grade in each team's audits, ${period}.`,
            rows: teamKeys.map(teamName),
            series,
            values: seriesValues(teamTallies, series, teamKeys),
            asShare: true,
          })
        : undefined,
    },
    byService: { table: serviceTable },
    byArea,
    inadequate: {
      table: inadequateTable,
      summary: `The latest ${INADEQUATE_SHOWN} at most; the count above lists them all. Only audits you may open are linked.`,
    },
  };
}
