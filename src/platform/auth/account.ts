/**
 * A person's own account: confirming who they are before a change that touches how they sign in
 * (ASVS V7.5.1), changing their password (V6.2.2, V6.2.3), and seeing and ending their own
 * sessions (V7.5.2). Every function works on the actor's own account and nobody else's.
 */
import crypto from 'node:crypto';
import { and, desc, eq, gt, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisations, users } from '../../org/schema.ts';
import { notifyAndEmail } from '../notify/email/outbox.ts';
import { NotFoundError, type Actor } from './actor.ts';
import { contextWords, passwordProblem } from './password-rules.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { sessions } from './schema.ts';
import { ABSOLUTE_TIMEOUT_MS, hashToken, IDLE_TIMEOUT_MS } from './sessions.ts';
import { accountKeyOf, forgetWrongGuesses, guessingAllowed, recordWrongGuess, sourceKeyOf } from './sign-in.ts';
import { acceptSecondFactor, requiresSecondFactor, secondFactorAccountKey } from './totp/service.ts';
import { describeDevice } from './devices.ts';

/** What the person typed to prove it is them: their password, and a code when they have an app. */
export interface Credentials {
  password: string;
  code?: string | undefined;
}

export type IdentityCheck =
  | { ok: true }
  /** `field`: where the person should look. */
  | { ok: false; field: 'password' | 'code'; message: string; retryAfterSeconds?: number };

const tooMany = (retryAfterSeconds: number, field: 'password' | 'code'): IdentityCheck => {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return { ok: false, field, message: `Too many attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, retryAfterSeconds };
};

/** Whether the person has a password here at all: someone who signs in through the council's provider has none. */
export async function hasLocalPassword(db: Db, actor: Actor): Promise<boolean> {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  return Boolean(user?.passwordHash);
}

/**
 * Re-authentication while signed in. Wrong passwords count towards the same throttle as at
 * sign-in (same keys: the person's e-mail and the source address), and wrong codes towards the
 * code step's, so an open session gives no extra guesses at either.
 */
export async function confirmIdentity(db: Db, actor: Actor, credentials: Credentials, input: { sourceAddress: string; secretKey: () => Promise<Buffer> }, now = new Date()): Promise<IdentityCheck> {
  const [user] = await db.select({ passwordHash: users.passwordHash, email: users.email }).from(users).where(eq(users.id, actor.userId));
  if (!user?.passwordHash) return { ok: false, field: 'password', message: 'Your council account’s sign-in looks after your password' };
  const sourceKey = sourceKeyOf(input.sourceAddress);
  const accountKey = accountKeyOf(user.email);
  const allowed = await guessingAllowed(db, accountKey, sourceKey, now);
  if (!allowed.allowed) return tooMany(allowed.retryAfterSeconds, 'password');
  if (!(await verifyPassword(user.passwordHash, credentials.password))) {
    await recordWrongGuess(db, accountKey, sourceKey, now);
    return { ok: false, field: 'password', message: 'Your password is not right' };
  }
  await forgetWrongGuesses(db, accountKey, sourceKey);
  if (!(await requiresSecondFactor(db, actor.userId))) return { ok: true };

  const codeKey = secondFactorAccountKey(actor.userId);
  const codeAllowed = await guessingAllowed(db, codeKey, sourceKey, now);
  if (!codeAllowed.allowed) return tooMany(codeAllowed.retryAfterSeconds, 'code');
  const code = credentials.code?.trim() ?? '';
  if (!code) return { ok: false, field: 'code', message: 'Enter the code from your authenticator app, or a recovery code' };
  if (!(await acceptSecondFactor(db, await input.secretKey(), actor.userId, code, now))) {
    await recordWrongGuess(db, codeKey, sourceKey, now);
    return { ok: false, field: 'code', message: 'Enter a correct code: codes can be used only once' };
  }
  await forgetWrongGuesses(db, codeKey, sourceKey);
  return { ok: true };
}

export type PasswordChange = { ok: true } | { ok: false; field: 'currentPassword' | 'newPassword'; message: string; retryAfterSeconds?: number };

/**
 * The current password proves it is the person (V6.2.3); the new one must pass the password
 * rules. On success every other session of theirs ends (V7.4.3: whoever knew the old password
 * may be signed in with it), and they are told in Sightline and by e-mail, so a change they did
 * not make does not go unnoticed. The e-mail says only that the password changed.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; sourceAddress: string; keepSessionToken: string | undefined },
  now = new Date(),
): Promise<PasswordChange> {
  const [user] = await db
    .select({ passwordHash: users.passwordHash, email: users.email, displayName: users.displayName, council: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, actor.userId));
  if (!user) throw new NotFoundError();
  if (!user.passwordHash) return { ok: false, field: 'currentPassword', message: 'Your council account’s sign-in looks after your password: change it there' };

  const sourceKey = sourceKeyOf(input.sourceAddress);
  const accountKey = accountKeyOf(user.email);
  const allowed = await guessingAllowed(db, accountKey, sourceKey, now);
  if (!allowed.allowed) {
    const minutes = Math.max(1, Math.ceil(allowed.retryAfterSeconds / 60));
    return { ok: false, field: 'currentPassword', message: `Too many attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, retryAfterSeconds: allowed.retryAfterSeconds };
  }
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordWrongGuess(db, accountKey, sourceKey, now);
    return { ok: false, field: 'currentPassword', message: 'Your current password is not right' };
  }
  await forgetWrongGuesses(db, accountKey, sourceKey);
  if (input.newPassword === input.currentPassword) return { ok: false, field: 'newPassword', message: 'Choose a new password that is different from your current one' };
  const problem = passwordProblem(input.newPassword, contextWords([user.displayName, user.email, user.council]));
  if (problem) return { ok: false, field: 'newPassword', message: problem };

  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    // Their own password now: a temporary one an administrator set is replaced (V6.4.1).
    await tx.update(users).set({ passwordHash, temporaryPasswordExpiresAt: null }).where(eq(users.id, actor.userId));
    await tx.delete(sessions).where(and(eq(sessions.userId, actor.userId), input.keepSessionToken ? ne(sessions.idHash, hashToken(input.keepSessionToken)) : undefined));
    await notifyAndEmail(tx, {
      organisationId: actor.organisationId,
      userIds: [actor.userId],
      kind: 'password-changed',
      title: 'Your Sightline password was changed',
      body: 'You were signed out everywhere else. If you did not change it, tell your Sightline administrator now.',
      emailBody: 'The password of your Sightline account was changed, and you were signed out everywhere else. If you did not change it, tell your Sightline administrator now.',
      link: '/account/sessions',
      reference: 'Password changed',
      dedupeKey: `password-changed:${crypto.randomUUID()}`,
    });
  });
  return { ok: true };
}

