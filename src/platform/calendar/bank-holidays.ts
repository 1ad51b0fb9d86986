/**
 * The England and Wales calendar the product ships with. The holiday list is a data file built by
 * `scripts/build-bank-holidays.ts` from GOV.UK's published data and committed with the code, so
 * nothing is fetched or read from outside the project at run time.
 */
import bankHolidays from './bank-holidays-england-and-wales.json' with { type: 'json' };
import type { IsoDate } from './iso-date.ts';
import { WorkingDayCalendar } from './working-day-calendar.ts';

export const englandAndWalesBankHolidays: {
  readonly source: string;
  readonly firstYear: number;
  readonly lastYear: number;
  readonly dates: readonly IsoDate[];
} = bankHolidays;

/**
 * Working days in England and Wales, plus the council's own closure days (which an administrator
 * maintains; they are passed in, never held globally).
 */
export function englandAndWalesCalendar(closures: readonly IsoDate[] = []): WorkingDayCalendar {
  return new WorkingDayCalendar({
    holidays: englandAndWalesBankHolidays.dates,
    closures,
    firstYear: englandAndWalesBankHolidays.firstYear,
    lastYear: englandAndWalesBankHolidays.lastYear,
  });
}
