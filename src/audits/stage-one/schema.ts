/**
 * Stage 1 additions to the audit model: notes added to a safeguarding alert after it was raised.
 * An alert is never edited or cleared; what people learn or do later is added beside it.
 */
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../org/schema.ts';
import { safeguardingAlerts } from '../schema.ts';

export const safeguardingAlertNotes = pgTable(
  'safeguarding_alert_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => safeguardingAlerts.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    note: text('note').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('safeguarding_alert_notes_alert').on(t.alertId, t.at)],
);
