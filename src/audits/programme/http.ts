/** What the audit programme's routes and services (programme, moderation, disputes, themes) share. */
import type { Request } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../platform/http/errors.ts';
import { IllegalMoveError } from '../lifecycle.ts';

const Id = z.uuid();

/** A path parameter that must be an id; anything else is a page that does not exist. */
export function idParam(req: Request, name: string): string {
  const parsed = Id.safeParse(req.params[name]);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/** The version a form was loaded at (0 for settings never saved); missing means a broken form. */
export const VersionField = z.object({
  version: z
    .string({ error: 'Reload the page and try again' })
    .regex(/^\d{1,9}$/, 'Reload the page and try again')
    .transform(Number),
});

/**
 * The audit (or dispute) is not in a state that allows what was asked, usually because someone
 * else moved it on first. The error page shows the message with status 409, as the platform's
 * error handler does for any error carrying a client status.
 */
export class StateError extends Error {
  readonly status = 409;
  readonly expose = true;
}

/** Runs a lifecycle move, turning an illegal move into a StateError a person can read. */
export async function lifecycleMove<T>(move: () => Promise<T>): Promise<T> {
  try {
    return await move();
  } catch (error) {
    if (error instanceof IllegalMoveError) throw new StateError(`${error.message} Someone may have moved it on already: reload the page to see where it is now.`);
    throw error;
  }
}
