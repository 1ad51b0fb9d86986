import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, addMonths, addWeeks, addYears, ageOn, dayOfWeek, daysBetween, fromDayNumber, InvalidDateError, isIsoDate, toDayNumber } from './iso-date.ts';

const MS_PER_DAY = 86_400_000;
/** Years 1600–2400 exercise every leap-year rule (÷4, ÷100, ÷400). */
const dayNumbers = fc.integer({ min: toDayNumber('1600-01-01'), max: toDayNumber('2400-12-31') });
const isoDates = dayNumbers.map(fromDayNumber);

describe('ISO dates as day numbers', () => {
  it('agrees with UTC dates for every day in eight centuries', () => {
    fc.assert(
      fc.property(dayNumbers, (n) => {
        const iso = fromDayNumber(n);
        expect(new Date(n * MS_PER_DAY).toISOString().slice(0, 10)).toBe(iso);
        expect(toDayNumber(iso)).toBe(n);
        expect(dayOfWeek(iso)).toBe(new Date(n * MS_PER_DAY).getUTCDay());
      }),
    );
  });

  it('accepts real dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('01/03/2026')).toBe(false);
    expect(isIsoDate('2026-03-01T00:00:00Z')).toBe(false);
    expect(isIsoDate(20260301)).toBe(false);
    expect(() => toDayNumber('2026-02-30')).toThrow(InvalidDateError);
  });

  it('does not depend on the time zone: the clocks going forward do not move a date', () => {
    // 29 March 2026 is the day British Summer Time starts.
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
  });
});

describe('calendar arithmetic', () => {
  it('adds days and weeks across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addWeeks('2026-03-02', 4)).toBe('2026-03-30');
    expect(addWeeks('2024-02-22', 1)).toBe('2024-02-29');
  });

  it('adds months keeping the day of the month, clamped to the end of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-08-31', 3)).toBe('2026-11-30');
    expect(addMonths('2026-01-15', 1)).toBe('2026-02-15');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-10', -13)).toBe('2024-12-10');
    expect(addMonths('2025-07-31', 6)).toBe('2026-01-31');
  });

  it('adds years as twelve months, so 29 February falls back to 28 February', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2026-06-15', -2)).toBe('2024-06-15');
  });

  it('refuses fractional amounts rather than rounding them', () => {
    expect(() => addDays('2026-01-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('2026-01-01', 0.5)).toThrow(RangeError);
  });

  it('addMonths: the day of the month is kept or clamped, and the month moves by exactly n', () => {
    fc.assert(
      fc.property(isoDates, fc.integer({ min: -600, max: 600 }), (date, n) => {
        const result = addMonths(date, n);
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        const [ry, rm, rd] = result.split('-').map(Number) as [number, number, number];
        expect(ry * 12 + rm - (y * 12 + m)).toBe(n);
        const lastDay = new Date(Date.UTC(ry, rm, 0)).getUTCDate();
        expect(rd).toBe(Math.min(d, lastDay));
      }),
    );
  });

  it('addMonths never puts a later date before an earlier one', () => {
    fc.assert(
      fc.property(isoDates, isoDates, fc.integer({ min: -120, max: 120 }), (a, b, n) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(addMonths(early, n) <= addMonths(late, n)).toBe(true);
      }),
    );
  });

  it('adding days agrees with the UTC clock and undoes itself', () => {
    fc.assert(
      fc.property(dayNumbers, fc.integer({ min: -5000, max: 5000 }), (n, days) => {
        const date = fromDayNumber(n);
        const result = addDays(date, days);
        expect(result).toBe(new Date((n + days) * MS_PER_DAY).toISOString().slice(0, 10));
        expect(addDays(result, -days)).toBe(date);
        expect(daysBetween(date, result)).toBe(days);
      }),
    );
  });
});

describe('age in whole years', () => {
  it('counts a birthday from the start of its day', () => {
    expect(ageOn('2021-03-31', '2026-03-30')).toBe(4);
    expect(ageOn('2021-03-31', '2026-03-31')).toBe(5);
    expect(ageOn('2026-03-31', '2026-03-31')).toBe(0);
  });

  it('makes a 29 February child a year older on 1 March in a common year', () => {
    expect(ageOn('2020-02-29', '2025-02-28')).toBe(4);
    expect(ageOn('2020-02-29', '2025-03-01')).toBe(5);
    expect(ageOn('2020-02-29', '2024-02-28')).toBe(3);
    expect(ageOn('2020-02-29', '2024-02-29')).toBe(4);
  });

  it('refuses a date before birth', () => {
    expect(() => ageOn('2026-04-01', '2026-03-31')).toThrow(RangeError);
  });

  it('is k on the k-th birthday and k-1 the day before (birthdays other than 29 February)', () => {
    fc.assert(
      fc.property(isoDates.filter((d) => !d.endsWith('-02-29')), fc.integer({ min: 1, max: 120 }), (birth, k) => {
        const birthday = addYears(birth, k);
        expect(ageOn(birth, birthday)).toBe(k);
        expect(ageOn(birth, addDays(birthday, -1))).toBe(k - 1);
      }),
    );
  });
});
