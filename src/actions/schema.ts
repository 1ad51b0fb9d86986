/**
 * Actions to completion: who must do what for which child by when, and everything that
 * happened to it. An action is never deleted; it is signed off or cancelled with a reason.
 */
import { date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { audits } from '../audits/schema.ts';

export const ACTION_STATUSES = ['open', 'done', 'signed-off', 'reopened', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const actions = pgTable(
  'actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    childId: uuid('child_id').references(() => children.id),
    auditId: uuid('audit_id').references(() => audits.id),
    what: text('what').notNull(),
    ownerId: uuid('owner_id').notNull().references(() => users.id),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** urgent (safeguarding or inadequate: the short deadline), normal. */
    priority: text('priority').notNull().default('normal'),
    status: text('status', { enum: ACTION_STATUSES }).notNull().default('open'),
    /** What the owner did, when marking it done. */
    evidence: text('evidence'),
    cancelReason: text('cancel_reason'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    signedOffBy: uuid('signed_off_by').references(() => users.id),
    signedOffAt: timestamp('signed_off_at', { withTimezone: true }),
  },
  (t) => [index('actions_owner').on(t.ownerId, t.status), index('actions_due').on(t.organisationId, t.status, t.dueDate), index('actions_audit').on(t.auditId)],
);

export const actionEvents = pgTable(
  'action_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id').notNull().references(() => actions.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id').references(() => users.id),
    /** created, done, signed-off, reopened, cancelled, due-date-changed, reminded, escalated. */
    kind: text('kind').notNull(),
    detail: jsonb('detail'),
  },
  (t) => [index('action_events_action').on(t.actionId, t.at)],
);
