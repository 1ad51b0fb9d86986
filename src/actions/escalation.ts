/**
 * Chasing an action: a reminder some working days before it is due, then escalation up the
 * line-management chain once it is overdue. The schedule is the council's to set; the default is
 * the one the actions issue describes (owner and line manager on the due date, group manager after
 * 5 working days overdue, QA lead after 10), with a reminder 2 working days before.
 *
 * Pure: given an action, today and a calendar, which chasing steps have fallen due. Whether each
 * was already sent is the database's question (a unique key per step), so running the job twice,
 * late, or on two servers sends each step once.
 */
import { z } from 'zod';
import type { IsoDate, WorkingDayCalendar } from '../platform/calendar/index.ts';
import { onOrAfterWorkingDay } from './due-dates.ts';
import { isOutstanding } from './lifecycle.ts';
import type { ActionStatus } from './schema.ts';

export const RECIPIENTS = ['owner', 'line-manager', 'group-manager', 'qa-lead'] as const;
export type Recipient = (typeof RECIPIENTS)[number];

export const RECIPIENT_LABELS: Record<Recipient, string> = {
  owner: 'The owner',
  'line-manager': "The owner's line manager",
  'group-manager': "The line manager's manager (group manager)",
  'qa-lead': 'The QA lead',
};

export const EscalationStep = z.object({
  level: z.number().int().min(1),
  /** Working days after the due date; 0 is the due date itself. */
  workingDaysOverdue: z.number().int().min(0).max(60),
  tell: z.array(z.enum(RECIPIENTS)).min(1),
});
export type EscalationStep = z.infer<typeof EscalationStep>;

export const EscalationSchedule = z
  .array(EscalationStep)
  .max(5)
  .refine((steps) => steps.every((s, i) => s.level === i + 1), 'Levels are numbered 1, 2, 3… in order')
  .refine((steps) => steps.every((s, i) => i === 0 || s.workingDaysOverdue > steps[i - 1]!.workingDaysOverdue), 'Each level comes later than the one before');

export interface ChaseSchedule {
  /** Working days before the due date the owner is reminded; 0: no reminder. */
  reminderWorkingDays: number;
  escalation: EscalationStep[];
}

export const DEFAULT_CHASE_SCHEDULE: ChaseSchedule = {
  reminderWorkingDays: 2,
  escalation: [
    { level: 1, workingDaysOverdue: 0, tell: ['owner', 'line-manager'] },
    { level: 2, workingDaysOverdue: 5, tell: ['group-manager'] },
    { level: 3, workingDaysOverdue: 10, tell: ['qa-lead'] },
  ],
};

export interface ChaseStep {
  /** Unique per action: the same step is never sent twice. A new due date starts again. */
  key: string;
  kind: 'reminder' | 'escalation';
  level: number;
  /** The working day the step belongs to. */
  forDate: IsoDate;
  tell: readonly Recipient[];
}

/** The working day an escalation level falls on: the due date (or the next working day) for 0. */
export function escalationDate(dueDate: IsoDate, workingDaysOverdue: number, calendar: WorkingDayCalendar): IsoDate {
  return workingDaysOverdue === 0 ? onOrAfterWorkingDay(dueDate, calendar) : calendar.addWorkingDays(dueDate, workingDaysOverdue);
}

/**
 * The steps due on or before `today` for an action still to do. A reminder is only sent before
 * the due date: on and after it, escalation takes over. Earlier steps missed (the server was down)
 * are included, so the record shows every level was reached.
 */
export function chaseStepsDue(action: { status: ActionStatus; dueDate: IsoDate }, today: IsoDate, schedule: ChaseSchedule, calendar: WorkingDayCalendar): ChaseStep[] {
  if (!isOutstanding(action.status)) return [];
  const steps: ChaseStep[] = [];
  if (schedule.reminderWorkingDays > 0 && today < action.dueDate) {
    const forDate = calendar.addWorkingDays(action.dueDate, -schedule.reminderWorkingDays);
    if (today >= forDate) steps.push({ key: `reminder:${action.dueDate}:${schedule.reminderWorkingDays}`, kind: 'reminder', level: 0, forDate, tell: ['owner'] });
  }
  for (const step of schedule.escalation) {
    const forDate = escalationDate(action.dueDate, step.workingDaysOverdue, calendar);
    if (today >= forDate) steps.push({ key: `escalation:${action.dueDate}:${step.level}`, kind: 'escalation', level: step.level, forDate, tell: step.tell });
  }
  return steps;
}

/** Working days past the due date (0 on the due date or before it). */
export function workingDaysOverdue(dueDate: IsoDate, today: IsoDate, calendar: WorkingDayCalendar): number {
  return today > dueDate ? calendar.workingDaysBetween(dueDate, today) : 0;
}
