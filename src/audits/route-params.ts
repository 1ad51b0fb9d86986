/** Reading an audit's id from the path, shared by the audit pages and the partner pages. */
import type { NextFunction, Request } from 'express';
import { z } from 'zod';

const Id = z.uuid();

/**
 * The audit id of the path. Anything else is not one of these pages: other audit pages
 * (programme, moderation) share the /audits prefix, so the request moves on to them.
 */
export function auditIdOf(req: Request, next: NextFunction): string | undefined {
  const parsed = Id.safeParse(req.params.auditId);
  if (!parsed.success) {
    next('route');
    return undefined;
  }
  return parsed.data;
}
