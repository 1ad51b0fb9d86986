import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, addWorkingDays, dayFromIso, isoFromDay, onOrAfterWeekday, onOrBeforeWeekday, wholeYears } from './dates.ts';
import { Rng } from './rng.ts';

const d = dayFromIso;

describe('generator calendar', () => {
  it('counts working days from the day after the anchor, skipping weekends', () => {
    expect(isoFromDay(addWorkingDays(d('2026-03-06'), 0))).toBe('2026-03-06');
    expect(isoFromDay(addWorkingDays(d('2026-03-06'), 1))).toBe('2026-03-09'); // Friday → Monday
    expect(isoFromDay(addWorkingDays(d('2026-03-02'), 15))).toBe('2026-03-23');
    expect(isoFromDay(addWorkingDays(d('2026-03-07'), 1))).toBe('2026-03-09'); // from a Saturday
  });

  it('moves weekend days to the nearest weekday in the direction asked', () => {
    expect(isoFromDay(onOrAfterWeekday(d('2026-03-07')))).toBe('2026-03-09');
    expect(isoFromDay(onOrBeforeWeekday(d('2026-03-08')))).toBe('2026-03-06');
    expect(isoFromDay(onOrAfterWeekday(d('2026-03-04')))).toBe('2026-03-04');
  });

  it('adds calendar months, clamping to the end of a shorter month', () => {
    expect(isoFromDay(addMonths(d('2025-01-31'), 1))).toBe('2025-02-28');
    expect(isoFromDay(addMonths(d('2024-01-31'), 1))).toBe('2024-02-29');
    expect(isoFromDay(addMonths(d('2025-08-31'), 6))).toBe('2026-02-28');
    expect(isoFromDay(addMonths(d('2026-03-31'), -12))).toBe('2025-03-31');
  });

  it('rejects dates that do not exist', () => {
    expect(() => d('2025-02-29')).toThrow(/real calendar date/);
    expect(() => d('31/03/2026')).toThrow(/ISO/);
  });

  it('counts a birthday on the day itself', () => {
    expect(wholeYears(d('2008-03-31'), d('2026-03-30'))).toBe(17);
    expect(wholeYears(d('2008-03-31'), d('2026-03-31'))).toBe(18);
  });
});

describe('seeded random stream', () => {
  it('repeats exactly for the same seed and stream, and differs otherwise', () => {
    const draw = (seed: number, stream: number) => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 20 }, () => rng.nextUint32());
    };
    expect(draw(1, 2)).toEqual(draw(1, 2));
    expect(draw(1, 2)).not.toEqual(draw(1, 3));
    expect(draw(1, 2)).not.toEqual(draw(2, 2));
  });

  it('keeps integers within their bounds and fractions in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, min, span) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 50; i++) {
          const n = rng.int(min, min + span);
          expect(n >= min && n <= min + span && Number.isInteger(n)).toBe(true);
          const x = rng.next();
          expect(x >= 0 && x < 1).toBe(true);
        }
      }),
    );
  });
});
