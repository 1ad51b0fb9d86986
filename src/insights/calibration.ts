/**
 * Calibration: do auditors grade the way moderators do, and practitioners the way auditors do?
 * Councils that were judged inadequate often had audits that said "good"; this page shows whether
 * the council's own grades survive a second look.
 *
 * Each graded item (criterion, or area as a whole) of a moderated audit is a pair: the auditor's
 * grade and the moderator's. Pairs are counted on the common scale (tools.ts) and summarised as
 * the agreement rate, Cohen's weighted kappa (linear and quadratic) and the mean grade shift, by
 * auditor, team, area and month, with the number of pairs each figure rests on. The
 * self-assessment is compared with the audit the same way, once the practitioner submitted it.
 *
 * Grade inflation is tested on whole audits, not items: the items of one audit are not
 * independent (a generous auditor is generous throughout), so counting them separately would
 * overstate the evidence. An audit counts as lowered when the moderator's overall grade is worse
 * than the auditor's; each auditor's (and team's) lowered count is tested against the
 * council-wide lowering rate with a one-sided exact binomial test (statistics.ts), from five
 * moderated audits, at the 5% level.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { AUDIT_FROM, completedSql, monthSql } from './audit-sql.ts';
import { groupedBars, PALETTE } from './charts.ts';
import type { InsightContext } from './context.ts';
import { drillHref, monthLabel, monthsBetween, periodLabel, type InsightFilter } from './filters.ts';
import type { Headline } from './practice-quality.ts';
import { addPair, emptyTable, INFLATION_DEFAULTS, summariseAgreement, testInflation, type AgreementSummary, type AgreementTable, type InflationTest } from './statistics.ts';
import { count, decimal, formatShare, percentage, text, type Cell, type Column, type Figure } from './tables.ts';
import { areaTitle, commonScale, rankOf } from './tools.ts';

export interface Calibration {
  period: string;
  headlines: Headline[];
  byAuditor: Figure;
  byTeam: Figure;
  byArea: Figure;
  byMonth: Figure;
  inflation: Figure;
  selfByTeam: Figure;
  selfByArea: Figure;
  selfByMonth: Figure;
  disputes: Figure;
}

/** Pairs of grades counted by everything a table groups them by, so one pass serves every table. */
interface PairRow {
  auditor: string;
  team: string;
  area: string;
  month: string;
  toolId: string;
  toolVersion: number;
  first: string;
  second: string;
  n: number;
}

const MODERATED = sql`join audit_moderations mo on mo.audit_id = audits.id and mo.completed_at is not null`;
const DIMENSIONS = (area: SQL) =>
  sql`audits.auditor_id::text as "auditor", coalesce(audits.team_id::text, '') as "team", ${area} as "area", ${monthSql(sql`audits.submitted_at`)} as "month",
      audits.tool_id as "toolId", audits.tool_version as "toolVersion"`;

/** Auditor's item grade against the moderator's. */
function moderatedPairs(ctx: InsightContext): Promise<PairRow[]> {
  return queryRows<PairRow>(
    ctx.db,
    sql`select ${DIMENSIONS(sql`audits.tool_id || '|' || r.area_id`)}, r.grade as "first", m.grade as "second", count(*)::int as "n"
        ${AUDIT_FROM} ${MODERATED}
        join audit_responses r on r.audit_id = audits.id and r.stage = 'audit' and r.grade is not null
        join audit_responses m on m.audit_id = audits.id and m.stage = 'moderation' and m.area_id = r.area_id and m.criterion_id = r.criterion_id and m.grade is not null
        where ${completedSql(ctx.scope, ctx.filter)}
        group by 1, 2, 3, 4, 5, 6, 7, 8`,
  );
}

