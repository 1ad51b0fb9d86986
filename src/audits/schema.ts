/**
 * The audit cycle (seed 002's three-stage collaborative audit, on any tool in the catalogue):
 * programmes and rounds, audits pinned to a tool version, the grades of each stage, safeguarding
 * alerts, family feedback, reflective learning, moderation, disputes and themes.
 */
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations, teams, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';

/** A recurring QA activity (seed 002's table): which tool, how often, who owns it. */
export const programmes = pgTable('audit_programmes', {
  id: uuid('id').primaryKey().defaultRandom(),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  title: text('title').notNull(),
  /** The qa-framework activity this carries out, e.g. collaborative-audits. */
  activity: text('activity'),
  toolId: text('tool_id').notNull(),
  /** weekly, monthly, quarterly, annual. */
  cadence: text('cadence').notNull(),
  /** For themed schedules: the theme of each month, etc. */
  schedule: jsonb('schedule'),
  ownerId: uuid('owner_id').references(() => users.id),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One draw of cases for audit: the sample, how it was drawn, and why cases were left out. */
export const rounds = pgTable('audit_rounds', {
  id: uuid('id').primaryKey().defaultRandom(),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  programmeId: uuid('programme_id').references(() => programmes.id),
  title: text('title').notNull(),
  /** random, stratified or targeted, with its parameters and the seed, so the draw can be repeated. */
  method: jsonb('method').notNull(),
  /** Every candidate considered, chosen or excluded with the rule that excluded it. */
  drawRecord: jsonb('draw_record').notNull(),
  drawnBy: uuid('drawn_by').references(() => users.id),
  drawnAt: timestamp('drawn_at', { withTimezone: true }).notNull().defaultNow(),
});

export const AUDIT_STATUSES = ['allocated', 'self-assessed', 'in-progress', 'submitted', 'in-moderation', 'moderated', 'disputed', 'closed', 'cancelled'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

export const audits = pgTable(
  'audits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    childId: uuid('child_id').notNull().references(() => children.id),
    roundId: uuid('round_id').references(() => rounds.id),
    /** The tool and the exact published version the audit uses for its whole life. */
    toolId: text('tool_id').notNull(),
    toolVersion: integer('tool_version').notNull(),
    status: text('status', { enum: AUDIT_STATUSES }).notNull().default('allocated'),
    auditorId: uuid('auditor_id').notNull().references(() => users.id),
    /** The child's allocated worker, who self-assesses and takes part. */
    practitionerId: uuid('practitioner_id').references(() => users.id),
    /** The child's team when the audit was allocated (scope for managers). */
    teamId: uuid('team_id').references(() => teams.id),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    /** Why the audit went ahead without a self-assessment, when it did. */
    noSelfAssessmentReason: text('no_self_assessment_reason'),
    /** The grade the tool's rule (or proposal) gives, and the grade the auditor confirmed. */
    computedGrade: text('computed_grade'),
    finalGrade: text('final_grade'),
    overrideReason: text('override_reason'),
    /** Answers the judgement rule reads: flags and features evident. */
    judgementInputs: jsonb('judgement_inputs'),
    /** The moderator's overall grade when moderation revised or agreed it. */
    moderatedGrade: text('moderated_grade'),
    safeguardingConcern: boolean('safeguarding_concern').notNull().default(false),
    moderationSelected: boolean('moderation_selected').notNull().default(false),
    /** For senior leadership presentation (stage 3). */
    markedForSlt: boolean('marked_for_slt').notNull().default(false),
    /** Multi-agency audits: partners invited see only their own sections. */
    multiAgency: boolean('multi_agency').notNull().default(false),
    /** Bumped on every save, so two people editing never overwrite each other. */
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('audits_child').on(t.childId),
    index('audits_auditor').on(t.auditorId, t.status),
    index('audits_practitioner').on(t.practitionerId, t.status),
    index('audits_team').on(t.teamId, t.status),
  ],
);

/**
 * A grade and its evidence for one criterion (or a whole area when `criterionId` is '') at one
 * stage. The self-assessment, the audit and the moderation each keep their own rows, so the
 * original grades survive moderation and calibration can compare them.
 */
export const responses = pgTable(
  'audit_responses',
  {
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    stage: text('stage', { enum: ['self-assessment', 'audit', 'moderation'] }).notNull(),
    areaId: text('area_id').notNull(),
    criterionId: text('criterion_id').notNull().default(''),
    grade: text('grade'),
    evidence: text('evidence'),
    workingWell: text('working_well'),
    worries: text('worries'),
    nextSteps: text('next_steps'),
    /** Moderation: why the grade was agreed or revised. Self-assessment: the reflection. */
    reason: text('reason'),
    /** Indicator checklists and rule-based tools: which descriptors were found evident. */
    featuresEvident: jsonb('features_evident'),
    updatedBy: uuid('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.auditId, t.stage, t.areaId, t.criterionId] })],
);

/** Everything that happened to an audit, in order: its timeline. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id').references(() => users.id),
    kind: text('kind').notNull(),
    /** Facts about the event (from/to status, grade changes); never a child's name. */
    detail: jsonb('detail'),
  },
  (t) => [index('audit_events_audit').on(t.auditId, t.at)],
);

/** A child who may be at risk, found during an audit: raised at once, never silently cleared. */
export const safeguardingAlerts = pgTable(
  'safeguarding_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    childId: uuid('child_id').notNull().references(() => children.id),
    raisedBy: uuid('raised_by').notNull().references(() => users.id),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    concern: text('concern').notNull(),
  },
  (t) => [index('safeguarding_alerts_child').on(t.childId)],
);

export const safeguardingAlertRecipients = pgTable(
  'safeguarding_alert_recipients',
  {
    alertId: uuid('alert_id').notNull().references(() => safeguardingAlerts.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** Why this person: line-manager, group-manager. */
    relationship: text('relationship').notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    /** What the manager did or decided: an acknowledgement always says something. */
    acknowledgement: text('acknowledgement'),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.userId] }), index('safeguarding_recipients_open').on(t.userId, t.acknowledgedAt)],
);

