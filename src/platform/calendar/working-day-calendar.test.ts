import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { englandAndWalesBankHolidays, englandAndWalesCalendar } from './bank-holidays.ts';
import { fromDayNumber, toDayNumber } from './iso-date.ts';
import { CalendarRangeError, WorkingDayCalendar } from './working-day-calendar.ts';

const calendar = englandAndWalesCalendar();

// Anchors far enough from the end of 2028 that adding up to 200 working days (or 400 calendar
// days) stays within the years covered.
const anchors = fc.integer({ min: toDayNumber('2015-01-01'), max: toDayNumber('2027-11-01') }).map(fromDayNumber);
// Counting back 200 working days must not fall before 2015 either.
const workingAnchors = fc
  .integer({ min: toDayNumber('2016-01-01'), max: toDayNumber('2027-11-01') })
  .map(fromDayNumber)
  .filter((d) => calendar.isWorkingDay(d));
const counts = fc.integer({ min: 0, max: 200 });

/** An independent count: walk the days one by one with the UTC clock and the raw holiday list. */
function naiveWorkingDaysAfter(a: string, b: string): number {
  const holidays = new Set(englandAndWalesBankHolidays.dates);
  let count = 0;
  for (let t = Date.parse(`${a}T00:00:00Z`) + 86_400_000; t <= Date.parse(`${b}T00:00:00Z`); t += 86_400_000) {
    const d = new Date(t);
    const iso = d.toISOString().slice(0, 10);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !holidays.has(iso)) count++;
  }
  return count;
}

