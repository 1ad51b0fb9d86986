/**
 * Stage 3 themes across audits (seed 002): how often each theme was found as a strength, a
 * barrier or a recurring issue, quarter by quarter; what the QA team wrote when tagging (without
 * anything identifying the child); and the learning loop: for each theme found as a barrier or
 * recurring issue, the actions set in those audits, and whether the same teams' later audits
 * were graded better and were free of the theme.
 *
 * "Later audits" of a theme are the audits of the same teams submitted after the team's first
 * audit tagged with it in the period, up to the end of the period.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { formatDate } from '../platform/http/render.ts';
import { AUDIT_FROM, completedSql, goodSql, monthSql, SETTLED_GRADE } from './audit-sql.ts';
import { stackedBars, stackedColumns, PALETTE } from './charts.ts';
import type { InsightContext } from './context.ts';
import { drillHref, monthsBetween, periodLabel, quarterLabel, quarterStart, type InsightFilter } from './filters.ts';
import type { Headline } from './practice-quality.ts';
import { redactChild } from './redact.ts';
import { share } from './statistics.ts';
import { count, percentage, text, type Figure } from './tables.ts';

export const KIND_WORDS: Record<string, string> = { strength: 'Strength', barrier: 'Barrier', 'recurring-issue': 'Recurring issue' };
const ISSUE = sql`('barrier', 'recurring-issue')`;

export interface Themes {
  period: string;
  headlines: Headline[];
  counts: Figure;
  byQuarter: Figure;
  loop: Figure;
  quotes: Figure;
}

interface CountRow {
  themeId: string;
  name: string;
  kind: string;
  month: string;
  n: number;
}

interface LoopRow {
  themeId: string;
  name: string;
  tagged: number;
  taggedGood: number;
  actions: number;
  signedOff: number;
  overdue: number;
  later: number;
  laterGood: number;
  recurred: number;
}

export async function themes(ctx: InsightContext, quoteLimit = 20): Promise<Themes> {
  const { filter } = ctx;
  const base = completedSql(ctx.scope, filter);
  const good = goodSql(ctx.tools, sql`audits.tool_id`, SETTLED_GRADE);
  const [counts, loop, quotes] = await Promise.all([
    queryRows<CountRow>(
      ctx.db,
      sql`select l.id as "themeId", l.name as "name", th.kind as "kind", ${monthSql(sql`audits.submitted_at`)} as "month", count(*)::int as "n"
          ${AUDIT_FROM} join audit_themes th on th.audit_id = audits.id join audit_themes_list l on l.id = th.theme_id
          where ${base} group by 1, 2, 3, 4`,
    ),
    queryRows<LoopRow>(
      ctx.db,
      sql`with tagged as (
            select th.theme_id, audits.id, audits.team_id, audits.submitted_at, ${good} as good
            ${AUDIT_FROM} join audit_themes th on th.audit_id = audits.id and th.kind in ${ISSUE}
            where ${base}
          ), firsts as (
            select theme_id, team_id, min(submitted_at) as first_at from tagged where team_id is not null group by 1, 2
          ), later as (
            select f.theme_id, audits.id, ${good} as good,
              exists (select 1 from tagged g where g.theme_id = f.theme_id and g.id = audits.id) as recurred
            ${AUDIT_FROM} join firsts f on f.team_id = audits.team_id and audits.submitted_at > f.first_at
            where ${base}
          )
          select l.id as "themeId", l.name as "name",
            (select count(*)::int from tagged g where g.theme_id = l.id) as "tagged",
            (select count(*)::int from tagged g where g.theme_id = l.id and g.good) as "taggedGood",
            (select count(*)::int from actions x where x.audit_id in (select g.id from tagged g where g.theme_id = l.id) and x.status <> 'cancelled') as "actions",
            (select count(*)::int from actions x where x.audit_id in (select g.id from tagged g where g.theme_id = l.id) and x.status = 'signed-off') as "signedOff",
            (select count(*)::int from actions x where x.audit_id in (select g.id from tagged g where g.theme_id = l.id) and x.status in ('open', 'reopened') and x.due_date < ${ctx.today}::date) as "overdue",
            (select count(*)::int from later x where x.theme_id = l.id) as "later",
            (select count(*)::int from later x where x.theme_id = l.id and x.good) as "laterGood",
            (select count(*)::int from later x where x.theme_id = l.id and x.recurred) as "recurred"
          from audit_themes_list l
          where l.organisation_id = ${ctx.actor.organisationId} and exists (select 1 from tagged g where g.theme_id = l.id)
          order by l.name`,
    ),
    queryRows<{ auditId: string; name: string; kind: string; note: string; taggedAt: Date | string; teamName: string | null; childName: string | null; dateOfBirth: string | null; childRef: string }>(
      ctx.db,
      sql`select audits.id as "auditId", l.name as "name", th.kind as "kind", th.note as "note", th.tagged_at as "taggedAt", t.name as "teamName",
            c.name as "childName", to_char(c.date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", c.child_ref as "childRef"
          ${AUDIT_FROM} join audit_themes th on th.audit_id = audits.id and coalesce(th.note, '') <> '' join audit_themes_list l on l.id = th.theme_id
          where ${base} order by th.tagged_at desc limit ${quoteLimit}`,
    ),
  ]);

  const period = periodLabel(filter.from, filter.to);
  const link = (drill: Parameters<typeof drillHref>[1], narrow: Partial<InsightFilter> = {}) => drillHref({ ...filter, ...narrow }, drill);
  const themeIds = [...new Map(counts.map((c) => [c.themeId, c.name])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const sum = (test: (c: CountRow) => boolean) => counts.filter(test).reduce((s, c) => s + c.n, 0);
  const quarters = [...new Set(monthsBetween(filter.from, filter.to).map(quarterStart))];
  const inQuarter = (c: CountRow, q: string) => quarterStart(c.month) === q;
  const issues = (c: CountRow) => c.kind === 'barrier' || c.kind === 'recurring-issue';
  const chartThemes = themeIds.slice(0, PALETTE.length);

  return {
    period,
    headlines: [
      { label: 'Themes found', value: String(themeIds.length) },
      { label: 'Found as a strength', value: sum((c) => c.kind === 'strength').toLocaleString('en-GB') },
      { label: 'Found as a barrier or recurring issue', value: sum(issues).toLocaleString('en-GB') },
    ],
    counts: {
      table: {
        id: 'counts',
        caption: 'Themes found in audits completed in the period',
        columns: [{ label: 'Theme' }, { label: 'Strength', numeric: true }, { label: 'Barrier', numeric: true }, { label: 'Recurring issue', numeric: true }],
        rows: themeIds.map(([id, name]) => [
          text(name),
          count(sum((c) => c.themeId === id && c.kind === 'strength'), link({ theme: id })),
          count(sum((c) => c.themeId === id && c.kind === 'barrier'), link({ theme: id })),
          count(sum((c) => c.themeId === id && c.kind === 'recurring-issue'), link({ theme: id })),
        ]),
        empty: 'No audit completed in this period was tagged with a theme.',
      },
      chart: themeIds.length
        ? stackedBars({
            id: 'chart-themes',
            title: 'How often each theme was found',
            description: `For each theme, the audits completed ${period} in which the QA team found it as a strength, a barrier or a recurring issue.`,
            rows: themeIds.map(([, name]) => name),
            series: [
              { label: 'Strength', colour: PALETTE[1]! },
              { label: 'Barrier', colour: PALETTE[4]! },
              { label: 'Recurring issue', colour: PALETTE[2]! },
            ],
            values: ['strength', 'barrier', 'recurring-issue'].map((kind) => themeIds.map(([id]) => sum((c) => c.themeId === id && c.kind === kind))),
          })
        : undefined,
      summary: 'The numbers link to the audits tagged with the theme.',
    },
    byQuarter: {
      table: {
        id: 'by-quarter',
        caption: 'Themes found as a barrier or recurring issue, by quarter',
        columns: [{ label: 'Theme' }, ...quarters.map((q) => ({ label: quarterLabel(q), numeric: true }))],
        rows: themeIds.map(([id, name]) => [text(name), ...quarters.map((q) => count(sum((c) => c.themeId === id && issues(c) && inQuarter(c, q))))]),
        empty: 'No audit completed in this period was tagged with a theme.',
      },
      chart: chartThemes.length
        ? stackedColumns({
            id: 'chart-themes-quarter',
            title: 'Barriers and recurring issues by quarter',
            description: `Columns for each financial quarter ${period}, stacked by theme: how many times each theme was found as a barrier or recurring issue.`,
            categories: quarters.map((q) => quarterLabel(q).replace(/ \(.*\)$/, '')),
            series: chartThemes.map(([, name], i) => ({ label: name, colour: PALETTE[i]! })),
            values: chartThemes.map(([id]) => quarters.map((q) => sum((c) => c.themeId === id && issues(c) && inQuarter(c, q)))),
          })
        : undefined,
      summary: themeIds.length > chartThemes.length ? `The chart shows the first ${chartThemes.length} themes; the table has them all.` : undefined,
    },
    loop: {
      table: {
        id: 'learning-loop',
        caption: 'The learning loop: barriers and recurring issues, the actions they led to, and later audits of the same teams',
        columns: [
          { label: 'Theme' },
          { label: 'Audits with the theme', numeric: true },
          { label: 'Good or better', numeric: true },
          { label: 'Actions set', numeric: true },
          { label: 'Signed off', numeric: true },
          { label: 'Overdue', numeric: true },
          { label: 'Later audits of the same teams', numeric: true },
          { label: 'Later audits good or better', numeric: true },
          { label: 'Later audits with the theme again', numeric: true },
        ],
        rows: loop.map((r) => [
          text(r.name),
          count(r.tagged, link({ theme: r.themeId })),
          percentage(share(r.taggedGood, r.tagged)),
          count(r.actions),
          count(r.signedOff),
          count(r.overdue),
          count(r.later),
          percentage(share(r.laterGood, r.later)),
          count(r.recurred),
        ]),
        empty: 'No audit completed in this period was tagged with a barrier or recurring issue.',
      },
      summary: 'Later audits are the same teams’ audits submitted after their first audit with the theme in the period. A rising share good or better, and fewer later audits with the theme again, suggest the learning took hold.',
    },
    quotes: {
      table: {
        id: 'quotes',
        caption: 'What the QA team noted when tagging themes',
        columns: [{ label: 'Note' }, { label: 'Theme' }, { label: 'Found as' }, { label: 'Team' }, { label: 'Tagged' }],
        rows: quotes.map((q) => [
          text(redactChild(q.note, { name: q.childName, dateOfBirth: q.dateOfBirth, childRef: q.childRef })),
          text(q.name),
          text(KIND_WORDS[q.kind] ?? q.kind),
          text(q.teamName ?? 'No team recorded'),
          { text: formatDate(new Date(q.taggedAt)), value: new Date(q.taggedAt).toISOString().slice(0, 10), auditId: q.auditId },
        ]),
        empty: 'No notes were written in this period.',
      },
      summary: `The latest ${quoteLimit} at most, without the child’s name, reference or date of birth. The date links to the audit where you may open it.`,
    },
  };
}
