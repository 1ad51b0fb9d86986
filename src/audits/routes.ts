/**
 * Stage 1 pages: my audits, the self-assessment, the audit form as a task list, the overall
 * judgement, safeguarding concerns, actions, family feedback, learning, submission, the
 * printable record and the timeline. Routes translate HTTP; the services check access.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireSignIn, type AppContext, type AppModule } from '../platform/http/app.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { parseForm, singleError, type FieldErrors } from '../platform/http/forms.ts';
import { render } from '../platform/http/render.ts';
import { recordAccess, type AccessAction } from '../platform/access-log/record.ts';
import { ForbiddenError } from '../platform/auth/actor.ts';
import { addMonths } from '../platform/calendar/index.ts';
import type { Db } from '../platform/db/client.ts';
import { STATUS_LABELS } from './lifecycle.ts';
import { AUDIT_STATUSES } from './schema.ts';
import { AuditStateError } from './errors.ts';
import { dateParts, readDateField } from './date-fields.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { differences, formValues, parseAreaForm, type FormStage } from './area-form.ts';
import { isWorstGrade } from './judgement.ts';
import * as stageOne from './stage-one.ts';
import type { AuditContext } from './stage-one.ts';
import { auditRecord, presentArea, presentJudgement, presentSummary, STATUS_TAG_CLASSES, TASK_TAG, timelineOf, describeEvent, gradeLabel, CASE_TYPE_LABELS } from './present.ts';
import { filterChoices, ListFilter, listAudits, waitingCount } from './listing.ts';
import * as safeguarding from './safeguarding.ts';
import { ActionInput, ActionProblem, actionsOfAudit, agreeAction, deadlinesFor, possibleOwners } from './agreed-actions.ts';
import {
  canRecordFeedback,
  canRecordLearning,
  FeedbackInput,
  feedbackOnAudit,
  LearningInput,
  learningOnAudit,
  METHODS,
  participation,
  recordFeedback,
  recordLearning,
  RESPONDENTS,
} from './feedback-and-learning.ts';
import { dataEvidenceFor, type EvidenceLine } from '../cases/audit-evidence.ts';
import { partnersOfAudit, runsAudit } from './invitations.ts';
import { registerPartnerInvitations } from './invitation-routes.ts';
import { auditIdOf } from './route-params.ts';
import './views.ts';

const Id = z.uuid();
const Version = z.object({ version: z.coerce.number().int().min(1) });

function areaNumberOf(req: Request): number {
  const n = Number(req.params.areaNumber);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new NotFoundError();
  return n;
}

function wantsJson(req: Request): boolean {
  return (req.get('accept') ?? '').includes('application/json');
}

async function logView(db: Db, res: Response, auditId: string, action: AccessAction = 'view'): Promise<void> {
  await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: auditId, action }, res.locals.requestId);
}

/** Partners see their own sections of an audit and nothing else of it. */
function refusePartners(ctx: AuditContext): void {
  if (ctx.access.invitedAreas !== undefined) throw new ForbiddenError('As a partner you see the sections of this audit you were invited to.');
}

function readOnlyReason(ctx: AuditContext, stage: FormStage): string {
  const status = ctx.audit.status;
  if (stage === 'self-assessment') return ctx.selfAssessmentSubmitted ? 'You have submitted your self-assessment.' : 'The audit has started, so the self-assessment is closed.';
  if (status === 'allocated' || status === 'self-assessed') return 'The audit has not started yet.';
  if (status !== 'in-progress') return 'Stage 1 of this audit has been submitted and can no longer be changed.';
  return 'Only the auditor completes this area.';
}

const statusOptions = AUDIT_STATUSES.map((s) => ({ value: s, text: STATUS_LABELS[s] }));

function overviewTasks(ctx: AuditContext) {
  const id = ctx.audit.id;
  const partner = ctx.access.invitedAreas !== undefined;
  const areas = ctx.visibleAreas.map((area) => {
    const status = stageOne.auditStatusOf(ctx, area);
    return {
      title: { text: `${area.position}. ${area.title}${area.variant ? `: ${area.variant}` : ''}` },
      href: `/audits/${id}/areas/${area.number}`,
      status: TASK_TAG[status] ? { tag: TASK_TAG[status] } : { text: 'Completed' },
    };
  });
  return { areas, partner };
}

