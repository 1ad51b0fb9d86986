/**
 * Adding a child's case by hand: until the council's case data is imported, and afterwards for a
 * case the extracts do not hold yet. QA officers (cases.manage) only.
 */
import { childVisibleSql } from '../../restrictions/visibility.ts';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../../platform/auth/actor.ts';
import { addYears, type IsoDate } from '../../platform/calendar/index.ts';
import { teams, users } from '../../org/schema.ts';
import { isoDateFrom } from '../../audits/programme/dates.ts';
import { peopleOf } from '../../audits/programme/people.ts';
import { children } from '../schema.ts';
import { CASE_TYPES } from './case-types.ts';

/** Care leavers are supported to 25 (Children and Social Work Act 2017 s3). */
const OLDEST_AGE = 25;

export const NewCaseInput = z.object({
  childRef: z
    .string({ error: 'Enter the child reference' })
    .trim()
    .min(1, 'Enter the child reference')
    .max(40, 'The child reference must be 40 characters or fewer')
    .regex(/^[A-Za-z0-9][A-Za-z0-9/_.-]*$/, 'The child reference must only include letters, numbers, hyphens, full stops, underscores and slashes'),
  name: z.string({ error: 'Enter the child’s full name' }).trim().min(1, 'Enter the child’s full name').max(120, 'The name must be 120 characters or fewer'),
  dateOfBirth: isoDateFrom('date of birth'),
  teamId: z.uuid({ message: 'Select the child’s team' }),
  workerId: z.uuid({ message: 'Select the child’s allocated worker' }),
  caseType: z.enum(CASE_TYPES, { message: 'Select the case type' }),
});
export type NewCaseInput = z.infer<typeof NewCaseInput>;

export class CaseFieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export async function caseChoices(db: Db, actor: Actor) {
  requireCapability(actor, 'cases.manage');
  const [teamRows, people] = await Promise.all([
    db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.organisationId, actor.organisationId)).orderBy(teams.name),
    peopleOf(db, actor.organisationId),
  ]);
  return {
    teams: teamRows.map((t) => ({ value: t.id, text: t.name })),
    workers: people.filter((p) => p.roles.includes('practitioner') && p.teamId).map((p) => ({ value: p.id, text: `${p.name} (${p.teamName})` })),
  };
}

export async function addCase(db: Db, actor: Actor, input: NewCaseInput, today: IsoDate): Promise<string> {
  requireCapability(actor, 'cases.manage');
  if (input.dateOfBirth > today) throw new CaseFieldProblem('dateOfBirth', 'The date of birth must be today or in the past');
  if (input.dateOfBirth < addYears(today, -OLDEST_AGE - 1)) throw new CaseFieldProblem('dateOfBirth', `The child must be ${OLDEST_AGE} or younger`);
  const [team] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, input.teamId), eq(teams.organisationId, actor.organisationId)));
  if (!team) throw new CaseFieldProblem('teamId', 'Select the child’s team');
  const [worker] = await db
    .select({ teamId: users.teamId, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.id, input.workerId), eq(users.organisationId, actor.organisationId)));
  if (!worker || worker.disabledAt) throw new CaseFieldProblem('workerId', 'Select the child’s allocated worker');
  // The own-team rule of case selection reads the child's team, so worker and team must agree.
  if (worker.teamId !== input.teamId) throw new CaseFieldProblem('workerId', 'Select a worker who is in the child’s team');
  const [duplicate] = await db
    .select({ id: children.id })
    .from(children)
    .where(and(eq(children.organisationId, actor.organisationId), sql`lower(${children.childRef}) = lower(${input.childRef})`));
  if (duplicate) throw new CaseFieldProblem('childRef', 'A case with this child reference already exists');
  try {
    const [row] = await db
      .insert(children)
      .values({
        organisationId: actor.organisationId,
        childRef: input.childRef,
        name: input.name,
        dateOfBirth: input.dateOfBirth,
        caseType: input.caseType,
        teamId: input.teamId,
        workerId: input.workerId,
        source: 'manual',
      })
      .returning({ id: children.id });
    return row!.id;
  } catch (error) {
    // Two people adding the same reference at once: the unique index decides.
    for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
      if (e.code === '23505') throw new CaseFieldProblem('childRef', 'A case with this child reference already exists');
    }
    throw error;
  }
}

export async function getAddedCase(db: Db, actor: Actor, childId: string) {
  requireCapability(actor, 'cases.manage');
  const [row] = await db
    .select({
      id: children.id,
      childRef: children.childRef,
      name: children.name,
      dateOfBirth: children.dateOfBirth,
      caseType: children.caseType,
      source: children.source,
      teamName: teams.name,
      workerName: users.displayName,
    })
    .from(children)
    .leftJoin(teams, eq(teams.id, children.teamId))
    .leftJoin(users, eq(users.id, children.workerId))
    .where(and(eq(children.id, childId), eq(children.organisationId, actor.organisationId), childVisibleSql(actor, sql`${children.id}`)));
  if (!row) throw new NotFoundError();
  return row;
}
