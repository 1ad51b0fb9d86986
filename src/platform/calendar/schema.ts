/** Days a council closes besides bank holidays (e.g. between Christmas and New Year): not working days. */
import { date, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../../org/schema.ts';

export const calendarClosures = pgTable(
  'calendar_closures',
  {
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    date: date('date', { mode: 'string' }).notNull(),
    /** Why the council is closed, as shown to staff: "Christmas closure". */
    reason: text('reason').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.date] })],
);
