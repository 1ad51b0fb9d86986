/**
 * The council's structure: services, teams, users, roles and line management. Every function
 * checks the actor's capability itself; routes only translate HTTP.
 */
import { and, asc, eq, inArray, ne, notInArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { requireCapability, NotFoundError, type Actor, ForbiddenError } from '../platform/auth/actor.ts';
import { ROLES, isRole, type Role } from '../platform/auth/roles.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../platform/auth/passwords.ts';
import { contextWords, passwordProblem } from '../platform/auth/password-rules.ts';
import { destroyUserSessions } from '../platform/auth/sessions.ts';
import { generateTemporaryPassword, temporaryPasswordExpiry } from '../platform/auth/temporary-passwords.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { organisations, services, teams, userRoles, users } from './schema.ts';

const optionalId = z
  .string({ error: 'Select a valid option' })
  .trim()
  .optional()
  .transform((v) => (v ? v : null))
  .pipe(z.uuid({ message: 'Select a valid option' }).nullable());

const name = (what: string) =>
  z.string({ error: `Enter the ${what}` }).trim().min(1, `Enter the ${what}`).max(120, `The ${what} must be 120 characters or fewer`);

export const ServiceInput = z.object({ name: name('service name'), leadUserId: optionalId });
export const TeamInput = z.object({ name: name('team name'), serviceId: z.uuid({ error: 'Select the service' }), managerUserId: optionalId });

const roleList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.enum(ROLES, { message: 'Select roles from the list' })).min(1, 'Select at least one role'));

