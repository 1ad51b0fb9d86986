/**
 * Insight pages: thin routes over the services. Every page reads its filters from the query
 * string (so a view can be shared), and every table on it can be downloaded with the same
 * filters. Services check the capability again and scope every figure to the viewer.
 */
import type { Express, Response } from 'express';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import type { Db } from '../platform/db/client.ts';
import { councilBasics, insightContext, type InsightCapability, type InsightContext } from './context.ts';
import { auditsBehind } from './drilldown.ts';
import { exportRequest, sendTable } from './export.ts';
import { addMonthsTo, CASE_TYPE_WORDS, monthOf, parseDrill, periodLabel, quarterLabel, quarterStart, queryString } from './filters.ts';
import { frameFor, pagesFor } from './frame.ts';
import { practiceQuality } from './practice-quality.ts';
import { timeliness } from './timeliness.ts';
import { actionsDashboard } from './actions.ts';
import { voice } from './voice.ts';
import { calibration } from './calibration.ts';
import { ofstedEvidence, EvidenceLibrary } from './evidence.ts';
import { themes } from './themes.ts';
import type { DashboardModel } from './views.ts';
import type { Figure } from './tables.ts';
import { ToolLibrary } from './tools.ts';
import { FigureCache, withAuditLinks } from './cache.ts';
import { agreementWords, listRehearsals, rehearsalChoices, rehearsalReport, RehearsalInput, startRehearsal } from './rehearsal.ts';
import { can, NotFoundError, type Actor } from '../platform/auth/actor.ts';
import { parseForm, singleError, type FieldErrors } from '../platform/http/forms.ts';
import { formatDate, formatDateTime, render, viewFile, type ViewModels } from '../platform/http/render.ts';
import { sendDownload } from '../platform/export/table.ts';
import { AUDIENCES, quarterlyReport, reportRequest, reportTables, type ReportRequest } from './report.ts';
import { reportWorkbook } from './workbook.ts';
import { printPdf, PrintingUnavailable } from './print.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { FieldProblem as ProgrammeFieldProblem } from '../audits/programme/service.ts';
import { RoundProblem } from '../audits/programme/rounds.ts';
import { peopleOf } from '../audits/programme/people.ts';
import { z } from 'zod';
import './views.ts';

/** A dashboard's page model and the tables it can download, built from one context. */
type Dashboard = Omit<DashboardModel, 'f'>;

interface Libraries {
  evidence: EvidenceLibrary;
}

interface DashboardDefinition {
  path: string;
  capability: InsightCapability;
  build: (ctx: InsightContext, libraries: Libraries) => Promise<Dashboard>;
  /** Which part of the (kept) page to show for this request; the whole page when absent. */
  select?: (page: Dashboard, query: Record<string, unknown>, linkTo: (extra: Record<string, string>) => string) => Dashboard & { tabs?: Tab[] };
}

interface Tab {
  href: string;
  text: string;
  current: boolean;
}

