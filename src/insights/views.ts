/** The models the insight pages render. */
import type { Frame, InsightPage } from './frame.ts';
import type { Headline } from './practice-quality.ts';
import type { DrillResult } from './drilldown.ts';
import type { Figure } from './tables.ts';
import type { FieldErrors } from '../platform/http/forms.ts';
import type { RehearsalChoices, RehearsalListing, RehearsalReport } from './rehearsal.ts';
import type { QuarterlyReport } from './report.ts';

/** Every dashboard: headline figures, a few sentences on how to read it, then its figures. */
export interface DashboardModel {
  f: Frame;
  title: string;
  period: string;
  headlineFigures: Headline[];
  intro: string[];
  figures: Figure[];
  /** Further figures under their own headings (the judgement areas of the Ofsted evidence). */
  sections?: Array<{ heading: string; figures: Figure[] }>;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'insights/index': { pages: InsightPage[] };
    'insights/dashboard': Omit<DashboardModel, 'figures' | 'sections'> & {
      figureHtml: string[];
      sectionHtml: Array<{ heading: string; figureHtml: string[] }>;
      /** Parts of a long page, one shown in full at a time. */
      tabs?: Array<{ href: string; text: string; current: boolean }> | undefined;
    };
    'insights/figure': { fig: Figure; exportHref: string | undefined; headingLevel: number };
    'insights/audits': { f: Frame; period: string; result: DrillResult };
    'insights/report': {
      f: Frame;
      report: QuarterlyReport;
      quarters: Array<{ value: string; text: string }>;
      audiences: Array<{ value: string; text: string }>;
      /** The report's query string, for its downloads. */
      query: string;
      exportHref: string;
    };
    'insights/report-print': { report: QuarterlyReport; produced: string };
    'insights/rehearsal': {
      f: Frame;
      rehearsals: Array<RehearsalListing & { caseTypeWords: string }>;
      /** Only for those who may run one. */
      choices?: RehearsalChoices | undefined;
      values: Record<string, unknown>;
      errors?: FieldErrors | undefined;
    };
    'insights/rehearsal-report': {
      f: Frame;
      report: RehearsalReport;
      caseTypeWords: string;
      overall: Array<{ label: string; value: string }>;
      items: Array<{ label: string; value: string }>;
      /** The round's page in the audit programme, for those who run it. */
      roundHref?: string | undefined;
      exportHref: string;
    };
  }
}
