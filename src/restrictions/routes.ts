/**
 * Pages for restricted records: restricting a child's record and managing who may see it (from
 * the child's page), the emergency break-glass view, and the QA lead's report of break-glass use.
 * Services check capabilities and visibility again; routes only read forms and choose pages.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { parseForm, singleError, type FieldErrors } from '../platform/http/forms.ts';
import { render } from '../platform/http/render.ts';
import { dateError, readDateInput } from '../platform/calendar/date-input.ts';
import type { Db } from '../platform/db/client.ts';
import { getChild } from '../cases/service.ts';
import * as service from './service.ts';
import { RESTRICTION_REASONS } from './schema.ts';
import './views.ts';

const Id = z.uuid();
const Version = z.object({ version: z.coerce.number().int().min(1) });

function idParam(req: Request, name: string): string {
  const parsed = Id.safeParse(req.params[name]);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

const reasons = RESTRICTION_REASONS.map((value) => ({ value, text: service.REASON_LABELS[value] }));

async function managePage(db: Db, res: Response, childId: string, now: Date, extra: { values?: Record<string, unknown>; errors?: FieldErrors; conflict?: boolean } = {}, status = 200) {
  const actor = actorOf(res);
  const child = await getChild(db, actor, childId);
  const [restriction, people] = await Promise.all([service.restrictionOf(db, actor, childId, now), service.grantChoices(db, actor)]);
  render(
    res,
    'restrictions/manage',
    {
      child: { id: child.id, childRef: child.childRef },
      restriction,
      reasons,
      people: people.map((p) => ({ value: p.id, text: p.name })),
      values: extra.values ?? {},
      ...(extra.errors ? { errors: extra.errors } : {}),
      ...(extra.conflict ? { conflict: true } : {}),
    },
    status,
  );
}

/** The last-day boxes as a date, or the error to show on them. */
function lastDayOf(body: Record<string, unknown>): { ok: true; date: string } | { ok: false; errors: FieldErrors } {
  const read = readDateInput(body, 'lastDay', 'The last day of access');
  if (!read.ok) return { ok: false, errors: dateError('lastDay', read.message) };
  if (!read.date) return { ok: false, errors: dateError('lastDay', 'Enter the last day of access') };
  return { ok: true, date: read.date };
}

function problemErrors(error: service.RestrictionProblem): FieldErrors {
  return error.field === 'lastDay' ? dateError('lastDay', error.message) : singleError(error.field, error.message);
}

