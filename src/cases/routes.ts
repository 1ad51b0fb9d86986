/**
 * Case pages (the children a person may see, one child's chronology and open deadlines) and the
 * import of a council's extracts (upload, progress, result, problems as CSV). Every view of a
 * child's record, and of an import, is written to the access log; URLs carry ids only.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import { singleError } from '../platform/http/forms.ts';
import { render } from '../platform/http/render.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import { can } from '../platform/auth/actor.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { CASE_TYPE_OPTIONS, caseTypeLabel } from './case-status.ts';
import { DEFAULT_FILE_LIMITS, problemsToCsv } from './import/index.ts';
import { createImport, getImport, ImportBusyError, importProblems, listImports, startImportJob, type UploadedFile } from './imports.ts';
import { getCaseView, listChildren, teamChoices } from './service.ts';
import { isRestricted } from '../restrictions/service.ts';
import './views.ts';

const Id = z.uuid();

/** A malformed id is a page that does not exist; `undefined` lets later routes try the path. */
function idParam(req: Request, name: string): string | undefined {
  const parsed = Id.safeParse(req.params[name]);
  return parsed.success ? parsed.data : undefined;
}

const ListFilter = z.object({
  teamId: z.uuid().optional().catch(undefined),
  caseType: z.enum(CASE_TYPE_OPTIONS.map((o) => o.value) as [string, ...string[]]).optional().catch(undefined),
  open: z
    .enum(['yes'])
    .optional()
    .catch(undefined)
    .transform((v) => v === 'yes'),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

const CHILD_REF_SEARCH_PROBLEM = 'Enter the start of a child ID: up to 40 letters, numbers, spaces, hyphens, full stops, underscores or slashes';

/**
 * The child ID search: the start of a reference. Nothing typed (or what a script writes for
 * nothing: "null", "undefined") is no filter; anything a reference cannot hold is said back to
 * the person and never reaches the database.
 */
export function childRefSearch(value: unknown): { childRef?: string; typed?: string; problem?: string } {
  if (typeof value !== 'string') return {};
  const typed = value.trim();
  if (!typed || /^(null|undefined)$/i.test(typed)) return {};
  if ([...typed].length > 40 || !/^[\p{L}\p{N} /_.-]+$/u.test(typed)) return { typed: typed.slice(0, 200), problem: CHILD_REF_SEARCH_PROBLEM };
  return { childRef: typed };
}

/** Problems shown on the import page; the CSV has them all. */
const PROBLEMS_SHOWN = 200;


export const casesModule: AppModule = {
  navigation: [
    { href: '/cases', text: 'Cases', capability: 'cases.view' },
    { href: '/case-data/imports', text: 'Case data', capability: 'cases.manage' },
  ],
  register(app: Express, context) {
    const { db } = context;
    const view = requireCapability('cases.view');
    const manage = requireCapability('cases.manage');
    const today = () => londonDate(context.now());

    app.get('/cases', view, async (req, res) => {
      const actor = actorOf(res);
      const search = childRefSearch(req.query['childRef']);
      const filter = { ...ListFilter.parse(req.query), childRef: search.childRef };
      const [list, teams] = await Promise.all([listChildren(db, actor, filter, today()), teamChoices(db, actor)]);
      await recordAccess(db, actor, { recordType: 'case-list', recordId: filter.teamId ?? actor.organisationId, action: 'view' }, res.locals.requestId);
      const query = new URLSearchParams();
      if (filter.teamId) query.set('teamId', filter.teamId);
      if (filter.caseType) query.set('caseType', filter.caseType);
      if (filter.open) query.set('open', 'yes');
      if (filter.childRef) query.set('childRef', filter.childRef);
      render(res, 'cases/list', {
        ...list,
        rows: list.rows.map((r) => ({ ...r, caseTypeLabel: caseTypeLabel(r.caseType) })),
        filter: { ...filter, childRef: search.childRef ?? search.typed },
        ...(search.problem ? { errors: singleError('childRef', search.problem) } : {}),
        teams,
        caseTypes: [...CASE_TYPE_OPTIONS],
        filterQuery: query.toString(),
        canImport: can(actor, 'cases.manage'),
      });
    });

    // ------------------------------------------------------------ imports
    app.get('/case-data/imports', manage, async (_req, res) => {
      render(res, 'cases/imports', { imports: await listImports(db, actorOf(res).organisationId, context.now()) });
    });

    const maxMegabytes = Math.round(DEFAULT_FILE_LIMITS.maxBytes / 1024 / 1024);
    app.get('/case-data/imports/new', manage, (_req, res) => {
      render(res, 'cases/import-new', { maxMegabytes });
    });

    app.post('/case-data/imports', manage, async (req, res) => {
      const actor = actorOf(res);
      const uploads = ((req.files as Express.Multer.File[] | undefined) ?? []).filter((f) => f.fieldname === 'files' && f.size > 0);
      if (uploads.length === 0) {
        return render(res, 'cases/import-new', { maxMegabytes, errors: singleError('files', 'Choose one or more extract files to import') }, 400);
      }
      const files: UploadedFile[] = uploads.map((f) => ({ fileName: f.originalname, bytes: new Uint8Array(f.buffer.buffer, f.buffer.byteOffset, f.buffer.byteLength) }));
      let importId: string;
      try {
        importId = await createImport(db, { organisationId: actor.organisationId, importedBy: actor.userId, channel: 'browser', files, now: context.now() });
      } catch (error) {
        if (!(error instanceof ImportBusyError)) throw error;
        return render(res, 'cases/import-new', { maxMegabytes, busy: true, errors: singleError('files', error.message) }, 409);
      }
      await recordAccess(db, actor, { recordType: 'case-import', recordId: importId, action: 'create' }, res.locals.requestId);
      // The import goes on after this response; its page follows its progress in the database.
      void startImportJob(context.database, importId, files, { asOf: today(), logger: context.logger });
      res.redirect(303, `/case-data/imports/${importId}`);
    });

    app.get('/case-data/imports/:importId', manage, async (req, res, next) => {
      const actor = actorOf(res);
      const id = idParam(req, 'importId');
      if (!id) return next();
      const record = await getImport(db, actor.organisationId, id, context.now());
      if (!record) throw new NotFoundError();
      await recordAccess(db, actor, { recordType: 'case-import', recordId: id, action: 'view' }, res.locals.requestId);
      const running = record.status === 'queued' || record.status === 'running';
      // Browsers reload a page sent with Refresh, with or without JavaScript.
      if (running) res.setHeader('Refresh', '2');
      const problems = running ? [] : await importProblems(db, id, PROBLEMS_SHOWN);
      render(res, 'cases/import', { record, running, problems, problemsShown: problems.length, totalProblems: record.errorCount + record.warningCount });
    });

    app.get('/case-data/imports/:importId/problems.csv', manage, async (req, res, next) => {
      const actor = actorOf(res);
      const id = idParam(req, 'importId');
      if (!id) return next();
      const record = await getImport(db, actor.organisationId, id, context.now());
      if (!record) throw new NotFoundError();
      await recordAccess(db, actor, { recordType: 'case-import', recordId: id, action: 'export' }, res.locals.requestId);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="import-${id}-problems.csv"`);
      res.send(problemsToCsv(await importProblems(db, id)));
    });

    // ------------------------------------------------------------ one child
    app.get('/cases/:caseId', view, async (req: Request, res: Response, next: NextFunction) => {
      const actor = actorOf(res);
      const id = idParam(req, 'caseId');
      // Not an id: perhaps another page under /cases (adding a case by hand).
      if (!id) return next();
      const caseView = await getCaseView(db, actor, id, today());
      await recordAccess(db, actor, { recordType: 'child', recordId: id, action: 'view' }, res.locals.requestId);
      render(res, 'cases/case', {
        ...caseView,
        caseTypeLabel: caseTypeLabel(caseView.child.caseType),
        today: today(),
        restricted: await isRestricted(db, id),
        canRestrict: can(actor, 'restrictions.manage'),
      });
    });
  },
};
