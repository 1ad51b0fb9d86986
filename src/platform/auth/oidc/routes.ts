/** The trip to the council's identity provider and back. */
import type { Express, Request, Response } from 'express';
import { NotFoundError } from '../actor.ts';
import type { AppContext } from '../../http/app.ts';
import { render, type ViewModels } from '../../http/render.ts';
import { recordAccess } from '../../access-log/record.ts';
import { ATTEMPT_TTL_MS, finishSsoSignIn, oidcProvider, ProviderUnavailableError, startSsoSignIn, type SsoRefusal } from './service.ts';
import { safeReturnPath, type OidcSettings } from './settings.ts';
import { stepCookie } from './step-cookie.ts';

declare module '../../http/render.ts' {
  interface ViewModels {
    'platform/sso-problem': { title: string; message: string; tryAgain: boolean };
  }
}

const REFUSALS: Record<SsoRefusal, { status: number; title: string; message: string; tryAgain: boolean }> = {
  expired: { status: 400, title: 'Signing in did not finish', message: 'Signing in took too long, or was started in another browser. Start again.', tryAgain: true },
  'provider-refused': { status: 401, title: 'You are not signed in', message: 'Your council account did not sign you in. Start again, or ask your IT service desk for help.', tryAgain: true },
  'invalid-response': { status: 400, title: 'Signing in did not finish', message: 'The answer from your council account could not be checked. Start again.', tryAgain: true },
  'no-email': { status: 403, title: 'You cannot use Sightline yet', message: 'Your council account did not give Sightline your email address. Ask your IT service desk to check how Sightline is set up.', tryAgain: false },
  'unknown-user': { status: 403, title: 'You cannot use Sightline yet', message: 'There is no Sightline account for you. Ask your Sightline administrator to add you.', tryAgain: false },
  'identity-mismatch': { status: 403, title: 'You cannot use Sightline yet', message: 'Your Sightline account is linked to a different council account. Ask your Sightline administrator for help.', tryAgain: false },
  disabled: { status: 403, title: 'Your Sightline account is disabled', message: 'Ask your Sightline administrator if you need to use Sightline again.', tryAgain: false },
  'no-role': { status: 403, title: 'You cannot use Sightline yet', message: 'Your council account does not give you a role in Sightline. Ask your manager or IT service desk to add you to the right group.', tryAgain: false },
};

export interface SignInHelpers {
  startSession(req: Request, res: Response, userId: string, token: string, returnTo: string | undefined): Promise<void>;
}

/**
 * Registered whether or not SSO is configured, so every route is in the access matrix; without
 * configuration they are pages that do not exist.
 */
export function registerOidcRoutes(app: Express, context: AppContext, settings: OidcSettings | undefined, helpers: SignInHelpers): void {
  const { db, cookies, now, logger } = context;
  const provider = settings ? oidcProvider(settings) : undefined;
  const attemptCookie = stepCookie(cookies, 'sso', ATTEMPT_TTL_MS / 1000);

  const unavailable = (res: Response) => {
    res.setHeader('Retry-After', '60');
    const model: ViewModels['platform/sso-problem'] = {
      title: 'Sorry, your council account cannot be reached',
      message: 'Sightline cannot reach your council\'s sign-in service at the moment. Try again in a few minutes.',
      tryAgain: true,
    };
    render(res, 'platform/sso-problem', model, 503);
  };

  // A link, not a form: the browser leaves for the provider, and the content security policy's
  // form-action 'self' would stop a form's redirect to another site.
  app.get('/sign-in/sso', async (req, res) => {
    if (!provider) throw new NotFoundError();
    if (res.locals.actor) return res.redirect(303, '/');
    try {
      const { url, attemptToken } = await startSsoSignIn(db, provider, safeReturnPath(req.query['return-to']), now());
      attemptCookie.set(res, attemptToken);
      res.redirect(303, url.href);
    } catch (error) {
      if (error instanceof ProviderUnavailableError) return unavailable(res);
      throw error;
    }
  });

  app.get('/sign-in/sso/callback', async (req, res) => {
    if (!provider) throw new NotFoundError();
    const attemptToken = attemptCookie.read(req);
    attemptCookie.clear(res);
    const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
    let result;
    try {
      result = await finishSsoSignIn(db, provider, { attemptToken, query }, now());
    } catch (error) {
      if (error instanceof ProviderUnavailableError) return unavailable(res);
      throw error;
    }
    if (!result.ok) {
      // The reason only: which person was refused is for the access log, not the request log.
      logger.warn({ reqId: res.locals.requestId, reason: result.reason }, 'single sign-on refused');
      const { status, ...model } = REFUSALS[result.reason];
      return render(res, 'platform/sso-problem', model, status);
    }
    if (result.roleChanges.grant.length > 0 || result.roleChanges.revoke.length > 0) {
      await recordAccess(db, undefined, { recordType: 'user-roles', recordId: result.userId, action: 'update' }, res.locals.requestId);
    }
    await helpers.startSession(req, res, result.userId, result.token, result.returnTo);
  });
}
