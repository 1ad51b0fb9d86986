/** The models the insight pages render. */
import type { Frame, InsightPage } from './frame.ts';
import type { PracticeQuality } from './practice-quality.ts';
import type { DrillResult } from './drilldown.ts';

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'insights/index': { pages: InsightPage[] };
    'insights/practice-quality': { f: Frame; page: PracticeQuality };
    'insights/audits': { f: Frame; period: string; result: DrillResult };
  }
}
