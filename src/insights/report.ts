/**
 * The quarterly QA report (seed 002: "The Quality Assurance report will be shared with senior
 * management team", audited and moderated cases "each quarter to present to the Senior
 * Leadership Team", themes "included QA quarterly report"; the performance board receives the
 * service's highlight reports). One report for a financial quarter, addressed to one of those
 * audiences, built from the same figures as the dashboards over the whole council: headline
 * figures, charts, calibration, timeliness, actions, family feedback, themes and the learning
 * loop, and the cases chosen for senior leaders. It names no child: cases are numbered, quotes
 * have the child's identifiers taken out.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { getPublishedVersion } from '../standards/versions/service.ts';
import { NotFoundError } from '../platform/auth/actor.ts';
import { actionsDashboard } from './actions.ts';
import { AUDIT_FROM, completedSql } from './audit-sql.ts';
import { calibration } from './calibration.ts';
import type { InsightContext } from './context.ts';
import { addMonthsTo, CASE_TYPE_WORDS, isMonth, isQuarterStart, monthOf, quarterLabel, quarterStart, type Month } from './filters.ts';
import { LATER_AUDIT, nextColumns, practiceQuality, whatHappenedNext, type Headline, type InadequateRow } from './practice-quality.ts';
import { KIND_WORDS, themes } from './themes.ts';
import { timeliness } from './timeliness.ts';
import { text, type Figure, type Table } from './tables.ts';
import { voice } from './voice.ts';

export const AUDIENCES = {
  smt: 'Senior management team',
  slt: 'Senior leadership team',
  'performance-board': 'Performance board',
} as const;
export type Audience = keyof typeof AUDIENCES;

export interface ReportRequest {
  quarter: Month;
  audience: Audience;
}

/** The quarter asked for, or the last complete one; an audience, or the senior management team. */
export function reportRequest(query: unknown, today: string): ReportRequest {
  const q = (query ?? {}) as Record<string, unknown>;
  const asked = typeof q.quarter === 'string' && isMonth(q.quarter) && isQuarterStart(q.quarter) ? q.quarter : undefined;
  const audience = typeof q.audience === 'string' && q.audience in AUDIENCES ? (q.audience as Audience) : 'smt';
  return { quarter: asked ?? addMonthsTo(quarterStart(monthOf(today)), -3), audience };
}

export interface ReportSection {
  heading: string;
  intro?: string | undefined;
  figures: Figure[];
}

export interface QuarterlyReport {
  title: string;
  quarter: Month;
  quarterLabel: string;
  audience: Audience;
  audienceLabel: string;
  /** Where the report goes, in the QA framework's words. */
  reportingLines: string[];
  headlines: Headline[];
  sections: ReportSection[];
}

/** The QA framework's reporting lines for the quarterly report and the cases for senior leaders. */
async function reportingLines(ctx: InsightContext): Promise<string[]> {
  const framework = await getPublishedVersion(ctx.db, ctx.actor.organisationId, 'west-sussex-qa-framework').catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!framework || framework.file.kind !== 'qa-framework') return [];
  const lines = (framework.file as { reportingLines?: Array<{ quote: string }> }).reportingLines ?? [];
  return lines.map((l) => l.quote);
}

interface SltRow extends InadequateRow {
  themes: string | null;
}

async function sltCases(ctx: InsightContext): Promise<Table> {
  const rows = await queryRows<SltRow>(
    ctx.db,
    sql`select audits.id as "id", audits.submitted_at as "submittedAt", t.name as "teamName", c.case_type as "caseType", audits.tool_id as "toolId",
          audits.final_grade as "finalGrade", audits.moderated_grade as "moderatedGrade", ${nextColumns(ctx.today)},
          (select string_agg(l.name || ' (' || th.kind || ')', '; ' order by l.name) from audit_themes th join audit_themes_list l on l.id = th.theme_id where th.audit_id = audits.id) as "themes"
        ${AUDIT_FROM} ${LATER_AUDIT}
        where ${completedSql(ctx.scope, ctx.filter)} and audits.marked_for_slt
        order by audits.submitted_at`,
  );
  const grade = (toolId: string, g: string | null) => (g ? (ctx.tools.get(toolId)?.current.scale.grades.find((x) => x.id === g)?.label ?? g) : 'Not moderated');
  const kinds = (s: string | null) => (s ?? '').replace(/\((strength|barrier|recurring-issue)\)/g, (_, k: string) => `(${(KIND_WORDS[k] ?? k).toLowerCase()})`);
  return {
    id: 'slt-cases',
    caption: 'Audited and moderated cases chosen for the senior leadership team',
    columns: [{ label: 'Case' }, { label: 'Team' }, { label: 'Case type' }, { label: 'Auditor’s grade' }, { label: 'Moderator’s grade' }, { label: 'Themes' }, { label: 'What happened next' }],
    rows: rows.map((r, i) => [
      { text: `Case ${i + 1}`, auditId: r.id },
      text(r.teamName ?? 'No team recorded'),
      text(r.caseType ? (CASE_TYPE_WORDS[r.caseType as keyof typeof CASE_TYPE_WORDS] ?? r.caseType) : 'Not recorded'),
      text(grade(r.toolId, r.finalGrade)),
      text(grade(r.toolId, r.moderatedGrade)),
      text(kinds(r.themes) || 'None tagged'),
      text(whatHappenedNext(ctx, r)),
    ]),
    empty: 'No case completed this quarter was chosen for the senior leadership team.',
  };
}

