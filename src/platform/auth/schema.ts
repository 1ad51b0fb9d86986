/** Sessions, sign-in throttling and the application's own secrets. */
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../org/schema.ts';

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked table does not hand out live sessions. */
    idHash: text('id_hash').primaryKey(),
    /** What the person's own session list names a session by: not the token, nor its hash. */
    publicId: uuid('public_id').notNull().unique().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** "Firefox on Windows": a coarse description for the session list, never the full user-agent string. */
    device: text('device'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Hashes, not the address and e-mail themselves: this table is about counting, not people. */
    accountKey: text('account_key').notNull(),
    sourceKey: text('source_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sign_in_failures_pair').on(t.accountKey, t.sourceKey, t.at), index('sign_in_failures_source').on(t.sourceKey, t.at)],
);

export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
