/**
 * Action pages: each person's lists (theirs, their teams', awaiting their sign-off, all they may
 * see) with filters, sorting and export; setting an action; its page with the moves this person
 * may make; and the QA team's settings.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.ts';
import { parseForm, singleError, type FieldErrors } from '../platform/http/forms.ts';
import { formatDate, render } from '../platform/http/render.ts';
import { can, type Actor } from '../platform/auth/actor.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import { dateError, dateInputValues, readDateInput } from '../platform/calendar/date-input.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { sendDownload, toCsv, toXlsx } from '../platform/export/table.ts';
import type { Db } from '../platform/db/client.ts';
import { describeTimescale } from './due-dates.ts';
import { RECIPIENT_LABELS, RECIPIENTS } from './escalation.ts';
import { ACTION_COLUMNS } from './export.ts';
import { describeEvent } from './history.ts';
import { STATUS_LABELS } from './lifecycle.ts';
import * as service from './service.ts';
import * as settings from './settings.ts';
import { smartWarnings } from './smart.ts';
import { ACTION_STATUSES, DUE_DATE_UNITS } from './schema.ts';
import type { ActionDetailModel } from './views.ts';
import './views.ts';

function idParam(req: Request, name: string): string {
  const parsed = z.uuid().safeParse(req.params[name]);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

// ---------------------------------------------------------------- lists

const Filter = z.object({
  view: z.enum(service.ACTION_VIEWS).catch('mine'),
  teamId: z.uuid().optional().catch(undefined),
  ownerId: z.uuid().optional().catch(undefined),
  status: z
    .enum([...ACTION_STATUSES, 'outstanding'])
    .optional()
    .catch(undefined),
  due: z.enum(service.DUE_FILTERS).optional().catch(undefined),
  toolId: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/)
    .optional()
    .catch(undefined),
  sort: z.enum(service.SORTS).catch('due'),
  order: z.enum(['asc', 'desc']).catch('asc'),
});

const VIEW_LABELS: Record<service.ActionView, string> = { mine: 'Your actions', team: 'Your teams’ actions', 'sign-off': 'Awaiting your sign-off', all: 'All you can see' };
const SORT_LABELS: Record<(typeof service.SORTS)[number], string> = { due: 'Due', owner: 'Owner', team: 'Team', status: 'Status', tool: 'Audit tool', created: 'Set on' };

function queryString(filter: Partial<service.ActionFilter>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
  return params.toString();
}

const LIST_LIMIT = 500;
const EXPORT_LIMIT = 20_000;

// ---------------------------------------------------------------- one action

function detailModel(actor: Actor, detail: Awaited<ReturnType<typeof service.getActionDetail>>): ActionDetailModel {
  const { action } = detail;
  return {
    id: action.id,
    reference: detail.reference,
    what: action.what,
    status: action.status,
    statusLabel: STATUS_LABELS[action.status],
    priority: action.priority,
    dueDate: action.dueDate,
    overdue: detail.overdue,
    overdueBy: detail.overdueBy,
    escalationLevel: action.escalationLevel,
    version: action.version,
    evidence: action.evidence,
    cancelReason: action.cancelReason,
    ownerName: detail.ownerName,
    ownerTeamName: detail.ownerTeamName,
    lineManagerName: detail.lineManagerName,
    createdByName: detail.createdByName,
    createdAt: action.createdAt,
    signedOffByName: detail.signedOffByName,
    signedOffAt: action.signedOffAt,
    childRef: detail.childRef,
    toolTitle: detail.toolTitle,
    auditId: action.auditId,
    isOwner: action.ownerId === actor.userId,
    can: {
      markDone: detail.moves.has('mark-done'),
      signOff: detail.moves.has('sign-off'),
      reopen: detail.moves.has('reopen'),
      cancel: detail.moves.has('cancel'),
      edit: detail.moves.has('edit'),
    },
    signOffBy: detail.lineManagerName ? `${detail.lineManagerName}, ${detail.ownerName}’s line manager` : 'the QA team (the owner has no line manager)',
    dueDatePassed: action.dueDate < detail.today,
    events: detail.events.map((e) => ({ at: e.at, kind: e.kind, actorName: e.actorName, text: describeEvent(e.kind, e.detail) })),
  };
}

async function renderDetail(db: Db, res: Response, id: string, now: Date, extra: { values?: Record<string, unknown>; errors?: FieldErrors; conflict?: boolean } = {}, status = 200) {
  const actor = actorOf(res);
  const detail = await service.getActionDetail(db, actor, id, now);
  const action = detailModel(actor, detail);
  render(
    res,
    'actions/detail',
    {
      action,
      // After a conflict the form carries the current version, so saving again is a deliberate choice.
      values: { ...extra.values, version: action.version },
      ...(extra.errors ? { errors: extra.errors } : {}),
      ...(extra.conflict ? { conflict: { status: action.statusLabel, dueDate: formatDate(action.dueDate), what: action.what } } : {}),
    },
    status,
  );
}

/** A refused or stale move comes back to the action's page with the person's words kept. */
async function moveOutcome(db: Db, req: Request, res: Response, id: string, now: Date, move: () => Promise<void>) {
  const values = (req.body ?? {}) as Record<string, unknown>;
  try {
    await move();
  } catch (error) {
    if (error instanceof ConflictError) return renderDetail(db, res, id, now, { values, conflict: true }, 409);
    if (error instanceof service.ActionProblem) {
      const errors = error.field === 'dueDate' ? dateError('dueDate', error.message) : singleError(error.field, error.message);
      return renderDetail(db, res, id, now, { values, errors }, 400);
    }
    if (error instanceof service.IllegalMoveError) return renderDetail(db, res, id, now, { values, errors: singleError('form', error.message) }, 409);
    throw error;
  }
  await recordAccess(db, actorOf(res), { recordType: 'action', recordId: id, action: 'update' }, res.locals.requestId);
  res.redirect(303, `/actions/${id}`);
}

