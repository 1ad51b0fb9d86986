/**
 * The Actor a person would be when signed in, read from the database: for the demo loader and
 * tests, which act as people without a session.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import { isRole } from '../platform/auth/roles.ts';
import { userRoles, users } from '../org/schema.ts';

export async function actorFor(db: Db, userId: string): Promise<Actor> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new Error(`no user ${userId}`);
  const roles = await db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.active, true)));
  return { userId, organisationId: user.organisationId, displayName: user.displayName, email: user.email, teamId: user.teamId, roles: roles.map((r) => r.role).filter(isRole) };
}
