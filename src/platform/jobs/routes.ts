/** The administrators' page of background jobs: every failure is listed here, none is dropped. */
import { actorOf, requireCapability, type AppModule } from '../http/app.ts';
import { render } from '../http/render.ts';
import { jobReport, recentGiveUps } from './report.ts';

type Run = { job: string; attempt: number; status: string; gaveUp: boolean; startedAt: Date; finishedAt: Date | null; error: string | null; summary: unknown };

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/jobs/runs': {
      runs: Array<Run & { summaryText: string }>;
      failures: Run[];
      emails: Array<{ kind: string; reference: string; attempts: number; lastError: string | null; createdAt: Date; status: string }>;
    };
  }
}

function summaryText(summary: unknown): string {
  if (!summary || typeof summary !== 'object') return '';
  return Object.entries(summary as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

export const jobsModule: AppModule = {
  navigation: [{ href: '/admin/jobs', text: 'Background jobs', capability: 'jobs.view', count: (db) => recentGiveUps(db, new Date()) }],
  register(app, { db }) {
    app.get('/admin/jobs', requireCapability('jobs.view'), async (_req, res) => {
      const report = await jobReport(db, actorOf(res));
      render(res, 'platform/jobs/runs', { ...report, runs: report.runs.map((r) => ({ ...r, summaryText: summaryText(r.summary) })) });
    });
  },
};
