/**
 * How each programme draws and allocates its rounds (the sample, who audits, which cases), and
 * the record that a round has been allocated, so it is never allocated twice.
 */
import { integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../org/schema.ts';
import { programmes, rounds } from '../schema.ts';

export const programmePlans = pgTable('audit_programme_plans', {
  programmeId: uuid('programme_id')
    .primaryKey()
    .references(() => programmes.id),
  /** The people who audit for this programme (seed 002: every practice manager, monthly). */
  auditorIds: jsonb('auditor_ids').$type<string[]>().notNull(),
  /** Case types the programme samples from; empty means every case. */
  caseTypes: jsonb('case_types').$type<string[]>().notNull(),
  sampleSize: integer('sample_size').notNull(),
  /** A case audited this many months before the draw is left out (the 12 by default). */
  exclusionMonths: integer('exclusion_months').notNull().default(12),
  /** Working days from allocation to the audit's due date. */
  dueInWorkingDays: integer('due_in_working_days').notNull(),
  version: integer('version').notNull().default(1),
});

export const roundAllocations = pgTable('audit_round_allocations', {
  /** The primary key is the guard: a second allocation of the same round fails to insert. */
  roundId: uuid('round_id')
    .primaryKey()
    .references(() => rounds.id),
  allocatedBy: uuid('allocated_by')
    .notNull()
    .references(() => users.id),
  allocatedAt: timestamp('allocated_at', { withTimezone: true }).notNull().defaultNow(),
  /** Cases that could not be allocated when the round was, and why. */
  notAllocated: jsonb('not_allocated').$type<Array<{ childId: string; reason: string }>>().notNull(),
});