const Version = z.coerce.number().int().min(1).catch(0);

// ---------------------------------------------------------------- the form

const ActionForm = z.object({
  what: z.string({ error: 'Say what must happen' }).trim().min(1, 'Say what must happen').max(2000, 'The action must be 2,000 characters or fewer'),
  ownerId: z.uuid({ message: 'Select who will do this' }),
  childId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.uuid({ message: 'Select a child from the list' }).nullable()),
  toolId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(
      z
        .string()
        .regex(/^[a-z0-9-]{1,100}$/, 'Select an audit tool from the list')
        .nullable(),
    ),
  urgent: z
    .string()
    .optional()
    .transform((v) => v === 'yes'),
  smartChecked: z
    .string()
    .optional()
    .transform((v) => v === 'yes'),
});

const EditForm = z.object({
  what: ActionForm.shape.what,
  ownerId: ActionForm.shape.ownerId,
  priority: z.enum(['urgent', 'normal'], { message: 'Select how urgent the action is' }),
  version: z.coerce.number().int().min(1),
  smartChecked: ActionForm.shape.smartChecked,
});

async function formChoices(db: Db, actor: Actor, now: Date) {
  const [people, kids, choices, normal, urgent] = await Promise.all([
    service.assignablePeople(db, actor),
    service.childChoices(db, actor),
    service.filterChoices(db, actor),
    service.previewDefaultDueDate(db, actor, { urgent: false }, now),
    service.previewDefaultDueDate(db, actor, { urgent: true }, now),
  ]);
  return {
    people: people.map((p) => ({ value: p.id, text: p.teamName ? `${p.name} (${p.teamName})` : p.name })),
    children: kids.map((c) => ({ value: c.id, text: c.ref })),
    tools: choices.tools.map((t) => ({ value: t.id, text: t.title })),
    defaults: { normal: formatDate(normal), urgent: formatDate(urgent) },
  };
}

// ---------------------------------------------------------------- settings

const UNIT_OPTIONS = DUE_DATE_UNITS.map((u) => ({ value: u, text: describeTimescale({ amount: 2, unit: u }).replace(/^2 /, '') }));

