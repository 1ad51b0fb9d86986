/** The council's structure: services, teams, people, their roles and line management. */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    name: text('name').notNull(),
    /** The group manager / service lead accountable for the service. */
    leadUserId: uuid('lead_user_id'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('services_org_name').on(t.organisationId, sql`lower(${t.name})`)],
);

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    serviceId: uuid('service_id').notNull().references(() => services.id),
    name: text('name').notNull(),
    /** The practice / team manager who supervises the team. */
    managerUserId: uuid('manager_user_id'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('teams_org_name').on(t.organisationId, sql`lower(${t.name})`), index('teams_service').on(t.serviceId)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    jobTitle: text('job_title'),
    /** argon2id; null for accounts that can only sign in through the council's identity provider. */
    passwordHash: text('password_hash'),
    teamId: uuid('team_id').references(() => teams.id),
    lineManagerId: uuid('line_manager_id'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /**
     * Set while the password is one an administrator chose (a new account, or a reset): the person
     * must replace it before doing anything else, and it stops working at this moment (ASVS V6.4.1).
     */
    temporaryPasswordExpiresAt: timestamp('temporary_password_expires_at', { withTimezone: true }),
    /** Bumped on every change, so two administrators editing one user cannot overwrite each other. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email').on(sql`lower(${t.email})`), index('users_team').on(t.teamId), index('users_line_manager').on(t.lineManagerId)],
);

export const userRoles = pgTable(
  'user_roles',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    role: text('role').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    grantedBy: uuid('granted_by'),
    /** A role can be withdrawn without losing the record that it was held. */
    active: boolean('active').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);
