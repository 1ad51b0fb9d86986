/** Second factor for local accounts: authenticator-app secrets, recovery codes, half-signed-in states. */
import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../../org/schema.ts';

export const totpCredentials = pgTable('totp_credentials', {
  userId: uuid('user_id').primaryKey().references(() => users.id),
  /** AES-256-GCM sealed; the plain secret is shown only while setting up, before confirmation. */
  secretSealed: text('secret_sealed').notNull(),
  /** Null while set-up waits for the first code; only confirmed credentials are asked for. */
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** The last 30-second step a code was accepted for: a code is never accepted twice. */
  lastStep: bigint('last_step', { mode: 'number' }),
  /**
   * SHA-256 of the session that started the set-up: only that session is shown the secret or may
   * confirm it, so another session of the same account (perhaps someone who knew the password)
   * cannot copy the new second factor while it is being set up.
   */
  setupSessionHash: text('setup_session_hash'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const totpRecoveryCodes = pgTable(
  'totp_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** SHA-256 of the code: the codes carry 50 random bits each, so a fast hash is enough. */
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('totp_recovery_codes_user').on(t.userId)],
);

/**
 * Password accepted, code not yet given. Not a session: it opens no page but the code form,
 * lives five minutes, and is keyed by the SHA-256 of its own cookie.
 */
export const secondFactorChallenges = pgTable('second_factor_challenges', {
  idHash: text('id_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id),
  returnTo: text('return_to'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