async function settingsPage(db: Db, res: Response, values?: Record<string, unknown>, errors?: FieldErrors, status = 200, conflict = false) {
  const actor = actorOf(res);
  const [tools, chase, people] = await Promise.all([settings.listDueRules(db, actor), settings.getChaseSettings(db, actor), settings.qaLeadChoices(db, actor)]);
  const formValues: Record<string, unknown> = values ?? {
    reminderWorkingDays: String(chase.schedule.reminderWorkingDays),
    qaLeadUserId: chase.qaLeadUserId ?? '',
    version: String(chase.version),
    ...Object.fromEntries(chase.schedule.escalation.flatMap((s) => [[`level${s.level}Days`, String(s.workingDaysOverdue)], [`level${s.level}Tell`, s.tell]])),
  };
  render(
    res,
    'actions/settings',
    {
      tools: tools.map((t) => ({ toolId: t.toolId, title: t.title, urgent: describeTimescale(t.rule.urgent), normal: describeTimescale(t.rule.normal), custom: t.version !== null })),
      levels: [1, 2, 3].map((level) => {
        const chosen = [formValues[`level${level}Tell`] ?? []].flat();
        return { level, daysName: `level${level}Days`, tellName: `level${level}Tell`, items: RECIPIENTS.map((r) => ({ value: r, text: RECIPIENT_LABELS[r], checked: chosen.includes(r) })) };
      }),
      people: people.map((p) => ({ value: p.id, text: p.name })),
      qaLeadFallback: 'The senior QA officers (those whose own line manager is not a QA officer)',
      values: formValues,
      ...(errors ? { errors } : {}),
      ...(conflict ? { conflict } : {}),
    },
    status,
  );
}

// ---------------------------------------------------------------- the module

