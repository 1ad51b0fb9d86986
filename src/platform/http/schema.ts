/** What the web layer itself keeps: the forms already sent, so a form sent twice runs once. */
import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../org/schema.ts';

/**
 * One row per form a signed-in person sent with its single-use submission id (see replay.ts).
 * The fingerprint covers the id, the path and what was sent, never the values themselves; the
 * location is where the first sending led, and stays null while it is still being handled.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    fingerprint: text('fingerprint').notNull(),
    location: text('location'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.fingerprint] })],
);
