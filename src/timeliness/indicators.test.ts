import { describe, expect, it } from 'vitest';
import type { CaseFact } from '../cases/facts.ts';
import { englandAndWalesCalendar } from '../platform/calendar/bank-holidays.ts';
import { indexCases } from './case-index.ts';
import {
  assessmentsWithin45WorkingDays,
  computeIndicators,
  cpPlansEndedLasting2Years,
  cpPlansOpen2YearsAtEnd,
  cpPlansSecondOrSubsequent,
  icpcsWithin15WorkingDays,
  lookedAfterWith3OrMorePlacements,
  reReferralsWithin12Months,
  yearEndingOn,
} from './indicators.ts';

const calendar = englandAndWalesCalendar();
const source = { format: 'manual' as const, file: 'test' };
const year = yearEndingOn('2026-03-31');
type Input = CaseFact extends infer F ? (F extends CaseFact ? Omit<F, 'source'> : never) : never;
const index = (...facts: Input[]) => indexCases([], facts.map((f) => ({ ...f, source }) as CaseFact));
const figures = (r: { numerator: number; denominator: number; childIds: string[] }) => [r.numerator, r.denominator, r.childIds];

describe('indicators', () => {
  it('use the twelve months ending on the given day', () => {
    expect(year).toEqual({ start: '2025-04-01', end: '2026-03-31' });
    expect(yearEndingOn('2024-02-29')).toEqual({ start: '2023-03-01', end: '2024-02-29' });
  });

  it('re-referrals: referrals in the year within 12 months of the previous one, the anniversary included', () => {
    const cases = index(
      { kind: 'referral', childId: 'A', date: '2024-05-31' },
      { kind: 'referral', childId: 'A', date: '2025-05-31' },
      { kind: 'referral', childId: 'B', date: '2024-05-30' },
      { kind: 'referral', childId: 'B', date: '2025-05-31' },
      { kind: 'referral', childId: 'C', date: '2025-07-01' },
      { kind: 'referral', childId: 'D', date: '2025-06-02' },
      { kind: 'referral', childId: 'D', date: '2025-09-01' },
      { kind: 'referral', childId: 'E', date: '2025-03-31' },
    );
    const result = reReferralsWithin12Months(cases, year);
    expect(figures(result)).toEqual([2, 5, ['A', 'D']]);
    expect(result.rate).toBeCloseTo(0.4);
  });

  it('assessments: those authorised in the year, within 45 working days of their start', () => {
    const cases = index(
      // 45 working days from 1 December 2025 (over Christmas): 5 February 2026.
      { kind: 'assessment', childId: 'A', startDate: '2025-12-01', authorisedDate: '2026-02-05' },
      { kind: 'assessment', childId: 'B', startDate: '2025-12-01', authorisedDate: '2026-02-06' },
      // Authorised after the year ends, or not at all: not in this year's figure.
      { kind: 'assessment', childId: 'C', startDate: '2026-03-02', authorisedDate: '2026-04-02' },
      { kind: 'assessment', childId: 'D', startDate: '2026-03-02' },
    );
    expect(figures(assessmentsWithin45WorkingDays(cases, year, calendar))).toEqual([1, 2, ['A']]);
  });

  it('ICPCs: conferences held in the year, within 15 working days of the first strategy discussion', () => {
    const cases = index(
      { kind: 's47', childId: 'A', strategyDate: '2025-11-03', icpcDate: '2025-11-24' },
      { kind: 's47', childId: 'B', strategyDate: '2025-11-03', icpcDate: '2025-11-25' },
      // Two discussions, one conference: measured from the first, so late.
      { kind: 's47', childId: 'C', strategyDate: '2025-11-03', icpcDate: '2025-11-26' },
      { kind: 's47', childId: 'C', strategyDate: '2025-11-10', icpcDate: '2025-11-26' },
      { kind: 's47', childId: 'D', strategyDate: '2025-11-03', icpcNotRequired: true },
    );
    expect(figures(icpcsWithin15WorkingDays(cases, year, calendar))).toEqual([1, 3, ['A']]);
  });

  it('CP plans ended in the year that had lasted 2 years or more', () => {
    const cases = index(
      { kind: 'cp-plan', childId: 'A', startDate: '2023-06-15', endDate: '2025-06-15' },
      { kind: 'cp-plan', childId: 'B', startDate: '2023-06-16', endDate: '2025-06-15' },
      { kind: 'cp-plan', childId: 'C', startDate: '2020-01-06', endDate: '2025-03-31' },
      { kind: 'cp-plan', childId: 'D', startDate: '2022-01-06' },
    );
    expect(figures(cpPlansEndedLasting2Years(cases, year))).toEqual([1, 2, ['A']]);
  });

  it('CP plans open on the last day that had lasted 2 years or more by then', () => {
    const cases = index(
      { kind: 'cp-plan', childId: 'A', startDate: '2024-03-31' },
      { kind: 'cp-plan', childId: 'B', startDate: '2024-04-01' },
      { kind: 'cp-plan', childId: 'C', startDate: '2020-01-06', endDate: '2026-03-31' },
      { kind: 'cp-plan', childId: 'D', startDate: '2020-01-06', endDate: '2026-04-30' },
    );
    expect(figures(cpPlansOpen2YearsAtEnd(cases, year))).toEqual([2, 3, ['A', 'D']]);
  });

  it('CP plans starting in the year for a second or subsequent time', () => {
    const cases = index(
      { kind: 'cp-plan', childId: 'A', startDate: '2023-01-10', endDate: '2023-09-01' },
      { kind: 'cp-plan', childId: 'A', startDate: '2025-05-01' },
      { kind: 'cp-plan', childId: 'B', startDate: '2025-06-02', previousPlans: 1 },
      { kind: 'cp-plan', childId: 'C', startDate: '2025-07-01', previousPlans: 0 },
    );
    expect(figures(cpPlansSecondOrSubsequent(cases, year))).toEqual([2, 3, ['A', 'B']]);
  });

  it('looked-after children on the last day with 3 or more placements in the year', () => {
    const ep = (childId: string, startDate: string, endDate: string | undefined, rne: string | undefined, reasonEnded?: string, extra: object = {}): Input => ({
      kind: 'cla-episode',
      childId,
      startDate,
      endDate,
      rne,
      reasonEnded,
      legalStatus: 'C2',
      placement: 'U1',
      ...extra,
    });
    const cases = index(
      ep('A', '2024-01-08', '2025-05-01', 'S', 'X1'),
      ep('A', '2025-05-01', '2025-09-01', 'P', 'X1'),
      ep('A', '2025-09-01', undefined, 'B'),
      // A change of legal status only is not a new placement.
      ep('B', '2025-01-06', '2025-06-02', 'S', 'X1'),
      ep('B', '2025-06-02', '2025-10-01', 'L', 'X1'),
      ep('B', '2025-10-01', undefined, 'P'),
      // Placed for adoption with the same carers: not a move.
      ep('C', '2024-01-01', '2025-06-02', 'S', 'X1'),
      ep('C', '2025-06-02', '2025-12-01', 'P', 'X1'),
      ep('C', '2025-12-01', undefined, 'T', undefined, { placement: 'A4' }),
      // Three placements, but no longer looked after on 31 March.
      ep('D', '2025-04-07', '2025-06-02', 'S', 'X1'),
      ep('D', '2025-06-02', '2025-09-01', 'P', 'X1'),
      ep('D', '2025-09-01', '2026-02-02', 'P', 'E11'),
      // Short breaks are left out.
      ep('E', '2025-04-07', undefined, 'S', undefined, { legalStatus: 'V3' }),
      // Annex A: one episode with no reason code, and the stated number of placements.
      ep('F', '2024-06-03', undefined, undefined),
      { kind: 'placement-count', childId: 'F', asOf: '2026-03-31', placementsLast12Months: 4 },
    );
    expect(figures(lookedAfterWith3OrMorePlacements(cases, year))).toEqual([2, 4, ['A', 'F']]);
  });

  it('count placements recorded on their own when episodes carry no reason codes (SSD)', () => {
    const cases = index(
      { kind: 'cla-episode', childId: 'A', startDate: '2024-06-03' },
      { kind: 'placement', childId: 'A', startDate: '2024-06-03', endDate: '2025-04-02' },
      { kind: 'placement', childId: 'A', startDate: '2025-04-02', endDate: '2025-10-06' },
      { kind: 'placement', childId: 'A', startDate: '2025-10-06' },
      { kind: 'cla-episode', childId: 'B', startDate: '2024-06-03' },
      // Ended on the first day of the year, when the next began: not a placement during it.
      { kind: 'placement', childId: 'B', startDate: '2024-06-03', endDate: '2025-04-01' },
      { kind: 'placement', childId: 'B', startDate: '2025-04-01', endDate: '2025-10-06' },
      { kind: 'placement', childId: 'B', startDate: '2025-10-06' },
    );
    expect(figures(lookedAfterWith3OrMorePlacements(cases, year))).toEqual([1, 2, ['A']]);
  });

  it('give a null rate when there is nothing to divide by, and every indicator has a source', () => {
    const results = computeIndicators(index(), year, calendar);
    expect(results.map((r) => r.id)).toEqual([
      're-referrals-12-months',
      'assessments-45wd',
      'icpcs-15wd',
      'cp-plans-ended-2-years',
      'cp-plans-open-2-years',
      'cp-plans-second-time',
      'cla-3-placements',
    ]);
    for (const r of results) {
      expect(r.rate).toBeNull();
      expect(r.source).toMatch(/^DfE/);
    }
  });

  it('leave out, and count, records whose due date is outside the calendar years', () => {
    const cases = index({ kind: 'assessment', childId: 'A', startDate: '2014-12-01', authorisedDate: '2015-04-01' });
    const result = assessmentsWithin45WorkingDays(cases, yearEndingOn('2016-03-31'), calendar);
    expect([result.denominator, result.notEvaluated]).toEqual([0, 1]);
  });
});
