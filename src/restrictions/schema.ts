/**
 * Restricted records: a child's record that only named people may see (a member of staff or their
 * relative, a high-profile family, an adoption). Grants to named people expire; an emergency
 * "break glass" view opens the record to one person for a short window and is reported to the QA
 * lead. Nothing here is deleted: a lifted restriction, a removed grant and every break-glass view
 * stay as history.
 */
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { children } from '../cases/schema.ts';
import { organisations, users } from '../org/schema.ts';

export const RESTRICTION_REASONS = ['staff-or-relative', 'high-profile', 'adoption', 'other'] as const;
export type RestrictionReason = (typeof RESTRICTION_REASONS)[number];

export const childRestrictions = pgTable(
  'child_restrictions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id),
    reason: text('reason', { enum: RESTRICTION_REASONS }).notNull(),
    /** Why, in words that name nobody (the form says so): the child's record holds the personal data. */
    note: text('note'),
    restrictedBy: uuid('restricted_by').references(() => users.id),
    restrictedAt: timestamp('restricted_at', { withTimezone: true }).notNull(),
    liftedBy: uuid('lifted_by').references(() => users.id),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // At most one restriction in force per child; lifted ones stay as history.
    uniqueIndex('child_restrictions_current').on(t.childId).where(sql`lifted_at is null`),
    index('child_restrictions_org').on(t.organisationId),
  ],
);

/** A named person who may see the restricted child, until `expiresAt` (the start of the day after the last day). */
export const restrictionGrants = pgTable(
  'restriction_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    restrictionId: uuid('restriction_id')
      .notNull()
      .references(() => childRestrictions.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    grantedBy: uuid('granted_by').references(() => users.id),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    removedBy: uuid('removed_by').references(() => users.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [index('restriction_grants_restriction').on(t.restrictionId), index('restriction_grants_user').on(t.userId)],
);

/** An emergency view of a restricted child by someone without a grant: who, why, and until when. */
export const breakGlassViews = pgTable(
  'break_glass_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('break_glass_views_child_user').on(t.childId, t.userId), index('break_glass_views_org').on(t.organisationId, t.openedAt)],
);
