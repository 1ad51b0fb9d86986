/**
 * Signing in and out: local accounts (password, then an authenticator code when one is set up)
 * and, when configured, the council's identity provider.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppModule } from '../http/app.ts';
import { parseForm, singleError, type FieldErrors } from '../http/forms.ts';
import { render, type ViewModels } from '../http/render.ts';
import { clearSessionCookie, setSessionCookie } from '../http/session.ts';
import { recordAccess } from '../access-log/record.ts';
import { registerOidcRoutes } from './oidc/routes.ts';
import { LOCAL_ONLY, safeReturnPath, type IdentitySettings } from './oidc/settings.ts';
import { stepCookie } from './oidc/step-cookie.ts';
import { describeSession } from './account.ts';
import { registerAccountRoutes } from './account-routes.ts';
import { destroySession } from './sessions.ts';
import { signIn } from './sign-in.ts';
import { registerTotpRoutes } from './totp/routes.ts';
import { totpKey } from './totp/sealing.ts';
import { answerChallenge, challengeIsLive, CHALLENGE_TTL_MS } from './totp/service.ts';

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/sign-in': {
      errors?: FieldErrors;
      email?: string;
      signedOut?: boolean;
      /** The password form is shown only while local accounts are on. */
      localAccounts: boolean;
      /** Where the "sign in with your council account" button goes, when SSO is on. */
      ssoHref?: string | undefined;
      returnTo?: string | undefined;
    };
    'platform/second-factor': { errors?: FieldErrors };
  }
}

const SignInForm = z.object({
  email: z.string().trim().min(1, 'Enter your email address').max(320, 'Email address must be 320 characters or fewer'),
  password: z.string().min(1, 'Enter your password').max(1000, 'Password must be 1000 characters or fewer'),
});

const CodeForm = z.object({
  code: z.string().trim().min(1, 'Enter the code from your authenticator app, or a recovery code').max(40, 'Enter the code from your authenticator app, or a recovery code'),
});

function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts to sign in. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
}

