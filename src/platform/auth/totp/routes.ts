/** Setting up an authenticator app (your own account), and an administrator's reset. */
import type { Express, Request, Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { actorOf, requireCapability, requireSignIn, type AppContext } from '../../http/app.ts';
import { parseForm, singleError, type FieldErrors } from '../../http/forms.ts';
import { render } from '../../http/render.ts';
import { recordAccess } from '../../access-log/record.ts';
import { getUser } from '../../../org/service.ts';
import { confirmIdentity } from '../account.ts';
import { NotFoundError } from '../actor.ts';
import { keyForReading, otpauthUri } from './codes.ts';
import { beginSetup, confirmSetup, pendingSecret, replaceRecoveryCodes, resetTwoFactor, twoFactorStatus, TwoFactorStateError, type TwoFactorStatus } from './service.ts';

declare module '../../http/render.ts' {
  interface ViewModels {
    'platform/two-factor': { status: TwoFactorStatus; problem?: string; errors?: FieldErrors };
    'platform/two-factor-setup': { qrSvg: string; key: string; errors?: FieldErrors };
    'platform/two-factor-recovery-codes': { codes: string[]; replaced?: boolean };
    'platform/two-factor-admin': { user: { id: string; displayName: string }; status: TwoFactorStatus };
  }
}

const CodeForm = z.object({
  code: z
    .string()
    .trim()
    .min(1, 'Enter the 6-digit code from your authenticator app')
    .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app'),
});

const ConfirmForm = z.object({ password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1200, 'Enter your password') });

/** Someone whose app is set up confirms it is them with their password and a code. */
const ConfirmWithCodeForm = ConfirmForm.extend({ code: z.string().max(40).optional() });

const UserId = z.uuid();

/** The signed-in session's own token: set-up is bound to it. */
function sessionOf(res: Response): string {
  const token: unknown = res.locals.sessionToken;
  if (typeof token !== 'string') throw new Error('A signed-in request has no session token');
  return token;
}

