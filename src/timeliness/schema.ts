/**
 * The timeliness engine's output, stored: one row per child per deadline, replaced whole for a
 * council every time it is recomputed (after an import, on demand, or by the nightly job), and a
 * record of each computation with the per-measure counts and the national indicators.
 */
import { bigserial, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { children } from '../cases/schema.ts';
import { organisations } from '../org/schema.ts';

export const complianceItems = pgTable(
  'compliance_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id),
    measure: text('measure').notNull(),
    /** As computed on `asOf`: met, missed, overdue or pending. Pages re-judge open items against today. */
    status: text('status', { enum: ['met', 'missed', 'overdue', 'pending'] }).notNull(),
    anchorDate: date('anchor_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    actualDate: date('actual_date', { mode: 'string' }),
    asOf: date('as_of', { mode: 'string' }).notNull(),
  },
  (t) => [index('compliance_items_org_due').on(t.organisationId, t.dueDate), index('compliance_items_child').on(t.childId)],
);

/** One computation of a council's deadlines: when, as of which day, why, and the headline figures. */
export const complianceRuns = pgTable(
  'compliance_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** import, on demand, nightly. */
    trigger: text('trigger').notNull(),
    importId: uuid('import_id'),
    /** Per measure: id, title, source and the met / missed / overdue / pending counts. */
    measures: jsonb('measures').notNull(),
    /** Measures left out because the extracts do not record what they measure, with why. */
    measuresNotEvaluated: jsonb('measures_not_evaluated').notNull(),
    /** The national indicators for the year to the as-of date and the last DfE year (counts, no child ids). */
    indicators: jsonb('indicators').notNull(),
    itemCount: integer('item_count').notNull(),
    durationMs: integer('duration_ms').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('compliance_runs_org').on(t.organisationId, t.computedAt)],
);
