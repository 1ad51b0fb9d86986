/**
 * Two-factor sign-in for local accounts: setting up an authenticator app, answering the code
 * after the password, recovery codes, and an administrator's reset.
 */
import crypto from 'node:crypto';
import { and, count, eq, gt, isNotNull, isNull, lt, ne, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { notifyAndEmail } from '../../notify/email/outbox.ts';
import { users } from '../../../org/schema.ts';
import { NotFoundError, requireCapability, type Actor } from '../actor.ts';
import { sessions, signInFailures } from '../schema.ts';
import { createSession, hashToken } from '../sessions.ts';
import { decideThrottle, WINDOW_SECONDS } from '../throttle.ts';
import { hashRecoveryCode, looksLikeTotpCode, matchingStep, newRecoveryCodes, newSecret } from './codes.ts';
import { openSecret, sealSecret } from './sealing.ts';
import { secondFactorChallenges, totpCredentials, totpRecoveryCodes } from './schema.ts';

/** Long enough to find the phone and type the code; short enough that a stolen one is useless. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export interface TwoFactorStatus {
  /** Local accounts only: someone who signs in through the council's provider has no password here. */
  hasPassword: boolean;
  enrolled: boolean;
  confirmedAt: Date | null;
  /** Set-up started (in any session) and waiting for the first code. */
  pending: boolean;
  /** Set-up started in the session asking, the only one that may see the key and confirm it. */
  pendingHere: boolean;
  recoveryCodesLeft: number;
}

/** `sessionToken`: the session asking, for `pendingHere` (an administrator's view passes none). */
export async function twoFactorStatus(db: Db, userId: string, sessionToken?: string): Promise<TwoFactorStatus> {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (!user) throw new NotFoundError();
  const [credential] = await db
    .select({ confirmedAt: totpCredentials.confirmedAt, setupSessionHash: totpCredentials.setupSessionHash })
    .from(totpCredentials)
    .where(eq(totpCredentials.userId, userId));
  const [left] = await db
    .select({ n: count() })
    .from(totpRecoveryCodes)
    .where(and(eq(totpRecoveryCodes.userId, userId), isNull(totpRecoveryCodes.usedAt)));
  return {
    hasPassword: user.passwordHash !== null,
    enrolled: Boolean(credential?.confirmedAt),
    confirmedAt: credential?.confirmedAt ?? null,
    pending: Boolean(credential && !credential.confirmedAt),
    pendingHere: Boolean(credential && !credential.confirmedAt && sessionToken && credential.setupSessionHash === hashToken(sessionToken)),
    recoveryCodesLeft: credential?.confirmedAt ? Number(left?.n ?? 0) : 0,
  };
}

export class TwoFactorStateError extends Error {}

/**
 * Starts (or restarts) set-up with a new secret, bound to the session doing it. Refused once a
 * confirmed app is in place. Starting again from another session replaces the secret, so a key
 * seen anywhere else stops being the one that will be confirmed.
 */
export async function beginSetup(db: Db, actor: Actor, key: Buffer, sessionToken: string, now = new Date()): Promise<void> {
  const status = await twoFactorStatus(db, actor.userId);
  if (!status.hasPassword) throw new TwoFactorStateError('Your council account\'s sign-in handles the second step.');
  if (status.enrolled) throw new TwoFactorStateError('An authenticator app is already set up.');
  const secretSealed = sealSecret(key, actor.userId, newSecret());
  const setupSessionHash = hashToken(sessionToken);
  await db
    .insert(totpCredentials)
    .values({ userId: actor.userId, secretSealed, setupSessionHash, createdAt: now })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: { secretSealed, setupSessionHash, createdAt: now, lastStep: null }, where: isNull(totpCredentials.confirmedAt) });
}

/** The secret being set up, to show as a QR code and key: only to the session setting it up, and never once it is confirmed. */
export async function pendingSecret(db: Db, actor: Actor, key: Buffer, sessionToken: string): Promise<string | undefined> {
  const [row] = await db
    .select({ secretSealed: totpCredentials.secretSealed })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, actor.userId), isNull(totpCredentials.confirmedAt), eq(totpCredentials.setupSessionHash, hashToken(sessionToken))));
  return row ? openSecret(key, actor.userId, row.secretSealed) : undefined;
}

/**
 * The first code proves the app holds the secret. Then the credential is confirmed and ten
 * recovery codes are made: returned here to show once, stored only as hashes. The person's other
 * sessions end (ASVS V7.4.3): one opened with the password alone, perhaps by whoever knew it, does
 * not outlive the new factor. `sessionToken` is the session doing the set-up.
 */