/** The practitioner's submitted self-assessment against the auditor's grade. */
function selfPairs(ctx: InsightContext): Promise<PairRow[]> {
  return queryRows<PairRow>(
    ctx.db,
    sql`select ${DIMENSIONS(sql`audits.tool_id || '|' || s.area_id`)}, s.grade as "first", r.grade as "second", count(*)::int as "n"
        ${AUDIT_FROM}
        join audit_responses s on s.audit_id = audits.id and s.stage = 'self-assessment' and s.grade is not null
        join audit_responses r on r.audit_id = audits.id and r.stage = 'audit' and r.area_id = s.area_id and r.criterion_id = s.criterion_id and r.grade is not null
        where ${completedSql(ctx.scope, ctx.filter)}
          and exists (select 1 from audit_events e where e.audit_id = audits.id and e.kind = 'self-assess')
        group by 1, 2, 3, 4, 5, 6, 7, 8`,
  );
}

/** Overall judgements: the auditor's final grade against the moderator's. */
function overallPairs(ctx: InsightContext): Promise<PairRow[]> {
  return queryRows<PairRow>(
    ctx.db,
    sql`select ${DIMENSIONS(sql`''`)}, audits.final_grade as "first", audits.moderated_grade as "second", count(*)::int as "n"
        ${AUDIT_FROM} ${MODERATED}
        where ${completedSql(ctx.scope, ctx.filter)} and audits.moderated_grade is not null
        group by 1, 2, 3, 4, 5, 6, 7, 8`,
  );
}

/** Agreement tables per key, on the common scale; pairs with a grade no tool knows are left out. */
function tablesByKey(ctx: InsightContext, rows: readonly PairRow[], keyOf: (r: PairRow) => string): Map<string, AgreementTable> {
  const k = commonScale(ctx.tools);
  const out = new Map<string, AgreementTable>();
  for (const r of rows) {
    const a = rankOf(ctx.tools, r.toolId, r.first, r.toolVersion);
    const b = rankOf(ctx.tools, r.toolId, r.second, r.toolVersion);
    if (a === undefined || b === undefined) continue;
    const key = keyOf(r);
    const table = out.get(key) ?? emptyTable(k);
    addPair(table, a, b, r.n);
    out.set(key, table);
  }
  return out;
}

function merged(tables: Iterable<AgreementTable>, k: number): AgreementTable {
  const all = emptyTable(k);
  for (const t of tables) t.forEach((row, i) => row.forEach((n, j) => (all[i]![j]! += n)));
  return all;
}

const AGREEMENT_COLUMNS: Column[] = [
  { label: 'Items compared', numeric: true },
  { label: 'Same grade', numeric: true },
  { label: 'Weighted kappa (linear)', numeric: true },
  { label: 'Weighted kappa (quadratic)', numeric: true },
  { label: 'Mean grade shift', numeric: true },
  { label: 'Graded lower', numeric: true },
  { label: 'Graded higher', numeric: true },
];

function agreementCells(s: AgreementSummary): Cell[] {
  return [count(s.n), percentage(s.agreement), decimal(s.kappaLinear), decimal(s.kappaQuadratic), decimal(s.meanShift), count(s.lowered), count(s.raised)];
}

interface Named {
  key: string;
  label: string;
  /** Moderated audits behind the row, and where they are listed. */
  audits?: { n: number; href?: string | undefined };
}

function agreementFigure(id: string, caption: string, what: string, rows: readonly Named[], tables: Map<string, AgreementTable>, k: number, auditsColumn: boolean): Figure {
  return {
    table: {
      id,
      caption,
      columns: [{ label: what }, ...(auditsColumn ? [{ label: 'Moderated audits', numeric: true }] : []), ...AGREEMENT_COLUMNS],
      rows: rows.map((r) => [text(r.label), ...(auditsColumn ? [count(r.audits?.n ?? 0, r.audits?.href)] : []), ...agreementCells(summariseAgreement(tables.get(r.key) ?? emptyTable(k)))]),
      empty: 'Nothing to compare in this period.',
    },
  };
}

