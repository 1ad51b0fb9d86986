/**
 * Timeliness in the product: the drift and delay dashboard, the weekly dip sample for front-line
 * managers, the national indicators with their definitions and sources, and recomputing the
 * deadlines on demand. Every page lists only children within the viewer's scope.
 */
import { runAsSeenBy } from '../restrictions/timeliness-figures.ts';
import type { Express } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { render } from '../platform/http/render.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import { can } from '../platform/auth/actor.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { caseTypeLabel } from '../cases/case-status.ts';
import { teamChoices } from '../cases/service.ts';
import { dipSample, driftDashboard } from './dashboards.ts';
import { measureLabel } from './measures.ts';
import { latestRun, recomputeOnRequest } from './store.ts';
import './views.ts';

const TeamFilter = z.object({ teamId: z.uuid().optional().catch(undefined) });


export const timelinessModule: AppModule = {
  navigation: [
    { href: '/timeliness/drift', text: 'Drift and delay', capability: 'cases.view' },
    { href: '/timeliness/indicators', text: 'Indicators', capability: 'cases.view' },
  ],
  register(app: Express, context) {
    const { db } = context;
    const view = requireCapability('cases.view');
    const manage = requireCapability('cases.manage');
    const today = () => londonDate(context.now());

    app.get('/timeliness/drift', view, async (req, res) => {
      const actor = actorOf(res);
      const { teamId } = TeamFilter.parse(req.query);
      const [dashboard, teams] = await Promise.all([driftDashboard(db, actor, { today: today(), teamId }), teamChoices(db, actor)]);
      await recordAccess(db, actor, { recordType: 'drift-dashboard', recordId: teamId ?? actor.organisationId, action: 'view' }, res.locals.requestId);
      render(res, 'timeliness/drift', { ...dashboard, teams, teamId, canRecompute: can(actor, 'cases.manage') });
    });

    app.get('/timeliness/dip-sample', view, async (req, res) => {
      const actor = actorOf(res);
      const { teamId } = TeamFilter.parse(req.query);
      const [sample, teams] = await Promise.all([dipSample(db, actor, { today: today(), teamId }), teamChoices(db, actor)]);
      await recordAccess(db, actor, { recordType: 'dip-sample', recordId: teamId ?? actor.organisationId, action: 'view' }, res.locals.requestId);
      render(res, 'timeliness/dip-sample', {
        ...sample,
        rows: sample.rows.map((r) => ({ ...r, caseTypeLabel: caseTypeLabel(r.caseType) })),
        today: today(),
        teams,
        teamId,
      });
    });

    app.get('/timeliness/indicators', view, async (req, res) => {
      const actor = actorOf(res);
      // Figures counted for the whole council, less the restricted children hidden from this viewer.
      const run = await runAsSeenBy(db, actor, await latestRun(db, actor.organisationId));
      const periods = ['year to date', 'last DfE year'].flatMap((name) => {
        const indicators = (run?.indicators ?? []).filter((i) => i.periodName === name);
        const first = indicators[0];
        return first ? [{ name, start: first.period.start, end: first.period.end, indicators }] : [];
      });
      render(res, 'timeliness/indicators', {
        run,
        periods,
        measures: (run?.measures ?? []).map((m) => ({ ...m, label: measureLabel(m) })),
        canRecompute: can(actor, 'cases.manage'),
        recomputed: req.query.recomputed === 'yes',
      });
    });

    app.post('/timeliness/recompute', manage, async (_req, res) => {
      await recomputeOnRequest(db, actorOf(res), today());
      res.redirect(303, '/timeliness/indicators?recomputed=yes');
    });
  },
};
