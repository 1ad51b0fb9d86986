/**
 * Children whose cases Sightline knows about: imported from the council's extracts, or added by
 * hand by a QA officer when no extract exists yet. Events and deadlines hang off these rows.
 */
import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations, teams, users } from '../org/schema.ts';

export const children = pgTable(
  'children',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    /** The council's own identifier (LA child ID / PersonID): how extracts and people name the child. */
    childRef: text('child_ref').notNull(),
    /** Shown only on pages about this child, never in logs or aggregate views. */
    name: text('name'),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    gender: text('gender'),
    /** cin, cp, cla, care-leaver, early-help, adoption, pre-birth: the child's current status. */
    caseType: text('case_type'),
    teamId: uuid('team_id').references(() => teams.id),
    /** The allocated practitioner. */
    workerId: uuid('worker_id').references(() => users.id),
    source: text('source', { enum: ['manual', 'import'] }).notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('children_org_ref').on(t.organisationId, sql`lower(${t.childRef})`),
    index('children_team').on(t.teamId),
    index('children_worker').on(t.workerId),
  ],
);
