/**
 * Calendar arithmetic on day numbers (days since 1970-01-01), the generator's internal clock.
 * Working days here are Monday to Friday only: the generator only needs plausible dates, and the
 * project's bank-holiday calendar belongs to the timeliness engine, which must be free to judge
 * the generated events as late or on time by its own rules.
 */

const MS_PER_DAY = 86_400_000;

export function dayFromIso(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`not an ISO date: ${iso}`);
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const day = ms / MS_PER_DAY;
  if (isoFromDay(day) !== iso) throw new Error(`not a real calendar date: ${iso}`);
  return day;
}

export function isoFromDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Turns day numbers into ISO strings, handing out one shared string per distinct day. A council of
 * 50,000 children holds about a million dates but only a few thousand distinct ones, so sharing
 * them keeps the model small.
 */
export class DateText {
  private readonly byDay = new Map<number, string>();

  iso(day: number): string {
    let text = this.byDay.get(day);
    if (text === undefined) {
      text = isoFromDay(day);
      this.byDay.set(day, text);
    }
    return text;
  }
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function dayOfWeek(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const dow = dayOfWeek(day);
  return dow === 0 || dow === 6;
}

/** The day itself if it is a weekday, else the following Monday. */
export function onOrAfterWeekday(day: number): number {
  const dow = dayOfWeek(day);
  if (dow === 6) return day + 2;
  if (dow === 0) return day + 1;
  return day;
}

/** The day itself if it is a weekday, else the Friday before. */
export function onOrBeforeWeekday(day: number): number {
  const dow = dayOfWeek(day);
  if (dow === 6) return day - 1;
  if (dow === 0) return day - 2;
  return day;
}

/** The anchor is day 0; returns the n-th weekday after it (n = 0 returns the anchor). */
export function addWorkingDays(anchor: number, n: number): number {
  let day = anchor;
  let left = n;
  while (left > 0) {
    day += 1;
    if (!isWeekend(day)) left -= 1;
  }
  return day;
}

/** Adds calendar months, clamping to the end of a shorter month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: number, months: number): number {
  const date = new Date(day * MS_PER_DAY);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const d = date.getUTCDate();
  const lastOfTarget = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d, lastOfTarget)) / MS_PER_DAY;
}

export function addYears(day: number, years: number): number {
  return addMonths(day, years * 12);
}

/** Completed years of age on `day` (a birthday counts on the day itself). */
export function wholeYears(birth: number, day: number): number {
  const b = new Date(birth * MS_PER_DAY);
  const d = new Date(day * MS_PER_DAY);
  let years = d.getUTCFullYear() - b.getUTCFullYear();
  const before =
    d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate());
  if (before) years -= 1;
  return years;
}

/** Age as a fractional number of years, the way Annex A workbooks show "Age". */
export function fractionalYears(birth: number, day: number): number {
  return (day - birth) / 365.25;
}

/** `2026-03-31` → `31/03/2026`, the SSDA903 and Annex A text form. */
export function ukDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

