/**
 * Information governance pages: subject access requests, retention and disposal, legal holds,
 * and the access-log reports. Thin: the services check capabilities again and do the work; every
 * view and export is written to the access log.
 */
import type { Request, Response } from 'express';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { parseForm, singleError, type FieldErrors } from '../platform/http/forms.ts';
import { render } from '../platform/http/render.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { dateInputValues, readDateInput } from '../platform/calendar/date-input.ts';
import { sendDownload, toCsv, toXlsx, type ExportColumn } from '../platform/export/table.ts';
import { dateFields, linkDateErrors } from '../audits/programme/dates.ts';
import { idParam } from '../audits/programme/http.ts';
import { users } from '../org/schema.ts';
import { disposalLog, disposalRuns, legalHolds, REQUESTER_KINDS, subjectAccessRequests } from './schema.ts';
import { RETENTION_CLASSES } from './retention.ts';
import { reviewRetention, runDisposal } from './disposal.ts';
import { getHold, HoldFieldProblem, LiftHoldInput, liftHold, listHolds, PlaceHoldInput, placeHold } from './holds.ts';
import { bundlesOf, ChoicesInput, choicesFrom, defaultChoices, listRequests, prepare, produceBundle, redacted, REQUESTER_LABELS, RequestFieldProblem, startRequest, StartRequestInput, type Prepared } from './subject-access/service.ts';
import type { RedactionChoices } from './subject-access/redaction.ts';
import { readFilter, reportForExport, reportPage, reportSubject, SubjectNotFound, workerChoices, EXPORT_LIMIT, countEntries, type LogEntry, type ReportFilter } from './access-log-report.ts';
import './views.ts';

/** The due and kept lists show this many rows; the totals are always shown in full. */
const SHOWN = 200;

const describe = (record: Record<string, number | string>) =>
  Object.entries(record)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

