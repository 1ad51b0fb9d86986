/**
 * When an action is due if nobody says otherwise. Seed 002 (West Sussex QA framework, "Stage 2")
 * sets two deadlines: "For inadequate audits, where safeguarding concerns have been identified
 * timescales are 5 working days maximum", and "most other actions are completed within a 4 week
 * period". The 5-day deadline applies when either is found (the framework file's appliesWhen is
 * any-of), because the child's safety comes first. The QA team may set other defaults per tool.
 */
import { addDays, addMonths, addWeeks, type IsoDate, type WorkingDayCalendar } from '../platform/calendar/index.ts';
import type { DueDateUnit } from './schema.ts';

export interface Timescale {
  amount: number;
  unit: DueDateUnit;
}

export interface DueRule {
  /** Safeguarding concerns or an inadequate judgement. */
  urgent: Timescale;
  normal: Timescale;
}

/** Seed 002's defaults; `due-dates.test.ts` checks them against the shipped framework file. */
export const SEED_002_DUE_RULE: DueRule = {
  urgent: { amount: 5, unit: 'working-days' },
  normal: { amount: 4, unit: 'weeks' },
};

/** What the audit found that shortens the deadline. */
export interface Findings {
  safeguardingConcern?: boolean | undefined;
  inadequateJudgement?: boolean | undefined;
}

export function isUrgent(findings: Findings): boolean {
  return Boolean(findings.safeguardingConcern || findings.inadequateJudgement);
}

/**
 * The due date `timescale` after `agreedOn`. Working days count as the calendar counts them (the
 * day the action is agreed is day 0). A deadline in calendar days, weeks or months that lands on
 * a weekend, bank holiday or closure day moves to the next working day: nobody can be expected
 * to finish on a day nobody works, and moving it earlier would shorten the period the seed gives.
 */
export function dueDateAfter(agreedOn: IsoDate, timescale: Timescale, calendar: WorkingDayCalendar): IsoDate {
  switch (timescale.unit) {
    case 'working-days':
      return calendar.addWorkingDays(agreedOn, timescale.amount);
    case 'calendar-days':
      return onOrAfterWorkingDay(addDays(agreedOn, timescale.amount), calendar);
    case 'weeks':
      return onOrAfterWorkingDay(addWeeks(agreedOn, timescale.amount), calendar);
    case 'months':
      return onOrAfterWorkingDay(addMonths(agreedOn, timescale.amount), calendar);
  }
}

export function defaultDueDate(agreedOn: IsoDate, findings: Findings, rule: DueRule, calendar: WorkingDayCalendar): IsoDate {
  return dueDateAfter(agreedOn, isUrgent(findings) ? rule.urgent : rule.normal, calendar);
}

/** The date itself when it is a working day, otherwise the next working day. */
export function onOrAfterWorkingDay(date: IsoDate, calendar: WorkingDayCalendar): IsoDate {
  return calendar.isWorkingDay(date) ? date : calendar.addWorkingDays(date, 1);
}

const UNIT_WORDS: Record<DueDateUnit, [string, string]> = {
  'working-days': ['working day', 'working days'],
  'calendar-days': ['day', 'days'],
  weeks: ['week', 'weeks'],
  months: ['month', 'months'],
};

/** "5 working days", "1 week". */
export function describeTimescale(timescale: Timescale): string {
  const [one, many] = UNIT_WORDS[timescale.unit];
  return `${timescale.amount} ${timescale.amount === 1 ? one : many}`;
}
