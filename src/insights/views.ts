/** The models the insight pages render. */
import type { Frame, InsightPage } from './frame.ts';
import type { Headline } from './practice-quality.ts';
import type { DrillResult } from './drilldown.ts';
import type { Figure } from './tables.ts';

/** Every dashboard: headline figures, a few sentences on how to read it, then its figures. */
export interface DashboardModel {
  f: Frame;
  title: string;
  period: string;
  headlineFigures: Headline[];
  intro: string[];
  figures: Figure[];
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'insights/index': { pages: InsightPage[] };
    'insights/dashboard': DashboardModel;
    'insights/audits': { f: Frame; period: string; result: DrillResult };
  }
}
