/**
 * Protection against cross-site request forgery on every state-changing request.
 *
 * A form carries a token that is an HMAC of the visitor's session (or, before sign-in, of a
 * random pre-session cookie). Another site cannot read it, so cannot forge a form that
 * carries it. Browsers that send Sec-Fetch-Site are refused outright for cross-site requests.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { CsrfError } from './errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfToken(secret: string, binding: string): string {
  return crypto.createHmac('sha256', secret).update(`csrf:${binding}`).digest('base64url');
}

function tokenFrom(req: Request): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof fromBody === 'string') return fromBody;
  const fromHeader = req.get('x-csrf-token');
  return fromHeader ?? undefined;
}

/** Checks the request; routes that parse their own bodies (uploads) call `verifyCsrf` after parsing. */
export function verifyCsrf(req: Request, secret: string, binding: string | undefined): void {
  if (req.get('sec-fetch-site') === 'cross-site') throw new CsrfError('cross-site request');
  const given = tokenFrom(req);
  if (!binding || !given) throw new CsrfError('missing token');
  const expected = Buffer.from(csrfToken(secret, binding));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) throw new CsrfError('bad token');
}

export function csrfProtection(secret: string, options: { skip?: (req: Request) => boolean } = {}): RequestHandler {
  return (req, res, next) => {
    if (SAFE.has(req.method) || options.skip?.(req)) return next();
    verifyCsrf(req, secret, res.locals.csrfBinding as string | undefined);
    next();
  };
}