const DASHBOARDS: DashboardDefinition[] = [
  {
    path: '/insights/practice-quality',
    capability: 'insights.view',
    build: async (ctx) => {
      const page = await practiceQuality(ctx);
      return {
        title: 'Practice quality',
        period: page.period,
        headlineFigures: page.headlines,
        intro: [
          'An audit counts in the month it was submitted. Its grade is the moderator’s where it was moderated, otherwise the auditor’s.',
          'Numbers link to the audits behind them; the list shows only the audits you may open.',
        ],
        figures: [page.byMonth, page.rolling, page.byTeam, page.byService, ...page.byArea, page.inadequate],
      };
    },
  },
  {
    path: '/insights/timeliness',
    capability: 'insights.view',
    build: async (ctx) => {
      const page = await timeliness(ctx);
      return {
        title: 'Timeliness',
        period: page.period,
        headlineFigures: page.headlines,
        intro: [
          'Deadlines are computed from the council’s case data (the timeliness engine) and counted in the month they fell due. A deadline not yet met whose date has passed is overdue today.',
          'The audit tool filter does not apply to deadlines; it narrows the audit grades beside them.',
        ],
        figures: [page.byTeam, page.byMeasure, page.byMonth, page.measureByMonth],
      };
    },
  },
  {
    path: '/insights/actions',
    capability: 'insights.view',
    build: async (ctx) => {
      const page = await actionsDashboard(ctx);
      return {
        title: 'Actions',
        period: page.period,
        headlineFigures: page.headlines,
        intro: ['Actions set in the period, as they stand today. Days to sign-off run from the day an action was set to the day its owner’s line manager signed it off.'],
        figures: [page.byTeam, page.byMonth],
      };
    },
  },
  {
    path: '/insights/voice',
    capability: 'insights.view',
    build: async (ctx) => {
      const page = await voice(ctx);
      return {
        title: 'Voice of the child and family',
        period: page.period,
        headlineFigures: page.headlines,
        intro: ['Feedback sought from children, parents and carers after the audits completed in the period. Quotes never show who the child is.'],
        figures: [page.byMonth, page.ratings, page.respondents, page.byTeam, page.quotes],
      };
    },
  },
  {
    path: '/insights/calibration',
    capability: 'insights.calibration',
    build: async (ctx) => {
      const page = await calibration(ctx);
      return {
        title: 'Calibration',
        period: page.period,
        headlineFigures: page.headlines,
        intro: [
          'Each graded item of a moderated audit is a pair: the auditor’s grade and the moderator’s. Grades are compared by their place on the scale, so Requires improvement and Adequate are the same step.',
          'Figures cover the whole council: calibration compares auditors across teams. The lists behind the numbers show only the audits you may open.',
        ],
        figures: [page.inflation, page.byAuditor, page.byTeam, page.byArea, page.byMonth, page.selfByTeam, page.selfByArea, page.selfByMonth, page.disputes],
      };
    },
  },
  {
    path: '/insights/evidence',
    capability: 'insights.evidence',
    build: async (ctx, libraries) => {
      const page = await ofstedEvidence(ctx, libraries.evidence);
      return {
        title: 'Ofsted evidence',
        period: page.period,
        headlineFigures: [],
        intro: [
          'For each ILACS judgement area and each outcome measure (seed 001), the evidence Sightline holds: the audits and criteria mapped to it and their grades, the deadlines, the actions and family feedback, and the strengths and areas for development by theme.',
          'Criteria are linked to measures by the catalogue’s evidence mapping; the outcome measures’ page in the catalogue says why for each link.',
        ],
        figures: [],
        sections: page.areas.map((a) => ({ heading: a.title, figures: [a.summary, a.themes, ...(a.measures ? [a.measures] : []), ...(a.items ? [a.items] : [])] })),
      };
    },
    // Every judgement area's summary; the themes, measures and criteria of one area at a time.
    select: (page, query, linkTo) => {
      const sections = page.sections ?? [];
      const asked = Number(query.area);
      const open = Number.isInteger(asked) && asked >= 1 && asked <= sections.length ? asked : 1;
      return {
        ...page,
        tabs: sections.map((s, i) => ({ href: linkTo({ area: String(i + 1) }), text: s.heading, current: i + 1 === open })),
        sections: sections.map((s, i) => ({ heading: s.heading, figures: i + 1 === open ? s.figures : s.figures.slice(0, 1) })),
      };
    },
  },
  {
    path: '/insights/themes',
    capability: 'insights.evidence',
    build: async (ctx) => {
      const page = await themes(ctx);
      return {
        title: 'Themes and the learning loop',
        period: page.period,
        headlineFigures: page.headlines,
        intro: ['Themes the QA team found reading across audits (stage 3): strengths, barriers and recurring issues, in audits completed in the period.'],
        figures: [page.counts, page.byQuarter, page.loop, page.quotes],
      };
    },
  },
];

