/**
 * Information governance: subject access requests and the record of each bundle produced, legal
 * holds, and disposal runs with their log. None of these tables holds a name or any content of
 * the records they speak of: ids, classes, dates, counts and hashes only.
 */
import { bigserial, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../org/schema.ts';

export const SUBJECT_TYPES = ['child', 'staff'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const REQUESTER_KINDS = ['the-subject', 'parent-or-carer', 'representative'] as const;
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

/**
 * A subject access request as the council received it. The subject is an id without a foreign
 * key: the record that a request was answered outlives the child's record when that is disposed.
 */
export const subjectAccessRequests = pgTable(
  'subject_access_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** A number people can quote in letters: "SAR-12". */
    number: integer('number').generatedAlwaysAsIdentity(),
    subjectType: text('subject_type', { enum: SUBJECT_TYPES }).notNull(),
    /** The child's or the staff member's id. */
    subjectId: uuid('subject_id').notNull(),
    /** Who made the request, by relationship only: their name lives in the council's correspondence. */
    requester: text('requester', { enum: REQUESTER_KINDS }).notNull(),
    /** The day the council received it: the one-month clock starts here. */
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    /** open until a bundle is produced, then produced. */
    status: text('status', { enum: ['open', 'produced'] }).notNull().default('open'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('subject_access_requests_org').on(t.organisationId, t.createdAt)],
);

/** That a bundle was produced: when, by whom, its SHA-256, what it held and what was redacted; never its content. */
export const subjectAccessBundles = pgTable(
  'subject_access_bundles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => subjectAccessRequests.id),
    producedBy: uuid('produced_by')
      .notNull()
      .references(() => users.id),
    producedAt: timestamp('produced_at', { withTimezone: true }).notNull().defaultNow(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    /** Records per record type, e.g. { "audit": 2, "case-fact": 14 }. */
    counts: jsonb('counts').$type<Record<string, number>>().notNull(),
    /** What was redacted, as counts by kind and the staff-names choice. */
    redactions: jsonb('redactions').$type<Record<string, number | string>>().notNull(),
  },
  (t) => [index('subject_access_bundles_request').on(t.requestId, t.producedAt)],
);

export const HOLD_RECORD_TYPES = ['child', 'audit'] as const;
export type HoldRecordType = (typeof HOLD_RECORD_TYPES)[number];

/**
 * A legal hold: while it stands (not lifted), the record and everything disposed with it is kept
 * whatever its disposal date. The record id has no foreign key so that a hold can never be what
 * makes a delete fail half-way; disposal checks holds before it deletes anything.
 */
export const legalHolds = pgTable(
  'legal_holds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    recordType: text('record_type', { enum: HOLD_RECORD_TYPES }).notNull(),
    recordId: uuid('record_id').notNull(),
    reason: text('reason').notNull(),
    placedBy: uuid('placed_by')
      .notNull()
      .references(() => users.id),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull().defaultNow(),
    liftedBy: uuid('lifted_by').references(() => users.id),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftReason: text('lift_reason'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('legal_holds_record').on(t.recordType, t.recordId)],
);

/** One disposal run: as of which day, who started it (null: the command line), how many records went. */
export const disposalRuns = pgTable(
  'disposal_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    startedBy: uuid('started_by').references(() => users.id),
    /** 'browser' or 'command line'. */
    channel: text('channel').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    disposed: integer('disposed').notNull().default(0),
    held: integer('held').notNull().default(0),
  },
  (t) => [index('disposal_runs_org').on(t.organisationId, t.startedAt)],
);

/**
 * One row per record disposed: metadata only (type, id, class, date, run, who). Append-only, like
 * the access log: a migration installs triggers that refuse UPDATE, DELETE and TRUNCATE.
 */
export const disposalLog = pgTable(
  'disposal_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organisationId: uuid('organisation_id').notNull(),
    runId: uuid('run_id')
      .notNull()
      .references(() => disposalRuns.id),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    retentionClass: text('retention_class').notNull(),
    disposalDate: date('disposal_date', { mode: 'string' }).notNull(),
    /** The record this one was disposed with (a child's audits go with the child); null for the record itself. */
    disposedWith: text('disposed_with'),
    disposedBy: uuid('disposed_by'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('disposal_log_run').on(t.runId), index('disposal_log_record').on(t.recordType, t.recordId)],
);
