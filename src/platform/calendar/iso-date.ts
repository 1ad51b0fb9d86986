/**
 * Calendar dates as ISO `YYYY-MM-DD` strings, with arithmetic that never touches a `Date`.
 *
 * A deadline is a calendar date, not an instant: building a `Date` from "2026-03-29" and adding a
 * day can land on the 29th again or the 31st when the clocks change, depending on the machine's
 * time zone. So every date here is turned into a day number (days since 1970-01-01 in the
 * proleptic Gregorian calendar) by integer arithmetic, following the well-known civil-date
 * algorithms described by Howard Hinnant ("chrono-Compatible Low-Level Date Algorithms").
 */

/** An ISO calendar date, `YYYY-MM-DD`. A plain string so it passes through JSON and SQL unchanged. */
export type IsoDate = string;

/** Thrown for a string that is not a real ISO calendar date. */
export class InvalidDateError extends TypeError {
  constructor(readonly value: unknown) {
    super(`"${String(value)}" is not a date in the form YYYY-MM-DD`);
    this.name = 'InvalidDateError';
  }
}

const DIGIT_0 = 48;

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : NaN;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

interface Civil {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

/** Splits an ISO date, or returns undefined if it is not one (wrong shape or no such day). */
function parseCivil(text: string): Civil | undefined {
  if (typeof text !== 'string' || text.length !== 10 || text[4] !== '-' || text[7] !== '-') return undefined;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  if (Number.isNaN(year + month + day) || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function civil(text: string): Civil {
  const parts = parseCivil(text);
  if (!parts) throw new InvalidDateError(text);
  return parts;
}

export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && parseCivil(value) !== undefined;
}

function dayNumberOfCivil({ year, month, day }: Civil): number {
  // Count from 1 March so that the leap day falls at the end of the counting year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Days since 1970-01-01 (negative before). Throws InvalidDateError for anything but a real date. */
export function toDayNumber(date: IsoDate): number {
  return dayNumberOfCivil(civil(date));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatCivil(year: number, month: number, day: number): IsoDate {
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} cannot be written as YYYY-MM-DD`);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** The ISO date of a day number: the inverse of toDayNumber. */
export function fromDayNumber(dayNumber: number): IsoDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return formatCivil(year, month, day);
}

/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getUTCDay`. 1970-01-01 was a Thursday. */
export function dayOfWeekOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function dayOfWeek(date: IsoDate): number {
  return dayOfWeekOfDayNumber(toDayNumber(date));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  assertWhole(days, 'days');
  return fromDayNumber(toDayNumber(date) + days);
}

export function addWeeks(date: IsoDate, weeks: number): IsoDate {
  assertWhole(weeks, 'weeks');
  return addDays(date, weeks * 7);
}

/**
 * The same day of the month `months` later (or earlier, if negative). When that month is shorter,
 * the result is its last day: 31 January + 1 month is 28 (or 29) February. This is how statutory
 * timescales in months are read ("within 3 months" of 31 August ends on 30 November).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  assertWhole(months, 'months');
  const { year, month, day } = civil(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  return formatCivil(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth)));
}

/** Twelve months per year, so 29 February + 1 year is 28 February. */
export function addYears(date: IsoDate, years: number): IsoDate {
  assertWhole(years, 'years');
  return addMonths(date, years * 12);
}

/**
 * Age in whole years on `date`. A birthday counts from the start of its day. Someone born on
 * 29 February becomes a year older on 1 March in a common year, because the anniversary of their
 * birth has not arrived on 28 February (this is the reading usually given of the Family Law Reform
 * Act 1969 s.9 in England and Wales). Throws if `date` is before the date of birth.
 */
export function ageOn(dateOfBirth: IsoDate, date: IsoDate): number {
  const birth = civil(dateOfBirth);
  const on = civil(date);
  let age = on.year - birth.year;
  if (on.month < birth.month || (on.month === birth.month && on.day < birth.day)) age -= 1;
  if (age < 0) throw new RangeError(`${date} is before the date of birth ${dateOfBirth}`);
  return age;
}

/** Days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

function assertWhole(n: number, what: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${what} must be a whole number, not ${n}`);
}