/** The sign-in module for these identity settings; `authModule` is the local-accounts-only default. */
export function signInModule(identity: IdentitySettings): AppModule {
  return {
    register(app, context) {
      const { db, cookies, now } = context;
      const secondFactorCookie = stepCookie(cookies, 'second-factor', CHALLENGE_TTL_MS / 1000);
      // Read once, at the first use (the key may have to be generated and stored); tried again after a failure.
      let key: Promise<Buffer> | undefined;
      const secretKey = () =>
        (key ??= totpKey(db, identity.totpEncryptionKey).catch((error: unknown) => {
          key = undefined;
          throw error;
        }));

      const page = (res: Response, model: Omit<ViewModels['platform/sign-in'], 'localAccounts' | 'ssoHref'>, status = 200) => {
        const returnTo = safeReturnPath(model.returnTo);
        const ssoHref = identity.oidc ? `/sign-in/sso${returnTo ? `?return-to=${encodeURIComponent(returnTo)}` : ''}` : undefined;
        render(res, 'platform/sign-in', { ...model, returnTo, localAccounts: identity.localAccounts, ssoHref }, status);
      };

      /** The session starts here for every way of signing in: a fresh id, the old one ended. */
      const startSession = async (req: Request, res: Response, userId: string, token: string, returnTo: string | undefined) => {
        if (res.locals.sessionToken) await destroySession(db, res.locals.sessionToken as string);
        setSessionCookie(res, cookies, token);
        await describeSession(db, token, req.get('user-agent'));
        await recordAccess(db, undefined, { recordType: 'user', recordId: userId, action: 'sign-in' }, res.locals.requestId);
        res.redirect(303, safeReturnPath(returnTo) ?? '/');
      };

      app.get('/sign-in', (req, res) => {
        if (res.locals.actor) return res.redirect(303, '/');
        page(res, { signedOut: req.query['signed-out'] === '1', returnTo: safeReturnPath(req.query['return-to']) });
      });

      app.post('/sign-in', async (req, res) => {
        const returnTo = safeReturnPath((req.body as Record<string, unknown>)?.returnTo);
        if (!identity.localAccounts) {
          return page(res, { errors: singleError('sso', 'Sign in with your council account: Sightline accounts are turned off'), returnTo }, 403);
        }
        const form = parseForm(SignInForm, req.body);
        if (!form.ok) return page(res, { errors: form.errors, email: String(form.values.email ?? ''), returnTo }, 400);
        const result = await signIn(db, { ...form.value, sourceAddress: req.ip ?? 'unknown', returnTo }, now());
        if (!result.ok) {
          if (result.reason === 'throttled') {
            res.setHeader('Retry-After', String(result.retryAfterSeconds));
            return page(res, { errors: singleError('email', throttledMessage(result.retryAfterSeconds)), email: form.value.email, returnTo }, 429);
          }
          if (result.reason === 'temporary-password-expired') {
            return page(res, { errors: singleError('email', 'Your temporary password has expired. Ask your Sightline administrator to reset your password.'), email: form.value.email, returnTo }, 401);
          }
          return page(res, { errors: singleError('email', 'Enter a correct email address and password'), email: form.value.email, returnTo }, 401);
        }
        if (result.next === 'second-factor') {
          secondFactorCookie.set(res, result.challengeToken);
          return res.redirect(303, '/sign-in/two-factor');
        }
        await startSession(req, res, result.userId, result.token, returnTo);
      });

      // The code step: only someone who has just given the right password has a live challenge.
      app.get('/sign-in/two-factor', async (req, res) => {
        if (res.locals.actor) return res.redirect(303, '/');
        const token = secondFactorCookie.read(req);
        if (!token || !(await challengeIsLive(db, token, now()))) return res.redirect(303, '/sign-in');
        render(res, 'platform/second-factor', {});
      });

      app.post('/sign-in/two-factor', async (req, res) => {
        if (res.locals.actor) return res.redirect(303, '/');
        const token = secondFactorCookie.read(req);
        if (!token) return res.redirect(303, '/sign-in');
        const form = parseForm(CodeForm, req.body);
        if (!form.ok) return render(res, 'platform/second-factor', { errors: form.errors }, 400);
        const result = await answerChallenge(db, await secretKey(), { challengeToken: token, code: form.value.code, sourceAddress: req.ip ?? 'unknown' }, now());
        if (!result.ok) {
          if (result.reason === 'expired') {
            secondFactorCookie.clear(res);
            return page(res, { errors: singleError('email', 'Signing in took too long. Enter your email address and password again.') }, 401);
          }
          if (result.reason === 'throttled') {
            res.setHeader('Retry-After', String(result.retryAfterSeconds));
            return render(res, 'platform/second-factor', { errors: singleError('code', throttledMessage(result.retryAfterSeconds)) }, 429);
          }
          return render(res, 'platform/second-factor', { errors: singleError('code', 'Enter a correct code: codes can be used only once') }, 401);
        }
        secondFactorCookie.clear(res);
        // A recovery code usually means a lost phone: the account page says how many are left.
        await startSession(req, res, result.userId, result.token, result.usedRecoveryCode ? '/account/two-factor' : result.returnTo);
      });

      app.post('/sign-out', async (_req, res) => {
        if (res.locals.sessionToken) await destroySession(db, res.locals.sessionToken as string);
        clearSessionCookie(res, cookies);
        res.redirect(303, '/sign-in?signed-out=1');
      });

      registerOidcRoutes(app, context, identity.oidc, { startSession });
      registerTotpRoutes(app, context, secretKey);
      registerAccountRoutes(app, context, secretKey);
    },
  };
}

export const authModule: AppModule = signInModule(LOCAL_ONLY);

/** Only a link: the account pages are registered with sign-in, but belong last in the navigation. */
const accountNavigation: AppModule = {
  navigation: [{ href: '/account', text: 'Your account' }],
  register() {},
};

/** The application's modules with sign-in set up for these identity settings. */
export function withIdentity(modules: AppModule[], identity: IdentitySettings = LOCAL_ONLY): AppModule[] {
  const configured = signInModule(identity);
  return [...modules.map((m) => (m === authModule ? configured : m)), accountNavigation];
}
