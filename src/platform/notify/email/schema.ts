/**
 * The e-mail outbox. A message is written in the same transaction as the event it tells of, and
 * a job delivers it; the (person, dedupe key) pair is unique, so an event e-mails a person once.
 */
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const EMAIL_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

export const emailMessages = pgTable(
  'email_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull(),
    userId: uuid('user_id').notNull(),
    toAddress: text('to_address').notNull(),
    /** action-assigned, action-reminder, action-escalated, … */
    kind: text('kind').notNull(),
    /** Subject and body never hold a child's name: a reference and a link only. */
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** A path inside Sightline; the transport makes it absolute. */
    link: text('link').notNull(),
    /** What the message is about, for the recipient to quote: "A-42". */
    reference: text('reference').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    status: text('status', { enum: EMAIL_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    lastError: text('last_error'),
    /** smtp, notify or file, and that transport's id for the message. */
    transport: text('transport'),
    providerId: text('provider_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('email_messages_dedupe').on(t.userId, t.dedupeKey), index('email_messages_due').on(t.status, t.nextAttemptAt)],
);