function userIdParam(req: Request): string {
  const parsed = UserId.safeParse(req.params['userId']);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/**
 * The QR code as inline SVG made here, on the server: no script, no image request, nothing for
 * the content security policy to allow. The secret is inside the QR modules, never in the page
 * as text other than the key the person may type.
 */
async function qrSvg(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.replace('<svg ', '<svg role="img" aria-label="QR code for your authenticator app" width="200" height="200" ');
}

export function registerTotpRoutes(app: Express, { db, now }: AppContext, secretKey: () => Promise<Buffer>): void {
  app.get('/account/two-factor', requireSignIn, async (_req, res) => {
    render(res, 'platform/two-factor', { status: await twoFactorStatus(db, actorOf(res).userId, sessionOf(res)) });
  });

  // Setting up (or starting again) changes how the person signs in: their password first (ASVS V7.5.1).
  app.post('/account/two-factor/setup', requireSignIn, async (req, res) => {
    const actor = actorOf(res);
    const status = await twoFactorStatus(db, actor.userId, sessionOf(res));
    if (status.hasPassword && !status.enrolled) {
      const form = parseForm(ConfirmForm, req.body);
      if (!form.ok) return render(res, 'platform/two-factor', { status, errors: form.errors }, 400);
      const check = await confirmIdentity(db, actor, form.value, { sourceAddress: req.ip ?? 'unknown', secretKey }, now());
      if (!check.ok) {
        if (check.retryAfterSeconds) res.setHeader('Retry-After', String(check.retryAfterSeconds));
        return render(res, 'platform/two-factor', { status, errors: singleError(check.field, check.message) }, check.retryAfterSeconds ? 429 : 400);
      }
    }
    try {
      await beginSetup(db, actor, await secretKey(), sessionOf(res), now());
    } catch (error) {
      if (!(error instanceof TwoFactorStateError)) throw error;
      return render(res, 'platform/two-factor', { status: await twoFactorStatus(db, actor.userId, sessionOf(res)), problem: error.message }, 409);
    }
    res.redirect(303, '/account/two-factor/setup');
  });

  const setupPage = async (actor: ReturnType<typeof actorOf>, sessionToken: string, errors?: FieldErrors) => {
    const secret = await pendingSecret(db, actor, await secretKey(), sessionToken);
    if (!secret) return undefined;
    return { qrSvg: await qrSvg(otpauthUri(secret, actor.email)), key: keyForReading(secret), ...(errors ? { errors } : {}) };
  };

  app.get('/account/two-factor/setup', requireSignIn, async (_req, res) => {
    const model = await setupPage(actorOf(res), sessionOf(res));
    if (!model) return res.redirect(303, '/account/two-factor');
    render(res, 'platform/two-factor-setup', model);
  });

  app.post('/account/two-factor/setup/confirm', requireSignIn, async (req, res) => {
    const actor = actorOf(res);
    const form = parseForm(CodeForm, req.body);
    let codes: string[] | undefined;
    try {
      codes = form.ok ? await confirmSetup(db, actor, await secretKey(), form.value.code, sessionOf(res), now()) : undefined;
    } catch (error) {
      if (!(error instanceof TwoFactorStateError)) throw error;
      return res.redirect(303, '/account/two-factor');
    }
    if (!codes) {
      const model = await setupPage(actor, sessionOf(res), form.ok ? singleError('code', 'The code is not right: check the time on your phone is set automatically, then enter the newest code') : form.errors);
      if (!model) return res.redirect(303, '/account/two-factor');
      return render(res, 'platform/two-factor-setup', model, 400);
    }
    await recordAccess(db, actor, { recordType: 'user-two-factor', recordId: actor.userId, action: 'create' }, res.locals.requestId);
    // Shown in this response only: the codes are stored as hashes and cannot be shown again.
    render(res, 'platform/two-factor-recovery-codes', { codes });
  });

  // New recovery codes, after the password and a code: whoever holds an unlocked session alone must not be
  // able to mint codes that get past the second step later (ASVS V7.5.1).
  app.post('/account/two-factor/recovery-codes', requireSignIn, async (req, res) => {
    const actor = actorOf(res);
    const form = parseForm(ConfirmWithCodeForm, req.body);
    if (!form.ok) return render(res, 'platform/two-factor', { status: await twoFactorStatus(db, actor.userId, sessionOf(res)), errors: form.errors }, 400);
    const check = await confirmIdentity(db, actor, form.value, { sourceAddress: req.ip ?? 'unknown', secretKey }, now());
    if (!check.ok) {
      if (check.retryAfterSeconds) res.setHeader('Retry-After', String(check.retryAfterSeconds));
      return render(res, 'platform/two-factor', { status: await twoFactorStatus(db, actor.userId, sessionOf(res)), errors: singleError(check.field, check.message) }, check.retryAfterSeconds ? 429 : 400);
    }
    let codes: string[];
    try {
      codes = await replaceRecoveryCodes(db, actor, now());
    } catch (error) {
      if (!(error instanceof TwoFactorStateError)) throw error;
      return render(res, 'platform/two-factor', { status: await twoFactorStatus(db, actor.userId, sessionOf(res)), problem: error.message }, 409);
    }
    await recordAccess(db, actor, { recordType: 'user-two-factor', recordId: actor.userId, action: 'update' }, res.locals.requestId);
    render(res, 'platform/two-factor-recovery-codes', { codes, replaced: true });
  });

  const manage = requireCapability('org.manage');

  app.get('/admin/users/:userId/two-factor', manage, async (req, res) => {
    const actor = actorOf(res);
    const user = await getUser(db, actor, userIdParam(req));
    render(res, 'platform/two-factor-admin', { user: { id: user.id, displayName: user.displayName }, status: await twoFactorStatus(db, user.id) });
  });

  app.post('/admin/users/:userId/two-factor/reset', manage, async (req, res) => {
    const actor = actorOf(res);
    const userId = userIdParam(req);
    await resetTwoFactor(db, actor, userId);
    await recordAccess(db, actor, { recordType: 'user-two-factor', recordId: userId, action: 'disable' }, res.locals.requestId);
    res.redirect(303, `/admin/users/${userId}/two-factor`);
  });
}