export const familyFeedback = pgTable('audit_family_feedback', {
  id: uuid('id').primaryKey().defaultRandom(),
  auditId: uuid('audit_id').notNull().references(() => audits.id),
  /** child, parent, carer, other; null when feedback was not sought. */
  respondent: text('respondent'),
  /** How it was gathered: conversation, phone, questionnaire, … */
  method: text('method'),
  whatTheySaid: text('what_they_said'),
  /** 1 (very poor) to 5 (very good), where the respondent gave one. */
  rating: integer('rating'),
  notSoughtReason: text('not_sought_reason'),
  recordedBy: uuid('recorded_by').notNull().references(() => users.id),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
});

export const reflectiveLearning = pgTable(
  'audit_learning',
  {
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** practitioner, auditor, moderator, manager. */
    participation: text('participation').notNull(),
    learning: text('learning').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.auditId, t.userId] })],
);

export const moderations = pgTable('audit_moderations', {
  auditId: uuid('audit_id').primaryKey().references(() => audits.id),
  moderatorId: uuid('moderator_id').references(() => users.id),
  /** inadequate, random, requested. */
  selectedBecause: text('selected_because').notNull(),
  assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  reflectiveDiscussion: text('reflective_discussion'),
  overallGrade: text('overall_grade'),
  overallReason: text('overall_reason'),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});

export const disputes = pgTable(
  'audit_disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    raisedBy: uuid('raised_by').notNull().references(() => users.id),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    /** Which grade is challenged: an area/criterion, or the overall judgement ('' and ''). */
    areaId: text('area_id').notNull().default(''),
    criterionId: text('criterion_id').notNull().default(''),
    raiserPosition: text('raiser_position').notNull(),
    moderatorPosition: text('moderator_position'),
    /** open, resolved. */
    status: text('status').notNull().default('open'),
    /** 0: auditor and moderator meet; then each step of the configured chain. */
    level: integer('level').notNull().default(0),
    stepDueDate: date('step_due_date', { mode: 'string' }).notNull(),
    outcome: text('outcome'),
    resolvedGrade: text('resolved_grade'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [index('audit_disputes_audit').on(t.auditId)],
);

export const disputeSteps = pgTable('audit_dispute_steps', {
  id: uuid('id').primaryKey().defaultRandom(),
  disputeId: uuid('dispute_id').notNull().references(() => disputes.id),
  level: integer('level').notNull(),
  /** meeting, escalated, resolved. */
  kind: text('kind').notNull(),
  note: text('note').notNull(),
  actorId: uuid('actor_id').notNull().references(() => users.id),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

export const themes = pgTable(
  'audit_themes_list',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    name: text('name').notNull(),
    description: text('description'),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('audit_themes_list_name').on(t.organisationId, t.name)],
);

export const auditThemes = pgTable(
  'audit_themes',
  {
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    themeId: uuid('theme_id').notNull().references(() => themes.id),
    /** strength, barrier or recurring issue (seed 002 stage 3). */
    kind: text('kind').notNull().default('recurring-issue'),
    note: text('note'),
    taggedBy: uuid('tagged_by').notNull().references(() => users.id),
    taggedAt: timestamp('tagged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.auditId, t.themeId] })],
);

/** Multi-agency partners invited to an audit, and the areas they may see and complete. */
export const auditInvitations = pgTable(
  'audit_invitations',
  {
    auditId: uuid('audit_id').notNull().references(() => audits.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    areaIds: jsonb('area_ids').notNull(),
    /**
     * Whether the partner may see who the child is and their protection details (name, date of
     * birth, gender, case type and legal status, the chronology). Off unless whoever invites
     * grants it: a partner otherwise sees only the child's reference and their own sections.
     */
    shareChildDetails: boolean('share_child_details').notNull().default(false),
    invitedBy: uuid('invited_by').notNull().references(() => users.id),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull().defaultNow(),
    /** Bumped on every change, so two people changing one invitation cannot overwrite each other. */
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.auditId, t.userId] })],
);
