/**
 * A form sent twice runs once. A double click, a browser's "resubmit the form?" or a flaky
 * connection retried sends the same form again; without this, each would create another action,
 * note, audit or import.
 *
 * Every form that carries the CSRF token also carries a single-use submission id, added when the
 * page is rendered (`withSubmissionIds`), so no form has to remember it. When a signed-in person
 * sends a form with one, the sending is claimed before any route runs: a row keyed by the person
 * and a fingerprint of the id, the path and everything sent (uploaded files by their SHA-256).
 * - The first sending runs; if it ends in a redirect (the Post/Redirect/Get every form here uses
 *   on success) the row keeps where it led, before the response leaves.
 * - A replay (same id, same path, same content) runs nothing and is sent where the first one led.
 *   If the first is still running it waits for it; past a few seconds it says the form is being
 *   saved rather than run it twice.
 * - Anything else (a form sent back with errors, a conflict, a refusal, a failure) releases the
 *   row, so the person can correct the form and send it again.
 * The same id with different content (went back, changed a field, sent again) is a new sending.
 *
 * Requests that ask for JSON (the audit autosave) are left alone: their script sends the same
 * form over and over on purpose, and optimistic concurrency already keeps them from doubling up.
 */
import crypto from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import { formSubmissions } from './schema.ts';
import { loggableError } from './errors.ts';

export const SUBMISSION_FIELD = '_submission';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CSRF_INPUT = /<input type="hidden" name="_csrf" value="[^"]*">/g;

/** How long a replay waits for the first sending to finish before saying it is still being saved. */
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 100;
/**
 * A form's CSRF token dies with its session (12 hours at most), so a replay older than that is
 * refused anyway: rows past it can go.
 */
const KEEP_MS = 12 * 60 * 60 * 1000;

/** Gives every form carrying the CSRF token its own submission id (each form on a page a different one). */
export function withSubmissionIds(html: string): string {
  return html.replace(CSRF_INPUT, (input) => `${input}<input type="hidden" name="${SUBMISSION_FIELD}" value="${crypto.randomUUID()}">`);
}

/** The id, the route and what was sent, in a fixed order; the CSRF token is left out (it is per session, not per form). */
export function submissionFingerprint(submissionId: string, req: Pick<Request, 'method' | 'originalUrl' | 'body' | 'files'>): string {
  const body = Object.entries((req.body ?? {}) as Record<string, unknown>)
    .filter(([name]) => name !== '_csrf' && name !== SUBMISSION_FIELD)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => [f.fieldname, f.originalname, crypto.createHash('sha256').update(f.buffer).digest('hex')]);
  return crypto.createHash('sha256').update(JSON.stringify([submissionId, req.method, req.originalUrl, body, files])).digest('hex');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function replayProtection(db: Db, now: () => Date, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const actor = res.locals.actor as Actor | undefined;
    const submissionId = (req.body as Record<string, unknown> | undefined)?.[SUBMISSION_FIELD];
    if (req.method !== 'POST' || !actor || typeof submissionId !== 'string' || !UUID.test(submissionId)) return next();
    if (req.accepts(['html', 'json']) === 'json') return next();

    const key = { userId: actor.userId, fingerprint: submissionFingerprint(submissionId, req) };
    const row = and(eq(formSubmissions.userId, key.userId), eq(formSubmissions.fingerprint, key.fingerprint));
    const waitUntil = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claimed = await db.insert(formSubmissions).values({ ...key, createdAt: now() }).onConflictDoNothing().returning({ userId: formSubmissions.userId });
      if (claimed.length > 0) break;
      const [first] = await db.select({ location: formSubmissions.location }).from(formSubmissions).where(row);
      if (first?.location) return res.redirect(303, first.location);
      // Released in the meantime (the first was sent back with errors): claim it on the next turn.
      if (first && Date.now() > waitUntil) throw stillSaving();
      await sleep(POLL_MS);
    }
    await db.delete(formSubmissions).where(and(eq(formSubmissions.userId, key.userId), lt(formSubmissions.createdAt, new Date(now().getTime() - KEEP_MS))));

    // The outcome is written before the response goes: a replay that arrives once the first has
    // answered always finds it, and a first sending whose browser gave up on it (the double
    // click) is still recorded.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let settled = false;
    res.end = ((...args: unknown[]) => {
      if (settled) return end(...args);
      settled = true;
      const location = res.statusCode >= 300 && res.statusCode < 400 ? res.getHeader('location') : undefined;
      const outcome =
        typeof location === 'string'
          ? db.update(formSubmissions).set({ location }).where(row)
          : db.delete(formSubmissions).where(row);
      outcome.then(
        () => end(...args),
        (error: unknown) => {
          // The failed query's values are the person's form: logged as placeholders only.
          logger.warn({ reqId: res.locals.requestId, err: loggableError(error) }, 'form submission outcome not recorded');
          end(...args);
        },
      );
      return res;
    }) as Response['end'];
    next();
  };
}

/** Answered with the error page's 409: the message is for the person, so it is shown as it is. */
function stillSaving(): Error {
  return Object.assign(
    new Error('You sent this form more than once and the first sending is still being saved, so the others were not. Check the page it was for in a minute; to send it again, reload the form first.'),
    { status: 409, expose: true },
  );
}
