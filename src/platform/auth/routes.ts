/** Sign-in and sign-out pages for local accounts. */
import { z } from 'zod';
import type { AppModule } from '../http/app.ts';
import { parseForm, singleError, type FieldErrors } from '../http/forms.ts';
import { render } from '../http/render.ts';
import { clearSessionCookie, setSessionCookie } from '../http/session.ts';
import { recordAccess } from '../access-log/record.ts';
import { destroySession } from './sessions.ts';
import { signIn } from './sign-in.ts';

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/sign-in': { errors?: FieldErrors; email?: string; signedOut?: boolean };
  }
}

const SignInForm = z.object({
  email: z.string().trim().min(1, 'Enter your email address').max(320, 'Email address must be 320 characters or fewer'),
  password: z.string().min(1, 'Enter your password').max(1000, 'Password must be 1000 characters or fewer'),
});

export const authModule: AppModule = {
  register(app, { db, cookies, now }) {
    app.get('/sign-in', (req, res) => {
      if (res.locals.actor) return res.redirect(303, '/');
      render(res, 'platform/sign-in', { signedOut: req.query['signed-out'] === '1' });
    });

    app.post('/sign-in', async (req, res) => {
      const form = parseForm(SignInForm, req.body);
      if (!form.ok) return render(res, 'platform/sign-in', { errors: form.errors, email: String(form.values.email ?? '') }, 400);
      const result = await signIn(db, { ...form.value, sourceAddress: req.ip ?? 'unknown' }, now());
      if (!result.ok) {
        if (result.reason === 'throttled') {
          const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
          res.setHeader('Retry-After', String(result.retryAfterSeconds));
          const message = `Too many attempts to sign in. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
          return render(res, 'platform/sign-in', { errors: singleError('email', message), email: form.value.email }, 429);
        }
        return render(res, 'platform/sign-in', { errors: singleError('email', 'Enter a correct email address and password'), email: form.value.email }, 401);
      }
      // A fresh session id on every sign-in: an id planted before sign-in is worthless after it.
      if (res.locals.sessionToken) await destroySession(db, res.locals.sessionToken as string);
      setSessionCookie(res, cookies, result.token);
      await recordAccess(db, undefined, { recordType: 'user', recordId: result.userId, action: 'sign-in' }, res.locals.requestId);
      res.redirect(303, '/');
    });

    app.post('/sign-out', async (_req, res) => {
      if (res.locals.sessionToken) await destroySession(db, res.locals.sessionToken as string);
      clearSessionCookie(res, cookies);
      res.redirect(303, '/sign-in?signed-out=1');
    });
  },
};
