/**
 * Errors services throw, and the handler that turns any error into a friendly page: never a
 * stack trace or SQL outside development, and the right status for the situation.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import type { Logger } from 'pino';
import { ForbiddenError, NotFoundError } from '../auth/actor.ts';
import { render } from './render.ts';

export { ForbiddenError, NotFoundError };

/** Another person changed the record since this user loaded it. */
export class ConflictError extends Error {}

export class CsrfError extends Error {}

declare module './render.ts' {
  interface ViewModels {
    'platform/error': { title: string; message: string; detail?: string | undefined };
  }
}

const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003']);

function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown; message?: string } | undefined; e; e = e.cause as typeof e) {
    if (e.code && PG_UNAVAILABLE.has(e.code)) return true;
    if (e.message && /Connection terminated|timeout exceeded when trying to connect|PGlite is closed|not currently accepting connections|terminating connection due to administrator command|the database system is (starting up|shutting down)/i.test(e.message)) return true;
  }
  return false;
}

/** A quoted value in a database message, unless it names a table, column, constraint or type. */
const QUOTED_VALUE = /(?<!(?:relation|column|constraint|table|index|function|type|schema) )"[^"]*"/g;

/**
 * What the log may hold of an unexpected error (ASVS V16.2.5): its kind, the SQL text with its
 * placeholders, the database's code and message with quoted values blanked, and where it was
 * thrown. Never the values a query carried nor a message that repeats them: those can be a
 * child's name or date of birth.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  const e = (error ?? {}) as { name?: string; message?: string; stack?: string; query?: unknown; params?: unknown; cause?: { code?: string; message?: string } };
  const frames = (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n');
  if (typeof e.query === 'string' && 'params' in e) {
    return { name: e.name, query: e.query, code: e.cause?.code, message: e.cause?.message?.replace(QUOTED_VALUE, '"…"'), stack: frames };
  }
  return { name: e.name, code: e.cause?.code, message: e.message?.replace(QUOTED_VALUE, '"…"'), stack: frames };
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  render(res, 'platform/error', { title: 'Page not found', message: 'If you typed the web address, check it is correct.' }, 404);
};

export function errorHandler(logger: Logger, development: boolean): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof NotFoundError) return notFoundHandler(req, res, _next);
    if (error instanceof ForbiddenError) {
      return render(res, 'platform/error', { title: 'You cannot see this page', message: error.message }, 403);
    }
    if (error instanceof CsrfError) {
      return render(
        res,
        'platform/error',
        { title: 'Your request could not be accepted', message: 'The form had expired or did not come from Sightline. Go back, reload the page and try again.' },
        403,
      );
    }
    if (error instanceof multer.MulterError) {
      const tooLarge = error.code === 'LIMIT_FILE_SIZE';
      return render(
        res,
        'platform/error',
        { title: tooLarge ? 'The file is too large' : 'The upload could not be accepted', message: tooLarge ? 'Choose a smaller file and try again.' : 'Check the form and try again.' },
        tooLarge ? 413 : 400,
      );
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : undefined;
    if (status) {
      // Body-parser and similar client errors: too large, malformed, unsupported.
      return render(res, 'platform/error', { title: 'Your request could not be accepted', message: error.expose ? error.message : 'The request was not valid.' }, status);
    }
    if (isDatabaseUnavailable(error)) {
      logger.error({ reqId: res.locals.requestId, err: { message: 'database unavailable' } }, 'database unavailable');
      res.setHeader('Retry-After', '30');
      return render(res, 'platform/error', { title: 'Sorry, Sightline is unavailable', message: 'The database cannot be reached. Nothing you sent has been saved. Try again in a few minutes.' }, 503);
    }
    logger.error({ reqId: res.locals.requestId, err: loggableError(error) }, 'unhandled error');
    render(
      res,
      'platform/error',
      {
        title: 'Sorry, there is a problem with Sightline',
        message: `Try again later. If it keeps happening, tell your administrator the reference ${res.locals.requestId}.`,
        detail: development ? String(error?.stack ?? error) : undefined,
      },
      500,
    );
  };
}
