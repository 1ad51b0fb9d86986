/**
 * Actions agreed in the audit (what, who, by when), handed to the actions capability
 * (`createAction`) as open actions on the child. Seed 002 sets the deadlines, which the actions
 * capability holds per tool: "For inadequate audits, where safeguarding concerns have been
 * identified timescales are 5 working days maximum"; "most other actions are completed within a
 * 4 week period".
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, type Actor } from '../platform/auth/actor.ts';
import { isIsoDate, type IsoDate } from '../platform/calendar/index.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { users } from '../org/schema.ts';
import { actionEvents, actions } from '../actions/schema.ts';
import { createAction } from '../actions/service.ts';
import { defaultDueDate } from '../actions/due-dates.ts';
import { dueRuleFor } from '../actions/settings.ts';
import { recordAuditEvent, requireAuditAccess, type Audit } from './core.ts';
import { AuditStateError } from './errors.ts';

/** The short deadline applies when the audit found either (seed 002: the child's safety first). */
export function shortDeadlineApplies(findings: { safeguardingConcern: boolean; inadequate: boolean }): boolean {
  return findings.safeguardingConcern || findings.inadequate;
}

export interface Deadlines {
  /** The date offered when the auditor gives none. */
  suggested: IsoDate;
  /** The latest date allowed, when the short deadline applies ("5 working days maximum"). */
  latest: IsoDate | null;
}

/** Deadlines for an action agreed today in this audit, by the council's rule for the tool. */
export async function deadlinesFor(db: Db, audit: Audit, inadequate: boolean, now: Date): Promise<Deadlines> {
  const urgent = shortDeadlineApplies({ safeguardingConcern: audit.safeguardingConcern, inadequate });
  const [calendar, rule] = await Promise.all([calendarFor(db, audit.organisationId), dueRuleFor(db, audit.organisationId, audit.toolId)]);
  const suggested = defaultDueDate(londonDate(now), { safeguardingConcern: urgent }, rule, calendar);
  return { suggested, latest: urgent ? suggested : null };
}

export const ActionInput = z.object({
  what: z.string({ error: 'Say what needs to be done' }).trim().min(1, 'Say what needs to be done').max(2000, 'The action must be 2,000 characters or fewer'),
  ownerId: z.uuid({ error: 'Select who will do it' }),
  dueDate: z.string({ error: 'Enter the date it must be done by' }).refine(isIsoDate, 'Enter a real date it must be done by'),
});
export type ActionInput = z.infer<typeof ActionInput>;

/** People an action may be given to: the worker, their manager, the child's team and the auditor. */
export async function possibleOwners(db: Db, audit: Audit) {
  const [practitioner] = audit.practitionerId ? await db.select({ lineManagerId: users.lineManagerId }).from(users).where(eq(users.id, audit.practitionerId)) : [];
  const named = [audit.practitionerId, practitioner?.lineManagerId ?? null, audit.auditorId].filter((id): id is string => id !== null);
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, jobTitle: users.jobTitle })
    .from(users)
    .where(
      and(
        eq(users.organisationId, audit.organisationId),
        sql`${users.disabledAt} is null`,
        audit.teamId ? sql`(${inArray(users.id, named)} or ${users.teamId} = ${audit.teamId})` : inArray(users.id, named),
      ),
    )
    .orderBy(asc(users.displayName));
  // The practitioner first: most actions are theirs.
  return rows.sort((a, b) => Number(b.id === audit.practitionerId) - Number(a.id === audit.practitionerId));
}

export class ActionProblem extends Error {
  constructor(
    readonly field: keyof ActionInput,
    message: string,
  ) {
    super(message);
  }
}

/** Records an action agreed in stage 1 as an open action on the child. */
export async function agreeAction(db: Db, actor: Actor, auditId: string, input: ActionInput, context: { now: Date; inadequate: boolean }): Promise<string> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!access.audit) throw new ForbiddenError('Only the auditor records the actions agreed in the audit.');
  if (audit.status !== 'in-progress') throw new AuditStateError('Actions are agreed while the audit is in progress. Later actions belong to moderation or to the actions list.');
  const owners = await possibleOwners(db, audit);
  if (!owners.some((o) => o.id === input.ownerId)) throw new ActionProblem('ownerId', 'Select who will do it from the list');
  const today = londonDate(context.now);
  const deadlines = await deadlinesFor(db, audit, context.inadequate, context.now);
  if (input.dueDate < today) throw new ActionProblem('dueDate', 'The date must be today or in the future');
  if (deadlines.latest && input.dueDate > deadlines.latest) {
    throw new ActionProblem('dueDate', `The date must be no later than ${deadlines.latest.split('-').reverse().join('/')}, because the audit found safeguarding concerns or an inadequate judgement`);
  }
  return db.transaction(async (tx) => {
    const created = await createAction(
      tx,
      actor,
      { what: input.what, ownerId: input.ownerId, auditId, dueDate: input.dueDate, inadequateJudgement: context.inadequate, agreedOn: today },
      context.now,
    );
    await recordAuditEvent(tx, auditId, actor.userId, 'action-agreed', { actionId: created.id, dueDate: created.dueDate, urgent: created.priority === 'urgent' });
    return created.id;
  });
}

/**
 * When a concern is raised or the judgement is inadequate after actions were agreed, their
 * deadlines come forward to the short one; none is ever pushed later. Returns how many moved.
 */
export async function shortenActionDeadlines(tx: Db, actor: Actor, audit: Audit, now: Date): Promise<number> {
  const [calendar, rule] = await Promise.all([calendarFor(tx, audit.organisationId), dueRuleFor(tx, audit.organisationId, audit.toolId)]);
  const latest = defaultDueDate(londonDate(now), { safeguardingConcern: true }, rule, calendar);
  const later = await tx
    .select({ id: actions.id, dueDate: actions.dueDate, priority: actions.priority })
    .from(actions)
    .where(and(eq(actions.auditId, audit.id), inArray(actions.status, ['open', 'reopened']), gt(actions.dueDate, latest)));
  for (const action of later) {
    await tx
      .update(actions)
      // A new due date starts reminders and escalation again, as an edit does.
      .set({ dueDate: latest, priority: 'urgent', escalationLevel: 0, updatedAt: now, version: sql`${actions.version} + 1` })
      .where(eq(actions.id, action.id));
    await tx.insert(actionEvents).values({
      actionId: action.id,
      at: now,
      actorId: actor.userId,
      kind: 'due-date-changed',
      detail: { dueDate: { from: action.dueDate, to: latest }, priority: { from: action.priority, to: 'urgent' }, because: 'The audit found safeguarding concerns or an inadequate judgement.' },
    });
  }
  return later.length;
}

export async function actionsOfAudit(db: Db, auditId: string) {
  return db
    .select({ id: actions.id, what: actions.what, ownerName: users.displayName, dueDate: actions.dueDate, priority: actions.priority, status: actions.status, createdAt: actions.createdAt })
    .from(actions)
    .innerJoin(users, eq(users.id, actions.ownerId))
    .where(eq(actions.auditId, auditId))
    .orderBy(asc(actions.createdAt));
}