export async function confirmSetup(db: Db, actor: Actor, key: Buffer, code: string, sessionToken: string, now = new Date()): Promise<string[] | undefined> {
  const secret = await pendingSecret(db, actor, key, sessionToken);
  if (!secret) throw new TwoFactorStateError('There is no set-up waiting for a code.');
  const step = matchingStep(secret, code, now);
  if (step === undefined) return undefined;
  return db.transaction(async (tx) => {
    const confirmed = await tx
      .update(totpCredentials)
      .set({ confirmedAt: now, lastStep: step })
      .where(and(eq(totpCredentials.userId, actor.userId), isNull(totpCredentials.confirmedAt), eq(totpCredentials.setupSessionHash, hashToken(sessionToken))))
      .returning({ userId: totpCredentials.userId });
    if (confirmed.length === 0) throw new TwoFactorStateError('There is no set-up waiting for a code.');
    const codes = newRecoveryCodes();
    await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, actor.userId));
    await tx.insert(totpRecoveryCodes).values(codes.map((c) => ({ userId: actor.userId, codeHash: hashRecoveryCode(c), createdAt: now })));
    await tx.delete(sessions).where(and(eq(sessions.userId, actor.userId), ne(sessions.idHash, hashToken(sessionToken))));
    return codes;
  });
}

/**
 * New recovery codes for someone whose app is set up (the old ones used up, lost or seen by
 * someone else): every old code stops working at once, the ten new ones are returned to show
 * once. The person is told by notice and e-mail, in case it was not them.
 */
export async function replaceRecoveryCodes(db: Db, actor: Actor, now = new Date()): Promise<string[]> {
  if (!(await requiresSecondFactor(db, actor.userId))) throw new TwoFactorStateError('Set up an authenticator app first: recovery codes come with it.');
  const codes = newRecoveryCodes();
  await db.transaction(async (tx) => {
    await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, actor.userId));
    await tx.insert(totpRecoveryCodes).values(codes.map((c) => ({ userId: actor.userId, codeHash: hashRecoveryCode(c), createdAt: now })));
    await notifyAndEmail(tx, {
      organisationId: actor.organisationId,
      userIds: [actor.userId],
      kind: 'recovery-codes-replaced',
      title: 'You have new recovery codes',
      body: 'Your old recovery codes no longer work. If you did not ask for new ones, tell your Sightline administrator now.',
      emailBody: 'New recovery codes were made for your Sightline account, and the old ones no longer work. If you did not ask for them, tell your Sightline administrator now.',
      link: '/account/two-factor',
      reference: 'Recovery codes replaced',
      dedupeKey: `recovery-codes-replaced:${crypto.randomUUID()}`,
    });
  });
  return codes;
}

/**
 * An administrator removes a user's app and recovery codes (a lost phone): they set it up again.
 * Their sessions end too: a lost phone may be in someone else's hands, signed in.
 */
export async function resetTwoFactor(db: Db, actor: Actor, userId: string): Promise<void> {
  requireCapability(actor, 'org.manage');
  const [user] = await db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), eq(users.organisationId, actor.organisationId)));
  if (!user) throw new NotFoundError();
  await db.transaction(async (tx) => {
    await tx.delete(secondFactorChallenges).where(eq(secondFactorChallenges.userId, userId));
    await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
    await tx.delete(totpCredentials).where(eq(totpCredentials.userId, userId));
    await tx.delete(sessions).where(eq(sessions.userId, userId));
  });
}

export async function requiresSecondFactor(db: Db, userId: string): Promise<boolean> {
  const rows = await db
    .select({ userId: totpCredentials.userId })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)));
  return rows.length > 0;
}

/** Password accepted: a token for the code step, which is all it opens. */
export async function createChallenge(db: Db, userId: string, returnTo: string | undefined, now = new Date()): Promise<string> {
  await db.delete(secondFactorChallenges).where(lt(secondFactorChallenges.createdAt, new Date(now.getTime() - CHALLENGE_TTL_MS)));
  const token = crypto.randomBytes(32).toString('base64url');
  await db.insert(secondFactorChallenges).values({ idHash: hashToken(token), userId, returnTo: returnTo ?? null, createdAt: now });
  return token;
}

