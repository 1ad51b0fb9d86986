/**
 * What surrounds every insight page: links to the other pages the viewer may see (keeping the
 * filters), and the filter form, whose choices are limited to the viewer's scope.
 */
import { can, type Actor } from '../platform/auth/actor.ts';
import type { InsightCapability, InsightContext } from './context.ts';
import { addMonthsTo, monthLabel, monthOf, queryString } from './filters.ts';

export interface InsightPage {
  path: string;
  title: string;
  description: string;
  capability: InsightCapability;
  /** Pages without the shared filters keep none in their links. */
  filtered: boolean;
}

export const INSIGHT_PAGES: readonly InsightPage[] = [
  { path: '/insights/practice-quality', title: 'Practice quality', description: 'How audits were graded, by month, team, service, area and criterion; inadequate audits and what happened next.', capability: 'insights.view', filtered: true },
  { path: '/insights/timeliness', title: 'Timeliness', description: 'Deadlines met, by measure, team and month, beside the audit grades of the same teams.', capability: 'insights.view', filtered: true },
  { path: '/insights/actions', title: 'Actions', description: 'Actions open, overdue and signed off, and the median days to sign-off, by team.', capability: 'insights.view', filtered: true },
  { path: '/insights/voice', title: 'Voice of the child and family', description: 'Feedback gathered after audits, ratings, what families said, and how often feedback was sought.', capability: 'insights.view', filtered: true },
  { path: '/insights/calibration', title: 'Calibration', description: 'Auditors against moderators and self-assessments against audits: agreement, weighted kappa, grade shift, inflation flags, disputes.', capability: 'insights.calibration', filtered: true },
  { path: '/insights/rehearsal', title: 'Inspection rehearsal', description: 'Draw a sample the way an inspector would, run it as a round, and see how the grades held up under moderation.', capability: 'insights.calibration', filtered: false },
  { path: '/insights/evidence', title: 'Ofsted evidence', description: 'For each outcome measure and judgement area: the audits, grades, timeliness, actions and family feedback that evidence it.', capability: 'insights.evidence', filtered: true },
  { path: '/insights/themes', title: 'Themes and the learning loop', description: 'Themes across audits over time, what auditors wrote, the actions they led to, and whether later audits improved.', capability: 'insights.evidence', filtered: true },
  { path: '/insights/report', title: 'Quarterly QA report', description: 'The quarter’s headline figures, charts, themes, cases for senior leaders and actions, as a page, a PDF and a workbook.', capability: 'insights.report', filtered: false },
];

export function pagesFor(actor: Actor): InsightPage[] {
  return INSIGHT_PAGES.filter((p) => can(actor, p.capability));
}

export interface Frame {
  path: string;
  nav: Array<{ href: string; text: string; current: boolean }>;
  filters?: Array<{ name: string; label: string; value: string; options: Array<{ value: string; text: string }> }>;
  /** The current filters as a query string, for links and downloads. */
  query: string;
  /** The page's download link, before `table=` and `format=`. */
  exportHref?: string;
}

export function frameFor(ctx: InsightContext | undefined, actor: Actor, path: string): Frame {
  const query = ctx ? queryString(ctx.filter) : '';
  const nav = pagesFor(actor).map((p) => ({ href: p.filtered ? `${p.path}${query}` : p.path, text: p.title, current: p.path === path }));
  if (!ctx) return { path, nav, query };
  const thisMonth = monthOf(ctx.today);
  const months = Array.from({ length: 48 }, (_, i) => addMonthsTo(thisMonth, -i)).map((m) => ({ value: m, text: monthLabel(m) }));
  const any = (text: string) => ({ value: '', text });
  const f = ctx.filter;
  return {
    path,
    nav,
    query,
    exportHref: `${path}/export${query}`,
    filters: [
      { name: 'from', label: 'From', value: f.from, options: months },
      { name: 'to', label: 'To', value: f.to, options: months },
      { name: 'service', label: 'Service', value: f.serviceId ?? '', options: [any('All services'), ...ctx.choices.services] },
      { name: 'team', label: 'Team', value: f.teamId ?? '', options: [any('All teams'), ...ctx.choices.teams] },
      { name: 'tool', label: 'Audit tool', value: f.toolId ?? '', options: [any('All tools'), ...ctx.choices.tools] },
      { name: 'caseType', label: 'Case type', value: f.caseType ?? '', options: [any('All case types'), ...ctx.choices.caseTypes] },
    ],
  };
}