export const insightsModule: AppModule = {
  navigation: [{ href: '/insights', text: 'Insights', capability: 'insights.index' }],
  register(app: Express, { db, now }) {
    const library = new ToolLibrary();
    const libraries: Libraries = { evidence: new EvidenceLibrary() };
    const cache = new FigureCache();
    /** The page's context; the tools and teams behind it are read once per change to the data. */
    async function contextFor(res: Response, capability: InsightCapability, query: unknown): Promise<InsightContext> {
      const actor = actorOf(res);
      const fingerprint = await cache.fingerprint(db, actor.organisationId);
      const basics = await cache.figures(`${actor.organisationId}|basics`, fingerprint, () => councilBasics(db, actor.organisationId, library));
      return insightContext(db, actor, basics, capability, query, now());
    }
    /**
     * A figure as HTML. Figures the cache keeps are the same objects from request to request, so
     * their HTML is kept beside them (per download link, which carries the filters); figures with
     * per-viewer links are fresh objects and are rendered each time.
     */
    const rendered = new WeakMap<Figure, Map<string, string>>();
    /**
     * Kept figures with the links one viewer may follow, kept per viewer while the data stays the
     * same, so a page read again costs neither the visibility query nor a new rendering.
     */
    const linked = new WeakMap<Figure, Map<string, Figure>>();
    async function linkedFor(actor: Actor, viewer: string, figures: readonly Figure[]): Promise<Figure[]> {
      const missing = figures.filter((fig) => fig.table.rows.some((row) => row.some((c) => c.auditId)) && !linked.get(fig)?.has(viewer));
      if (missing.length) {
        const fresh = await withAuditLinks(db, actor, missing);
        missing.forEach((fig, i) => linked.set(fig, (linked.get(fig) ?? new Map<string, Figure>()).set(viewer, fresh[i]!)));
      }
      return figures.map((fig) => linked.get(fig)?.get(viewer) ?? fig);
    }
    async function figureHtml(fig: Figure, exportHref: string | undefined, headingLevel: number): Promise<string> {
      const key = `${exportHref ?? ''}|${headingLevel}`;
      const kept = rendered.get(fig)?.get(key);
      if (kept !== undefined) return kept;
      const html = await renderToString(app, 'insights/figure', { fig, exportHref, headingLevel });
      rendered.set(fig, (rendered.get(fig) ?? new Map<string, string>()).set(key, html));
      return html;
    }
    /** The figures for a page, counted once per page, scope, filters and day until the data changes. */
    async function cached<T>(page: string, ctx: InsightContext, count: () => Promise<T>): Promise<T> {
      const scope = ctx.scope.teams === 'all' ? 'all' : [...ctx.scope.teams].sort().join(',');
      // Restricted children hidden from the viewer are part of the key: a restriction, grant or expiry changes the figures.
      const key = `${ctx.actor.organisationId}|${page}|${scope}|${ctx.scope.hiddenChildren.join(',')}|${queryString(ctx.filter)}|${ctx.today}`;
      return cache.figures(key, await cache.fingerprint(db, ctx.actor.organisationId), count);
    }

    app.get('/insights', requireCapability('insights.index'), (_req, res) => {
      render(res, 'insights/index', { pages: pagesFor(actorOf(res)) });
    });

    // Each dashboard, and `/export`, which rebuilds the same model and sends one of its tables.
    for (const { path, capability, build, select } of DASHBOARDS) {
      const slug = path.slice('/insights/'.length);
      app.get(path, requireCapability(capability), async (req, res) => {
        const ctx = await contextFor(res, capability, req.query);
        const kept = await cached(path, ctx, () => build(ctx, libraries));
        const linkTo = (extra: Record<string, string>) => `${path}${queryString(ctx.filter, {}, extra)}`;
        const page: Dashboard & { tabs?: Tab[] } = select ? select(kept, req.query as Record<string, unknown>, linkTo) : kept;
        const f = frameFor(ctx, ctx.actor, path);
        const viewer = `${ctx.actor.userId}|${await cache.fingerprint(db, ctx.actor.organisationId)}`;
        const [figures, sections] = await Promise.all([
          linkedFor(ctx.actor, viewer, page.figures),
          Promise.all((page.sections ?? []).map(async (s) => ({ heading: s.heading, figures: await linkedFor(ctx.actor, viewer, s.figures) }))),
        ]);
        render(res, 'insights/dashboard', {
          f,
          title: page.title,
          period: page.period,
          headlineFigures: page.headlineFigures,
          intro: page.intro,
          tabs: page.tabs,
          figureHtml: await Promise.all(figures.map((fig) => figureHtml(fig, f.exportHref, 2))),
          sectionHtml: await Promise.all(sections.map(async (s) => ({ heading: s.heading, figureHtml: await Promise.all(s.figures.map((fig) => figureHtml(fig, f.exportHref, 3))) }))),
        });
      });
      app.get(`${path}/export`, requireCapability(capability), async (req, res) => {
        const request = exportRequest(req.query);
        const ctx = await contextFor(res, capability, req.query);
        const page = await cached(path, ctx, () => build(ctx, libraries));
        const tables = [...page.figures, ...(page.sections ?? []).flatMap((s) => s.figures)].map((f) => f.table);
        const table = await sendTable(res, tables, request, slug, `${ctx.filter.from}-to-${ctx.filter.to}`);
        await logExport(db, res, `${slug}/${table.id}`);
      });
    }

    // ------------------------------------------------------------ quarterly report
    async function buildReport(res: Response, query: unknown) {
      const request = reportRequest(query, londonDate(now()));
      const end = addMonthsTo(request.quarter, 2);
      const [quarter, year] = await Promise.all([
        contextFor(res, 'insights.report', { from: request.quarter, to: end }),
        contextFor(res, 'insights.report', { from: addMonthsTo(end, -11), to: end }),
      ]);
      return { request, report: await cached(`report|${request.audience}`, quarter, () => quarterlyReport(quarter, year, request)) };
    }
    const reportQuery = (request: ReportRequest) => `?quarter=${request.quarter}&audience=${request.audience}`;
    const reportFileName = (request: ReportRequest) => `quality-assurance-report-${request.quarter}-${request.audience}`;

    app.get('/insights/report', requireCapability('insights.report'), async (req, res) => {
      const actor = actorOf(res);
      const { request, report } = await buildReport(res, req.query);
      const current = quarterStart(monthOf(londonDate(now())));
      const quarters = Array.from({ length: 8 }, (_, i) => addMonthsTo(current, -3 * i)).map((q) => ({ value: q, text: quarterLabel(q) }));
      const sections = await Promise.all(report.sections.map(async (s) => ({ ...s, figures: await withAuditLinks(db, actor, s.figures) })));
      render(res, 'insights/report', {
        f: frameFor(undefined, actor, '/insights/report'),
        report: { ...report, sections },
        quarters,
        audiences: Object.entries(AUDIENCES).map(([value, text]) => ({ value, text })),
        query: reportQuery(request),
        exportHref: `/insights/report/export${reportQuery(request)}`,
      });
    });

    app.get('/insights/report/export', requireCapability('insights.report'), async (req, res) => {
      const download = exportRequest(req.query);
      const { request, report } = await buildReport(res, req.query);
      const table = await sendTable(res, reportTables(report), download, 'quality-assurance-report', `${request.quarter}-${request.audience}`);
      await logExport(db, res, `report/${request.quarter}/${table.id}`);
    });

    app.get('/insights/report/xlsx', requireCapability('insights.report'), async (req, res) => {
      const { request, report } = await buildReport(res, req.query);
      sendDownload(res, reportFileName(request), 'xlsx', await reportWorkbook(report));
      await logExport(db, res, `report/${request.quarter}/xlsx`);
    });

    app.get('/insights/report/pdf', requireCapability('insights.report'), async (req, res) => {
      const { request, report } = await buildReport(res, req.query);
      const html = await renderToString(app, 'insights/report-print', { report, produced: formatDateTime(now()) });
      let pdf: Buffer;
      try {
        pdf = await printPdf(html, `${report.title} · ${AUDIENCES[request.audience]}`);
      } catch (error) {
        if (error instanceof PrintingUnavailable) return res.status(503).type('text/plain').send(error.message);
        throw error;
      }
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `attachment; filename="${reportFileName(request)}.pdf"`);
      res.send(pdf);
      await logExport(db, res, `report/${request.quarter}/pdf`);
    });

    // ------------------------------------------------------------ inspection rehearsal
    const caseTypeWords = (types: readonly string[]) => types.map((t) => CASE_TYPE_WORDS[t as keyof typeof CASE_TYPE_WORDS] ?? t).join(', ');

    async function rehearsalPage(res: Response, values: Record<string, unknown>, errors?: FieldErrors, status = 200) {
      const actor = actorOf(res);
      const [list, choices] = await Promise.all([listRehearsals(db, actor), can(actor, 'insights.rehearse') ? rehearsalChoices(db, actor) : Promise.resolve(undefined)]);
      render(
        res,
        'insights/rehearsal',
        { f: frameFor(undefined, actor, '/insights/rehearsal'), rehearsals: list.map((r) => ({ ...r, caseTypeWords: caseTypeWords(r.caseTypes) })), choices, values, errors },
        status,
      );
    }

    app.get('/insights/rehearsal', requireCapability('insights.calibration'), async (_req, res) => {
      const actor = actorOf(res);
      const choices = can(actor, 'insights.rehearse') ? await rehearsalChoices(db, actor) : undefined;
      // Ready to draw: every main case type, every practice manager as an auditor.
      const defaults = choices
        ? {
            title: `Rehearsal ${formatDate(londonDate(now()))}`,
            toolId: choices.tools.find((t) => t.value === 'practice-audit-tool')?.value ?? '',
            caseTypes: choices.caseTypes.map((t) => t.value),
            sampleSize: '20',
            auditorIds: (await peopleOf(db, actor.organisationId)).filter((p) => p.roles.includes('practice-manager')).map((p) => p.id),
            dueInWorkingDays: '20',
          }
        : {};
      await rehearsalPage(res, defaults);
    });

    app.post('/insights/rehearsal', requireCapability('insights.rehearse'), async (req, res) => {
      const form = parseForm(RehearsalInput, req.body);
      if (!form.ok) return rehearsalPage(res, form.values, form.errors, 400);
      let started: { roundId: string };
      try {
        started = await startRehearsal(db, actorOf(res), form.value, londonDate(now()));
      } catch (error) {
        if (error instanceof ProgrammeFieldProblem) return rehearsalPage(res, form.values, singleError(error.field, error.message), 400);
        if (error instanceof RoundProblem) return rehearsalPage(res, form.values, singleError('toolId', error.message), 400);
        throw error;
      }
      res.redirect(303, `/insights/rehearsal/${started.roundId}`);
    });

    async function loadRehearsal(res: Response, id: unknown) {
      const actor = actorOf(res);
      const roundId = z.uuid().safeParse(id);
      if (!roundId.success) throw new NotFoundError();
      return rehearsalReport(db, actor, await library.load(db, actor.organisationId), roundId.data, londonDate(now()));
    }

    app.get('/insights/rehearsal/:rehearsalRoundId', requireCapability('insights.calibration'), async (req, res) => {
      const actor = actorOf(res);
      const report = await loadRehearsal(res, req.params.rehearsalRoundId);
      const [audits] = await withAuditLinks(db, actor, [report.audits]);
      render(res, 'insights/rehearsal-report', {
        f: frameFor(undefined, actor, '/insights/rehearsal'),
        report: { ...report, audits: audits! },
        caseTypeWords: caseTypeWords(report.caseTypes),
        overall: agreementWords(report.overall),
        items: agreementWords(report.items),
        roundHref: can(actor, 'programme.manage') ? `/rounds/${report.roundId}` : undefined,
        exportHref: `/insights/rehearsal/${report.roundId}/export?`,
      });
    });

    app.get('/insights/rehearsal/:rehearsalRoundId/export', requireCapability('insights.calibration'), async (req, res) => {
      const request = exportRequest(req.query);
      const report = await loadRehearsal(res, req.params.rehearsalRoundId);
      const table = await sendTable(res, [report.byCaseType.table, report.audits.table], request, 'inspection-rehearsal', londonDate(report.drawnAt));
      await logExport(db, res, `rehearsal/${report.roundId}/${table.id}`);
    });

    app.get('/insights/audits', requireCapability('insights.index'), async (req, res) => {
      const actor = actorOf(res);
      const ctx = await contextFor(res, 'insights.index', req.query);
      const result = await auditsBehind(ctx, parseDrill(req.query));
      // A list of audits names children by reference: its viewing is logged like the audit list's.
      await recordAccess(db, actor, { recordType: 'insight-audit-list', recordId: actor.organisationId, action: 'view' }, res.locals.requestId);
      render(res, 'insights/audits', { f: { ...frameFor(ctx, actor, '/insights/audits'), exportHref: undefined }, period: periodLabel(ctx.filter.from, ctx.filter.to), result });
    });
  },
};

/** A view rendered to a string (the report's print page, which goes to Chromium, not the browser). */
function renderToString<V extends keyof ViewModels>(app: Express, view: V, model: ViewModels[V]): Promise<string> {
  return new Promise((resolve, reject) => app.render(viewFile(view), model as object, (error: Error | null, html?: string) => (error ? reject(error) : resolve(html ?? ''))));
}

async function logExport(db: Db, res: Response, what: string): Promise<void> {
  const actor = actorOf(res);
  await recordAccess(db, actor, { recordType: 'insight-export', recordId: what, action: 'export' }, res.locals.requestId);
}
