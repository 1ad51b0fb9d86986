/**
 * Insight pages: thin routes over the services. Every page reads its filters from the query
 * string (so a view can be shared), and every table on it can be downloaded with the same
 * filters. Services check the capability again and scope every figure to the viewer.
 */
import type { Express, Response } from 'express';
import { ForbiddenError } from '../platform/auth/actor.ts';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { render } from '../platform/http/render.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import type { Db } from '../platform/db/client.ts';
import { insightContext, type InsightCapability, type InsightContext } from './context.ts';
import { auditsBehind } from './drilldown.ts';
import { exportRequest, sendTable } from './export.ts';
import { parseDrill, periodLabel } from './filters.ts';
import { frameFor, pagesFor } from './frame.ts';
import { practiceQuality, type PracticeQuality } from './practice-quality.ts';
import type { Figure, Table } from './tables.ts';
import { ToolLibrary } from './tools.ts';
import './views.ts';

function tablesOf(...figures: Array<Figure | Figure[] | undefined>): Table[] {
  return figures.flat().flatMap((f) => (f ? [f.table] : []));
}

export function practiceQualityTables(page: PracticeQuality): Table[] {
  return tablesOf(page.byMonth, page.rolling, page.byTeam, page.byService, page.byArea, page.inadequate);
}

export const insightsModule: AppModule = {
  navigation: [{ href: '/insights', text: 'Insights', capability: 'insights.index' }],
  register(app: Express, { db, now }) {
    const library = new ToolLibrary();
    const contextFor = (res: Response, capability: InsightCapability, query: unknown) => insightContext(db, actorOf(res), library, capability, query, now());

    /**
     * A dashboard page and its downloads: the page renders the model; `/export` rebuilds the
     * same model and sends one of its tables.
     */
    function dashboard<M>(path: string, capability: InsightCapability, build: (ctx: InsightContext) => Promise<M>, show: (res: Response, ctx: InsightContext, model: M) => void, tables: (model: M) => Table[]) {
      const slug = path.slice('/insights/'.length);
      app.get(path, requireCapability(capability), async (req, res) => {
        const ctx = await contextFor(res, capability, req.query);
        show(res, ctx, await build(ctx));
      });
      app.get(`${path}/export`, requireCapability(capability), async (req, res) => {
        const request = exportRequest(req.query);
        const ctx = await contextFor(res, capability, req.query);
        const table = await sendTable(res, tables(await build(ctx)), request, slug, `${ctx.filter.from}-to-${ctx.filter.to}`);
        await logExport(db, res, `insights/${slug}/${table.id}`);
      });
    }

    app.get('/insights', requireCapability('insights.index'), (_req, res) => {
      render(res, 'insights/index', { pages: pagesFor(actorOf(res)) });
    });

    dashboard(
      '/insights/practice-quality',
      'insights.view',
      practiceQuality,
      (res, ctx, page) => render(res, 'insights/practice-quality', { f: frameFor(ctx, ctx.actor, '/insights/practice-quality'), page }),
      practiceQualityTables,
    );

    app.get('/insights/audits', requireCapability('insights.index'), async (req, res) => {
      const actor = actorOf(res);
      if (pagesFor(actor).length === 0) throw new ForbiddenError();
      const ctx = await contextFor(res, 'insights.index', req.query);
      const result = await auditsBehind(ctx, parseDrill(req.query));
      // A list of audits names children by reference: its viewing is logged like the audit list's.
      await recordAccess(db, actor, { recordType: 'insight-audit-list', recordId: actor.organisationId, action: 'view' }, res.locals.requestId);
      render(res, 'insights/audits', { f: { ...frameFor(ctx, actor, '/insights/audits'), exportHref: undefined }, period: periodLabel(ctx.filter.from, ctx.filter.to), result });
    });
  },
};

async function logExport(db: Db, res: Response, what: string): Promise<void> {
  const actor = actorOf(res);
  await recordAccess(db, actor, { recordType: 'insight-export', recordId: what, action: 'export' }, res.locals.requestId);
}