export const restrictionsModule: AppModule = {
  navigation: [{ href: '/restrictions/break-glass', text: 'Emergency access', capability: 'restrictions.manage' }],
  register(app, context) {
    const { db } = context;
    const manage = requireCapability('restrictions.manage');
    const breakGlass = requireCapability('restrictions.break-glass');

    app.get('/cases/:caseId/restriction', manage, async (req, res) => {
      await managePage(db, res, idParam(req, 'caseId'), context.now());
    });

    /** Runs a change; a form problem or an out-of-date page shows the page again, with the form as sent. */
    async function change(req: Request, res: Response, childId: string, run: () => Promise<void>) {
      const values = req.body as Record<string, unknown>;
      try {
        await run();
      } catch (error) {
        if (error instanceof service.RestrictionProblem) return managePage(db, res, childId, context.now(), { values, errors: problemErrors(error) }, 400);
        if (error instanceof ConflictError) return managePage(db, res, childId, context.now(), { values, conflict: true }, 409);
        throw error;
      }
      res.redirect(303, `/cases/${childId}/restriction`);
    }

    app.post('/cases/:caseId/restriction', manage, async (req, res) => {
      const childId = idParam(req, 'caseId');
      const form = parseForm(service.RestrictInput, req.body);
      const lastDay = lastDayOf(req.body as Record<string, unknown>);
      if (!form.ok || !lastDay.ok) {
        const errors: FieldErrors = { list: [], byField: {} };
        for (const e of [form.ok ? undefined : form.errors, lastDay.ok ? undefined : lastDay.errors]) {
          if (!e) continue;
          errors.list.push(...e.list);
          Object.assign(errors.byField, e.byField);
        }
        return managePage(db, res, childId, context.now(), { values: form.values, errors }, 400);
      }
      await change(req, res, childId, async () => {
        await service.restrictChild(db, actorOf(res), childId, { ...form.value, lastDay: lastDay.date }, context.now(), res.locals.requestId);
      });
    });

    app.post('/cases/:caseId/restriction/grants', manage, async (req, res) => {
      const childId = idParam(req, 'caseId');
      const body = req.body as Record<string, unknown>;
      const restriction = await service.restrictionOf(db, actorOf(res), childId, context.now());
      if (!restriction) throw new NotFoundError();
      const version = Version.safeParse(body);
      const person = Id.safeParse(body.userId);
      const lastDay = lastDayOf(body);
      if (!person.success) return managePage(db, res, childId, context.now(), { values: body, errors: singleError('userId', 'Select who may see this record') }, 400);
      if (!lastDay.ok) return managePage(db, res, childId, context.now(), { values: body, errors: lastDay.errors }, 400);
      if (!version.success) return managePage(db, res, childId, context.now(), { values: body, conflict: true }, 409);
      await change(req, res, childId, () => service.grantAccess(db, actorOf(res), restriction.id, { userId: person.data, lastDay: lastDay.date, version: version.data.version }, context.now(), res.locals.requestId));
    });

    app.post('/cases/:caseId/restriction/grants/:grantId/remove', manage, async (req, res) => {
      const childId = idParam(req, 'caseId');
      const grantId = idParam(req, 'grantId');
      const restriction = await service.restrictionOf(db, actorOf(res), childId, context.now());
      if (!restriction) throw new NotFoundError();
      const version = Version.safeParse(req.body);
      if (!version.success) return managePage(db, res, childId, context.now(), { conflict: true }, 409);
      await change(req, res, childId, () => service.removeGrant(db, actorOf(res), restriction.id, grantId, version.data.version, context.now(), res.locals.requestId));
    });

    app.post('/cases/:caseId/restriction/lift', manage, async (req, res) => {
      const childId = idParam(req, 'caseId');
      const restriction = await service.restrictionOf(db, actorOf(res), childId, context.now());
      if (!restriction) throw new NotFoundError();
      const version = Version.safeParse(req.body);
      if (!version.success) return managePage(db, res, childId, context.now(), { conflict: true }, 409);
      await change(req, res, childId, async () => {
        await service.liftRestriction(db, actorOf(res), restriction.id, version.data.version, context.now(), res.locals.requestId);
      });
    });

    // ------------------------------------------------------------ break glass
    app.get('/cases/:caseId/break-glass', breakGlass, async (req, res) => {
      const childId = idParam(req, 'caseId');
      await service.requireBreakGlassCandidate(db, actorOf(res), childId);
      render(res, 'restrictions/break-glass', { childId, minutes: service.BREAK_GLASS_MINUTES, values: {} });
    });

    app.post('/cases/:caseId/break-glass', breakGlass, async (req, res) => {
      const childId = idParam(req, 'caseId');
      const actor = actorOf(res);
      await service.requireBreakGlassCandidate(db, actor, childId);
      const form = parseForm(service.BreakGlassInput, req.body);
      if (!form.ok) return render(res, 'restrictions/break-glass', { childId, minutes: service.BREAK_GLASS_MINUTES, values: form.values, errors: form.errors }, 400);
      await service.breakGlass(db, actor, childId, form.value.reason, context.now(), res.locals.requestId);
      res.redirect(303, `/cases/${childId}`);
    });

    app.get('/restrictions/break-glass', manage, async (_req, res) => {
      render(res, 'restrictions/break-glass-report', { rows: await service.listBreakGlass(db, actorOf(res)), minutes: service.BREAK_GLASS_MINUTES });
    });
  },
};
