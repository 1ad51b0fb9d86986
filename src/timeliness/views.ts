/** The models the drift, dip-sample and indicator pages render. */
import type { DipSampleRow, DriftDashboard } from './dashboards.ts';
import type { LatestRun } from './store.ts';

interface Option {
  value: string;
  text: string;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'timeliness/drift': DriftDashboard & { teams: Option[]; teamId?: string | undefined; canRecompute: boolean };
    'timeliness/dip-sample': {
      rows: Array<DipSampleRow & { caseTypeLabel: string }>;
      total: number;
      today: string;
      teams: Option[];
      teamId?: string | undefined;
    };
    'timeliness/indicators': {
      run: LatestRun | undefined;
      periods: Array<{ name: string; start: string; end: string; indicators: LatestRun['indicators'] }>;
      measures: Array<LatestRun['measures'][number] & { label: string }>;
      canRecompute: boolean;
      recomputed: boolean;
    };
  }
}