export const auditsModule: AppModule = {
  navigation: [{ href: '/audits', text: 'Audits', count: waitingCount }],
  register(app: Express, context: AppContext) {
    const { db } = context;
    const today = () => londonDate(context.now());

    // ------------------------------------------------------------------ lists
    app.get('/audits', requireSignIn, async (req, res) => {
      const actor = actorOf(res);
      const filter = ListFilter.parse(req.query);
      const [{ rows, total, pages }, choices] = await Promise.all([listAudits(db, actor, filter), filterChoices(db, actor)]);
      const pageHref = (page: number) => {
        const query = new URLSearchParams();
        for (const key of ['status', 'teamId', 'toolId', 'childRef'] as const) if (filter[key]) query.set(key, filter[key]!);
        if (page > 1) query.set('page', String(page));
        const text = query.toString();
        return text ? `/audits?${text}` : '/audits';
      };
      render(res, 'audits/list', {
        rows: rows.map((r) => ({
          ...r,
          statusLabel: STATUS_LABELS[r.status],
          statusClass: STATUS_TAG_CLASSES[r.status] ?? '',
          caseTypeLabel: r.caseType ? (CASE_TYPE_LABELS[r.caseType] ?? r.caseType) : '',
          toolTitle: r.toolTitle ?? r.toolId,
        })),
        total,
        pagination: {
          page: Math.min(filter.page, pages),
          pages,
          previous: filter.page > 1 ? pageHref(Math.min(filter.page, pages) - 1) : null,
          next: filter.page < pages ? pageHref(filter.page + 1) : null,
        },
        filter,
        statusOptions,
        teams: choices.teams.map((t) => ({ value: t.id, text: t.name })),
        tools: choices.tools.map((t) => ({ value: t.id, text: t.title })),
      });
    });

    // ------------------------------------------------------------------ overview
    app.get('/audits/:auditId', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      await logView(db, res, auditId);
      const { areas, partner } = overviewTasks(ctx);
      const judgement = presentJudgement(ctx);
      const allAreasDone = ctx.areas.every((a) => ['completed', 'not-applicable'].includes(stageOne.auditStatusOf(ctx, a)));
      const [alerts, agreed, feedback, learning] = partner
        ? [[], [], [], []]
        : await Promise.all([safeguarding.alertsOnAudit(db, auditId), actionsOfAudit(db, auditId), feedbackOnAudit(db, auditId), learningOnAudit(db, auditId)]);
      const partners = runsAudit(ctx.access) ? await partnersOfAudit(db, actorOf(res), auditId) : null;
      render(res, 'audits/overview', {
        summary: presentSummary(ctx),
        partner,
        areaTasks: areas,
        selfAssessment: {
          isPractitioner: ctx.access.selfAssess,
          submitted: ctx.selfAssessmentSubmitted,
          skippedReason: ctx.audit.noSelfAssessmentReason,
          open: ctx.audit.status === 'allocated',
        },
        canStart: ctx.access.audit && (ctx.audit.status === 'allocated' || ctx.audit.status === 'self-assessed'),
        canSubmit: ctx.access.audit && ctx.audit.status === 'in-progress',
        started: !['allocated', 'self-assessed'].includes(ctx.audit.status),
        judgementTask: { stands: judgement.stands, final: judgement.final, ready: allAreasDone, confirmedBefore: ctx.audit.finalGrade !== null },
        counts: { alerts: alerts.length, actions: agreed.length, feedback: feedback.length, learning: learning.length },
        partners: partners && { invitations: partners.invitations, canInvite: partners.refusal === null },
      });
    });

    // ------------------------------------------------------------------ multi-agency partners
    registerPartnerInvitations(app, context);

    // ------------------------------------------------------------------ self-assessment
    app.get('/audits/:auditId/self-assessment', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      if (!ctx.access.selfAssess) throw new ForbiddenError('The self-assessment is the allocated practitioner’s.');
      await logView(db, res, auditId);
      renderSelfAssessmentList(res, ctx);
    });

    function renderSelfAssessmentList(res: Response, ctx: AuditContext, errors?: FieldErrors, status = 200) {
      const areas = ctx.areas.map((area) => {
        const s = stageOne.selfStatusOf(ctx, area);
        return {
          title: { text: `${area.position}. ${area.title}${area.variant ? `: ${area.variant}` : ''}` },
          href: `/audits/${ctx.audit.id}/self-assessment/${area.number}`,
          status: TASK_TAG[s] ? { tag: TASK_TAG[s] } : { text: 'Completed' },
          done: s === 'completed',
        };
      });
      render(
        res,
        'audits/self-assessment',
        {
          summary: presentSummary(ctx),
          areas,
          open: ctx.audit.status === 'allocated',
          ready: areas.every((a) => a.done),
          submitted: ctx.selfAssessmentSubmitted,
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    app.post('/audits/:auditId/self-assessment', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const form = parseForm(Version, req.body);
      if (!form.ok) {
        const ctx = await stageOne.loadAuditContext(db, actor, auditId);
        if (!ctx.access.selfAssess) throw new ForbiddenError();
        return renderSelfAssessmentList(res, ctx, form.errors, 400);
      }
      try {
        await stageOne.submitSelfAssessment(db, actor, auditId, form.value.version);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const ctx = await stageOne.loadAuditContext(db, actor, auditId);
        return renderSelfAssessmentList(res, ctx, singleError('submit', 'The self-assessment changed while you were looking at it (perhaps in another tab). Check it, then submit again.'), 409);
      }
      await logView(db, res, auditId, 'update');
      res.redirect(303, `/audits/${auditId}`);
    });

    // ------------------------------------------------------------------ area pages (both stages)
    async function showArea(req: Request, res: Response, next: NextFunction, stage: FormStage) {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      if (stage === 'self-assessment' && !ctx.access.selfAssess) throw new ForbiddenError('The self-assessment is the allocated practitioner’s.');
      const area = stageOne.requireArea(ctx, areaNumberOf(req));
      await logView(db, res, auditId);
      // What the imported case data says about the criteria a timescale evidences, beside each grade.
      // What the imported data says is the child's history: not for a partner without the child's details.
      const dataEvidence = ctx.access.childDetails ? await dataEvidenceFor(db, ctx.audit.organisationId, ctx.audit.childId, ctx.audit.toolId, ctx.audit.toolVersion, { today: today() }) : {};
      renderArea(res, ctx, area, stage, formValues(area, stage, stageOne.areaAnswers(ctx, stage, area.id), ctx.inputs.notApplicable.includes(area.id)), { dataEvidence });
    }

    function renderArea(
      res: Response,
      ctx: AuditContext,
      area: ReturnType<typeof stageOne.requireArea>,
      stage: FormStage,
      values: Record<string, unknown>,
      extra: {
        errors?: FieldErrors;
        conflict?: { changes: Array<{ at: Date; who: string; text: string }>; differences: Array<{ label: string; saved: string; yours: string }> };
        dataEvidence?: Record<string, EvidenceLine[]>;
      } = {},
      status = 200,
    ) {
      const editable = stage === 'audit' ? stageOne.canEditArea(ctx, area) : ctx.access.selfAssess && ctx.audit.status === 'allocated';
      const presented = presentArea(ctx, area);
      const list = stage === 'audit' ? ctx.visibleAreas : ctx.areas;
      const at = list.findIndex((a) => a.number === area.number);
      const base = stage === 'audit' ? `/audits/${ctx.audit.id}/areas` : `/audits/${ctx.audit.id}/self-assessment`;
      const shown: Record<string, unknown> = { ...values, version: values.version ?? ctx.audit.version };
      // A single ticked box arrives as a string; the template tests membership of a list.
      for (const group of area.featureGroups) {
        const v = shown[`f-${group.grade}`];
        shown[`f-${group.grade}`] = v === undefined ? [] : [v].flat().map(String);
      }
      render(
        res,
        'audits/area',
        {
          summary: presentSummary(ctx),
          stage,
          readOnlyReason: editable ? null : readOnlyReason(ctx, stage),
          area: {
            ...area,
            items: [...area.items.slice(1), area.items[0]!],
            status: presented.status,
          },
          self: Object.fromEntries(presented.items.map((i) => [String(i.index), { shown: i.self, withheld: i.selfWithheld }])),
          editable,
          canMarkNotApplicable: stage === 'audit' && ctx.access.audit,
          values: shown,
          formAction: `${base}/${area.number}`,
          backHref: stage === 'audit' ? `/audits/${ctx.audit.id}` : `/audits/${ctx.audit.id}/self-assessment`,
          nextHref: list[at + 1] ? `${base}/${list[at + 1]!.number}` : null,
          ...extra,
        },
        status,
      );
    }

    async function saveArea(req: Request, res: Response, next: NextFunction, stage: FormStage) {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const ctx = await stageOne.loadAuditContext(db, actor, auditId);
      if (stage === 'self-assessment' && !ctx.access.selfAssess) throw new ForbiddenError('The self-assessment is the allocated practitioner’s.');
      const area = stageOne.requireArea(ctx, areaNumberOf(req));
      if (stage === 'audit' && !ctx.access.audit && !ctx.access.invitedAreas?.includes(area.id)) throw new ForbiddenError('Only the auditor completes the audit.');
      const body = req.body as Record<string, unknown>;
      const json = wantsJson(req);
      const form = parseAreaForm(area, stage, body);
      if (!form.ok) {
        if (json) return res.status(400).json({ saved: false, errors: form.errors.list });
        return renderArea(res, ctx, area, stage, form.values, { errors: form.errors }, 400);
      }
      const save = stage === 'audit' ? stageOne.saveAuditArea : stageOne.saveSelfAssessmentArea;
      let version: number;
      try {
        version = await save(db, actor, ctx, area.number, form.value.version, form.value.input, { autosave: json });
      } catch (error) {
        if (error instanceof AuditStateError && json) return res.status(409).json({ saved: false, message: error.message });
        if (!(error instanceof ConflictError)) throw error;
        if (json) return res.status(409).json({ saved: false, conflict: true });
        const fresh = await stageOne.loadAuditContext(db, actor, auditId);
        const changes = await stageOne.changesSince(db, fresh.audit, form.value.version);
        const areaName = (id: string) => {
          const a = fresh.areas.find((x) => x.id === id);
          return a ? `${a.position}: ${a.title}` : id;
        };
        return renderArea(
          res,
          fresh,
          area,
          stage,
          // Their words stay in the form; the new version lets them save over on purpose.
          { ...form.values, version: fresh.audit.version },
          {
            conflict: {
              changes: changes.map((c) => ({ at: c.at, who: c.actorName ?? 'Sightline', text: describeEvent(c.kind, (c.detail ?? {}) as Record<string, unknown>, areaName, (g) => gradeLabel(fresh, g)) })),
              differences: differences(area, stage, stageOne.areaAnswers(fresh, stage, area.id), form.values),
            },
          },
          409,
        );
      }
      await logView(db, res, auditId, 'update');
      if (json) return res.json({ saved: true, version, savedAt: new Date().toISOString() });
      const list = stage === 'audit' ? ctx.visibleAreas : ctx.areas;
      const following = list[list.findIndex((a) => a.number === area.number) + 1];
      const base = stage === 'audit' ? `/audits/${auditId}/areas` : `/audits/${auditId}/self-assessment`;
      if (body.then === 'next' && following) return res.redirect(303, `${base}/${following.number}`);
      res.redirect(303, stage === 'audit' ? `/audits/${auditId}` : `/audits/${auditId}/self-assessment`);
    }

    app.get('/audits/:auditId/self-assessment/:areaNumber', requireSignIn, (req, res, next) => showArea(req, res, next, 'self-assessment'));
    app.post('/audits/:auditId/self-assessment/:areaNumber', requireSignIn, (req, res, next) => saveArea(req, res, next, 'self-assessment'));
    app.get('/audits/:auditId/areas/:areaNumber', requireSignIn, (req, res, next) => showArea(req, res, next, 'audit'));
    app.post('/audits/:auditId/areas/:areaNumber', requireSignIn, (req, res, next) => saveArea(req, res, next, 'audit'));

    // ------------------------------------------------------------------ start
    function renderStart(res: Response, ctx: AuditContext, values: Record<string, unknown>, errors?: FieldErrors, status = 200) {
      render(
        res,
        'audits/start',
        {
          summary: presentSummary(ctx),
          needsReason: ctx.audit.status === 'allocated',
          hasPractitioner: ctx.audit.practitionerId !== null,
          values,
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    async function startContext(req: Request, res: Response, next: NextFunction) {
      const auditId = auditIdOf(req, next);
      if (!auditId) return undefined;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      if (!ctx.access.audit) throw new ForbiddenError('Only the auditor starts the audit.');
      return ctx;
    }

    app.get('/audits/:auditId/start', requireSignIn, async (req, res, next) => {
      const ctx = await startContext(req, res, next);
      if (!ctx) return;
      await logView(db, res, ctx.audit.id);
      const end = today();
      renderStart(res, ctx, { version: ctx.audit.version, periodStart: dateParts(addMonths(end, -6)), periodEnd: dateParts(end), noSelfAssessmentReason: '' });
    });

    app.post('/audits/:auditId/start', requireSignIn, async (req, res, next) => {
      const ctx = await startContext(req, res, next);
      if (!ctx) return;
      const body = req.body as Record<string, unknown>;
      const values = {
        version: body.version,
        periodStart: { day: body['periodStart-day'], month: body['periodStart-month'], year: body['periodStart-year'] },
        periodEnd: { day: body['periodEnd-day'], month: body['periodEnd-month'], year: body['periodEnd-year'] },
        noSelfAssessmentReason: typeof body.noSelfAssessmentReason === 'string' ? body.noSelfAssessmentReason : '',
      };
      const errors: FieldErrors = { list: [], byField: {} };
      const add = (field: string, href: string, text: string) => {
        errors.byField[field] = { text };
        errors.list.push({ text, href: `#${href}` });
      };
      const version = Version.safeParse(body);
      const start = readDateField(body, 'periodStart', 'the start of the audit period');
      const end = readDateField(body, 'periodEnd', 'the end of the audit period');
      if (!start.ok) add('periodStart', 'periodStart-day', start.message);
      if (!end.ok) add('periodEnd', 'periodEnd-day', end.message);
      const reason = values.noSelfAssessmentReason.trim();
      if (reason.length > 5000) add('noSelfAssessmentReason', 'noSelfAssessmentReason', 'The reason must be 5,000 characters or fewer');
      if (!version.success) add('version', 'version', 'The form is out of date. Reload the page and try again.');
      if (errors.list.length || !start.ok || !end.ok || !version.success) return renderStart(res, ctx, values, errors, 400);
      try {
        await stageOne.startAudit(db, actorOf(res), ctx.audit.id, version.data.version, { periodStart: start.value, periodEnd: end.value, noSelfAssessmentReason: reason || null }, today());
      } catch (error) {
        if (error instanceof stageOne.StartProblem) {
          const href = error.field === 'noSelfAssessmentReason' ? error.field : `${error.field}-day`;
          return renderStart(res, ctx, values, { list: [{ text: error.message, href: `#${href}` }], byField: { [error.field]: { text: error.message } } }, 400);
        }
        if (error instanceof ConflictError) {
          const fresh = await stageOne.loadAuditContext(db, actorOf(res), ctx.audit.id);
          return renderStart(res, fresh, { ...values, version: fresh.audit.version }, singleError('version', 'The audit changed while you were looking at it (the practitioner may have just submitted their self-assessment). Check the page, then start again.'), 409);
        }
        throw error;
      }
      await logView(db, res, ctx.audit.id, 'update');
      res.redirect(303, `/audits/${ctx.audit.id}`);
    });

    // ------------------------------------------------------------------ judgement
    function renderJudgement(res: Response, ctx: AuditContext, values: Record<string, unknown>, extra: { errors?: FieldErrors; conflict?: boolean } = {}, status = 200) {
      render(
        res,
        'audits/judgement',
        {
          summary: presentSummary(ctx),
          judgement: presentJudgement(ctx),
          editable: ctx.access.audit && ctx.audit.status === 'in-progress',
          grades: ctx.tool.scale.grades.map((g) => ({ value: g.id, text: g.label })),
          values: { version: ctx.audit.version, ...values },
          ...extra,
        },
        status,
      );
    }

    app.get('/audits/:auditId/judgement', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      const j = presentJudgement(ctx);
      renderJudgement(res, ctx, {
        finalGrade: ctx.audit.finalGrade ?? j.computedId ?? '',
        overrideReason: ctx.audit.overrideReason ?? '',
        ...Object.fromEntries(j.flags.map((f) => [`flag-${f.id}`, f.answer === null ? '' : f.answer ? 'yes' : 'no'])),
      });
    });

    app.post('/audits/:auditId/judgement', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const ctx = await stageOne.loadAuditContext(db, actor, auditId);
      refusePartners(ctx);
      if (!ctx.access.audit) throw new ForbiddenError('Only the auditor forms the overall judgement.');
      const body = req.body as Record<string, unknown>;
      const version = Version.safeParse(body);
      if (!version.success) return renderJudgement(res, ctx, body, { errors: singleError('version', 'The form is out of date. Reload the page and try again.') }, 400);
      try {
        if (body.intent === 'questions') {
          const flags: Record<string, boolean> = {};
          for (const [key, value] of Object.entries(body)) {
            if (key.startsWith('flag-') && (value === 'yes' || value === 'no')) flags[key.slice(5)] = value === 'yes';
          }
          await stageOne.saveJudgementFlags(db, actor, auditId, version.data.version, flags);
          await logView(db, res, auditId, 'update');
          return res.redirect(303, `/audits/${auditId}/judgement`);
        }
        const finalGrade = typeof body.finalGrade === 'string' ? body.finalGrade : undefined;
        const reason = typeof body.overrideReason === 'string' ? body.overrideReason.slice(0, 5000) : undefined;
        await stageOne.confirmOverallJudgement(db, actor, auditId, version.data.version, finalGrade, reason, context.now());
      } catch (error) {
        if (error instanceof stageOne.JudgementProblem) return renderJudgement(res, ctx, { ...body, version: ctx.audit.version }, { errors: singleError(error.field, error.message) }, 400);
        if (error instanceof ConflictError) {
          const fresh = await stageOne.loadAuditContext(db, actor, auditId);
          return renderJudgement(res, fresh, { ...body, version: fresh.audit.version }, { conflict: true }, 409);
        }
        throw error;
      }
      await logView(db, res, auditId, 'update');
      res.redirect(303, `/audits/${auditId}`);
    });

    // ------------------------------------------------------------------ safeguarding
    async function renderSafeguarding(res: Response, ctx: AuditContext, values: Record<string, unknown>, errors?: FieldErrors, status = 200) {
      render(
        res,
        'audits/safeguarding',
        {
          summary: presentSummary(ctx),
          alerts: await safeguarding.alertsOnAudit(db, ctx.audit.id),
          canRaise: (ctx.access.audit || ctx.access.moderate) && !['closed', 'cancelled'].includes(ctx.audit.status),
          values,
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    app.get('/audits/:auditId/safeguarding', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      await renderSafeguarding(res, ctx, { concern: '' });
    });

    app.post('/audits/:auditId/safeguarding', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const ctx = await stageOne.loadAuditContext(db, actor, auditId);
      refusePartners(ctx);
      if (!ctx.access.audit && !ctx.access.moderate) throw new ForbiddenError('Only the auditor or the moderator can raise a safeguarding concern from an audit.');
      const form = parseForm(safeguarding.ConcernInput, req.body);
      if (!form.ok) return renderSafeguarding(res, ctx, form.values, form.errors, 400);
      await safeguarding.raiseConcern(db, actor, auditId, form.value.concern, context.now());
      await logView(db, res, auditId, 'update');
      res.redirect(303, `/audits/${auditId}/safeguarding`);
    });

    // ------------------------------------------------------------------ actions
    async function renderActions(res: Response, ctx: AuditContext, values: Record<string, unknown> | null, errors?: FieldErrors, status = 200) {
      const inadequate = isWorstGrade(ctx.tool, ctx.audit.finalGrade);
      const deadlines = await deadlinesFor(db, ctx.audit, inadequate, context.now());
      const canAgree = ctx.access.audit && ctx.audit.status === 'in-progress';
      const owners = canAgree ? await possibleOwners(db, ctx.audit) : [];
      render(
        res,
        'audits/actions',
        {
          summary: presentSummary(ctx),
          actions: await actionsOfAudit(db, ctx.audit.id),
          canAgree,
          owners: owners.map((o) => ({ value: o.id, text: `${o.displayName}${o.jobTitle ? ` (${o.jobTitle})` : ''}` })),
          deadlines,
          values: values ?? { what: '', ownerId: ctx.audit.practitionerId ?? '', dueDate: dateParts(deadlines.suggested) },
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    app.get('/audits/:auditId/actions', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      await renderActions(res, ctx, null);
    });

    app.post('/audits/:auditId/actions', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const ctx = await stageOne.loadAuditContext(db, actor, auditId);
      refusePartners(ctx);
      if (!ctx.access.audit) throw new ForbiddenError('Only the auditor records the actions agreed in the audit.');
      const body = req.body as Record<string, unknown>;
      const values = { what: body.what, ownerId: body.ownerId, dueDate: { day: body['dueDate-day'], month: body['dueDate-month'], year: body['dueDate-year'] } };
      const due = readDateField(body, 'dueDate', 'the date it must be done by');
      const form = parseForm(ActionInput, { what: body.what, ownerId: body.ownerId, dueDate: due.ok ? due.value : '' });
      if (!form.ok || !due.ok) {
        const errors: FieldErrors = form.ok ? { list: [], byField: {} } : form.errors;
        if (!due.ok) {
          errors.byField.dueDate = { text: due.message };
          errors.list = [...errors.list.filter((e) => e.href !== '#dueDate'), { text: due.message, href: '#dueDate-day' }];
        }
        return renderActions(res, ctx, values, errors, 400);
      }
      try {
        await agreeAction(db, actor, auditId, form.value, { now: context.now(), inadequate: isWorstGrade(ctx.tool, ctx.audit.finalGrade) });
      } catch (error) {
        if (!(error instanceof ActionProblem)) throw error;
        const href = error.field === 'dueDate' ? 'dueDate-day' : error.field;
        return renderActions(res, ctx, values, { list: [{ text: error.message, href: `#${href}` }], byField: { [error.field]: { text: error.message } } }, 400);
      }
      await logView(db, res, auditId, 'update');
      res.redirect(303, `/audits/${auditId}/actions`);
    });

    // ------------------------------------------------------------------ family feedback
    async function renderFeedback(res: Response, ctx: AuditContext, values: Record<string, unknown>, errors?: FieldErrors, status = 200) {
      render(
        res,
        'audits/feedback',
        {
          summary: presentSummary(ctx),
          feedback: await feedbackOnAudit(db, ctx.audit.id),
          canRecord: canRecordFeedback(ctx.audit, ctx.access),
          respondents: Object.entries(RESPONDENTS).map(([value, text]) => ({ value, text })),
          methods: Object.entries(METHODS).map(([value, text]) => ({ value, text })),
          values,
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    app.get('/audits/:auditId/family-feedback', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      await renderFeedback(res, ctx, {});
    });

    app.post('/audits/:auditId/family-feedback', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const ctx = await stageOne.loadAuditContext(db, actor, auditId);
      refusePartners(ctx);
      if (!ctx.access.audit && !ctx.access.selfAssess) throw new ForbiddenError('Family feedback is recorded by the auditor or the practitioner.');
      const form = parseForm(FeedbackInput, req.body);
      if (!form.ok) return renderFeedback(res, ctx, form.values, form.errors, 400);
      await recordFeedback(db, actor, auditId, form.value);
      await logView(db, res, auditId, 'update');
      res.redirect(303, `/audits/${auditId}/family-feedback`);
    });

    // ------------------------------------------------------------------ learning
    async function renderLearning(res: Response, ctx: AuditContext, values: Record<string, unknown> | null, errors?: FieldErrors, status = 200) {
      const learning = await learningOnAudit(db, ctx.audit.id);
      render(
        res,
        'audits/learning',
        {
          summary: presentSummary(ctx),
          learning,
          part: participation(ctx.access),
          canRecord: canRecordLearning(ctx.audit, ctx.access),
          values: values ?? { learning: learning.find((l) => l.userId === actorOf(res).userId)?.learning ?? '' },
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    app.get('/audits/:auditId/learning', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      await renderLearning(res, ctx, null);
    });

    app.post('/audits/:auditId/learning', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const actor = actorOf(res);
      const ctx = await stageOne.loadAuditContext(db, actor, auditId);
      refusePartners(ctx);
      if (!participation(ctx.access)) throw new ForbiddenError('Learning is recorded by the people who took part in the audit.');
      const form = parseForm(LearningInput, req.body);
      if (!form.ok) return renderLearning(res, ctx, form.values, form.errors, 400);
      await recordLearning(db, actor, auditId, form.value.learning);
      await logView(db, res, auditId, 'update');
      res.redirect(303, `/audits/${auditId}/learning`);
    });

    // ------------------------------------------------------------------ submit
    async function submitContext(req: Request, res: Response, next: NextFunction) {
      const auditId = auditIdOf(req, next);
      if (!auditId) return undefined;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      if (!ctx.access.audit) throw new ForbiddenError('Only the auditor submits the audit.');
      return ctx;
    }

    async function renderSubmit(res: Response, ctx: AuditContext, errors?: FieldErrors, status = 200) {
      render(
        res,
        'audits/submit',
        {
          summary: presentSummary(ctx),
          readiness: await stageOne.submissionReadiness(db, ctx),
          open: ctx.audit.status === 'in-progress',
          judgement: presentJudgement(ctx),
          ...(errors ? { errors } : {}),
        },
        status,
      );
    }

    app.get('/audits/:auditId/submit', requireSignIn, async (req, res, next) => {
      const ctx = await submitContext(req, res, next);
      if (!ctx) return;
      await logView(db, res, ctx.audit.id);
      await renderSubmit(res, ctx);
    });

    app.post('/audits/:auditId/submit', requireSignIn, async (req, res, next) => {
      const ctx = await submitContext(req, res, next);
      if (!ctx) return;
      const version = Version.safeParse(req.body);
      if (!version.success) return renderSubmit(res, ctx, singleError('submit', 'The form is out of date. Reload the page and try again.'), 400);
      try {
        await stageOne.submitAudit(db, actorOf(res), ctx.audit.id, version.data.version, context.now());
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const fresh = await stageOne.loadAuditContext(db, actorOf(res), ctx.audit.id);
        return renderSubmit(res, fresh, singleError('submit', 'The audit changed while you were checking it (perhaps in another tab). Check it again, then submit.'), 409);
      }
      await logView(db, res, ctx.audit.id, 'update');
      res.redirect(303, `/audits/${ctx.audit.id}`);
    });

    // ------------------------------------------------------------------ record and timeline
    app.get('/audits/:auditId/record', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      render(res, 'audits/record', { ...(await auditRecord(db, ctx)), timeline: await timelineOf(db, ctx) });
    });

    app.get('/audits/:auditId/timeline', requireSignIn, async (req, res, next) => {
      const auditId = auditIdOf(req, next);
      if (!auditId) return;
      const ctx = await stageOne.loadAuditContext(db, actorOf(res), auditId);
      refusePartners(ctx);
      await logView(db, res, auditId);
      render(res, 'audits/timeline', { summary: presentSummary(ctx), entries: await timelineOf(db, ctx) });
    });

    // ------------------------------------------------------------------ safeguarding alerts
    function alertIdOf(req: Request): string {
      const parsed = Id.safeParse(req.params.alertId);
      if (!parsed.success) throw new NotFoundError();
      return parsed.data;
    }

    async function renderAlert(res: Response, alertId: string, values: Record<string, unknown>, errors?: FieldErrors, status = 200) {
      const view = await safeguarding.getAlert(db, actorOf(res), alertId);
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: view.audit.id, action: 'view' }, res.locals.requestId);
      render(res, 'audits/alert', { ...view, values, ...(errors ? { errors } : {}) }, status);
    }

    app.get('/safeguarding-alerts/:alertId', requireSignIn, async (req, res) => {
      await renderAlert(res, alertIdOf(req), {});
    });

    app.post('/safeguarding-alerts/:alertId/acknowledge', requireSignIn, async (req, res) => {
      const alertId = alertIdOf(req);
      const actor = actorOf(res);
      const { isRecipient } = await safeguarding.getAlert(db, actor, alertId);
      if (!isRecipient) throw new ForbiddenError('Only the managers told of this concern acknowledge it. You can add a note.');
      const form = parseForm(safeguarding.AcknowledgementInput, req.body);
      if (!form.ok) return renderAlert(res, alertId, form.values, form.errors, 400);
      const auditId = await safeguarding.acknowledgeAlert(db, actor, alertId, form.value.acknowledgement);
      await recordAccess(db, actor, { recordType: 'audit', recordId: auditId, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/safeguarding-alerts/${alertId}`);
    });

    app.post('/safeguarding-alerts/:alertId/notes', requireSignIn, async (req, res) => {
      const alertId = alertIdOf(req);
      const actor = actorOf(res);
      const view = await safeguarding.getAlert(db, actor, alertId);
      const form = parseForm(safeguarding.NoteInput, req.body);
      if (!form.ok) return renderAlert(res, alertId, form.values, form.errors, 400);
      await safeguarding.addAlertNote(db, actor, alertId, form.value.note);
      await recordAccess(db, actor, { recordType: 'audit', recordId: view.audit.id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/safeguarding-alerts/${alertId}`);
    });
  },
};
