/** Every attempt of every background job, so a failure is reported and never silently lost. */
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    job: text('job').notNull(),
    /** The attempts of one run share this id. */
    runId: uuid('run_id').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    /** The last attempt failed too: the run was given up and administrators were told. */
    gaveUp: boolean('gave_up').notNull().default(false),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The error's message only (never a stack or data), for the administrators' page. */
    error: text('error'),
    /** What the job did: counts, never names. */
    summary: jsonb('summary'),
  },
  (t) => [index('job_runs_job').on(t.job, t.startedAt), index('job_runs_failed').on(t.status, t.startedAt)],
);
