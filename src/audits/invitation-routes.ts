/**
 * The partners page of an audit: who is invited, inviting a partner, changing an invitation and
 * withdrawing it. Thin: the service (invitations.ts) checks who may do what.
 */
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireSignIn, type AppContext } from '../platform/http/app.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { parseForm, type FieldErrors } from '../platform/http/forms.ts';
import { render } from '../platform/http/render.ts';
import { recordAccess, type AccessAction } from '../platform/access-log/record.ts';
import { presentSummary } from './present.ts';
import { auditIdOf } from './route-params.ts';
import { loadAuditContext } from './stage-one.ts';
import {
  changeInvitation,
  invitationForChange,
  InvitationChange,
  InvitationInput,
  InvitationProblem,
  invitePartner,
  partnersOfAudit,
  requireInviting,
  withdrawInvitation,
} from './invitations.ts';
import './views.ts';

const Id = z.uuid();

/** Ticked boxes as the form shows them again: always a list of strings. */
const tickedList = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

export function registerPartnerInvitations(app: Express, context: AppContext): void {
  const { db } = context;

  function partnerIdOf(req: Request): string {
    const parsed = Id.safeParse(req.params.partnerId);
    if (!parsed.success) throw new NotFoundError();
    return parsed.data;
  }

  async function log(res: Response, auditId: string, action: AccessAction): Promise<void> {
    await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: auditId, action }, res.locals.requestId);
  }

  function problemErrors(error: InvitationProblem): FieldErrors {
    return { list: [{ text: error.message, href: `#${error.field}` }], byField: { [error.field]: { text: error.message } } };
  }

  async function renderPartners(res: Response, auditId: string, values: Record<string, unknown>, errors?: FieldErrors, status = 200) {
    const actor = actorOf(res);
    const view = await partnersOfAudit(db, actor, auditId);
    const ctx = await loadAuditContext(db, actor, auditId);
    if (!errors) await log(res, auditId, 'view');
    render(
      res,
      'audits/partners',
      {
        summary: presentSummary(ctx),
        invitations: view.invitations,
        canChange: true,
        partners: view.available,
        areas: view.areas,
        refusal: view.refusal,
        values: { partnerId: values.partnerId ?? '', areas: tickedList(values.areas), shareChildDetails: values.shareChildDetails === 'yes' ? 'yes' : '' },
        ...(errors ? { errors } : {}),
      },
      status,
    );
  }

  app.get('/audits/:auditId/partners', requireSignIn, async (req, res, next) => {
    const auditId = auditIdOf(req, next);
    if (!auditId) return;
    await renderPartners(res, auditId, {});
  });

  app.post('/audits/:auditId/partners', requireSignIn, async (req, res, next) => {
    const auditId = auditIdOf(req, next);
    if (!auditId) return;
    const actor = actorOf(res);
    const form = parseForm(InvitationInput, req.body);
    if (!form.ok) {
      // Someone who may not invite is refused, not shown what is wrong with their form.
      await requireInviting(db, actor, auditId);
      return renderPartners(res, auditId, form.values, form.errors, 400);
    }
    try {
      await invitePartner(db, actor, auditId, form.value);
    } catch (error) {
      if (error instanceof InvitationProblem) return renderPartners(res, auditId, form.values, problemErrors(error), 400);
      throw error;
    }
    await log(res, auditId, 'update');
    res.redirect(303, `/audits/${auditId}/partners`);
  });

  async function renderInvitation(res: Response, auditId: string, partnerId: string, values: Record<string, unknown> | null, extra: { errors?: FieldErrors; conflict?: boolean } = {}, status = 200) {
    const actor = actorOf(res);
    const view = await invitationForChange(db, actor, auditId, partnerId);
    const ctx = await loadAuditContext(db, actor, auditId);
    if (status === 200) await log(res, auditId, 'view');
    const { invitation } = view;
    const shown = values
      ? { areas: tickedList(values.areas), shareChildDetails: values.shareChildDetails === 'yes' ? 'yes' : '', version: String(values.version ?? invitation.version) }
      : {
          areas: view.areas.filter((a) => invitation.areaIds.includes(a.id)).map((a) => String(a.number)),
          shareChildDetails: invitation.shareChildDetails ? 'yes' : '',
          version: String(invitation.version),
        };
    render(
      res,
      'audits/partner',
      {
        summary: presentSummary(ctx),
        invitation,
        areas: view.areas,
        refusal: view.refusal,
        // The QA team may withdraw at any time; the auditor while they may still invite.
        canWithdraw: ctx.access.manage || view.refusal === null,
        values: shown,
        ...extra,
      },
      status,
    );
  }

  app.get('/audits/:auditId/partners/:partnerId', requireSignIn, async (req, res, next) => {
    const auditId = auditIdOf(req, next);
    if (!auditId) return;
    await renderInvitation(res, auditId, partnerIdOf(req), null);
  });

  app.post('/audits/:auditId/partners/:partnerId', requireSignIn, async (req, res, next) => {
    const auditId = auditIdOf(req, next);
    if (!auditId) return;
    const partnerId = partnerIdOf(req);
    const actor = actorOf(res);
    const form = parseForm(InvitationChange, req.body);
    if (!form.ok) {
      await requireInviting(db, actor, auditId);
      return renderInvitation(res, auditId, partnerId, form.values, { errors: form.errors }, 400);
    }
    try {
      await changeInvitation(db, actor, auditId, partnerId, form.value);
    } catch (error) {
      if (error instanceof InvitationProblem) return renderInvitation(res, auditId, partnerId, form.values, { errors: problemErrors(error) }, 400);
      // Their ticks are not kept: the page shows the invitation as it now is, to change again.
      if (error instanceof ConflictError) return renderInvitation(res, auditId, partnerId, null, { conflict: true }, 409);
      throw error;
    }
    await log(res, auditId, 'update');
    res.redirect(303, `/audits/${auditId}/partners`);
  });

  app.post('/audits/:auditId/partners/:partnerId/withdraw', requireSignIn, async (req, res, next) => {
    const auditId = auditIdOf(req, next);
    if (!auditId) return;
    await withdrawInvitation(db, actorOf(res), auditId, partnerIdOf(req));
    await log(res, auditId, 'update');
    res.redirect(303, `/audits/${auditId}/partners`);
  });
}