/**
 * The report for a quarter. `quarterContext` covers the quarter's three months; `yearContext`
 * the twelve months to its end, for the trend.
 */
export async function quarterlyReport(quarterContext: InsightContext, yearContext: InsightContext, request: ReportRequest): Promise<QuarterlyReport> {
  const [pq, trend, cal, tl, act, vo, th, slt, lines] = await Promise.all([
    practiceQuality(quarterContext),
    practiceQuality(yearContext),
    calibration(quarterContext),
    timeliness(quarterContext),
    actionsDashboard(quarterContext),
    voice(quarterContext, 10),
    themes(quarterContext, 10),
    sltCases(quarterContext),
    reportingLines(quarterContext),
  ]);
  const label = quarterLabel(request.quarter);
  const pick = (list: Headline[], ...labels: string[]) => list.filter((h) => labels.includes(h.label));
  return {
    title: `Quality assurance report: ${label}`,
    quarter: request.quarter,
    quarterLabel: label,
    audience: request.audience,
    audienceLabel: AUDIENCES[request.audience],
    reportingLines: lines,
    headlines: [
      ...pq.headlines,
      ...pick(cal.headlines, 'Overall grade lowered by the moderator', 'Possible grade inflation'),
      ...pick(tl.headlines, 'Met on time', 'Overdue now').map((h) => ({ ...h, label: `Deadlines: ${h.label.toLowerCase()}` })),
      ...pick(act.headlines, 'Overdue now', 'Median days to sign-off').map((h) => ({ ...h, label: `Actions: ${h.label.toLowerCase()}` })),
      ...pick(vo.headlines, 'Feedback sought', 'Average rating'),
    ].map(({ href: _href, ...h }) => h),
    sections: uniquelyNamed([
      { heading: 'Practice quality', intro: 'Audits completed in the quarter, by grade; the trend is over the twelve months to the end of the quarter.', figures: [pq.byTeam, pq.byService, trend.rolling] },
      { heading: 'Cases for the senior leadership team', figures: [{ table: slt }] },
      { heading: 'Inadequate audits and what happened next', figures: [pq.inadequate] },
      { heading: 'Moderation and calibration', intro: 'How the council’s own grades held up when moderated.', figures: [cal.inflation, cal.byTeam, cal.disputes] },
      { heading: 'Timeliness', figures: [tl.byTeam, tl.byMeasure] },
      { heading: 'Actions', figures: [act.byTeam] },
      { heading: 'Voice of the child and family', figures: [vo.ratings, vo.quotes] },
      { heading: 'Themes and the learning loop', figures: [th.counts, th.loop, th.quotes] },
    ]),
  };
}

/** Tables and charts from several pages share ids ("by-team"); in one report each needs its own. */
function uniquelyNamed(sections: ReportSection[]): ReportSection[] {
  return sections.map((section, s) => ({
    ...section,
    figures: section.figures.map((f) => ({
      ...f,
      table: { ...f.table, id: `s${s + 1}-${f.table.id}` },
      chart: f.chart ? { ...f.chart, id: `s${s + 1}-${f.chart.id}` } : undefined,
    })),
  }));
}

/** Every table of the report, for the workbook. */
export function reportTables(report: QuarterlyReport): Table[] {
  return report.sections.flatMap((s) => s.figures.map((f) => f.table));
}
