/**
 * Children whose cases Sightline knows about: imported from the council's extracts, or added by
 * hand by a QA officer when no extract exists yet. Events and deadlines hang off these rows.
 */
import { sql } from 'drizzle-orm';
import { bigserial, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /**
     * The team and worker as the latest extract names them. Kept even when they match nobody in
     * Sightline (teamId / workerId stay empty), so an unknown name is visible, never guessed at.
     */
    extractTeam: text('extract_team'),
    extractWorker: text('extract_worker'),
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

/** 'interrupted': its process stopped before it finished (see import-interruption.ts). */
export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'refused', 'failed', 'interrupted'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/**
 * One import of a council's extract files: who, when, which files (with their SHA-256), what was
 * read and what landed. The progress columns are written while the import runs, so its page
 * survives a reload and shows the same thing in every browser.
 */
export const caseImports = pgTable(
  'case_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    /** Null for an import run from the command line. */
    importedBy: uuid('imported_by').references(() => users.id),
    /** 'browser', 'command line' or 'demo'. */
    channel: text('channel').notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('queued'),
    /** What the import is doing now: reading, checking, saving, computing deadlines, done. */
    stage: text('stage').notNull().default('queued'),
    /** Each file's name as uploaded (a label only), size, SHA-256 and the format found. */
    files: jsonb('files').notNull(),
    formats: text('formats').array().notNull().default(sql`'{}'::text[]`),
    filesRead: integer('files_read').notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    /** Rows refused with an error-severity problem (they produce no facts). */
    rowsRejected: integer('rows_rejected').notNull().default(0),
    childrenRead: integer('children_read').notNull().default(0),
    factsRead: integer('facts_read').notNull().default(0),
    factsWritten: integer('facts_written').notNull().default(0),
    factsInserted: integer('facts_inserted').notNull().default(0),
    factsUpdated: integer('facts_updated').notNull().default(0),
    factsUnchanged: integer('facts_unchanged').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    warningCount: integer('warning_count').notNull().default(0),
    /** Team and worker names in the extract that match nobody in Sightline, with how many children each. */
    unmatched: jsonb('unmatched'),
    /** Why the import was refused or failed, in words for the QA officer (never a stack). */
    failure: text('failure'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    /** Touched with every progress update: a running import that stops being touched was interrupted. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('case_imports_org').on(t.organisationId, t.startedAt)],
);

/** Every problem an import found, located by file, sheet, row and column. */
export const caseImportProblems = pgTable(
  'case_import_problems',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: uuid('import_id')
      .notNull()
      .references(() => caseImports.id, { onDelete: 'cascade' }),
    /** The order the parsers reported them in. */
    position: integer('position').notNull(),
    file: text('file').notNull(),
    sheet: text('sheet'),
    row: integer('row'),
    column: text('column'),
    severity: text('severity', { enum: ['error', 'warning'] }).notNull(),
    message: text('message').notNull(),
  },
  (t) => [index('case_import_problems_import').on(t.importId, t.position)],
);

/**
 * The facts imported about each child, one row per event. `factKey` is the event's natural key
 * within the child and kind (its anchor date, and for an allocation the worker and team), so a
 * re-import of the same or an overlapping extract updates rows instead of adding them.
 */
export const caseFacts = pgTable(
  'case_facts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id),
    kind: text('kind').notNull(),
    factKey: text('fact_key').notNull(),
    /** The anchor date (start, or the day it happened); null only for an adoption record with no dates. */
    eventDate: date('event_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    /** The fact as the importers normalised it, without the child id and source (kept below). */
    fact: jsonb('fact').notNull(),
    sourceFormat: text('source_format').notNull(),
    sourceFile: text('source_file').notNull(),
    sourceSheet: text('source_sheet'),
    sourceRow: integer('source_row'),
    /** The import that last created or changed this fact. */
    importId: uuid('import_id').references(() => caseImports.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('case_facts_natural_key').on(t.childId, t.kind, t.factKey), index('case_facts_org').on(t.organisationId)],
);
