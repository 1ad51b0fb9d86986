/**
 * Who viewed or changed which record. Append-only: a migration installs triggers that refuse
 * UPDATE, DELETE and TRUNCATE, so not even a bug in our own code can rewrite history.
 */
import { bigserial, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const accessLog = pgTable(
  'access_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organisationId: uuid('organisation_id'),
    userId: uuid('user_id'),
    /** The role the user acted in (their most senior role relevant to the record). */
    role: text('role'),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    action: text('action').notNull(),
    requestId: text('request_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('access_log_record').on(t.recordType, t.recordId, t.at), index('access_log_user').on(t.userId, t.at)],
);
