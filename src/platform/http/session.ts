/** The session and pre-session cookies, and the middleware that turns a cookie into an actor. */
import crypto from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { parse, serialize } from 'cookie';
import type { Db } from '../db/client.ts';
import { loadSession } from '../auth/sessions.ts';

export interface CookieNames {
  session: string;
  pre: string;
  secure: boolean;
}

/** `__Host-` cookies must be Secure, host-only and path /: browsers enforce all three. */
export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { session: '__Host-sightline', pre: '__Host-sightline-pre', secure }
    : { session: 'sightline', pre: 'sightline-pre', secure };
}

function setCookie(res: Response, names: CookieNames, name: string, value: string, maxAge?: number): void {
  res.append(
    'Set-Cookie',
    serialize(name, value, { httpOnly: true, secure: names.secure, sameSite: 'lax', path: '/', ...(maxAge === undefined ? {} : { maxAge }) }),
  );
}

export function setSessionCookie(res: Response, names: CookieNames, token: string): void {
  setCookie(res, names, names.session, token);
}

export function clearSessionCookie(res: Response, names: CookieNames): void {
  setCookie(res, names, names.session, '', 0);
}

export function sessionMiddleware(db: Db, names: CookieNames, now: () => Date): RequestHandler {
  return async (req, res, next) => {
    const cookies = parse(req.get('cookie') ?? '');
    const token = cookies[names.session];
    if (token) {
      const loaded = await loadSession(db, token, now());
      if (loaded) {
        res.locals.actor = loaded.actor;
        res.locals.sessionToken = token;
        res.locals.mustChangePassword = loaded.mustChangePassword;
        res.locals.csrfBinding = `session:${loaded.idHash}`;
        return next();
      }
      clearSessionCookie(res, names);
    }
    let pre = cookies[names.pre];
    if (!pre || !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
      pre = crypto.randomBytes(32).toString('base64url');
      setCookie(res, names, names.pre, pre);
    }
    res.locals.csrfBinding = `pre:${pre}`;
    next();
  };
}