export const UserInput = z.object({
  displayName: name('full name'),
  email: z
    .string({ error: 'Enter an email address' })
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.org' }).max(320, 'The email address must be 320 characters or fewer')),
  jobTitle: z
    .string()
    .trim()
    .max(120, 'The job title must be 120 characters or fewer')
    .optional()
    .transform((v) => v || null),
  teamId: optionalId,
  lineManagerId: optionalId,
  roles: roleList,
});
export const NewUserInput = UserInput.extend({
  // The same rules as a person changing their own (not trimmed: taken exactly as typed); the
  // words of the person's name and e-mail are checked in `createUser`, with the council's name.
  password: z
    .string({ error: `Enter a password of at least ${MIN_PASSWORD_LENGTH} characters` })
    .superRefine((password, ctx) => {
      const problem = passwordProblem(password);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

export type ServiceInput = z.infer<typeof ServiceInput>;
export type TeamInput = z.infer<typeof TeamInput>;
export type UserInput = z.infer<typeof UserInput>;
export type NewUserInput = z.infer<typeof NewUserInput>;

/** A problem with one field that only the database can reveal (a duplicate name, a cycle). */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface UserSummary {
  id: string;
  displayName: string;
  email: string;
  jobTitle: string | null;
  teamId: string | null;
  teamName: string | null;
  lineManagerId: string | null;
  lineManagerName: string | null;
  disabled: boolean;
  roles: Role[];
  version: number;
}

// ---------------------------------------------------------------- services

export async function listServices(db: Db, actor: Actor) {
  requireCapability(actor, 'org.view');
  return db
    .select({
      id: services.id,
      name: services.name,
      leadUserId: services.leadUserId,
      leadName: users.displayName,
      version: services.version,
      teamCount: sql<number>`(select count(*)::int from ${teams} where ${teams.serviceId} = ${services.id})`,
    })
    .from(services)
    .leftJoin(users, eq(users.id, services.leadUserId))
    .where(eq(services.organisationId, actor.organisationId))
    .orderBy(asc(services.name));
}

export async function getService(db: Db, actor: Actor, id: string) {
  requireCapability(actor, 'org.manage');
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.id, id), eq(services.organisationId, actor.organisationId)));
  if (!row) throw new NotFoundError();
  return row;
}

export async function createService(db: Db, actor: Actor, input: ServiceInput): Promise<string> {
  requireCapability(actor, 'org.manage');
  await assertUserInOrg(db, actor, input.leadUserId, 'leadUserId');
  await assertUniqueName(db, actor, 'service', input.name);
  const [row] = await db
    .insert(services)
    .values({ organisationId: actor.organisationId, name: input.name, leadUserId: input.leadUserId })
    .returning({ id: services.id });
  return row!.id;
}

export async function updateService(db: Db, actor: Actor, id: string, version: number, input: ServiceInput): Promise<void> {
  requireCapability(actor, 'org.manage');
  await getService(db, actor, id);
  await assertUserInOrg(db, actor, input.leadUserId, 'leadUserId');
  await assertUniqueName(db, actor, 'service', input.name, id);
  const updated = await db
    .update(services)
    .set({ name: input.name, leadUserId: input.leadUserId, version: sql`${services.version} + 1` })
    .where(and(eq(services.id, id), eq(services.version, version)))
    .returning({ id: services.id });
  if (updated.length === 0) throw new ConflictError('service');
}

// ---------------------------------------------------------------- teams

export async function listTeams(db: Db, actor: Actor) {
  requireCapability(actor, 'org.view');
  return db
    .select({
      id: teams.id,
      name: teams.name,
      serviceId: teams.serviceId,
      serviceName: services.name,
      managerUserId: teams.managerUserId,
      managerName: users.displayName,
      version: teams.version,
      memberCount: sql<number>`(select count(*)::int from ${users} m where m.team_id = ${teams.id} and m.disabled_at is null)`,
    })
    .from(teams)
    .innerJoin(services, eq(services.id, teams.serviceId))
    .leftJoin(users, eq(users.id, teams.managerUserId))
    .where(eq(teams.organisationId, actor.organisationId))
    .orderBy(asc(services.name), asc(teams.name));
}

export async function getTeam(db: Db, actor: Actor, id: string) {
  requireCapability(actor, 'org.view');
  const [row] = await db
    .select()
    .from(teams)
    .where(and(eq(teams.id, id), eq(teams.organisationId, actor.organisationId)));
  if (!row) throw new NotFoundError();
  return row;
}

export async function createTeam(db: Db, actor: Actor, input: TeamInput): Promise<string> {
  requireCapability(actor, 'org.manage');
  await assertServiceInOrg(db, actor, input.serviceId);
  await assertUserInOrg(db, actor, input.managerUserId, 'managerUserId');
  await assertUniqueName(db, actor, 'team', input.name);
  const [row] = await db
    .insert(teams)
    .values({ organisationId: actor.organisationId, serviceId: input.serviceId, name: input.name, managerUserId: input.managerUserId })
    .returning({ id: teams.id });
  return row!.id;
}

export async function updateTeam(db: Db, actor: Actor, id: string, version: number, input: TeamInput): Promise<void> {
  requireCapability(actor, 'org.manage');
  await getTeam(db, actor, id);
  await assertServiceInOrg(db, actor, input.serviceId);
  await assertUserInOrg(db, actor, input.managerUserId, 'managerUserId');
  await assertUniqueName(db, actor, 'team', input.name, id);
  const updated = await db
    .update(teams)
    .set({ name: input.name, serviceId: input.serviceId, managerUserId: input.managerUserId, version: sql`${teams.version} + 1` })
    .where(and(eq(teams.id, id), eq(teams.version, version)))
    .returning({ id: teams.id });
  if (updated.length === 0) throw new ConflictError('team');
}

/**
 * The teams whose work this person may see: their own; the teams they manage; every team in a
 * service they lead; every team for roles that oversee the whole council.
 */
export async function visibleTeamIds(db: Db, actor: Actor): Promise<'all' | string[]> {
  if (actor.roles.some((r) => r === 'admin' || r === 'qa-officer' || r === 'senior-leader')) return 'all';
  const rows = await db
    .select({ id: teams.id })
    .from(teams)
    .leftJoin(services, eq(services.id, teams.serviceId))
    .where(
      and(
        eq(teams.organisationId, actor.organisationId),
        or(
          actor.teamId ? eq(teams.id, actor.teamId) : sql`false`,
          eq(teams.managerUserId, actor.userId),
          eq(services.leadUserId, actor.userId),
        ),
      ),
    );
  return rows.map((r) => r.id);
}

/** A team's page: only for people whose scope includes it. */
export async function getTeamWithMembers(db: Db, actor: Actor, id: string) {
  const team = await getTeam(db, actor, id);
  const scope = await visibleTeamIds(db, actor);
  if (scope !== 'all' && !scope.includes(id)) throw new ForbiddenError('You can only see the teams you work in, manage or lead.');
  const [service] = await db.select({ name: services.name }).from(services).where(eq(services.id, team.serviceId));
  const members = await listUsersWhere(db, actor, and(eq(users.teamId, id), sql`${users.disabledAt} is null`));
  const manager = members.find((m) => m.id === team.managerUserId)?.displayName ?? (await userName(db, team.managerUserId));
  return { ...team, serviceName: service?.name ?? '', managerName: manager, members };
}

// ---------------------------------------------------------------- users

async function listUsersWhere(db: Db, actor: Actor, where: ReturnType<typeof and>): Promise<UserSummary[]> {
  const manager = sql.raw('lm');
  const rows = await db
    .select({
      id: users.id,
      displayName: users.displayName,
      email: users.email,
      jobTitle: users.jobTitle,
      teamId: users.teamId,
      teamName: teams.name,
      lineManagerId: users.lineManagerId,
      lineManagerName: sql<string | null>`(select ${manager}.display_name from ${users} ${manager} where ${manager}.id = ${users.lineManagerId})`,
      disabledAt: users.disabledAt,
      version: users.version,
    })
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .where(and(eq(users.organisationId, actor.organisationId), where))
    .orderBy(asc(users.displayName));
  const roles = rows.length
    ? await db
        .select({ userId: userRoles.userId, role: userRoles.role })
        .from(userRoles)
        .where(and(inArray(userRoles.userId, rows.map((r) => r.id)), eq(userRoles.active, true)))
    : [];
  return rows.map(({ disabledAt, ...r }) => ({
    ...r,
    disabled: disabledAt !== null,
    roles: ROLES.filter((role) => roles.some((g) => g.userId === r.id && g.role === role)),
  }));
}

export async function listUsers(db: Db, actor: Actor, filter: { teamId?: string | undefined; role?: string | undefined; status?: 'active' | 'disabled' | undefined } = {}) {
  requireCapability(actor, 'org.manage');
  const conditions = [];
  if (filter.teamId) conditions.push(eq(users.teamId, filter.teamId));
  if (filter.status === 'active') conditions.push(sql`${users.disabledAt} is null`);
  if (filter.status === 'disabled') conditions.push(sql`${users.disabledAt} is not null`);
  if (filter.role && isRole(filter.role)) {
    conditions.push(sql`exists (select 1 from ${userRoles} where ${userRoles.userId} = ${users.id} and ${userRoles.role} = ${filter.role} and ${userRoles.active})`);
  }
  return listUsersWhere(db, actor, and(...conditions));
}

export async function getUser(db: Db, actor: Actor, id: string): Promise<UserSummary> {
  requireCapability(actor, 'org.manage');
  const [user] = await listUsersWhere(db, actor, eq(users.id, id));
  if (!user) throw new NotFoundError();
  return user;
}

export async function createUser(db: Db, actor: Actor, input: NewUserInput): Promise<string> {
  requireCapability(actor, 'org.manage');
  await assertEmailFree(db, input.email);
  await assertTeamInOrg(db, actor, input.teamId);
  await assertUserInOrg(db, actor, input.lineManagerId, 'lineManagerId');
  const [council] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, actor.organisationId));
  const problem = passwordProblem(input.password, contextWords([input.displayName, input.email, council?.name]));
  if (problem) throw new FieldProblem('password', problem);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        organisationId: actor.organisationId,
        email: input.email,
        displayName: input.displayName,
        jobTitle: input.jobTitle,
        teamId: input.teamId,
        lineManagerId: input.lineManagerId,
        passwordHash,
        // The administrator knows this password: the person replaces it when they first sign in.
        temporaryPasswordExpiresAt: temporaryPasswordExpiry(actor.asOf ?? new Date()),
      })
      .returning({ id: users.id });
    await tx.insert(userRoles).values(input.roles.map((role) => ({ userId: row!.id, role, grantedBy: actor.userId })));
    return row!.id;
  });
}

