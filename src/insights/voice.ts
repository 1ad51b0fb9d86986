/**
 * The voice of the child and family: after each audit the auditor seeks feedback from the child,
 * parents and carers (seed 002). How often it was sought, from whom, the ratings they gave
 * (1 very poor to 5 very good), and what they said, quoted without anything that identifies the
 * child. The audits are those completed in the period.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { formatDate } from '../platform/http/render.ts';
import { AUDIT_FROM, completedSql, monthSql } from './audit-sql.ts';
import { shareLines, stackedColumns, PALETTE } from './charts.ts';
import type { InsightContext } from './context.ts';
import { drillHref, monthLabel, monthsBetween, periodLabel, shortMonthLabel, type InsightFilter } from './filters.ts';
import type { Headline } from './practice-quality.ts';
import { redactChild } from './redact.ts';
import { share } from './statistics.ts';
import { count, decimal, formatShare, percentage, text, type Figure } from './tables.ts';

export const RESPONDENTS: Record<string, string> = { child: 'Child or young person', parent: 'Parent', carer: 'Carer', other: 'Someone else' };
export const RATING_WORDS = ['Very poor', 'Poor', 'Neither good nor poor', 'Good', 'Very good'];

export interface Voice {
  period: string;
  headlines: Headline[];
  byMonth: Figure;
  ratings: Figure;
  respondents: Figure;
  byTeam: Figure;
  quotes: Figure;
}

interface AuditRow {
  key: string;
  audits: number;
  sought: number;
  notSought: number;
}

interface FeedbackRow {
  key: string;
  respondent: string | null;
  rating: number | null;
  n: number;
}

export async function voice(ctx: InsightContext, quoteLimit = 20): Promise<Voice> {
  const { filter } = ctx;
  const base = completedSql(ctx.scope, ctx.filter);
  const soughtSql = sql`exists (select 1 from audit_family_feedback f where f.audit_id = audits.id and f.respondent is not null)`;
  const auditsBy = (key: ReturnType<typeof sql>) =>
    queryRows<AuditRow>(
      ctx.db,
      sql`select ${key} as "key", count(*)::int as "audits", (count(*) filter (where ${soughtSql}))::int as "sought",
            (count(*) filter (where not ${soughtSql} and exists (select 1 from audit_family_feedback f where f.audit_id = audits.id and f.not_sought_reason is not null)))::int as "notSought"
          ${AUDIT_FROM} where ${base} group by 1`,
    );
  const feedbackBy = (key: ReturnType<typeof sql>) =>
    queryRows<FeedbackRow>(
      ctx.db,
      sql`select ${key} as "key", f.respondent as "respondent", f.rating as "rating", count(*)::int as "n"
          ${AUDIT_FROM} join audit_family_feedback f on f.audit_id = audits.id and f.respondent is not null
          where ${base} group by 1, 2, 3`,
    );
  const month = monthSql(sql`audits.submitted_at`);
  const [auditMonths, auditTeams, feedbackMonths, feedbackTeams, quotes] = await Promise.all([
    auditsBy(month),
    auditsBy(sql`coalesce(audits.team_id::text, '')`),
    feedbackBy(month),
    feedbackBy(sql`coalesce(audits.team_id::text, '')`),
    queryRows<{ auditId: string; respondent: string; rating: number | null; said: string; recordedAt: Date | string; teamName: string | null; name: string | null; dateOfBirth: string | Date | null; childRef: string }>(
      ctx.db,
      sql`select audits.id as "auditId", f.respondent as "respondent", f.rating as "rating", f.what_they_said as "said", f.recorded_at as "recordedAt", t.name as "teamName",
            c.name as "name", to_char(c.date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", c.child_ref as "childRef"
          ${AUDIT_FROM} join audit_family_feedback f on f.audit_id = audits.id and f.respondent is not null and coalesce(f.what_they_said, '') <> ''
          where ${base} order by f.recorded_at desc limit ${quoteLimit}`,
    ),
  ]);

  const sum = (rows: AuditRow[]) => rows.reduce((s, r) => ({ audits: s.audits + r.audits, sought: s.sought + r.sought, notSought: s.notSought + r.notSought }), { audits: 0, sought: 0, notSought: 0 });
  const total = sum(auditMonths);
  const gathered = feedbackMonths.reduce((s, r) => s + r.n, 0);
  const rated = feedbackMonths.filter((r) => r.rating !== null);
  const ratedCount = rated.reduce((s, r) => s + r.n, 0);
  const meanOf = (rows: FeedbackRow[]) => {
    const withRating = rows.filter((r) => r.rating !== null);
    const n = withRating.reduce((s, r) => s + r.n, 0);
    return n === 0 ? null : withRating.reduce((s, r) => s + r.rating! * r.n, 0) / n;
  };
  const period = periodLabel(filter.from, filter.to);
  const link = (narrow: Partial<InsightFilter>, drill: Parameters<typeof drillHref>[1]) => drillHref({ ...filter, ...narrow }, drill);

  const months = monthsBetween(filter.from, filter.to);
  const auditByMonth = new Map(auditMonths.map((r) => [r.key, r]));
  const ratingCounts = [1, 2, 3, 4, 5].map((r) => rated.filter((x) => x.rating === r).reduce((s, x) => s + x.n, 0));
  const respondentIds = Object.keys(RESPONDENTS);
  const kind = (respondent: string | null) => (respondent !== null && respondentIds.includes(respondent) ? respondent : 'other');
  const respondentCount = (id: string) => feedbackMonths.filter((r) => kind(r.respondent) === id).reduce((s, r) => s + r.n, 0);
  const teamIds = [...new Set(auditTeams.map((r) => r.key))].sort((a, b) => (ctx.teams.get(a)?.name ?? 'zz').localeCompare(ctx.teams.get(b)?.name ?? 'zz'));

  return {
    period,
    headlines: [
      { label: 'Audits completed', value: total.audits.toLocaleString('en-GB') },
      {
        label: 'Feedback sought',
        value: formatShare(share(total.sought, total.audits)),
        detail: `${total.sought} of ${total.audits} audits`,
        href: total.sought ? link({}, { feedback: 'sought' }) : undefined,
      },
      { label: 'Feedback gathered', value: gathered.toLocaleString('en-GB'), detail: 'from children, parents and carers' },
      { label: 'Average rating', value: meanOf(feedbackMonths) === null ? 'no figure' : `${meanOf(feedbackMonths)!.toFixed(1)} out of 5`, detail: `${ratedCount} ratings` },
    ],
    byMonth: {
      table: {
        id: 'by-month',
        caption: 'Audits where family feedback was sought, by month',
        columns: [{ label: 'Month' }, { label: 'Audits completed', numeric: true }, { label: 'Feedback sought', numeric: true }, { label: 'Share sought', numeric: true }, { label: 'Not sought, with a reason', numeric: true }],
        rows: months.map((m) => {
          const r = auditByMonth.get(m) ?? { key: m, audits: 0, sought: 0, notSought: 0 };
          return [
            text(monthLabel(m)),
            count(r.audits, link({}, { month: m })),
            count(r.sought, link({}, { month: m, feedback: 'sought' })),
            percentage(share(r.sought, r.audits)),
            count(r.notSought, link({}, { month: m, feedback: 'not-sought' })),
          ];
        }),
        empty: 'No audits were completed in this period.',
      },
      chart: shareLines({
        id: 'chart-voice-month',
        title: 'Share of audits where family feedback was sought',
        description: `The share of audits completed each month, ${period}, after which feedback was sought from the child, parents or carers. Gaps are months without audits.`,
        categories: months.map(shortMonthLabel),
        lines: [{ label: 'Feedback sought', colour: PALETTE[0]!, values: months.map((m) => share(auditByMonth.get(m)?.sought ?? 0, auditByMonth.get(m)?.audits ?? 0)) }],
      }),
    },
    ratings: {
      table: {
        id: 'ratings',
        caption: 'Ratings given by children and families',
        columns: [{ label: 'Rating' }, { label: 'Ratings', numeric: true }, { label: 'Share', numeric: true }],
        rows: ratingCounts.map((n, i) => [text(`${i + 1}: ${RATING_WORDS[i]}`), count(n, link({}, { rating: i + 1 })), percentage(share(n, ratedCount))]),
        empty: 'No ratings were given in this period.',
      },
      chart: stackedColumns({
        id: 'chart-ratings',
        title: 'How children and families rated the help they received',
        description: `The number of ratings at each point from 1 (very poor) to 5 (very good), ${period}: ${ratingCounts.map((n, i) => `${n} at ${i + 1}`).join(', ')}.`,
        categories: RATING_WORDS,
        series: [{ label: 'Ratings', colour: PALETTE[0]! }],
        values: [ratingCounts],
      }),
    },
    respondents: {
      table: {
        id: 'respondents',
        caption: 'Who gave feedback',
        columns: [{ label: 'Who' }, { label: 'Feedback gathered', numeric: true }, { label: 'Share', numeric: true }],
        rows: respondentIds.map((id) => [text(RESPONDENTS[id]!), count(respondentCount(id)), percentage(share(respondentCount(id), gathered))]),
        empty: 'No feedback was gathered in this period.',
      },
    },
    byTeam: {
      table: {
        id: 'by-team',
        caption: 'Family feedback by team',
        columns: [{ label: 'Team' }, { label: 'Audits completed', numeric: true }, { label: 'Feedback sought', numeric: true }, { label: 'Share sought', numeric: true }, { label: 'Average rating', numeric: true }],
        rows: teamIds.map((id) => {
          const r = auditTeams.find((x) => x.key === id)!;
          const narrow = id ? { teamId: id } : {};
          return [
            text(ctx.teams.get(id)?.name ?? 'No team recorded'),
            count(r.audits, id ? link(narrow, {}) : undefined),
            count(r.sought, id ? link(narrow, { feedback: 'sought' }) : undefined),
            percentage(share(r.sought, r.audits)),
            decimal(meanOf(feedbackTeams.filter((f) => f.key === id)), 1),
          ];
        }),
        empty: 'No audits were completed in this period.',
      },
    },
    quotes: {
      table: {
        id: 'what-families-said',
        caption: 'What children and families said',
        columns: [{ label: 'What they said' }, { label: 'Who' }, { label: 'Rating', numeric: true }, { label: 'Team' }, { label: 'Recorded' }],
        rows: quotes.map((q) => [
          // The child's name, reference or date of birth written into the words is taken out.
          text(redactChild(q.said, { name: q.name, dateOfBirth: q.dateOfBirth === null ? null : String(q.dateOfBirth), childRef: q.childRef })),
          text(RESPONDENTS[q.respondent] ?? q.respondent),
          q.rating === null ? text('Not rated') : { text: String(q.rating), value: q.rating, numeric: true },
          text(q.teamName ?? 'No team recorded'),
          { text: formatDate(new Date(q.recordedAt)), value: new Date(q.recordedAt).toISOString().slice(0, 10), auditId: q.auditId },
        ]),
        empty: 'Nothing was recorded in this period.',
      },
      summary: `The latest ${quoteLimit} at most, without the child’s name, reference or date of birth. The date links to the audit where you may open it.`,
    },
  };
}
