import { describe, expect, it } from 'vitest';
import { englandAndWalesCalendar } from '../platform/calendar/index.ts';
import { chaseStepsDue, DEFAULT_CHASE_SCHEDULE, EscalationSchedule, escalationDate, workingDaysOverdue } from './escalation.ts';

const calendar = englandAndWalesCalendar();
const open = (dueDate: string) => ({ status: 'open' as const, dueDate });
const keys = (dueDate: string, today: string) => chaseStepsDue(open(dueDate), today, DEFAULT_CHASE_SCHEDULE, calendar).map((s) => s.key);

describe('chasing an action', () => {
  it('reminds the owner 2 working days before the due date, not earlier', () => {
    // Due Tuesday 8 December 2026: reminded on Friday 4th.
    expect(keys('2026-12-08', '2026-12-03')).toEqual([]);
    expect(keys('2026-12-08', '2026-12-04')).toEqual(['reminder:2026-12-08:2']);
    expect(chaseStepsDue(open('2026-12-08'), '2026-12-04', DEFAULT_CHASE_SCHEDULE, calendar)[0]!.tell).toEqual(['owner']);
  });

  it('escalates to owner and manager on the due date, the group manager 5 working days later, the QA lead after 10', () => {
    expect(keys('2026-12-08', '2026-12-08')).toEqual(['escalation:2026-12-08:1']);
    expect(keys('2026-12-08', '2026-12-14')).toEqual(['escalation:2026-12-08:1']);
    expect(keys('2026-12-08', '2026-12-15')).toEqual(['escalation:2026-12-08:1', 'escalation:2026-12-08:2']);
    // 10 working days after 8 December, over Christmas: 9,10,11,14,15,16,17,18,21,22.
    expect(escalationDate('2026-12-08', 10, calendar)).toBe('2026-12-22');
    expect(keys('2026-12-08', '2026-12-22')).toHaveLength(3);
  });

  it('counts working days across weekends and bank holidays: an action due before Easter', () => {
    // Due Wednesday 1 April 2026. Good Friday (3rd) and Easter Monday (6th) are bank holidays:
    // 5 working days overdue is Friday 10 April (Thu 2, Tue 7, Wed 8, Thu 9, Fri 10), not Wed 8th.
    expect(escalationDate('2026-04-01', 5, calendar)).toBe('2026-04-10');
    expect(keys('2026-04-01', '2026-04-09')).toEqual(['escalation:2026-04-01:1']);
    expect(keys('2026-04-01', '2026-04-10')).toHaveLength(2);
    expect(workingDaysOverdue('2026-04-01', '2026-04-09', calendar)).toBe(4);
  });

  it('escalates an action due on a Saturday on the next working day, and a local closure day moves it again', () => {
    // Due Saturday 28 November 2026: reminded on Thursday 26th, escalated on Monday 30th.
    expect(keys('2026-11-28', '2026-11-26')).toEqual(['reminder:2026-11-28:2']);
    expect(keys('2026-11-28', '2026-11-28')).toEqual([]);
    expect(keys('2026-11-28', '2026-11-30')).toEqual(['escalation:2026-11-28:1']);
    const closedMonday = englandAndWalesCalendar(['2026-11-30']);
    const steps = (today: string) => chaseStepsDue(open('2026-11-28'), today, DEFAULT_CHASE_SCHEDULE, closedMonday).map((s) => s.key);
    expect(steps('2026-11-30')).toEqual([]);
    expect(steps('2026-12-01')).toEqual(['escalation:2026-11-28:1']);
  });

  it('chases nothing once the action is done, signed off or cancelled', () => {
    for (const status of ['done', 'signed-off', 'cancelled'] as const) {
      expect(chaseStepsDue({ status, dueDate: '2026-01-05' }, '2026-12-01', DEFAULT_CHASE_SCHEDULE, calendar)).toEqual([]);
    }
    expect(chaseStepsDue({ status: 'reopened', dueDate: '2026-12-01' }, '2026-12-01', DEFAULT_CHASE_SCHEDULE, calendar)).toHaveLength(1);
  });

  it('follows a council’s own schedule, and starts again for a new due date', () => {
    const schedule = { reminderWorkingDays: 0, escalation: [{ level: 1, workingDaysOverdue: 3, tell: ['line-manager' as const] }] };
    expect(chaseStepsDue(open('2026-12-08'), '2026-12-10', schedule, calendar)).toEqual([]);
    expect(chaseStepsDue(open('2026-12-08'), '2026-12-11', schedule, calendar)).toEqual([{ key: 'escalation:2026-12-08:1', kind: 'escalation', level: 1, forDate: '2026-12-11', tell: ['line-manager'] }]);
    expect(keys('2027-01-12', '2027-01-12')).toEqual(['escalation:2027-01-12:1']);
  });

  it('accepts only schedules whose levels come in order', () => {
    expect(EscalationSchedule.safeParse(DEFAULT_CHASE_SCHEDULE.escalation).success).toBe(true);
    expect(EscalationSchedule.safeParse([{ level: 1, workingDaysOverdue: 5, tell: ['owner'] }, { level: 2, workingDaysOverdue: 5, tell: ['qa-lead'] }]).success).toBe(false);
    expect(EscalationSchedule.safeParse([{ level: 2, workingDaysOverdue: 0, tell: ['owner'] }]).success).toBe(false);
  });
});
