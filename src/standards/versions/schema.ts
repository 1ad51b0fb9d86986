/**
 * Versions of each catalogue file, per organisation. An audit is pinned to the version it
 * started on; a published version is never changed (the database refuses), so the audit keeps
 * rendering with exactly the words it was graded against.
 */
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../../org/schema.ts';

export const catalogueEntries = pgTable(
  'catalogue_entries',
  {
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    catalogueId: text('catalogue_id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    /** The version new audits use; null until one is published. */
    currentVersion: integer('current_version'),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    /** Bumped on every change, so two administrators cannot publish over each other. */
    revision: integer('revision').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.catalogueId] })],
);

export const catalogueVersions = pgTable(
  'catalogue_versions',
  {
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    catalogueId: text('catalogue_id').notNull(),
    version: integer('version').notNull(),
    /** draft → published; a draft may be discarded, a published version never changes. */
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    /** The validated file as data. */
    content: jsonb('content').notNull(),
    /** The YAML as it was given, for export and diff. */
    sourceYaml: text('source_yaml').notNull(),
    /** built-in: shipped in the repository; upload: given by an administrator. */
    origin: text('origin', { enum: ['built-in', 'upload'] }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: uuid('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.catalogueId, t.version] }), index('catalogue_versions_status').on(t.organisationId, t.status)],
);