export const governanceModule: AppModule = {
  navigation: [
    { href: '/governance', text: 'Information governance', capability: 'governance.manage' },
    { href: '/access-log', text: 'Access log', capability: 'governance.access-log' },
  ],
  register(app, { db, now }) {
    const manage = requireCapability('governance.manage');
    const accessLogReports = requireCapability('governance.access-log');
    const log = (res: Response, recordType: string, recordId: string, action: 'view' | 'create' | 'update' | 'export') =>
      recordAccess(db, actorOf(res), { recordType, recordId, action }, res.locals.requestId as string);

    app.get('/governance', manage, async (_req, res) => {
      const actor = actorOf(res);
      const [open] = await db.select({ n: sql<number>`count(*)::int` }).from(subjectAccessRequests).where(and(eq(subjectAccessRequests.organisationId, actor.organisationId), eq(subjectAccessRequests.status, 'open')));
      const [holds] = await db.select({ n: sql<number>`count(*)::int` }).from(legalHolds).where(and(eq(legalHolds.organisationId, actor.organisationId), isNull(legalHolds.liftedAt)));
      const review = await reviewRetention(db, actor.organisationId, londonDate(now()));
      render(res, 'governance/index', { openRequests: open?.n ?? 0, activeHolds: holds?.n ?? 0, dueToday: review.due.length });
    });

    // Subject access requests.
    app.get('/governance/subject-access', manage, async (_req, res) => {
      const requests = await listRequests(db, actorOf(res));
      await log(res, 'subject-access-list', actorOf(res).organisationId, 'view');
      render(res, 'governance/requests', { requests });
    });

    const requesters = REQUESTER_KINDS.map((value) => ({ value, text: REQUESTER_LABELS[value] }));
    app.get('/governance/subject-access/new', manage, (_req, res) => {
      render(res, 'governance/request-new', { values: { receivedOn: { day: '', month: '', year: '' } }, requesters });
    });
    app.post('/governance/subject-access/new', manage, async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const values = { ...body, receivedOn: dateFields('receivedOn', body) };
      const form = parseForm(StartRequestInput, values);
      if (!form.ok) return render(res, 'governance/request-new', { values, requesters, errors: linkDateErrors(form.errors, 'receivedOn') }, 400);
      let id: string;
      try {
        id = await startRequest(db, actorOf(res), form.value, londonDate(now()), now());
      } catch (error) {
        if (!(error instanceof RequestFieldProblem)) throw error;
        return render(res, 'governance/request-new', { values, requesters, errors: linkDateErrors(singleError(error.field, error.message), 'receivedOn') }, 400);
      }
      await log(res, 'subject-access-request', id, 'create');
      res.redirect(303, `/governance/subject-access/${id}`);
    });

    const requestPage = async (res: Response, prepared: Prepared, choices: RedactionChoices, extra: { preview?: boolean; errors?: FieldErrors } = {}, status = 200) => {
      const bundles = await bundlesOf(db, actorOf(res), prepared.request.id);
      const staff = prepared.parties.filter((p) => p.kind === 'staff');
      const others = prepared.parties.filter((p) => p.kind !== 'staff');
      const kindText = { child: 'child', family: 'family member', staff: 'member of staff' } as const;
      const fieldGroups = prepared.gathered.sections
        .map((s) => ({
          title: s.title,
          items: s.records.flatMap((r) =>
            r.fields.flatMap((f) =>
              f.freeText ? [{ value: f.freeText, text: `${r.title}: ${f.label}`, hint: { text: f.value.length > 160 ? `${f.value.slice(0, 160)}…` : f.value }, checked: choices.fields.has(f.freeText) }] : [],
            ),
          ),
        }))
        .filter((g) => g.items.length > 0);
      let preview: { sections: ReturnType<typeof redacted>['sections']; summaryText: string } | undefined;
      if (extra.preview) {
        const result = redacted(prepared, choices);
        preview = { sections: result.sections, summaryText: describe({ ...result.summary }) };
      }
      render(
        res,
        'governance/request',
        {
          request: prepared.request,
          bundles: bundles.map((b) => ({ ...b, countsText: describe(b.counts), redactionsText: describe(b.redactions) })),
          staffNames: choices.staffNames,
          staffCount: staff.length,
          parties: others.map((p) => ({ value: p.key, text: `${p.name} (${kindText[p.kind]})`, ...(p.foundInText ? { hint: { text: 'Named in free text' } } : {}), checked: choices.parties.has(p.key) })),
          fieldGroups,
          fieldCount: fieldGroups.reduce((n, g) => n + g.items.length, 0),
          ...(preview ? { preview } : {}),
          ...(extra.errors ? { errors: extra.errors } : {}),
        },
        status,
      );
    };

    app.get('/governance/subject-access/:subjectAccessId', manage, async (req, res) => {
      const prepared = await prepare(db, actorOf(res), idParam(req, 'subjectAccessId'));
      await log(res, 'subject-access-request', prepared.request.id, 'view');
      await requestPage(res, prepared, defaultChoices(prepared.parties));
    });

    app.post('/governance/subject-access/:subjectAccessId', manage, async (req, res) => {
      const actor = actorOf(res);
      const prepared = await prepare(db, actor, idParam(req, 'subjectAccessId'));
      const form = parseForm(ChoicesInput, req.body);
      if (!form.ok) return requestPage(res, prepared, defaultChoices(prepared.parties), { errors: form.errors }, 400);
      const choices = choicesFrom(form.value, prepared);
      if (form.value.intent === 'preview') {
        await log(res, 'subject-access-request', prepared.request.id, 'view');
        return requestPage(res, prepared, choices, { preview: true });
      }
      const bundle = await produceBundle(db, actor, prepared, choices, now());
      await log(res, 'subject-access-request', prepared.request.id, 'export');
      await log(res, prepared.request.subjectType === 'child' ? 'child' : 'user', prepared.request.subjectId, 'export');
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', `attachment; filename="${bundle.fileName}.zip"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(bundle.zip);
    });

    // Retention and disposal.
    const retentionPage = async (req: Request, res: Response, errors?: FieldErrors, status = 200) => {
      const actor = actorOf(res);
      const today = londonDate(now());
      const asked = readDateInput(req.query as Record<string, unknown>, 'asOf', 'The date');
      const asOf = asked.ok && asked.date ? asked.date : today;
      const review = await reviewRetention(db, actor.organisationId, asOf);
      const runs = await db
        .select({ id: disposalRuns.id, asOf: disposalRuns.asOf, startedAt: disposalRuns.startedAt, channel: disposalRuns.channel, startedByName: users.displayName, disposed: disposalRuns.disposed, held: disposalRuns.held })
        .from(disposalRuns)
        .leftJoin(users, eq(users.id, disposalRuns.startedBy))
        .where(eq(disposalRuns.organisationId, actor.organisationId))
        .orderBy(desc(disposalRuns.startedAt))
        .limit(10);
      await log(res, 'retention-review', actor.organisationId, 'view');
      const dateProblem = asked.ok ? undefined : singleError('asOf', asked.message);
      render(
        res,
        'governance/retention',
        {
          asOf,
          asOfValues: asked.ok ? dateInputValues('asOf', asked.date) : Object.fromEntries(['day', 'month', 'year'].map((p) => [`asOf-${p}`, String((req.query as Record<string, unknown>)[`asOf-${p}`] ?? '')])),
          isToday: asOf === today,
          classes: Object.entries(RETENTION_CLASSES).map(([id, c]) => ({ id, ...c })),
          review,
          shown: { due: review.due.slice(0, SHOWN), kept: review.kept.slice(0, SHOWN) },
          runs,
          ...(errors || dateProblem ? { errors: errors ?? { ...dateProblem!, list: dateProblem!.list.map((e) => ({ ...e, href: '#asOf-day' })) } } : {}),
        },
        errors ? status : asked.ok ? status : 400,
      );
    };
    app.get('/governance/retention', manage, (req, res) => retentionPage(req, res));

    app.post('/governance/retention/dispose', manage, async (req, res) => {
      const actor = actorOf(res);
      if ((req.body as Record<string, unknown>).confirm !== 'yes') {
        return retentionPage(req, res, singleError('confirm', 'Confirm that the records due today may be destroyed'), 400);
      }
      // The browser disposes only of what is due today: looking ahead is for the review, never for deleting.
      const outcome = await runDisposal(db, { organisationId: actor.organisationId, asOf: londonDate(now()), userId: actor.userId, channel: 'browser', now: now() });
      await log(res, 'disposal-run', outcome.runId, 'create');
      res.redirect(303, `/governance/retention/runs/${outcome.runId}`);
    });

    app.get('/governance/retention/runs/:runId', manage, async (req, res) => {
      const actor = actorOf(res);
      const [run] = await db
        .select({ id: disposalRuns.id, asOf: disposalRuns.asOf, startedAt: disposalRuns.startedAt, finishedAt: disposalRuns.finishedAt, channel: disposalRuns.channel, startedByName: users.displayName, disposed: disposalRuns.disposed, held: disposalRuns.held })
        .from(disposalRuns)
        .leftJoin(users, eq(users.id, disposalRuns.startedBy))
        .where(and(eq(disposalRuns.id, idParam(req, 'runId')), eq(disposalRuns.organisationId, actor.organisationId)));
      if (!run) throw new NotFoundError();
      const entries = await db
        .select({ recordType: disposalLog.recordType, recordId: disposalLog.recordId, retentionClass: disposalLog.retentionClass, disposalDate: disposalLog.disposalDate, disposedWith: disposalLog.disposedWith, at: disposalLog.at })
        .from(disposalLog)
        .where(eq(disposalLog.runId, run.id))
        .orderBy(disposalLog.id);
      await log(res, 'disposal-run', run.id, 'view');
      render(res, 'governance/disposal-run', { run, log: entries });
    });

    // Legal holds.
    app.get('/governance/holds', manage, async (_req, res) => {
      const holds = await listHolds(db, actorOf(res));
      await log(res, 'legal-hold-list', actorOf(res).organisationId, 'view');
      render(res, 'governance/holds', { holds });
    });
    app.get('/governance/holds/new', manage, (req, res) => {
      const query = req.query as Record<string, unknown>;
      render(res, 'governance/hold-new', { values: { recordType: query.auditId ? 'audit' : 'child', auditId: typeof query.auditId === 'string' ? query.auditId : '', childRef: typeof query.childRef === 'string' ? query.childRef : '' } });
    });
    app.post('/governance/holds/new', manage, async (req, res) => {
      const form = parseForm(PlaceHoldInput, req.body);
      if (!form.ok) return render(res, 'governance/hold-new', { values: form.values, errors: form.errors }, 400);
      let id: string;
      try {
        id = await placeHold(db, actorOf(res), form.value, now());
      } catch (error) {
        if (!(error instanceof HoldFieldProblem)) throw error;
        return render(res, 'governance/hold-new', { values: form.values, errors: singleError(error.field, error.message) }, 400);
      }
      await log(res, 'legal-hold', id, 'create');
      res.redirect(303, '/governance/holds');
    });
    app.get('/governance/holds/:holdId', manage, async (req, res) => {
      const hold = await getHold(db, actorOf(res), idParam(req, 'holdId'));
      await log(res, 'legal-hold', hold.id, 'view');
      render(res, 'governance/hold', { hold, values: { version: String(hold.version) } });
    });
    app.post('/governance/holds/:holdId', manage, async (req, res) => {
      const actor = actorOf(res);
      const hold = await getHold(db, actor, idParam(req, 'holdId'));
      const form = parseForm(LiftHoldInput, req.body);
      if (!form.ok) return render(res, 'governance/hold', { hold, values: form.values, errors: form.errors }, 400);
      try {
        await liftHold(db, actor, hold.id, form.value, now());
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const current = await getHold(db, actor, hold.id);
        return render(res, 'governance/hold', { hold: current, values: { ...form.values, version: String(current.version) }, conflict: true }, 409);
      }
      await log(res, 'legal-hold', hold.id, 'update');
      res.redirect(303, '/governance/holds');
    });

    // Access-log reports.
    const queryString = (filter: ReportFilter, page?: number) => {
      const params = new URLSearchParams({ by: filter.by });
      if (filter.by === 'child') params.set('childRef', filter.childRef);
      else params.set('userId', filter.userId);
      for (const [prefix, date] of [['from', filter.from], ['to', filter.to]] as const) for (const [k, v] of Object.entries(dateInputValues(prefix, date))) params.set(k, v);
      if (page && page > 1) params.set('page', String(page));
      return params.toString();
    };

    app.get('/access-log', accessLogReports, async (req, res) => {
      const actor = actorOf(res);
      const query = req.query as Record<string, unknown>;
      const { filter, errors } = readFilter(query);
      const values = { ...query, by: filter.by };
      const workers = await workerChoices(db, actor);
      const empty = { filter, values, workers, subjectText: null, entries: [], total: 0, pagination: { pages: 1, page: 1, previous: null, next: null }, exportQuery: '' };
      if (errors) return render(res, 'governance/access-log', { ...empty, errors }, 400);
      let subject;
      try {
        subject = await reportSubject(db, actor, filter);
      } catch (error) {
        if (!(error instanceof SubjectNotFound)) throw error;
        return render(res, 'governance/access-log', { ...empty, errors: singleError(filter.by === 'child' ? 'childRef' : 'userId', error.message) }, 400);
      }
      if (!subject) return render(res, 'governance/access-log', empty);
      const page = await reportPage(db, actor, subject, filter);
      await log(res, subject.kind === 'child' ? 'child-access-log' : 'user-access-log', subject.id, 'view');
      const current = Math.min(filter.page, page.pages);
      render(res, 'governance/access-log', {
        ...empty,
        subjectText: subject.kind === 'child' ? `child ${subject.childRef}` : subject.name,
        entries: page.entries,
        total: page.total,
        pagination: {
          pages: page.pages,
          page: current,
          previous: current > 1 ? `/access-log?${queryString(filter, current - 1)}` : null,
          next: current < page.pages ? `/access-log?${queryString(filter, current + 1)}` : null,
        },
        exportQuery: queryString(filter),
      });
    });

    const columns: ExportColumn<LogEntry>[] = [
      { header: 'When', value: (e) => e.at.toISOString(), width: 24 },
      { header: 'Who', value: (e) => e.userName ?? '', width: 24 },
      { header: 'Acting as', value: (e) => e.role ?? '' },
      { header: 'What', value: (e) => e.action, width: 10 },
      { header: 'Record type', value: (e) => e.recordType },
      { header: 'Record id', value: (e) => e.recordId, width: 38 },
      { header: 'Child reference', value: (e) => e.childRef ?? '' },
    ];
    app.get('/access-log/export', accessLogReports, async (req, res) => {
      const actor = actorOf(res);
      const { filter, errors } = readFilter(req.query as Record<string, unknown>);
      const format = (req.query as Record<string, unknown>).format === 'xlsx' ? 'xlsx' : 'csv';
      let subject;
      try {
        subject = errors ? null : await reportSubject(db, actor, filter);
      } catch (error) {
        if (!(error instanceof SubjectNotFound)) throw error;
        subject = null;
      }
      if (!subject) throw new NotFoundError();
      if ((await countEntries(db, actor, subject, filter)) > EXPORT_LIMIT) throw Object.assign(new Error(`The report has more than ${EXPORT_LIMIT} entries: choose a shorter period.`), { status: 413, expose: true });
      const rows = await reportForExport(db, actor, subject, filter);
      await log(res, subject.kind === 'child' ? 'child-access-log' : 'user-access-log', subject.id, 'export');
      const name = `access-log-${subject.kind}-${londonDate(now())}`;
      if (format === 'xlsx') sendDownload(res, name, 'xlsx', await toXlsx('Access log', columns, rows));
      else sendDownload(res, name, 'csv', toCsv(columns, rows));
    });
  },
};
