/** The account area: an overview, changing your password, and your sessions. */
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireSignIn, type AppContext } from '../http/app.ts';
import { parseForm, singleError, type FieldErrors } from '../http/forms.ts';
import { render } from '../http/render.ts';
import { recordAccess } from '../access-log/record.ts';
import { changePassword, confirmIdentity, endOwnSessions, hasLocalPassword, listOwnSessions, type OwnSession } from './account.ts';
import { MAX_PASSWORD_LENGTH } from './password-rules.ts';
import { twoFactorStatus, type TwoFactorStatus } from './totp/service.ts';

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/account': { hasPassword: boolean; twoFactor: TwoFactorStatus; sessionCount: number; changed?: 'password' | undefined };
    /** `mustChange`: signed in with a temporary password, which has to be replaced before anything else. */
    'platform/account-password': { hasPassword: boolean; mustChange: boolean; errors?: FieldErrors };
    'platform/account-sessions': { sessions: OwnSession[]; ended?: number | undefined };
    'platform/account-sign-out-sessions': {
      which: string;
      /** The session to end, or undefined for all the others. */
      session?: OwnSession | undefined;
      others: number;
      hasPassword: boolean;
      asksForCode: boolean;
      errors?: FieldErrors;
    };
  }
}

// Passwords are taken exactly as typed (ASVS V6.2.8): no trimming.
const password = (message: string) => z.string({ error: message }).min(1, message).max(MAX_PASSWORD_LENGTH + 1000, `The password must be ${MAX_PASSWORD_LENGTH} characters or fewer`);

const PasswordForm = z
  .object({
    currentPassword: password('Enter your current password'),
    newPassword: password('Enter a new password'),
    confirmPassword: z.string({ error: 'Enter the new password again' }).min(1, 'Enter the new password again'),
  })
  .refine((f) => f.newPassword === f.confirmPassword, { path: ['confirmPassword'], message: 'The passwords do not match: enter the new password again' });

const SessionChoice = z.union([z.literal('others'), z.uuid()]);

const SignOutForm = z.object({
  session: SessionChoice,
  password: z.string().max(MAX_PASSWORD_LENGTH + 1000).optional().default(''),
  code: z.string().max(40).optional(),
});

export function registerAccountRoutes(app: Express, { db, now }: AppContext, secretKey: () => Promise<Buffer>): void {
  const token = (res: Response) => res.locals.sessionToken as string | undefined;
  const sourceOf = (req: Request) => req.ip ?? 'unknown';

  app.get('/account', requireSignIn, async (req, res) => {
    const actor = actorOf(res);
    const [hasPassword, twoFactor, sessions] = await Promise.all([hasLocalPassword(db, actor), twoFactorStatus(db, actor.userId), listOwnSessions(db, actor, token(res), now())]);
    render(res, 'platform/account', { hasPassword, twoFactor, sessionCount: sessions.length, changed: req.query['changed'] === 'password' ? 'password' : undefined });
  });

  const mustChange = (res: Response) => res.locals.mustChangePassword === true;

  app.get('/account/password', requireSignIn, async (_req, res) => {
    render(res, 'platform/account-password', { hasPassword: await hasLocalPassword(db, actorOf(res)), mustChange: mustChange(res) });
  });

  app.post('/account/password', requireSignIn, async (req, res) => {
    const actor = actorOf(res);
    const hasPassword = await hasLocalPassword(db, actor);
    if (!hasPassword) return render(res, 'platform/account-password', { hasPassword, mustChange: false }, 409);
    const form = parseForm(PasswordForm, req.body);
    if (!form.ok) return render(res, 'platform/account-password', { hasPassword, mustChange: mustChange(res), errors: form.errors }, 400);
    const result = await changePassword(db, actor, { ...form.value, sourceAddress: sourceOf(req), keepSessionToken: token(res) }, now());
    if (!result.ok) {
      if (result.retryAfterSeconds) res.setHeader('Retry-After', String(result.retryAfterSeconds));
      return render(res, 'platform/account-password', { hasPassword, mustChange: mustChange(res), errors: singleError(result.field, result.message) }, result.retryAfterSeconds ? 429 : 400);
    }
    await recordAccess(db, actor, { recordType: 'user-password', recordId: actor.userId, action: 'update' }, res.locals.requestId);
    res.redirect(303, '/account?changed=password');
  });

  app.get('/account/sessions', requireSignIn, async (req, res) => {
    const ended = Number(req.query['ended']);
    render(res, 'platform/account-sessions', { sessions: await listOwnSessions(db, actorOf(res), token(res), now()), ended: Number.isInteger(ended) && ended >= 0 && ended < 1000 ? ended : undefined });
  });

  /** The confirmation page: which session(s) would end, and the person's credentials (ASVS V7.5.2). */
  const signOutPage = async (res: Response, which: string, errors?: FieldErrors, status = 200) => {
    const actor = actorOf(res);
    const sessions = await listOwnSessions(db, actor, token(res), now());
    const others = sessions.filter((s) => !s.current);
    const session = which === 'others' ? undefined : others.find((s) => s.id === which);
    // A session that has ended since the list was shown (or was never this person's): back to the list.
    if (which !== 'others' && !session) return res.redirect(303, '/account/sessions');
    if (others.length === 0) return res.redirect(303, '/account/sessions');
    const hasPassword = await hasLocalPassword(db, actor);
    const asksForCode = hasPassword && (await twoFactorStatus(db, actor.userId)).enrolled;
    render(res, 'platform/account-sign-out-sessions', { which, session, others: others.length, hasPassword, asksForCode, ...(errors ? { errors } : {}) }, status);
  };

  app.get('/account/sessions/sign-out', requireSignIn, async (req, res) => {
    const which = SessionChoice.safeParse(req.query['session']);
    if (!which.success) return res.redirect(303, '/account/sessions');
    await signOutPage(res, which.data);
  });

  app.post('/account/sessions/sign-out', requireSignIn, async (req, res) => {
    const actor = actorOf(res);
    const form = parseForm(SignOutForm, req.body);
    if (!form.ok) {
      if (form.errors.byField['session']) return res.redirect(303, '/account/sessions');
      return signOutPage(res, String(form.values['session']), form.errors, 400);
    }
    // Someone signing in through the council's provider has no password here to enter again;
    // ending sessions can only take access away, so it goes ahead.
    if (await hasLocalPassword(db, actor)) {
      if (!form.value.password) return signOutPage(res, form.value.session, singleError('password', 'Enter your password'), 400);
      const check = await confirmIdentity(db, actor, form.value, { sourceAddress: sourceOf(req), secretKey }, now());
      if (!check.ok) {
        if (check.retryAfterSeconds) res.setHeader('Retry-After', String(check.retryAfterSeconds));
        return signOutPage(res, form.value.session, singleError(check.field, check.message), check.retryAfterSeconds ? 429 : 400);
      }
    }
    const ended = await endOwnSessions(db, actor, form.value.session, token(res));
    await recordAccess(db, actor, { recordType: 'user-sessions', recordId: actor.userId, action: 'sign-out' }, res.locals.requestId);
    res.redirect(303, `/account/sessions?ended=${ended}`);
  });
}
