/**
 * Inspection rehearsals: rounds drawn the way an inspector samples cases (by case type, across
 * teams), allocated as ordinary audits, and reported on as their moderations come in. The round,
 * its programme and its audits are the audit programme's own records; this only marks a round as
 * a rehearsal and keeps what was asked for.
 */
import { index, integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../org/schema.ts';
import { programmes, rounds } from '../audits/schema.ts';

export const rehearsals = pgTable(
  'insight_rehearsals',
  {
    roundId: uuid('round_id')
      .primaryKey()
      .references(() => rounds.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id),
    /** The case types sampled, each in proportion to its share of the eligible cases. */
    caseTypes: jsonb('case_types').$type<string[]>().notNull(),
    sampleSize: integer('sample_size').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('insight_rehearsals_org').on(t.organisationId, t.createdAt)],
);
