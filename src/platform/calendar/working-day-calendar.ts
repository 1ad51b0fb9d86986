/**
 * Working days: Monday to Friday, except bank holidays and any local closure days a council adds.
 *
 * The calendar only answers for the years whose bank holidays it was given. Outside them it
 * throws a CalendarRangeError instead of guessing: counting a bank holiday as a working day moves
 * a statutory deadline, and nobody would notice.
 *
 * Everything is precomputed once (a running count of working days for every day covered), so
 * each question is a couple of array look-ups. The timeliness engine asks millions of them.
 */
import { dayOfWeekOfDayNumber, fromDayNumber, toDayNumber, type IsoDate } from './iso-date.ts';

export interface WorkingDayCalendarOptions {
  /** Bank holidays, ISO dates; they must lie within firstYear…lastYear. */
  holidays: readonly IsoDate[];
  /** Extra non-working days set by the council (e.g. a closure between Christmas and New Year). */
  closures?: readonly IsoDate[];
  /** The years the holiday list is complete for. */
  firstYear: number;
  lastYear: number;
}

/** A date (or a count that reaches one) outside the years the calendar has bank holidays for. */
export class CalendarRangeError extends RangeError {
  constructor(
    /** The date, or the count, that fell outside: "2031-01-02", "20 working days after 2028-12-20". */
    readonly subject: string,
    readonly firstYear: number,
    readonly lastYear: number,
  ) {
    super(`${subject} is outside the working-day calendar, which knows bank holidays for ${firstYear} to ${lastYear} only`);
    this.name = 'CalendarRangeError';
  }
}

export class WorkingDayCalendar {
  readonly firstYear: number;
  readonly lastYear: number;
  /** First and last day covered, as day numbers. */
  private readonly start: number;
  private readonly end: number;
  /** workingUpTo[i]: working days in [start, start + i], inclusive. */
  private readonly workingUpTo: Int32Array;
  /** workingDays[k]: the day number of the (k+1)-th working day from start. */
  private readonly workingDays: Int32Array;
  /** ISO strings of every covered day, so answers are not re-formatted each time. */
  private readonly isoOf: IsoDate[];

  constructor(options: WorkingDayCalendarOptions) {
    const { firstYear, lastYear } = options;
    if (!Number.isInteger(firstYear) || !Number.isInteger(lastYear) || firstYear > lastYear) {
      throw new RangeError(`invalid calendar years ${firstYear}–${lastYear}`);
    }
    this.firstYear = firstYear;
    this.lastYear = lastYear;
    this.start = toDayNumber(`${String(firstYear).padStart(4, '0')}-01-01`);
    this.end = toDayNumber(`${String(lastYear).padStart(4, '0')}-12-31`);

    const nonWorking = new Set<IsoDate>();
    for (const date of [...options.holidays, ...(options.closures ?? [])]) {
      const day = toDayNumber(date);
      if (day < this.start || day > this.end) throw new CalendarRangeError(date, firstYear, lastYear);
      nonWorking.add(date);
    }

    const length = this.end - this.start + 1;
    this.workingUpTo = new Int32Array(length);
    this.isoOf = new Array<IsoDate>(length);
    const working: number[] = [];
    for (let i = 0; i < length; i++) {
      const day = this.start + i;
      const iso = fromDayNumber(day);
      this.isoOf[i] = iso;
      const weekday = dayOfWeekOfDayNumber(day);
      if (weekday !== 0 && weekday !== 6 && !nonWorking.has(iso)) working.push(day);
      this.workingUpTo[i] = working.length;
    }
    this.workingDays = Int32Array.from(working);
  }

  /** First and last dates this calendar can answer for. */
  get coverage(): { from: IsoDate; to: IsoDate } {
    return { from: this.iso(this.start), to: this.iso(this.end) };
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.isWorkingIndex(this.index(date));
  }

  /**
   * The date of the n-th working day after `date`. The anchor itself is day 0 and each following
   * working day counts one, so addWorkingDays(Friday, 1) is the next Monday (if it is not a bank
   * holiday) and addWorkingDays(date, 0) is `date` itself.
   *
   * When the anchor is not a working day (a referral on a Saturday), counting still starts after
   * it: the first working day after the weekend is day 1. We do not first move the anchor to a
   * working day, because that would give a Saturday referral one day more than a Friday one.
   *
   * A negative n counts back: the n-th working day before `date`.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n)) throw new RangeError(`working days must be a whole number, not ${n}`);
    const i = this.index(date);
    if (n === 0) return date;
    // workingUpTo[i] working days lie in [start, date]; the working days after `date` are
    // workingDays[workingUpTo[i]], workingDays[workingUpTo[i] + 1], …
    const before = this.workingUpTo[i]! - (this.isWorkingIndex(i) ? 1 : 0);
    const k = n > 0 ? this.workingUpTo[i]! + n - 1 : before + n;
    const day = this.workingDays[k];
    if (k < 0 || day === undefined) {
      throw new CalendarRangeError(`${n} working days ${n > 0 ? 'after' : 'before'} ${date}`, this.firstYear, this.lastYear);
    }
    return this.iso(day);
  }

  /**
   * Working days from `a` to `b`: the working days after `a` up to and including `b`, negative
   * when `b` is before `a`. The inverse of addWorkingDays: for n ≥ 0,
   * workingDaysBetween(a, addWorkingDays(a, n)) === n.
   */
  workingDaysBetween(a: IsoDate, b: IsoDate): number {
    return this.workingUpTo[this.index(b)]! - this.workingUpTo[this.index(a)]!;
  }

  private isWorkingIndex(i: number): boolean {
    return this.workingUpTo[i] !== (i === 0 ? 0 : this.workingUpTo[i - 1]);
  }

  private index(date: IsoDate): number {
    const day = toDayNumber(date);
    if (day < this.start || day > this.end) throw new CalendarRangeError(date, this.firstYear, this.lastYear);
    return day - this.start;
  }

  private iso(day: number): IsoDate {
    return this.isoOf[day - this.start]!;
  }
}