/** Records how the new session's browser describes itself, coarsely, for the session list. */
export async function describeSession(db: Db, token: string, userAgent: string | undefined): Promise<void> {
  await db.update(sessions).set({ device: describeDevice(userAgent) }).where(eq(sessions.idHash, hashToken(token)));
}

export interface OwnSession {
  id: string;
  device: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** The actor's sessions still in use (expired ones are only waiting to be purged), newest use first. */
export async function listOwnSessions(db: Db, actor: Actor, currentToken: string | undefined, now = new Date()): Promise<OwnSession[]> {
  const currentHash = currentToken ? hashToken(currentToken) : undefined;
  const rows = await db
    .select({ id: sessions.publicId, idHash: sessions.idHash, device: sessions.device, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, actor.userId),
        gt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
        gt(sessions.createdAt, new Date(now.getTime() - ABSOLUTE_TIMEOUT_MS)),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
  return rows
    .map((r) => ({ id: r.id, device: r.device ?? 'An unrecognised browser', createdAt: r.createdAt, lastSeenAt: r.lastSeenAt, current: r.idHash === currentHash }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ends one of the actor's other sessions, or all of them (`'others'`). Only the actor's own:
 * another person's session id matches nothing here. The session in use is never ended this way
 * (that is signing out). Returns how many ended.
 */
export async function endOwnSessions(db: Db, actor: Actor, which: string, currentToken: string | undefined): Promise<number> {
  if (which !== 'others' && !SESSION_ID.test(which)) return 0;
  const keep = currentToken ? ne(sessions.idHash, hashToken(currentToken)) : undefined;
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, actor.userId), keep, which === 'others' ? undefined : eq(sessions.publicId, which)))
    .returning({ id: sessions.publicId });
  return ended.length;
}