export async function updateUser(db: Db, actor: Actor, id: string, version: number, input: UserInput): Promise<void> {
  requireCapability(actor, 'org.manage');
  await getUser(db, actor, id);
  await assertEmailFree(db, input.email, id);
  await assertTeamInOrg(db, actor, input.teamId);
  await assertUserInOrg(db, actor, input.lineManagerId, 'lineManagerId');
  await assertNoManagementCycle(db, id, input.lineManagerId);
  if (id === actor.userId && !input.roles.includes('admin')) {
    throw new FieldProblem('roles', 'You cannot remove your own administrator role. Ask another administrator.');
  }
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(users)
      .set({
        displayName: input.displayName,
        email: input.email,
        jobTitle: input.jobTitle,
        teamId: input.teamId,
        lineManagerId: input.lineManagerId,
        version: sql`${users.version} + 1`,
      })
      .where(and(eq(users.id, id), eq(users.version, version)))
      .returning({ id: users.id });
    if (updated.length === 0) throw new ConflictError('user');
    await tx.update(userRoles).set({ active: false }).where(and(eq(userRoles.userId, id), notInArray(userRoles.role, input.roles)));
    for (const role of input.roles) {
      await tx
        .insert(userRoles)
        .values({ userId: id, role, grantedBy: actor.userId })
        .onConflictDoUpdate({ target: [userRoles.userId, userRoles.role], set: { active: true }, where: eq(userRoles.active, false) });
    }
  });
  // Role changes take effect at the next request; a user whose access was narrowed keeps no
  // page they could no longer open, because every request reloads roles from the database.
}

