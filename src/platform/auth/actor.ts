/**
 * The signed-in person as services see them, and the permission checks every service makes.
 * Routes check too, but a service never trusts that its caller did.
 */
import { CAPABILITIES, type Capability, type Role } from './roles.ts';

export interface Actor {
  userId: string;
  organisationId: string;
  displayName: string;
  email: string;
  roles: readonly Role[];
  teamId: string | null;
  /**
   * The moment of the request (the app's clock), for rules that depend on time: a restricted
   * record's grant or break-glass window is checked against it. Absent: the current time.
   */
  asOf?: Date;
}

export class ForbiddenError extends Error {
  constructor(message = 'You do not have permission to do that.') {
    super(message);
  }
}

export class NotFoundError extends Error {
  constructor(message = 'Page not found.') {
    super(message);
  }
}

export function can(actor: Actor | undefined, capability: Capability): boolean {
  if (!actor) return false;
  const granted: readonly Role[] = CAPABILITIES[capability];
  return actor.roles.some((role) => granted.includes(role));
}

export function requireCapability(actor: Actor | undefined, capability: Capability): asserts actor is Actor {
  if (!can(actor, capability)) throw new ForbiddenError();
}
