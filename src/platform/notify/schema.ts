/** In-app notifications: what each person needs to know, until they have read it. */
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** What kind of event: audit-allocated, safeguarding-alert, action-overdue, … */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    /** A path inside Sightline, never an outside address. */
    link: text('link'),
    /**
     * The same event never notifies the same person twice: a job that runs again, or a form
     * submitted twice, finds the key already there.
     */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('notifications_dedupe').on(t.userId, t.dedupeKey), index('notifications_unread').on(t.userId, t.readAt)],
);
