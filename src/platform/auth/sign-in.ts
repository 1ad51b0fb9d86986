/** Checking a password, with throttling that slows guessing but never locks a user out. */
import crypto from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { users } from '../../org/schema.ts';
import { verifyPassword } from './passwords.ts';
import { signInFailures } from './schema.ts';
import { createSession } from './sessions.ts';
import { decideThrottle, WINDOW_SECONDS } from './throttle.ts';
import { createChallenge, requiresSecondFactor } from './totp/service.ts';

export type SignInResult =
  | { ok: true; next: 'session'; token: string; userId: string }
  /** The password was right and the account has an authenticator app: the code comes next. */
  | { ok: true; next: 'second-factor'; challengeToken: string; userId: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

const key = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

export async function signIn(
  db: Db,
  input: { email: string; password: string; sourceAddress: string; returnTo?: string | undefined },
  now = new Date(),
): Promise<SignInResult> {
  const accountKey = key(input.email.trim().toLowerCase());
  const sourceKey = key(input.sourceAddress);
  const since = new Date(now.getTime() - WINDOW_SECONDS * 1000);

  const recent = await db
    .select({ accountKey: signInFailures.accountKey, at: signInFailures.at })
    .from(signInFailures)
    .where(and(eq(signInFailures.sourceKey, sourceKey), gt(signInFailures.at, since)));
  const decision = decideThrottle(
    recent.filter((f) => f.accountKey === accountKey).map((f) => f.at.getTime()),
    recent.map((f) => f.at.getTime()),
    now.getTime(),
  );
  if (!decision.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };

  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.trim().toLowerCase()));
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid || user.disabledAt) {
    await db.insert(signInFailures).values({ accountKey, sourceKey, at: now });
    await db.delete(signInFailures).where(lt(signInFailures.at, since));
    return { ok: false, reason: 'invalid' };
  }
  await db.delete(signInFailures).where(and(eq(signInFailures.accountKey, accountKey), eq(signInFailures.sourceKey, sourceKey)));
  if (await requiresSecondFactor(db, user.id)) {
    return { ok: true, next: 'second-factor', challengeToken: await createChallenge(db, user.id, input.returnTo, now), userId: user.id };
  }
  return { ok: true, next: 'session', token: await createSession(db, user.id, now), userId: user.id };
}