describe('working days in England and Wales', () => {
  it('are Monday to Friday', () => {
    expect(calendar.isWorkingDay('2026-03-06')).toBe(true); // Friday
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2026-03-09')).toBe(true); // Monday
  });

  it('skip Christmas and Boxing Day, and the substitute days when they fall at a weekend', () => {
    // 2020: Christmas on a Friday, Boxing Day on Saturday, substitute Monday 28th.
    expect(calendar.isWorkingDay('2020-12-25')).toBe(false);
    expect(calendar.isWorkingDay('2020-12-28')).toBe(false);
    expect(calendar.addWorkingDays('2020-12-24', 1)).toBe('2020-12-29');
    // 2021: both on the weekend, substitutes Monday 27th and Tuesday 28th; New Year 2022 on a
    // Saturday, substitute Monday 3 January.
    expect(calendar.isWorkingDay('2021-12-27')).toBe(false);
    expect(calendar.isWorkingDay('2021-12-28')).toBe(false);
    expect(calendar.addWorkingDays('2021-12-24', 1)).toBe('2021-12-29');
    expect(calendar.addWorkingDays('2021-12-31', 1)).toBe('2022-01-04');
    // 2022: Christmas on a Sunday, so Boxing Day Monday and the Christmas substitute Tuesday 27th.
    expect(calendar.isWorkingDay('2022-12-26')).toBe(false);
    expect(calendar.isWorkingDay('2022-12-27')).toBe(false);
    expect(calendar.workingDaysBetween('2022-12-23', '2023-01-03')).toBe(4); // 28, 29, 30 Dec, 3 Jan
    expect(calendar.isWorkingDay('2023-01-02')).toBe(false);
    // 2026: Boxing Day on a Saturday, substitute Monday 28th.
    expect(calendar.addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
  });

  it('skip Good Friday and Easter Monday', () => {
    expect(calendar.addWorkingDays('2024-03-28', 1)).toBe('2024-04-02');
    expect(calendar.addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
    expect(calendar.workingDaysBetween('2026-03-31', '2026-04-10')).toBe(6); // 1, 2, 7, 8, 9, 10 April
  });

  it('skip the 2022 Platinum Jubilee holidays and the state funeral', () => {
    expect(calendar.isWorkingDay('2022-06-02')).toBe(false);
    expect(calendar.isWorkingDay('2022-06-03')).toBe(false);
    expect(calendar.addWorkingDays('2022-06-01', 1)).toBe('2022-06-06');
    expect(calendar.isWorkingDay('2022-09-19')).toBe(false);
    expect(calendar.addWorkingDays('2022-09-16', 1)).toBe('2022-09-20');
    // 15 working days from a strategy discussion on 30 May 2022 run past both Jubilee days.
    expect(calendar.addWorkingDays('2022-05-30', 15)).toBe('2022-06-22');
  });

  it('skip the one-off 2020 VE Day and 2023 coronation holidays', () => {
    expect(calendar.isWorkingDay('2020-05-08')).toBe(false);
    expect(calendar.isWorkingDay('2020-05-04')).toBe(true); // the usual early May Monday was moved
    expect(calendar.isWorkingDay('2023-05-08')).toBe(false);
  });
});

describe('addWorkingDays', () => {
  it('counts the anchor as day 0 and each following working day as one', () => {
    expect(calendar.addWorkingDays('2026-03-02', 0)).toBe('2026-03-02');
    expect(calendar.addWorkingDays('2026-03-02', 1)).toBe('2026-03-03');
    expect(calendar.addWorkingDays('2026-03-02', 15)).toBe('2026-03-23');
    expect(calendar.addWorkingDays('2026-03-06', 1)).toBe('2026-03-09');
  });

  it('starts counting after a weekend anchor, so Saturday and Friday anchors meet the same due date', () => {
    expect(calendar.addWorkingDays('2026-03-07', 1)).toBe('2026-03-09');
    expect(calendar.addWorkingDays('2026-03-06', 1)).toBe('2026-03-09');
    expect(calendar.addWorkingDays('2026-03-07', 0)).toBe('2026-03-07');
  });

  it('counts back with a negative n', () => {
    expect(calendar.addWorkingDays('2026-03-09', -1)).toBe('2026-03-06');
    expect(calendar.addWorkingDays('2026-03-07', -1)).toBe('2026-03-06');
    expect(calendar.addWorkingDays('2023-01-03', -2)).toBe('2022-12-29');
  });

  it('crosses a leap day and a month end like any other day', () => {
    expect(calendar.addWorkingDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(calendar.addWorkingDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(calendar.addWorkingDays('2026-01-30', 1)).toBe('2026-02-02');
  });

  it('refuses to count beyond the years it has bank holidays for', () => {
    expect(() => calendar.addWorkingDays('2014-12-31', 1)).toThrow(CalendarRangeError);
    expect(() => calendar.addWorkingDays('2028-12-29', 1)).toThrow(CalendarRangeError);
    expect(() => calendar.addWorkingDays('2015-01-02', -2)).toThrow(CalendarRangeError);
    expect(() => calendar.isWorkingDay('2029-01-02')).toThrow(/2015 to 2028/);
    expect(() => calendar.workingDaysBetween('2026-01-01', '2031-01-01')).toThrow(CalendarRangeError);
    expect(calendar.coverage).toEqual({ from: '2015-01-01', to: '2028-12-31' });
  });

  it('refuses a fractional count or a date that does not exist', () => {
    expect(() => calendar.addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-02-30', 1)).toThrow(/not a date/);
  });
});

describe('local closure days', () => {
  it('are non-working days on top of the bank holidays, without changing the shared calendar', () => {
    const withClosure = englandAndWalesCalendar(['2026-12-29', '2026-12-30', '2026-12-31']);
    expect(withClosure.addWorkingDays('2026-12-24', 1)).toBe('2027-01-04');
    expect(calendar.addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
  });

  it('must lie within the calendar years', () => {
    expect(() => englandAndWalesCalendar(['2030-01-02'])).toThrow(CalendarRangeError);
  });

  it('work in a calendar built from any holiday list', () => {
    const small = new WorkingDayCalendar({ holidays: ['2026-01-01'], firstYear: 2026, lastYear: 2026 });
    expect(small.addWorkingDays('2026-01-01', 1)).toBe('2026-01-02');
    expect(small.isWorkingDay('2026-12-25')).toBe(true); // not a holiday in this list
    expect(() => new WorkingDayCalendar({ holidays: [], firstYear: 2027, lastYear: 2026 })).toThrow(RangeError);
  });
});

describe('laws of working-day arithmetic', () => {
  it('workingDaysBetween undoes addWorkingDays, from any anchor', () => {
    fc.assert(
      fc.property(anchors, counts, (a, n) => {
        expect(calendar.workingDaysBetween(a, calendar.addWorkingDays(a, n))).toBe(n);
      }),
    );
  });

  it('counting back undoes counting forward from a working day', () => {
    fc.assert(
      fc.property(workingAnchors, counts, (a, n) => {
        expect(calendar.addWorkingDays(calendar.addWorkingDays(a, n), -n)).toBe(a);
        expect(calendar.workingDaysBetween(a, calendar.addWorkingDays(a, -n))).toBe(0 - n);
      }),
    );
  });

  it('the result is a working day after the anchor for n > 0, with no working day skipped', () => {
    fc.assert(
      fc.property(anchors, fc.integer({ min: 1, max: 200 }), (a, n) => {
        const due = calendar.addWorkingDays(a, n);
        expect(due > a).toBe(true);
        expect(calendar.isWorkingDay(due)).toBe(true);
        // The day before the result is not yet n working days after the anchor.
        expect(calendar.workingDaysBetween(a, fromDayNumber(toDayNumber(due) - 1))).toBe(n - 1);
      }),
    );
  });

  it('is monotonic in the count and in the anchor', () => {
    fc.assert(
      fc.property(anchors, anchors, counts, counts, (a, b, n, m) => {
        const [lo, hi] = n <= m ? [n, m] : [m, n];
        expect(calendar.addWorkingDays(a, lo) <= calendar.addWorkingDays(a, hi)).toBe(true);
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(calendar.addWorkingDays(early, n) <= calendar.addWorkingDays(late, n)).toBe(true);
      }),
    );
  });

  it('workingDaysBetween is additive and antisymmetric', () => {
    fc.assert(
      fc.property(anchors, anchors, anchors, (a, b, c) => {
        expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, c)).toBe(calendar.workingDaysBetween(a, c));
        expect(calendar.workingDaysBetween(b, a)).toBe(0 - calendar.workingDaysBetween(a, b));
      }),
    );
  });

  it('agrees with counting the days one by one', () => {
    fc.assert(
      fc.property(anchors, fc.integer({ min: 0, max: 400 }), (a, days) => {
        const b = fromDayNumber(toDayNumber(a) + days);
        expect(calendar.workingDaysBetween(a, b)).toBe(naiveWorkingDaysAfter(a, b));
      }),
      { numRuns: 200 },
    );
  });
});
