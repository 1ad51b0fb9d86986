/**
 * Today's date where the councils work. A deadline is a date in England, so "today" is the date
 * on a clock in London, not in UTC (between midnight and 1am in summer they differ) and not on
 * the server's own clock, which may be set to anything.
 */
import type { IsoDate } from './iso-date.ts';

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

export function londonDate(instant: Date): IsoDate {
  return LONDON_DATE.format(instant);
}
