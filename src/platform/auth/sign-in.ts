/** Checking a password, with throttling that slows guessing but never locks a user out. */
import crypto from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { users } from '../../org/schema.ts';
import { verifyPassword } from './passwords.ts';
import { signInFailures } from './schema.ts';
import { createSession } from './sessions.ts';
import { temporaryPasswordExpired } from './temporary-passwords.ts';
import { decideThrottle, WINDOW_SECONDS, type ThrottleDecision } from './throttle.ts';
import { createChallenge, requiresSecondFactor } from './totp/service.ts';

export type SignInResult =
  | { ok: true; next: 'session'; token: string; userId: string }
  /** The password was right and the account has an authenticator app: the code comes next. */
  | { ok: true; next: 'second-factor'; challengeToken: string; userId: string }
  | { ok: false; reason: 'invalid' }
  /** The right password, but a temporary one that was not replaced in time: only the administrator can help. */
  | { ok: false; reason: 'temporary-password-expired' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

const key = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

/**
 * Guesses at a person's password are counted under these keys wherever they are made (signing
 * in, or confirming who they are on an account page), so a second door gives no extra guesses.
 */
export const accountKeyOf = (email: string) => key(email.trim().toLowerCase());
export const sourceKeyOf = (sourceAddress: string) => key(sourceAddress);

export async function guessingAllowed(db: Db, accountKey: string, sourceKey: string, now: Date): Promise<ThrottleDecision> {
  const since = new Date(now.getTime() - WINDOW_SECONDS * 1000);
  const recent = await db
    .select({ accountKey: signInFailures.accountKey, at: signInFailures.at })
    .from(signInFailures)
    .where(and(eq(signInFailures.sourceKey, sourceKey), gt(signInFailures.at, since)));
  return decideThrottle(
    recent.filter((f) => f.accountKey === accountKey).map((f) => f.at.getTime()),
    recent.map((f) => f.at.getTime()),
    now.getTime(),
  );
}

export async function recordWrongGuess(db: Db, accountKey: string, sourceKey: string, now: Date): Promise<void> {
  await db.insert(signInFailures).values({ accountKey, sourceKey, at: now });
  await db.delete(signInFailures).where(lt(signInFailures.at, new Date(now.getTime() - WINDOW_SECONDS * 1000)));
}

export async function forgetWrongGuesses(db: Db, accountKey: string, sourceKey: string): Promise<void> {
  await db.delete(signInFailures).where(and(eq(signInFailures.accountKey, accountKey), eq(signInFailures.sourceKey, sourceKey)));
}

export async function signIn(
  db: Db,
  input: { email: string; password: string; sourceAddress: string; returnTo?: string | undefined },
  now = new Date(),
): Promise<SignInResult> {
  const accountKey = accountKeyOf(input.email);
  const sourceKey = sourceKeyOf(input.sourceAddress);
  const decision = await guessingAllowed(db, accountKey, sourceKey, now);
  if (!decision.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };

  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt, temporaryPasswordExpiresAt: users.temporaryPasswordExpiresAt })
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.trim().toLowerCase()));
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid || user.disabledAt) {
    await recordWrongGuess(db, accountKey, sourceKey, now);
    return { ok: false, reason: 'invalid' };
  }
  await forgetWrongGuesses(db, accountKey, sourceKey);
  // Said only to someone who gave the right password, so it tells a guesser nothing.
  if (temporaryPasswordExpired(user.temporaryPasswordExpiresAt, now)) return { ok: false, reason: 'temporary-password-expired' };
  if (await requiresSecondFactor(db, user.id)) {
    return { ok: true, next: 'second-factor', challengeToken: await createChallenge(db, user.id, input.returnTo, now), userId: user.id };
  }
  return { ok: true, next: 'session', token: await createSession(db, user.id, now), userId: user.id };
}
