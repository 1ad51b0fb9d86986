/**
 * Actions to completion: who must do what for which child by when, and everything that
 * happened to it. An action is never deleted; it is signed off or cancelled with a reason.
 */
import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
    /** The audit tool the action came from (the audit's, or given when there is no audit). */
    toolId: text('tool_id'),
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
    /** A short number people can quote (in e-mails, on the phone) instead of the id: "A-42". */
    number: integer('number').generatedAlwaysAsIdentity(),
    /** The highest escalation level reached for the current due date (0: none). */
    escalationLevel: integer('escalation_level').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
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
    /** created, done, signed-off, reopened, cancelled, changed, due-date-changed, reminded, escalated. */
    kind: text('kind').notNull(),
    detail: jsonb('detail'),
    /** The order events were written: several can share one instant (one transaction, one clock). */
    seq: integer('seq').generatedAlwaysAsIdentity(),
  },
  (t) => [index('action_events_action').on(t.actionId, t.at)],
);

export const DUE_DATE_UNITS = ['working-days', 'calendar-days', 'weeks', 'months'] as const;
export type DueDateUnit = (typeof DUE_DATE_UNITS)[number];

/**
 * The QA team's own default deadlines for actions agreed in audits with one tool, replacing seed
 * 002's (5 working days when the audit found safeguarding concerns or an inadequate judgement,
 * otherwise 4 weeks). No row: seed 002's defaults.
 */
export const actionDueRules = pgTable(
  'action_due_rules',
  {
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    toolId: text('tool_id').notNull(),
    urgentAmount: integer('urgent_amount').notNull(),
    urgentUnit: text('urgent_unit', { enum: DUE_DATE_UNITS }).notNull(),
    normalAmount: integer('normal_amount').notNull(),
    normalUnit: text('normal_unit', { enum: DUE_DATE_UNITS }).notNull(),
    version: integer('version').notNull().default(1),
    updatedBy: uuid('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.toolId] })],
);

/** How the council chases actions: reminders before the due date, escalation after it. */
export const actionChaseSettings = pgTable('action_chase_settings', {
  organisationId: uuid('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  /** Working days before the due date the owner is reminded; 0: no reminder. */
  reminderWorkingDays: integer('reminder_working_days').notNull(),
  /** The escalation steps: working days overdue and who is told (see escalation.ts). */
  escalation: jsonb('escalation').notNull(),
  /** The QA lead told at the last step; null: the senior QA officers (see chasing.ts). */
  qaLeadUserId: uuid('qa_lead_user_id').references(() => users.id),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every reminder and escalation sent, once per action, due date and step: the key makes a job
 * that runs twice (or on two servers) a no-op the second time.
 */
export const actionChases = pgTable(
  'action_chases',
  {
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id),
    /** reminder:<due date>:<days> or escalation:<due date>:<level>. */
    chaseKey: text('chase_key').notNull(),
    kind: text('kind', { enum: ['reminder', 'escalation'] }).notNull(),
    level: integer('level').notNull().default(0),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** The working day the step belonged to (a late run still records the day it was due). */
    forDate: date('for_date', { mode: 'string' }).notNull(),
    recipientIds: jsonb('recipient_ids').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.chaseKey] })],
);