/** Disabling ends every session the user has, at once. */
export async function setUserDisabled(db: Db, actor: Actor, id: string, disabled: boolean): Promise<void> {
  requireCapability(actor, 'org.manage');
  await getUser(db, actor, id);
  if (disabled && id === actor.userId) throw new ForbiddenError('You cannot disable your own account.');
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ disabledAt: disabled ? new Date() : null, version: sql`${users.version} + 1` })
      .where(eq(users.id, id));
    if (disabled) await destroyUserSessions(tx, id);
  });
}

/** Why an administrator may not reset this person's password, or 'allowed'. */
export type PasswordResetStatus = 'allowed' | 'no-local-password' | 'own-account';

export async function passwordResetStatus(db: Db, actor: Actor, id: string): Promise<PasswordResetStatus> {
  requireCapability(actor, 'org.manage');
  await getUser(db, actor, id);
  // Administrators change their own password on their account page, which asks for the current one.
  if (id === actor.userId) return 'own-account';
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id));
  // Someone who signs in through the council's provider resets their password there.
  return user?.passwordHash ? 'allowed' : 'no-local-password';
}

export type PasswordReset = { ok: true; temporaryPassword: string; expiresAt: Date } | { ok: false; reason: Exclude<PasswordResetStatus, 'allowed'> };

/**
 * A forgotten password (ASVS V6.4.3): a new random one, returned once for the administrator to
 * pass on and never stored in the clear, logged or e-mailed. Every session of the person's ends
 * (whoever knew the old password may be signed in with it); the person must replace the new one
 * at their next sign-in, within the expiry. Their authenticator app stays: sign-in still asks for it.
 */
export async function resetPassword(db: Db, actor: Actor, id: string): Promise<PasswordReset> {
  const status = await passwordResetStatus(db, actor, id);
  if (status !== 'allowed') return { ok: false, reason: status };
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  const expiresAt = temporaryPasswordExpiry(actor.asOf ?? new Date());
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, temporaryPasswordExpiresAt: expiresAt, version: sql`${users.version} + 1` }).where(eq(users.id, id));
    await destroyUserSessions(tx, id);
  });
  return { ok: true, temporaryPassword, expiresAt };
}

/** Everyone in the organisation, for choosing a manager or lead. */
export async function listPeopleForChoice(db: Db, actor: Actor) {
  requireCapability(actor, 'org.manage');
  return db
    .select({ id: users.id, displayName: users.displayName, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.organisationId, actor.organisationId), sql`${users.disabledAt} is null`))
    .orderBy(asc(users.displayName));
}

// ---------------------------------------------------------------- checks

async function userName(db: Db, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [row] = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, id));
  return row?.displayName ?? null;
}

async function assertUserInOrg(db: Db, actor: Actor, id: string | null, field: string): Promise<void> {
  if (!id) return;
  const [row] = await db.select({ id: users.id }).from(users).where(and(eq(users.id, id), eq(users.organisationId, actor.organisationId)));
  if (!row) throw new FieldProblem(field, 'Select a person from the list');
}

async function assertTeamInOrg(db: Db, actor: Actor, id: string | null): Promise<void> {
  if (!id) return;
  const [row] = await db.select({ id: teams.id }).from(teams).where(and(eq(teams.id, id), eq(teams.organisationId, actor.organisationId)));
  if (!row) throw new FieldProblem('teamId', 'Select a team from the list');
}

async function assertServiceInOrg(db: Db, actor: Actor, id: string): Promise<void> {
  const [row] = await db.select({ id: services.id }).from(services).where(and(eq(services.id, id), eq(services.organisationId, actor.organisationId)));
  if (!row) throw new FieldProblem('serviceId', 'Select a service from the list');
}

async function assertUniqueName(db: Db, actor: Actor, kind: 'service' | 'team', value: string, exceptId?: string): Promise<void> {
  const table = kind === 'service' ? services : teams;
  const [row] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.organisationId, actor.organisationId), eq(sql`lower(${table.name})`, value.toLowerCase()), exceptId ? ne(table.id, exceptId) : undefined));
  if (row) throw new FieldProblem('name', `A ${kind} called ${value} already exists`);
}

async function assertEmailFree(db: Db, email: string, exceptId?: string): Promise<void> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), exceptId ? ne(users.id, exceptId) : undefined));
  if (row) throw new FieldProblem('email', 'Another account already uses this email address');
}

/** A person cannot be their own manager, directly or up the chain. */
async function assertNoManagementCycle(db: Db, userId: string, lineManagerId: string | null): Promise<void> {
  const seen = new Set<string>();
  for (let current = lineManagerId; current; ) {
    if (current === userId) throw new FieldProblem('lineManagerId', 'A person cannot be managed by themselves or by someone they manage');
    if (seen.has(current)) return;
    seen.add(current);
    const [row] = await db.select({ next: users.lineManagerId }).from(users).where(eq(users.id, current));
    current = row?.next ?? null;
  }
}
