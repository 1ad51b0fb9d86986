/**
 * Server-side sessions in the database (the same on PGlite and PostgreSQL). The cookie holds a
 * random token; the table holds only its SHA-256, so reading the table gives no live session.
 * Sessions end after 30 minutes idle or 12 hours in all, and at once when the user is disabled.
 */
import crypto from 'node:crypto';
import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { userRoles, users } from '../../org/schema.ts';
import type { Actor } from './actor.ts';
import { isRole } from './roles.ts';
import { sessions } from './schema.ts';
import { temporaryPasswordExpired } from './temporary-passwords.ts';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Db, userId: string, now = new Date()): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.insert(sessions).values({ idHash: hashToken(token), userId, createdAt: now, lastSeenAt: now });
  return token;
}

export interface LoadedSession {
  idHash: string;
  actor: Actor;
  /** Signed in with a temporary password: only changing it (or signing out) is allowed. */
  mustChangePassword: boolean;
}

/** The session's actor, or undefined when the token is unknown, expired or its user disabled. */
export async function loadSession(db: Db, token: string, now = new Date()): Promise<LoadedSession | undefined> {
  const idHash = hashToken(token);
  const [row] = await db
    .select({
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      userId: users.id,
      organisationId: users.organisationId,
      displayName: users.displayName,
      email: users.email,
      teamId: users.teamId,
      disabledAt: users.disabledAt,
      temporaryPasswordExpiresAt: users.temporaryPasswordExpiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  if (!row) return undefined;
  const expired =
    now.getTime() - row.lastSeenAt.getTime() > IDLE_TIMEOUT_MS || now.getTime() - row.createdAt.getTime() > ABSOLUTE_TIMEOUT_MS;
  if (expired || row.disabledAt || temporaryPasswordExpired(row.temporaryPasswordExpiresAt, now)) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return undefined;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
  }
  const roles = await db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(and(eq(userRoles.userId, row.userId), eq(userRoles.active, true)));
  return {
    idHash,
    actor: {
      userId: row.userId,
      organisationId: row.organisationId,
      displayName: row.displayName,
      email: row.email,
      teamId: row.teamId,
      roles: roles.map((r) => r.role).filter(isRole),
      asOf: now,
    },
    mustChangePassword: row.temporaryPasswordExpiresAt !== null,
  };
}

export async function destroySession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, hashToken(token)));
}

export async function destroyUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Housekeeping: remove sessions that can no longer be used. */
export async function purgeExpiredSessions(db: Db, now = new Date()): Promise<void> {
  await db
    .delete(sessions)
    .where(
      or(
        lt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
        lt(sessions.createdAt, new Date(now.getTime() - ABSOLUTE_TIMEOUT_MS)),
      ),
    );
}