export const actionsModule: AppModule = {
  navigation: [{ href: '/actions', text: 'Actions', capability: 'actions.view', count: service.actionsNeedingAttention }],
  register(app, { db, now }) {
    const view = requireCapability('actions.view');
    const create = requireCapability('actions.create');
    const configure = requireCapability('actions.configure');

    app.get('/actions', view, async (req, res) => {
      const actor = actorOf(res);
      const filter = Filter.parse(req.query);
      const [rows, choices] = await Promise.all([service.listActions(db, actor, filter, now(), LIST_LIMIT + 1), service.filterChoices(db, actor)]);
      const { sort: _sort, order: _order, ...rest } = filter;
      render(res, 'actions/list', {
        view: filter.view,
        tabs: service.ACTION_VIEWS.map((v) => ({ href: `/actions?view=${v}`, text: VIEW_LABELS[v], current: v === filter.view })),
        filter,
        rows: rows.slice(0, LIST_LIMIT),
        truncated: rows.length > LIST_LIMIT,
        teams: choices.teams.map((t) => ({ value: t.id, text: t.name })),
        owners: choices.owners.map((o) => ({ value: o.id, text: o.name })),
        tools: choices.tools.map((t) => ({ value: t.id, text: t.title })),
        columns: service.SORTS.map((key) => {
          const current = filter.sort === key;
          const order = current && filter.order === 'asc' ? 'desc' : 'asc';
          return { key, label: SORT_LABELS[key], href: `/actions?${queryString({ ...rest, sort: key, order })}`, ariaSort: current ? (filter.order === 'asc' ? 'ascending' : 'descending') : 'none' };
        }),
        exportQuery: queryString(filter),
        canCreate: can(actor, 'actions.create'),
        canConfigure: can(actor, 'actions.configure'),
      });
    });

    for (const format of ['csv', 'xlsx'] as const) {
      app.get(`/actions/export.${format}`, view, async (req, res) => {
        const actor = actorOf(res);
        const filter = Filter.parse(req.query);
        const rows = await service.listActions(db, actor, filter, now(), EXPORT_LIMIT);
        // One entry for the export as a whole: which list, never the children in it.
        await recordAccess(db, actor, { recordType: 'action-list', recordId: queryString(filter) || 'all', action: 'export' }, res.locals.requestId);
        const name = `actions-${londonDate(now())}`;
        if (format === 'csv') sendDownload(res, name, 'csv', toCsv(ACTION_COLUMNS, rows));
        else sendDownload(res, name, 'xlsx', await toXlsx('Actions', ACTION_COLUMNS, rows));
      });
    }

    // ------------------------------------------------------------ settings (QA team)
    app.get('/actions/settings', configure, async (_req, res) => settingsPage(db, res));

    app.post('/actions/settings/chasing', configure, async (req, res) => {
      const form = parseForm(settings.ChaseSettingsInput, req.body);
      if (!form.ok) return settingsPage(db, res, form.values, form.errors, 400);
      try {
        await settings.saveChaseSettings(db, actorOf(res), form.value);
      } catch (error) {
        if (error instanceof ConflictError) return settingsPage(db, res, { ...form.values, version: String((await settings.getChaseSettings(db, actorOf(res))).version) }, undefined, 409, true);
        if (error instanceof NotFoundError) return settingsPage(db, res, form.values, singleError('qaLeadUserId', 'Select the QA lead from the list'), 400);
        throw error;
      }
      res.redirect(303, '/actions/settings');
    });

    const toolParam = (req: Request) => {
      const parsed = z
        .string()
        .regex(/^[a-z0-9-]{1,100}$/)
        .safeParse(req.params.toolId);
      if (!parsed.success) throw new NotFoundError();
      return parsed.data;
    };
    const toolPage = async (res: Response, toolId: string, values?: Record<string, unknown>, errors?: FieldErrors, status = 200, conflict = false) => {
      const rule = await settings.getToolDueRule(db, actorOf(res), toolId);
      render(
        res,
        'actions/tool-rule',
        {
          toolId,
          title: rule.title,
          custom: rule.version !== null,
          units: UNIT_OPTIONS,
          values: values ?? { urgentAmount: String(rule.rule.urgent.amount), urgentUnit: rule.rule.urgent.unit, normalAmount: String(rule.rule.normal.amount), normalUnit: rule.rule.normal.unit, version: String(rule.version ?? 0) },
          ...(errors ? { errors } : {}),
          ...(conflict ? { conflict: { urgent: describeTimescale(rule.rule.urgent), normal: describeTimescale(rule.rule.normal) } } : {}),
        },
        status,
      );
    };

    app.get('/actions/settings/tools/:toolId', configure, async (req, res) => toolPage(res, toolParam(req)));

    app.post('/actions/settings/tools/:toolId', configure, async (req, res) => {
      const toolId = toolParam(req);
      const form = parseForm(settings.DueRuleInput, req.body);
      if (!form.ok) return toolPage(res, toolId, form.values, form.errors, 400);
      try {
        await settings.saveDueRule(db, actorOf(res), toolId, form.value);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const current = await settings.getToolDueRule(db, actorOf(res), toolId);
        return toolPage(res, toolId, { ...form.values, version: String(current.version ?? 0) }, undefined, 409, true);
      }
      res.redirect(303, '/actions/settings');
    });

    app.post('/actions/settings/tools/:toolId/reset', configure, async (req, res) => {
      await settings.resetDueRule(db, actorOf(res), toolParam(req));
      res.redirect(303, '/actions/settings');
    });

    // ------------------------------------------------------------ setting an action
    app.get('/actions/new', create, async (_req, res) => {
      const actor = actorOf(res);
      render(res, 'actions/form', { mode: 'new', ...(await formChoices(db, actor, now())), values: {}, warnings: [] });
    });

    app.post('/actions/new', create, async (req, res) => {
      const actor = actorOf(res);
      const form = parseForm(ActionForm, req.body);
      const dueDate = readDateInput(form.values, 'dueDate', 'The due date');
      const again = async (errors: FieldErrors | undefined, warnings: ReturnType<typeof smartWarnings> = [], status = 400) =>
        render(res, 'actions/form', { mode: 'new', ...(await formChoices(db, actor, now())), values: form.values, ...(errors ? { errors } : {}), warnings }, status);
      if (!form.ok) return again(form.errors);
      if (!dueDate.ok) return again(dateError('dueDate', dueDate.message));
      const warnings = smartWarnings({ what: form.value.what, dueDate: dueDate.date });
      // Warn first; the second press of the button saves it as it is.
      if (warnings.length > 0 && !form.value.smartChecked) return again(undefined, warnings, 200);
      let created: service.CreatedAction;
      try {
        created = await service.createAction(
          db,
          actor,
          { what: form.value.what, ownerId: form.value.ownerId, childId: form.value.childId, toolId: form.value.toolId, dueDate: dueDate.date, safeguardingConcern: form.value.urgent },
          now(),
        );
      } catch (error) {
        if (!(error instanceof service.ActionProblem)) throw error;
        return again(error.field === 'dueDate' ? dateError('dueDate', error.message) : singleError(error.field, error.message));
      }
      await recordAccess(db, actor, { recordType: 'action', recordId: created.id, action: 'create' }, res.locals.requestId);
      res.redirect(303, `/actions/${created.id}`);
    });

    // ------------------------------------------------------------ one action
    app.get('/actions/:actionId', view, async (req, res) => {
      const id = idParam(req, 'actionId');
      await renderDetail(db, res, id, now());
      await recordAccess(db, actorOf(res), { recordType: 'action', recordId: id, action: 'view' }, res.locals.requestId);
    });

    app.post('/actions/:actionId/done', view, async (req, res) => {
      const id = idParam(req, 'actionId');
      const at = now();
      await moveOutcome(db, req, res, id, at, () => service.markDone(db, actorOf(res), id, Version.parse(req.body?.version), String(req.body?.evidence ?? ''), at));
    });

    app.post('/actions/:actionId/sign-off', view, async (req, res) => {
      const id = idParam(req, 'actionId');
      const at = now();
      await moveOutcome(db, req, res, id, at, () => service.signOff(db, actorOf(res), id, Version.parse(req.body?.version), String(req.body?.note ?? ''), at));
    });

    app.post('/actions/:actionId/reopen', view, async (req, res) => {
      const id = idParam(req, 'actionId');
      const at = now();
      await moveOutcome(db, req, res, id, at, async () => {
        const dueDate = readDateInput((req.body ?? {}) as Record<string, unknown>, 'dueDate', 'The new due date');
        if (!dueDate.ok) throw new service.ActionProblem('dueDate', dueDate.message);
        await service.reopen(db, actorOf(res), id, Version.parse(req.body?.version), { reason: String(req.body?.reason ?? ''), dueDate: dueDate.date ?? undefined }, at);
      });
    });

    app.post('/actions/:actionId/cancel', view, async (req, res) => {
      const id = idParam(req, 'actionId');
      const at = now();
      await moveOutcome(db, req, res, id, at, () => service.cancel(db, actorOf(res), id, Version.parse(req.body?.version), String(req.body?.cancelReason ?? ''), at));
    });

    const editPage = async (res: Response, id: string, values: Record<string, unknown> | undefined, extra: { errors?: FieldErrors; warnings?: ReturnType<typeof smartWarnings>; conflict?: boolean } = {}, status = 200) => {
      const actor = actorOf(res);
      const detail = await service.getActionDetail(db, actor, id, now());
      if (!detail.moves.has('edit')) throw new ForbiddenError('Only the owner’s line manager, the person who set the action or the QA team can change it, and only while it is still to do.');
      const { action } = detail;
      const current = { what: action.what, ownerId: action.ownerId, priority: action.priority, version: String(action.version), ...dateInputValues('dueDate', action.dueDate) };
      render(
        res,
        'actions/form',
        {
          mode: 'edit',
          actionId: id,
          reference: detail.reference,
          ...(await formChoices(db, actor, now())),
          values: values ? { ...values, version: String(action.version) } : current,
          warnings: extra.warnings ?? [],
          ...(extra.errors ? { errors: extra.errors } : {}),
          ...(extra.conflict ? { conflict: { what: action.what, ownerName: detail.ownerName, dueDate: formatDate(action.dueDate), priority: action.priority } } : {}),
        },
        status,
      );
    };

    app.get('/actions/:actionId/edit', view, async (req, res) => editPage(res, idParam(req, 'actionId'), undefined));

    app.post('/actions/:actionId/edit', view, async (req, res) => {
      const id = idParam(req, 'actionId');
      const form = parseForm(EditForm, req.body);
      if (!form.ok) return editPage(res, id, form.values, { errors: form.errors }, 400);
      const dueDate = readDateInput(form.values, 'dueDate', 'The due date');
      if (!dueDate.ok) return editPage(res, id, form.values, { errors: dateError('dueDate', dueDate.message) }, 400);
      if (!dueDate.date) return editPage(res, id, form.values, { errors: dateError('dueDate', 'Enter the due date') }, 400);
      const warnings = smartWarnings({ what: form.value.what, dueDate: dueDate.date });
      if (warnings.length > 0 && !form.value.smartChecked) return editPage(res, id, form.values, { warnings });
      try {
        await service.editAction(db, actorOf(res), id, form.value.version, { what: form.value.what, ownerId: form.value.ownerId, dueDate: dueDate.date, priority: form.value.priority }, now());
      } catch (error) {
        if (error instanceof ConflictError) return editPage(res, id, form.values, { conflict: true }, 409);
        if (error instanceof service.ActionProblem) return editPage(res, id, form.values, { errors: error.field === 'dueDate' ? dateError('dueDate', error.message) : singleError(error.field, error.message) }, 400);
        if (error instanceof service.IllegalMoveError) throw new ForbiddenError(error.message);
        throw error;
      }
      await recordAccess(db, actorOf(res), { recordType: 'action', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/actions/${id}`);
    });
  },
};
