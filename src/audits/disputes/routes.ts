/** Disputes about moderated grades: raising one, the meeting and each level of escalation. */
import type { Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../../platform/http/app.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { parseForm, singleError, type FieldErrors } from '../../platform/http/forms.ts';
import { render } from '../../platform/http/render.ts';
import { recordAccess } from '../../platform/access-log/record.ts';
import { can } from '../../platform/auth/actor.ts';
import { idParam, VersionField } from '../programme/http.ts';

import { peopleOf } from '../programme/people.ts';
import { logViews } from '../moderation/routes.ts';
import { levelTitle } from './chain.ts';
import { CHAIN_ROWS, chainFormValues, readChainForm } from './chain-form.ts';
import * as disputes from './service.ts';
import { londonDate } from '../../platform/calendar/london.ts';
import './views.ts';

const STEP_WORDS: Record<string, string> = {
  raised: 'Raised',
  position: 'Moderator’s position',
  escalated: 'Not resolved: escalated',
  resolved: 'Resolved',
};

export const OUTCOME_WORDS: Record<string, string> = { upheld: 'Moderated grade upheld', revised: 'Grade revised' };

export const disputesModule: AppModule = {
  // All staff: practitioners and auditors raise disputes, and managers up to the head of service decide them.
  navigation: [{ href: '/disputes', text: 'Disputes', capability: 'disputes.view' }],
  register(app, { db, now }) {
    const view = requireCapability('disputes.view');
    const manage = requireCapability('programme.manage');

    app.get('/disputes', view, async (_req, res) => {
      const actor = actorOf(res);
      const { disputes: rows, summary } = await disputes.listDisputes(db, actor, londonDate(now()));
      await logViews(db, res, rows.map((r) => r.auditId));
      render(res, 'audits/disputes/list', {
        open: rows.filter((r) => r.status === 'open'),
        resolved: rows.filter((r) => r.status !== 'open'),
        summary,
        canConfigure: can(actor, 'programme.manage'),
      });
    });

    const chainPage = async (res: Response, values: Record<string, unknown>, extra: { errors?: FieldErrors; conflict?: Record<string, string> } = {}, status = 200) => {
      const people = await peopleOf(db, actorOf(res).organisationId);
      render(
        res,
        'audits/disputes/chain',
        {
          values,
          rows: Array.from({ length: CHAIN_ROWS }, (_, i) => i + 1),
          deciders: [
            { value: 'role:qa-officer', text: 'Any quality assurance officer' },
            { value: 'service-lead', text: 'The head of the child’s service' },
            { value: 'role:group-manager', text: 'Any group manager' },
            { value: 'role:senior-leader', text: 'Any senior leader' },
            ...people.map((p) => ({ value: `user:${p.id}`, text: p.name })),
          ],
          ...extra,
        },
        status,
      );
    };

    app.get('/disputes/chain', manage, async (_req, res) => {
      const { chain, version } = await disputes.getChain(db, actorOf(res).organisationId);
      await chainPage(res, { ...chainFormValues(chain), version });
    });

    app.post('/disputes/chain', manage, async (req, res) => {
      const actor = actorOf(res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const people = await peopleOf(db, actor.organisationId);
      const form = readChainForm(body, new Set(people.map((p) => p.id)));
      const version = VersionField.safeParse(body);
      if (!form.ok) return chainPage(res, body, { errors: form.errors }, 400);
      if (!version.success) return chainPage(res, body, { errors: singleError('meetingWorkingDays', 'Reload the page and try again') }, 400);
      try {
        await disputes.updateChain(db, actor, version.data.version, form.chain);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const current = await disputes.getChain(db, actor.organisationId);
        return chainPage(
          res,
          { ...body, version: current.version },
          {
            conflict: Object.fromEntries([
              ['Meeting', `${current.chain.meetingWorkingDays} working days`],
              ...current.chain.steps.map((s, i) => [`Level ${i + 1}`, `${s.title}, ${s.workingDays} working days`]),
            ]),
          },
          409,
        );
      }
      res.redirect(303, '/disputes');
    });

    const newPage = async (res: Response, auditId: string, values: Record<string, unknown>, errors?: FieldErrors, status = 200) => {
      const actor = actorOf(res);
      const choices = await disputes.disputeChoices(db, actor, auditId);
      await recordAccess(db, actor, { recordType: 'audit', recordId: auditId, action: 'view' }, res.locals.requestId);
      const label = (id: string | null) => (id ? (choices.labels.get(id) ?? id) : 'Not graded');
      render(
        res,
        'audits/disputes/new',
        {
          auditId,
          childRef: choices.childRef,
          canRaise: choices.canRaise,
          grades: choices.grades
            .filter((g) => g.moderatedGrade !== null)
            .map((g) => ({ value: g.key, text: g.title, hint: `Auditor: ${label(g.auditGrade)}. Moderator: ${label(g.moderatedGrade)}.` })),
          values,
          ...(errors ? { errors } : {}),
        },
        status,
      );
    };

    app.get('/moderation/:moderationId/dispute', view, async (req, res) => newPage(res, idParam(req, 'moderationId'), {}));

    app.post('/moderation/:moderationId/dispute', view, async (req, res) => {
      const auditId = idParam(req, 'moderationId');
      const form = parseForm(disputes.RaiseInput, req.body);
      if (!form.ok) return newPage(res, auditId, form.values, form.errors, 400);
      const actor = actorOf(res);
      const id = await disputes.raiseDispute(db, actor, auditId, form.value, londonDate(now()));
      await recordAccess(db, actor, { recordType: 'audit', recordId: auditId, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/disputes/${id}`);
    });

    const showPage = async (res: Response, disputeId: string, values: Record<string, unknown> = {}, errors?: FieldErrors, status = 200) => {
      const actor = actorOf(res);
      const d = await disputes.getDispute(db, actor, disputeId, londonDate(now()));
      await recordAccess(db, actor, { recordType: 'audit', recordId: d.auditId, action: 'view' }, res.locals.requestId);
      render(
        res,
        'audits/disputes/show',
        {
          id: d.dispute.id,
          auditId: d.auditId,
          childRef: d.childRef,
          status: d.dispute.status,
          level: d.dispute.level,
          levelTitle: d.levelTitle,
          stepDueDate: d.dispute.stepDueDate,
          overdue: d.overdue,
          grade: { title: d.grade.title, audit: d.gradeLabel(d.grade.auditGrade), moderated: d.gradeLabel(d.grade.moderatedGrade), resolved: d.gradeLabel(d.dispute.resolvedGrade) },
          outcome: d.dispute.outcome ? (OUTCOME_WORDS[d.dispute.outcome] ?? d.dispute.outcome) : null,
          raisedAt: d.dispute.raisedAt,
          names: d.names,
          raiserPosition: d.dispute.raiserPosition,
          moderatorPosition: d.dispute.moderatorPosition,
          deciderNames: d.deciderNames,
          levels: d.levels,
          steps: d.steps.map((s) => ({ ...s, levelTitle: levelTitle(d.chain, s.level), kind: STEP_WORDS[s.kind] ?? s.kind })),
          canStatePosition: d.canStatePosition,
          canDecide: d.canDecide,
          canEscalate: d.canEscalate,
          grades: d.grades,
          values: { level: d.dispute.level, moderatorPosition: d.dispute.moderatorPosition ?? '', ...values },
          ...(errors ? { errors } : {}),
        },
        status,
      );
    };

    app.get('/disputes/:disputeId', view, async (req, res) => showPage(res, idParam(req, 'disputeId')));

    const Position = z.object({
      moderatorPosition: z.string({ error: 'Record your position' }).trim().min(1, 'Record your position').max(10_000, 'Your position must be 10,000 characters or fewer'),
    });

    app.post('/disputes/:disputeId/position', view, async (req, res) => {
      const id = idParam(req, 'disputeId');
      const form = parseForm(Position, req.body);
      if (!form.ok) return showPage(res, id, form.values, form.errors, 400);
      await disputes.statePosition(db, actorOf(res), id, form.value.moderatorPosition);
      res.redirect(303, `/disputes/${id}`);
    });

    app.post('/disputes/:disputeId/outcome', view, async (req, res) => {
      const id = idParam(req, 'disputeId');
      const form = parseForm(disputes.OutcomeInput, req.body);
      if (!form.ok) return showPage(res, id, form.values, form.errors, 400);
      let auditId: string;
      try {
        auditId = await disputes.recordOutcome(db, actorOf(res), id, form.value, londonDate(now()));
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return showPage(res, id, form.values, singleError('decision', 'Someone recorded a decision on this dispute while you were writing yours: check what it says now, then record yours again if it still applies.'), 409);
      }
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: auditId, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/disputes/${id}`);
    });
  },
};