function auditCounts(tables: Map<string, AgreementTable>): Map<string, number> {
  return new Map([...tables].map(([key, t]) => [key, t.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0)]));
}

export async function calibration(ctx: InsightContext): Promise<Calibration> {
  const { filter, tools } = ctx;
  const k = commonScale(tools);
  const [moderated, overallRows, selfRows, people, disputeRows] = await Promise.all([
    moderatedPairs(ctx),
    overallPairs(ctx),
    selfPairs(ctx),
    queryRows<{ id: string; name: string }>(ctx.db, sql`select id::text as "id", display_name as "name" from users where organisation_id = ${ctx.actor.organisationId}`),
    queryRows<{ key: string; status: string; outcome: string | null; n: number }>(
      ctx.db,
      sql`select coalesce(audits.team_id::text, '') as "key", d.status as "status", d.outcome as "outcome", count(*)::int as "n"
          ${AUDIT_FROM} join audit_disputes d on d.audit_id = audits.id
          where ${completedSql(ctx.scope, ctx.filter)} group by 1, 2, 3`,
    ),
  ]);
  const name = new Map(people.map((p) => [p.id, p.name]));
  const teamName = (id: string) => ctx.teams.get(id)?.name ?? 'No team recorded';
  const period = periodLabel(filter.from, filter.to);
  const link = (narrow: Partial<InsightFilter>, drill: Parameters<typeof drillHref>[1]) => drillHref({ ...filter, ...narrow }, drill);

  const items = {
    auditor: tablesByKey(ctx, moderated, (r) => r.auditor),
    team: tablesByKey(ctx, moderated, (r) => r.team),
    area: tablesByKey(ctx, moderated, (r) => r.area),
    month: tablesByKey(ctx, moderated, (r) => r.month),
  };
  const overall = { auditor: tablesByKey(ctx, overallRows, (r) => r.auditor), team: tablesByKey(ctx, overallRows, (r) => r.team) };
  const auditorAudits = auditCounts(overall.auditor);
  const teamAudits = auditCounts(overall.team);
  const allItems = summariseAgreement(merged(items.month.values(), k));
  const allOverall = summariseAgreement(merged(overall.auditor.values(), k));

  const auditorRows: Named[] = [...new Set([...items.auditor.keys(), ...overall.auditor.keys()])]
    .map((id) => ({ key: id, label: name.get(id) ?? 'Unknown', audits: { n: auditorAudits.get(id) ?? 0, href: link({}, { auditor: id, moderation: 'any' }) } }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const teamRows: Named[] = [...new Set([...items.team.keys(), ...overall.team.keys()])]
    .map((id) => ({ key: id, label: teamName(id), audits: { n: teamAudits.get(id) ?? 0, href: id ? link({ teamId: id }, { moderation: 'any' }) : undefined } }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const areaLabel = (key: string) => {
    const [toolId, areaId] = key.split('|') as [string, string];
    const tool = tools.get(toolId);
    return tool ? `${tool.title}: ${areaTitle(tool.current, areaId)}` : key;
  };
  const areaOrder = (key: string) => {
    const [toolId, areaId] = key.split('|') as [string, string];
    return `${toolId}|${String(tools.get(toolId)?.current.areas.findIndex((a) => a.id === areaId) ?? 99).padStart(3, '0')}`;
  };
  const areaRows = (keys: Iterable<string>): Named[] => [...keys].sort((a, b) => areaOrder(a).localeCompare(areaOrder(b))).map((key) => ({ key, label: areaLabel(key) }));
  const months = monthsBetween(filter.from, filter.to);
  const monthRows: Named[] = months.map((m) => ({ key: m, label: monthLabel(m) }));

  // Inflation: whole audits, each auditor and team against the council-wide lowering rate.
  const council = { n: allOverall.n, lowered: allOverall.lowered };
  const tests: Array<{ kind: string; label: string; test: InflationTest; href: string | undefined }> = [
    ...auditorRows.map((r) => {
      const s = summariseAgreement(overall.auditor.get(r.key) ?? emptyTable(k));
      return { kind: 'Auditor', label: r.label, test: testInflation(s, council), href: s.lowered ? link({}, { auditor: r.key, moderation: 'lowered' }) : undefined };
    }),
    ...teamRows.map((r) => {
      const s = summariseAgreement(overall.team.get(r.key) ?? emptyTable(k));
      return { kind: 'Team', label: r.label, test: testInflation(s, council), href: s.lowered && r.key ? link({ teamId: r.key }, { moderation: 'lowered' }) : undefined };
    }),
  ];
  const flagged = tests.filter((t) => t.test.flagged);

  const selfTeam = tablesByKey(ctx, selfRows, (r) => r.team);
  const selfArea = tablesByKey(ctx, selfRows, (r) => r.area);
  const selfMonth = tablesByKey(ctx, selfRows, (r) => r.month);
  const allSelf = summariseAgreement(merged(selfMonth.values(), k));

  const disputeTeams = [...new Set(disputeRows.map((d) => d.key))].sort((a, b) => teamName(a).localeCompare(teamName(b)));
  const disputeCount = (team: string | null, test: (d: (typeof disputeRows)[number]) => boolean) =>
    disputeRows.filter((d) => (team === null || d.key === team) && test(d)).reduce((s, d) => s + d.n, 0);
  const disputeCells = (team: string | null) => [
    count(disputeCount(team, () => true)),
    count(disputeCount(team, (d) => d.status !== 'resolved')),
    count(disputeCount(team, (d) => d.status === 'resolved' && d.outcome === 'upheld')),
    count(disputeCount(team, (d) => d.status === 'resolved' && d.outcome === 'revised')),
  ];

  const selfNote = 'Here the first grade is the practitioner’s self-assessment and the second the auditor’s: a negative shift means auditors graded lower than practitioners graded themselves.';
  return {
    period,
    headlines: [
      { label: 'Moderated audits', value: allOverall.n.toLocaleString('en-GB'), href: allOverall.n ? link({}, { moderation: 'any' }) : undefined },
      { label: 'Overall grade agreed by the moderator', value: formatShare(allOverall.agreement), detail: `weighted kappa (quadratic) ${allOverall.kappaQuadratic === null ? 'no figure' : allOverall.kappaQuadratic.toFixed(2)}` },
      { label: 'Overall grade lowered by the moderator', value: formatShare(allOverall.n ? allOverall.lowered / allOverall.n : null), detail: `${allOverall.lowered} of ${allOverall.n}`, href: allOverall.lowered ? link({}, { moderation: 'lowered' }) : undefined },
      { label: 'Graded items agreed', value: formatShare(allItems.agreement), detail: `${allItems.n} items; weighted kappa (quadratic) ${allItems.kappaQuadratic === null ? 'no figure' : allItems.kappaQuadratic.toFixed(2)}; mean shift ${allItems.meanShift === null ? 'no figure' : allItems.meanShift.toFixed(2)}` },
      { label: 'Possible grade inflation', value: String(flagged.length), detail: flagged.length ? flagged.map((f) => `${f.kind.toLowerCase()} ${f.label}`).join(', ') : 'no auditor or team flagged' },
      { label: 'Self-assessed items the auditor agreed', value: formatShare(allSelf.agreement), detail: `${allSelf.n} items` },
    ],
    byAuditor: {
      ...agreementFigure('by-auditor', 'Auditor against moderator, by auditor', 'Auditor', auditorRows, items.auditor, k, true),
      chart: auditorRows.length
        ? groupedBars({
            id: 'chart-calibration-auditor',
            title: 'Each auditor’s graded items: agreed and lowered by the moderator',
            description: `For each auditor, the share of their graded items the moderator agreed, and the share the moderator graded lower, in audits completed ${period}.`,
            rows: auditorRows.map((r) => r.label),
            series: [
              { label: 'Same grade', colour: PALETTE[1]! },
              { label: 'Graded lower', colour: PALETTE[4]! },
            ],
            values: [
              auditorRows.map((r) => summariseAgreement(items.auditor.get(r.key) ?? emptyTable(k)).agreement),
              auditorRows.map((r) => {
                const s = summariseAgreement(items.auditor.get(r.key) ?? emptyTable(k));
                return s.n ? s.lowered / s.n : null;
              }),
            ],
          })
        : undefined,
      summary: 'Weighted kappa is 1 when the moderator agrees every time and 0 when agreement is no better than chance; quadratic weights count a disagreement of two grades four times a disagreement of one. The mean shift is in grades: negative when the moderator graded lower.',
    },
    byTeam: agreementFigure('by-team', 'Auditor against moderator, by the team audited', 'Team', teamRows, items.team, k, true),
    byArea: {
      ...agreementFigure('by-area', 'Auditor against moderator, by area', 'Area', areaRows(items.area.keys()), items.area, k, false),
      summary: 'Each area pools its criteria and the grade for the area as a whole.',
    },
    byMonth: agreementFigure('by-month', 'Auditor against moderator, by the month the audit was submitted', 'Month', monthRows, items.month, k, false),
    inflation: {
      table: {
        id: 'inflation',
        caption: 'Grade inflation: overall grades lowered by moderators',
        columns: [
          { label: 'Auditor or team' },
          { label: 'Who' },
          { label: 'Moderated audits', numeric: true },
          { label: 'Lowered', numeric: true },
          { label: 'Share lowered', numeric: true },
          { label: 'Council rate', numeric: true },
          { label: 'Chance of this many or more (p)', numeric: true },
          { label: 'Result' },
        ],
        rows: tests.map((t) => [
          text(t.label),
          text(t.kind),
          count(t.test.n),
          count(t.test.lowered, t.href),
          percentage(t.test.n ? t.test.lowered / t.test.n : null),
          percentage(t.test.councilRate),
          decimal(t.test.pValue, 3),
          text(t.test.reason),
        ]),
        empty: 'No audits were moderated in this period.',
      },
      summary: `Tested on whole audits: an audit is lowered when the moderator’s overall grade is worse than the auditor’s. A one-sided exact binomial test against the council’s lowering rate, from ${INFLATION_DEFAULTS.minCount} moderated audits, flagging p below ${INFLATION_DEFAULTS.alpha}. With many auditors about one in twenty may be flagged by chance: a flag is a reason to talk, not a finding.`,
    },
    selfByTeam: {
      ...agreementFigure(
        'self-by-team',
        'Self-assessment against audit, by team',
        'Team',
        [...selfTeam.keys()].map((key) => ({ key, label: teamName(key) })).sort((a, b) => a.label.localeCompare(b.label)),
        selfTeam,
        k,
        false,
      ),
      summary: selfNote,
    },
    selfByArea: agreementFigure('self-by-area', 'Self-assessment against audit, by area', 'Area', areaRows(selfArea.keys()), selfArea, k, false),
    selfByMonth: agreementFigure('self-by-month', 'Self-assessment against audit, by month', 'Month', monthRows, selfMonth, k, false),
    disputes: {
      table: {
        id: 'disputes',
        caption: 'Disputes about moderated grades, and their outcomes',
        columns: [{ label: 'Team' }, { label: 'Raised', numeric: true }, { label: 'Still open', numeric: true }, { label: 'Moderated grade upheld', numeric: true }, { label: 'Grade revised', numeric: true }],
        rows: [...disputeTeams.map((team) => [text(teamName(team)), ...disputeCells(team)]), ...(disputeTeams.length > 1 ? [[text('All teams'), ...disputeCells(null)]] : [])],
        empty: 'No disputes were raised about audits completed in this period.',
      },
    },
  };
}
