/**
 * The chasing job: for every council, every action still to do whose reminder or escalation step
 * has come, tell the right people (in-app and by e-mail) and record it. Each step is recorded
 * under a unique key in the same transaction as its notices, so the job can run every 15 minutes,
 * be retried after a failure, or run on two servers at once, and nobody is told twice.
 */
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { addDays, type IsoDate, type WorkingDayCalendar } from '../platform/calendar/index.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { formatDate } from '../platform/http/render.ts';
import { notifyAndEmail } from '../platform/notify/email/outbox.ts';
import type { Job, JobSummary } from '../platform/jobs/runner.ts';
import { organisations, users } from '../org/schema.ts';
import { chaseStepsDue, type ChaseSchedule, type ChaseStep, type Recipient } from './escalation.ts';
import { isOutstanding } from './lifecycle.ts';
import { actionReference } from './service.ts';
import { chaseSettingsFor, qaLeadIds } from './settings.ts';
import { actionChases, actionEvents, actions, type ActionStatus } from './schema.ts';

/** How far ahead to look for due dates: beyond any reminder the settings allow (20 working days). */
const LOOK_AHEAD_DAYS = 45;

interface Outstanding {
  id: string;
  number: number;
  organisationId: string;
  status: ActionStatus;
  dueDate: IsoDate;
  ownerId: string;
}

interface CouncilContext {
  organisationId: string;
  today: IsoDate;
  calendar: WorkingDayCalendar;
  schedule: ChaseSchedule;
  qaLeads: string[];
}

export async function chaseActions(db: Db, now: Date): Promise<JobSummary> {
  const today = londonDate(now);
  const summary = { actions: 0, reminders: 0, escalations: 0 };
  const failures: string[] = [];
  for (const { id: organisationId } of await db.select({ id: organisations.id }).from(organisations)) {
    const settings = await chaseSettingsFor(db, organisationId);
    const council: CouncilContext = {
      organisationId,
      today,
      calendar: await calendarFor(db, organisationId),
      schedule: settings.schedule,
      qaLeads: await qaLeadIds(db, organisationId, settings.qaLeadUserId),
    };
    const outstanding = await db
      .select({ id: actions.id, number: actions.number, organisationId: actions.organisationId, status: actions.status, dueDate: actions.dueDate, ownerId: actions.ownerId })
      .from(actions)
      .where(and(eq(actions.organisationId, organisationId), inArray(actions.status, ['open', 'reopened']), lte(actions.dueDate, addDays(today, LOOK_AHEAD_DAYS))));
    for (const action of outstanding) {
      summary.actions++;
      // One action's problem (a due date beyond the calendar's years) must not stop the others.
      try {
        for (const step of chaseStepsDue(action, today, council.schedule, council.calendar)) {
          if (await sendStep(db, council, action, step, now)) summary[step.kind === 'reminder' ? 'reminders' : 'escalations']++;
        }
      } catch (error) {
        failures.push(`${actionReference(action.number)} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  if (failures.length > 0) {
    throw new Error(`Chasing failed for ${failures.length} action(s), the rest were chased (${summary.reminders} reminders, ${summary.escalations} escalations): ${failures.slice(0, 10).join('; ')}`);
  }
  return summary;
}

/** Owner, line manager and the line manager's manager, if they are still active. */
async function chain(db: Db, ownerId: string): Promise<Record<'owner' | 'line-manager' | 'group-manager', string | null>> {
  const person = async (id: string | null) => {
    if (!id) return undefined;
    const [row] = await db.select({ id: users.id, lineManagerId: users.lineManagerId, disabledAt: users.disabledAt }).from(users).where(eq(users.id, id));
    return row;
  };
  const owner = await person(ownerId);
  const manager = await person(owner?.lineManagerId ?? null);
  const groupManager = await person(manager?.lineManagerId ?? null);
  const active = (row: { id: string; disabledAt: Date | null } | undefined) => (row && !row.disabledAt ? row.id : null);
  return { owner: active(owner), 'line-manager': active(manager), 'group-manager': active(groupManager) };
}

async function recipientsOf(db: Db, council: CouncilContext, ownerId: string, tell: readonly Recipient[]): Promise<string[]> {
  const people = await chain(db, ownerId);
  const ids = new Set<string>();
  for (const who of tell) {
    if (who === 'qa-lead') council.qaLeads.forEach((id) => ids.add(id));
    else if (people[who]) ids.add(people[who]);
  }
  // A step that would reach nobody (no manager above, or they have left) goes to the QA lead, so
  // an overdue action is never chased into silence.
  if (ids.size === 0) council.qaLeads.forEach((id) => ids.add(id));
  return [...ids];
}

/** Sends one step unless it was sent already; true when it was sent now. */
async function sendStep(db: Db, council: CouncilContext, action: Outstanding, step: ChaseStep, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The action may have been marked done or given a new date since the list was read.
    const [current] = await tx.select({ status: actions.status, dueDate: actions.dueDate }).from(actions).where(eq(actions.id, action.id)).for('update');
    if (!current || !isOutstanding(current.status) || current.dueDate !== action.dueDate) return false;
    const recipientIds = await recipientsOf(tx, council, action.ownerId, step.tell);
    const inserted = await tx
      .insert(actionChases)
      .values({ actionId: action.id, chaseKey: step.key, kind: step.kind, level: step.level, dueDate: action.dueDate, forDate: step.forDate, recipientIds, at: now })
      .onConflictDoNothing()
      .returning({ key: actionChases.chaseKey });
    if (inserted.length === 0) return false;

    const reference = actionReference(action.number);
    const due = formatDate(action.dueDate);
    await tx.insert(actionEvents).values({
      actionId: action.id,
      at: now,
      actorId: null,
      kind: step.kind === 'reminder' ? 'reminded' : 'escalated',
      detail: { level: step.level, forDate: step.forDate, tell: step.tell, recipientIds },
    });
    if (step.kind === 'escalation') {
      await tx
        .update(actions)
        .set({ escalationLevel: sql`greatest(${actions.escalationLevel}, ${step.level})` })
        .where(eq(actions.id, action.id));
    }
    const onDueDate = step.kind === 'escalation' && council.today <= action.dueDate;
    await notifyAndEmail(tx, {
      organisationId: council.organisationId,
      userIds: recipientIds,
      kind: step.kind === 'reminder' ? 'action-reminder' : 'action-escalated',
      title:
        step.kind === 'reminder'
          ? `Reminder: action ${reference} is due ${due}`
          : onDueDate
            ? `Action ${reference} is due today and not yet done`
            : `Action ${reference} is overdue (due ${due}): escalation level ${step.level}`,
      emailBody:
        step.kind === 'reminder'
          ? `Action ${reference} is due ${due} and is not yet marked done.`
          : `Action ${reference} was due ${due} and is not yet done. You are told because you are ${step.level === 1 ? 'its owner or their line manager' : 'next in its line-management chain'} (escalation level ${step.level}).`,
      link: `/actions/${action.id}`,
      reference,
      dedupeKey: `action:${action.id}:${step.key}`,
    });
    return true;
  });
}

export const actionChasingJob: Job = {
  name: 'action-chasing',
  run: ({ db, now }) => chaseActions(db, now),
};