export async function challengeIsLive(db: Db, token: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .select({ userId: secondFactorChallenges.userId })
    .from(secondFactorChallenges)
    .where(and(eq(secondFactorChallenges.idHash, hashToken(token)), gt(secondFactorChallenges.createdAt, new Date(now.getTime() - CHALLENGE_TTL_MS))));
  return rows.length > 0;
}

export type SecondFactorResult =
  | { ok: true; token: string; userId: string; returnTo: string | undefined; usedRecoveryCode: boolean }
  | { ok: false; reason: 'expired' | 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

const key = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

/**
 * A six-digit code from the app, or a recovery code. Wrong answers count towards the same
 * throttle as wrong passwords (per account and address, never a lock-out), under a key of their
 * own so a password typed right does not wipe them.
 */
export async function answerChallenge(
  db: Db,
  secretKey: Buffer,
  input: { challengeToken: string; code: string; sourceAddress: string },
  now = new Date(),
): Promise<SecondFactorResult> {
  const idHash = hashToken(input.challengeToken);
  const [challenge] = await db
    .select({ userId: secondFactorChallenges.userId, returnTo: secondFactorChallenges.returnTo })
    .from(secondFactorChallenges)
    .where(and(eq(secondFactorChallenges.idHash, idHash), gt(secondFactorChallenges.createdAt, new Date(now.getTime() - CHALLENGE_TTL_MS))));
  if (!challenge) return { ok: false, reason: 'expired' };

  const accountKey = secondFactorAccountKey(challenge.userId);
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

  const usedRecoveryCode = !looksLikeTotpCode(input.code);
  const accepted = usedRecoveryCode
    ? await spendRecoveryCode(db, challenge.userId, input.code, now)
    : await acceptCode(db, secretKey, challenge.userId, input.code, now);
  if (!accepted) {
    await db.insert(signInFailures).values({ accountKey, sourceKey, at: now });
    return { ok: false, reason: 'invalid' };
  }

  // The challenge is spent whoever gets here first; a second tab with the same cookie gets nothing.
  const spent = await db.delete(secondFactorChallenges).where(eq(secondFactorChallenges.idHash, idHash)).returning({ userId: secondFactorChallenges.userId });
  if (spent.length === 0) return { ok: false, reason: 'expired' };
  await db.delete(signInFailures).where(and(eq(signInFailures.accountKey, accountKey), eq(signInFailures.sourceKey, sourceKey)));
  return { ok: true, token: await createSession(db, challenge.userId, now), userId: challenge.userId, returnTo: challenge.returnTo ?? undefined, usedRecoveryCode };
}

/** Where wrong codes are counted, by person: the same count at sign-in and on the account pages. */
export const secondFactorAccountKey = (userId: string) => key(`second-factor:${userId}`);

/**
 * A signed-in person confirming who they are (ASVS V7.5.1): a code from their app, or one of
 * their recovery codes, used up as at sign-in.
 */
export async function acceptSecondFactor(db: Db, secretKey: Buffer, userId: string, code: string, now = new Date()): Promise<boolean> {
  return looksLikeTotpCode(code) ? acceptCode(db, secretKey, userId, code, now) : spendRecoveryCode(db, userId, code, now);
}

/** Accepts a code only for a step later than the last one accepted (the update is the check, so two racing requests cannot both win). */
async function acceptCode(db: Db, secretKey: Buffer, userId: string, code: string, now: Date): Promise<boolean> {
  const [credential] = await db
    .select({ secretSealed: totpCredentials.secretSealed })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)));
  if (!credential) return false;
  let secret: string;
  try {
    secret = openSecret(secretKey, userId, credential.secretSealed);
  } catch {
    // Sealed under another key (TOTP_ENCRYPTION_KEY changed): no code can match; an administrator resets it.
    return false;
  }
  const step = matchingStep(secret, code, now);
  if (step === undefined) return false;
  const updated = await db
    .update(totpCredentials)
    .set({ lastStep: step })
    .where(and(eq(totpCredentials.userId, userId), or(isNull(totpCredentials.lastStep), lt(totpCredentials.lastStep, step))))
    .returning({ userId: totpCredentials.userId });
  return updated.length > 0;
}

async function spendRecoveryCode(db: Db, userId: string, code: string, now: Date): Promise<boolean> {
  const spent = await db
    .update(totpRecoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(totpRecoveryCodes.userId, userId), eq(totpRecoveryCodes.codeHash, hashRecoveryCode(code)), isNull(totpRecoveryCodes.usedAt)))
    .returning({ id: totpRecoveryCodes.id });
  return spent.length > 0;
}
