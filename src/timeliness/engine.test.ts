import { describe, expect, it } from 'vitest';
import type { CaseFact, Child } from '../cases/facts.ts';
import { englandAndWalesCalendar } from '../platform/calendar/bank-holidays.ts';
import { evaluateTimeliness, type ComplianceItem, type ComplianceResult } from './engine.ts';
import { nationalMeasures } from './national-measures.ts';
import type { MeasureDefinition, TimelinessSettings } from './rules.ts';

const calendar = englandAndWalesCalendar();
const source = { format: 'manual' as const, file: 'test' };

type FactInput = CaseFact extends infer F ? (F extends CaseFact ? Omit<F, 'source' | 'childId'> & { childId?: string } : never) : never;
const facts = (...input: FactInput[]): CaseFact[] => input.map((f) => ({ childId: 'C1', source, ...f }) as CaseFact);
const child = (childId: string, dateOfBirth?: string): Child => ({ childId, dateOfBirth, source });
/** Another child's event, so the input records events of this kind (see "evidence" below). */
const recorded = (fact: FactInput): FactInput => ({ ...fact, childId: 'OTHER' });

function run(input: { facts: CaseFact[]; children?: Child[]; asOf: string; settings?: Partial<TimelinessSettings>; measures?: MeasureDefinition[] }): ComplianceResult {
  return evaluateTimeliness(input.children ?? [], input.facts, { asOf: input.asOf, calendar, settings: input.settings, measures: input.measures });
}

function itemsOf(result: ComplianceResult, measure: string): Omit<ComplianceItem, 'childId' | 'measure'>[] {
  return result.items.filter((i) => i.measure === measure).map(({ childId: _c, measure: _m, ...rest }) => rest);
}

describe('the national measures', () => {
  it('exist with the ids of the command-line contract, each with a title and a source', () => {
    expect(nationalMeasures.map((m) => m.id)).toEqual(['assessment-45wd', 'icpc-15wd', 'cp-visit-10wd', 'cla-health-assessment', 'cla-review']);
    for (const m of nationalMeasures) {
      expect(m.title.length).toBeGreaterThan(10);
      expect(m.source.length).toBeGreaterThan(10);
    }
  });
});

describe('assessment-45wd', () => {
  // 45 working days from Monday 2 March 2026 run over Good Friday (3 April), Easter Monday
  // (6 April) and the early May bank holiday (4 May): Thursday 7 May 2026.
  const start = '2026-03-02';
  const due = '2026-05-07';

  it('is due 45 working days after the start, skipping the bank holidays in between', () => {
    expect(calendar.addWorkingDays(start, 45)).toBe(due);
    const result = run({ facts: facts({ kind: 'assessment', startDate: start, authorisedDate: '2026-04-01' }), asOf: '2026-06-30' });
    expect(itemsOf(result, 'assessment-45wd')).toEqual([{ status: 'met', anchorDate: start, dueDate: due, actualDate: '2026-04-01' }]);
  });

  it('is met when authorised on the due date itself and missed the working day after', () => {
    const onDue = run({ facts: facts({ kind: 'assessment', startDate: start, authorisedDate: due }), asOf: '2026-06-30' });
    expect(itemsOf(onDue, 'assessment-45wd')[0]?.status).toBe('met');
    const dayAfter = run({ facts: facts({ kind: 'assessment', startDate: start, authorisedDate: '2026-05-08' }), asOf: '2026-06-30' });
    expect(itemsOf(dayAfter, 'assessment-45wd')[0]).toMatchObject({ status: 'missed', actualDate: '2026-05-08' });
  });

  it('while unauthorised is pending up to and on the due date, and overdue after it', () => {
    const f = facts({ kind: 'assessment', startDate: start });
    expect(itemsOf(run({ facts: f, asOf: due }), 'assessment-45wd')[0]).toEqual({ status: 'pending', anchorDate: start, dueDate: due, actualDate: null });
    expect(itemsOf(run({ facts: f, asOf: '2026-05-08' }), 'assessment-45wd')[0]?.status).toBe('overdue');
  });

  it('ignores an authorisation after the as-of date, and assessments starting after it', () => {
    const f = facts({ kind: 'assessment', startDate: start, authorisedDate: '2026-04-20' }, { kind: 'assessment', startDate: '2026-04-15' });
    expect(itemsOf(run({ facts: f, asOf: '2026-04-10' }), 'assessment-45wd')).toEqual([{ status: 'pending', anchorDate: start, dueDate: due, actualDate: null }]);
  });

  it('counts the same assessment imported twice once, keeping the authorisation only one copy has', () => {
    const f = facts({ kind: 'assessment', startDate: start }, { kind: 'assessment', startDate: start, authorisedDate: '2026-03-20' });
    const result = run({ facts: f, asOf: '2026-06-30' });
    expect(itemsOf(result, 'assessment-45wd')).toEqual([{ status: 'met', anchorDate: start, dueDate: due, actualDate: '2026-03-20' }]);
    expect(result.measures.find((m) => m.id === 'assessment-45wd')).toMatchObject({ met: 1, missed: 0, overdue: 0, pending: 0 });
  });

  it('reports an authorisation dated before the start instead of counting it', () => {
    const result = run({ facts: facts({ kind: 'assessment', startDate: start, authorisedDate: '2026-02-01' }), asOf: '2026-06-30' });
    expect(itemsOf(result, 'assessment-45wd')).toEqual([]);
    expect(result.notEvaluated).toEqual([{ childId: 'C1', measure: 'assessment-45wd', anchorDate: start, reason: expect.stringMatching(/before/) }]);
  });
});

describe('icpc-15wd', () => {
  it('is due 15 working days after the strategy discussion, as in the contract example', () => {
    const result = run({ facts: facts({ kind: 's47', strategyDate: '2026-03-02', icpcDate: '2026-03-20' }), asOf: '2026-03-31' });
    expect(itemsOf(result, 'icpc-15wd')).toEqual([{ status: 'met', anchorDate: '2026-03-02', dueDate: '2026-03-23', actualDate: '2026-03-20' }]);
  });

  it('meets the deadline on the due date and misses it the day after, across the 2022 Jubilee holidays', () => {
    // 15 working days from 30 May 2022, skipping 2 and 3 June: 22 June.
    const met = run({ facts: facts({ kind: 's47', strategyDate: '2022-05-30', icpcDate: '2022-06-22' }), asOf: '2022-07-31' });
    expect(itemsOf(met, 'icpc-15wd')[0]).toMatchObject({ status: 'met', dueDate: '2022-06-22' });
    const missed = run({ facts: facts({ kind: 's47', strategyDate: '2022-05-30', icpcDate: '2022-06-23' }), asOf: '2022-07-31' });
    expect(itemsOf(missed, 'icpc-15wd')[0]).toMatchObject({ status: 'missed', dueDate: '2022-06-22' });
  });

  it('excludes enquiries after which an ICPC was judged unnecessary', () => {
    const result = run({
      facts: facts({ kind: 's47', strategyDate: '2026-01-05', icpcNotRequired: true }, { kind: 's47', strategyDate: '2026-02-02' }),
      asOf: '2026-03-31',
    });
    expect(itemsOf(result, 'icpc-15wd')).toEqual([{ status: 'overdue', anchorDate: '2026-02-02', dueDate: '2026-02-23', actualDate: null }]);
  });

  describe('when two strategy discussions led to one conference', () => {
    const twoDiscussions = facts({ kind: 's47', strategyDate: '2026-03-02', icpcDate: '2026-03-27' }, { kind: 's47', strategyDate: '2026-03-09', icpcDate: '2026-03-27' });

    it('starts the clock at the first by default (Working Together 2023)', () => {
      const result = run({ facts: twoDiscussions, asOf: '2026-04-30' });
      expect(itemsOf(result, 'icpc-15wd')).toEqual([{ status: 'missed', anchorDate: '2026-03-02', dueDate: '2026-03-23', actualDate: '2026-03-27' }]);
    });

    it('starts the clock at the latest when the council chooses that', () => {
      const result = run({ facts: twoDiscussions, asOf: '2026-04-30', settings: { icpcClockStart: 'latest-strategy-discussion' } });
      expect(itemsOf(result, 'icpc-15wd')).toEqual([{ status: 'met', anchorDate: '2026-03-09', dueDate: '2026-03-30', actualDate: '2026-03-27' }]);
    });
  });

  it('does not count a copy of a discussion without its conference as a separate overdue one', () => {
    const f = facts({ kind: 's47', strategyDate: '2026-03-02' }, { kind: 's47', strategyDate: '2026-03-02', icpcDate: '2026-03-16' });
    expect(itemsOf(run({ facts: f, asOf: '2026-04-30' }), 'icpc-15wd')).toEqual([{ status: 'met', anchorDate: '2026-03-02', dueDate: '2026-03-23', actualDate: '2026-03-16' }]);
  });

  it('treats a conference after the as-of date as not yet held', () => {
    const f = facts({ kind: 's47', strategyDate: '2026-03-02', icpcDate: '2026-03-20' });
    expect(itemsOf(run({ facts: f, asOf: '2026-03-19' }), 'icpc-15wd')[0]).toMatchObject({ status: 'pending', actualDate: null });
  });
});

describe('cp-visit-10wd', () => {
  it('is due 10 working days after the latest visit on or before the as-of date', () => {
    const f = facts({ kind: 'cp-plan', startDate: '2026-01-12' }, { kind: 'cp-visit', date: '2026-03-02' }, { kind: 'cp-visit', date: '2026-03-16' }, { kind: 'cp-visit', date: '2026-04-01' });
    const result = run({ facts: f, asOf: '2026-03-30' });
    expect(itemsOf(result, 'cp-visit-10wd')).toEqual([{ status: 'met', anchorDate: '2026-03-16', dueDate: '2026-03-30', actualDate: null }]);
  });

  it('is met on the due date itself and overdue the day after', () => {
    const f = facts({ kind: 'cp-plan', startDate: '2026-01-12' }, { kind: 'cp-visit', date: '2026-03-16' });
    expect(itemsOf(run({ facts: f, asOf: '2026-03-30' }), 'cp-visit-10wd')[0]?.status).toBe('met');
    expect(itemsOf(run({ facts: f, asOf: '2026-03-31' }), 'cp-visit-10wd')[0]?.status).toBe('overdue');
  });

  it('runs from the plan start when there has been no visit, across Easter', () => {
    // 10 working days from Tuesday 24 March 2026, skipping Good Friday and Easter Monday: 9 April.
    const f = facts({ kind: 'cp-plan', startDate: '2026-03-24' }, recorded({ kind: 'cp-visit', date: '2026-03-02' }));
    expect(itemsOf(run({ facts: f, asOf: '2026-04-09' }), 'cp-visit-10wd')).toEqual([{ status: 'met', anchorDate: '2026-03-24', dueDate: '2026-04-09', actualDate: null }]);
    expect(itemsOf(run({ facts: f, asOf: '2026-04-10' }), 'cp-visit-10wd')[0]?.status).toBe('overdue');
  });

  it('ignores visits before the plan started and plans not open on the as-of date', () => {
    const f = facts(
      { kind: 'cp-plan', startDate: '2025-01-06', endDate: '2025-09-01' },
      { kind: 'cp-plan', startDate: '2026-03-02' },
      { kind: 'cp-plan', startDate: '2026-05-01' },
      { kind: 'cp-visit', date: '2026-02-27' },
    );
    expect(itemsOf(run({ facts: f, asOf: '2026-03-10' }), 'cp-visit-10wd')).toEqual([{ status: 'met', anchorDate: '2026-03-02', dueDate: '2026-03-16', actualDate: null }]);
  });

  it('does not count a visit at which the child was not seen', () => {
    const f = facts({ kind: 'cp-plan', startDate: '2026-01-12' }, { kind: 'cp-visit', date: '2026-03-02' }, { kind: 'cp-visit', date: '2026-03-16', seen: false });
    expect(itemsOf(run({ facts: f, asOf: '2026-03-20' }), 'cp-visit-10wd')).toEqual([{ status: 'overdue', anchorDate: '2026-03-02', dueDate: '2026-03-16', actualDate: null }]);
  });

  it('counts a plan that ends on the as-of date as closed, and one ending later as open', () => {
    const endsOnAsOf = facts({ kind: 'cp-plan', startDate: '2026-01-05', endDate: '2026-03-31' }, recorded({ kind: 'cp-visit', date: '2026-03-02' }));
    expect(itemsOf(run({ facts: endsOnAsOf, asOf: '2026-03-31' }), 'cp-visit-10wd')).toEqual([]);
    expect(itemsOf(run({ facts: endsOnAsOf, asOf: '2026-03-30' }), 'cp-visit-10wd')).toHaveLength(1);
  });
});

describe('cla-health-assessment', () => {
  const inCare = (startDate: string): FactInput => ({ kind: 'cla-episode', startDate, rne: 'S', legalStatus: 'C2', placement: 'U1' });

  it('for a child under 5 on the as-of date is due 6 months after the last assessment', () => {
    const f = facts(inCare('2024-05-01'), { kind: 'health-assessment', date: '2025-10-15' });
    // Born 1 April 2021, so still 4 on 31 March 2026.
    const result = run({ facts: f, children: [child('C1', '2021-04-01')], asOf: '2026-03-31' });
    expect(itemsOf(result, 'cla-health-assessment')).toEqual([{ status: 'met', anchorDate: '2025-10-15', dueDate: '2026-04-15', actualDate: null }]);
  });

  it('switches to 12 months on the fifth birthday', () => {
    const f = facts(inCare('2024-05-01'), { kind: 'health-assessment', date: '2025-03-15' });
    // Aged 4 on 30 March 2026: due 15 September 2025, long past.
    const under5 = run({ facts: f, children: [child('C1', '2021-03-31')], asOf: '2026-03-30' });
    expect(itemsOf(under5, 'cla-health-assessment')[0]).toMatchObject({ status: 'overdue', dueDate: '2025-09-15' });
    // Aged 5 on 31 March 2026: due 15 March 2026, still passed; on 15 March itself met.
    const five = run({ facts: f, children: [child('C1', '2021-03-15')], asOf: '2026-03-15' });
    expect(itemsOf(five, 'cla-health-assessment')[0]).toMatchObject({ status: 'met', dueDate: '2026-03-15' });
    const fiveDayAfter = run({ facts: f, children: [child('C1', '2021-03-15')], asOf: '2026-03-16' });
    expect(itemsOf(fiveDayAfter, 'cla-health-assessment')[0]).toMatchObject({ status: 'overdue', dueDate: '2026-03-15' });
  });

  it('clamps at month ends: an assessment on 31 August is next due on the last day of February', () => {
    const f = facts(inCare('2023-01-09'), { kind: 'health-assessment', date: '2023-08-31' });
    const result = run({ facts: f, children: [child('C1', '2022-06-01')], asOf: '2024-02-29' });
    // Six months after 31 August 2023 is 29 February 2024 (a leap year): met on that day.
    expect(itemsOf(result, 'cla-health-assessment')).toEqual([{ status: 'met', anchorDate: '2023-08-31', dueDate: '2024-02-29', actualDate: null }]);
  });

  it('with no assessment yet is due 20 working days after the child became looked after', () => {
    // 20 working days from Monday 1 December 2025 skip Christmas Day and Boxing Day (Thursday and
    // Friday): 31 December 2025.
    const f = facts(inCare('2025-12-01'), recorded({ kind: 'health-assessment', date: '2025-06-02' }));
    const onDue = run({ facts: f, children: [child('C1', '2015-01-01')], asOf: '2025-12-31' });
    expect(itemsOf(onDue, 'cla-health-assessment')).toEqual([{ status: 'met', anchorDate: '2025-12-01', dueDate: '2025-12-31', actualDate: null }]);
    const after = run({ facts: f, children: [child('C1', '2015-01-01')], asOf: '2026-01-02' });
    expect(itemsOf(after, 'cla-health-assessment')[0]?.status).toBe('overdue');
  });

  it('asks only about children looked after on the as-of date', () => {
    const f = facts({ kind: 'cla-episode', startDate: '2025-01-06', endDate: '2025-12-01', rne: 'S', reasonEnded: 'E11' });
    expect(itemsOf(run({ facts: f, children: [child('C1', '2015-01-01')], asOf: '2026-03-31' }), 'cla-health-assessment')).toEqual([]);
  });

  it('cannot choose the interval without a date of birth, and says so', () => {
    const f = facts(inCare('2024-05-01'), { kind: 'health-assessment', date: '2025-10-15' });
    const result = run({ facts: f, asOf: '2026-03-31' });
    expect(itemsOf(result, 'cla-health-assessment')).toEqual([]);
    expect(result.notEvaluated).toEqual([expect.objectContaining({ measure: 'cla-health-assessment', reason: expect.stringMatching(/date of birth/) })]);
  });
});

describe('cla-review', () => {
  const episode = (startDate: string, endDate: string | undefined, rne: string, reasonEnded?: string): FactInput => ({ kind: 'cla-episode', startDate, endDate, rne, reasonEnded });
  const review = (date: string): FactInput => ({ kind: 'cla-review', date });

  it('is first due 20 working days after care starts, then 3 months after the first, then every 6 months', () => {
    const f = facts(episode('2025-01-06', undefined, 'S'), review('2025-01-31'), review('2025-05-02'), review('2025-11-03'));
    expect(itemsOf(run({ facts: f, asOf: '2026-03-31' }), 'cla-review')).toEqual([
      { status: 'met', anchorDate: '2025-01-06', dueDate: '2025-02-03', actualDate: '2025-01-31' },
      // Three months after 31 January is 30 April (clamped): held 2 May, missed.
      { status: 'missed', anchorDate: '2025-01-31', dueDate: '2025-04-30', actualDate: '2025-05-02' },
      // Six months run from the review actually held, not from the date it was due.
      { status: 'missed', anchorDate: '2025-05-02', dueDate: '2025-11-02', actualDate: '2025-11-03' },
      { status: 'pending', anchorDate: '2025-11-03', dueDate: '2026-05-03', actualDate: null },
    ]);
  });

  it('meets a review held on its due date and is overdue the day after a due date with no review', () => {
    const f = facts(episode('2025-01-06', undefined, 'S'), review('2025-02-03'));
    expect(itemsOf(run({ facts: f, asOf: '2025-05-03' }), 'cla-review')).toEqual([
      { status: 'met', anchorDate: '2025-01-06', dueDate: '2025-02-03', actualDate: '2025-02-03' },
      { status: 'pending', anchorDate: '2025-02-03', dueDate: '2025-05-03', actualDate: null },
    ]);
    expect(itemsOf(run({ facts: f, asOf: '2025-05-04' }), 'cla-review')[1]?.status).toBe('overdue');
  });

  it('keeps one period of care across episodes ended with X1', () => {
    const f = facts(
      episode('2025-01-06', '2025-03-10', 'S', 'X1'),
      episode('2025-03-10', '2025-06-02', 'P', 'X1'),
      episode('2025-06-02', undefined, 'L'),
      review('2025-01-30'),
      review('2025-04-28'),
    );
    expect(itemsOf(run({ facts: f, asOf: '2025-09-30' }), 'cla-review')).toEqual([
      { status: 'met', anchorDate: '2025-01-06', dueDate: '2025-02-03', actualDate: '2025-01-30' },
      { status: 'met', anchorDate: '2025-01-30', dueDate: '2025-04-30', actualDate: '2025-04-28' },
      { status: 'pending', anchorDate: '2025-04-28', dueDate: '2025-10-28', actualDate: null },
    ]);
  });

  it('starts the reviews again in a new period of care, and asks for none after a period ended', () => {
    const f = facts(
      // First period: 6 January to 14 February 2025 (ended by a return home, E13).
      episode('2025-01-06', '2025-02-14', 'S', 'E13'),
      review('2025-02-03'),
      // Second period from 1 September 2025, still open; its first review was never held.
      episode('2025-09-01', undefined, 'S'),
    );
    expect(itemsOf(run({ facts: f, asOf: '2025-12-31' }), 'cla-review')).toEqual([
      { status: 'met', anchorDate: '2025-01-06', dueDate: '2025-02-03', actualDate: '2025-02-03' },
      // The second review (due 3 May) fell after the period ended on 14 February: not due.
      { status: 'overdue', anchorDate: '2025-09-01', dueDate: '2025-09-29', actualDate: null },
    ]);
  });

  it('counts a review due before the period ended but never held as missed', () => {
    const f = facts(episode('2025-01-06', '2025-03-31', 'S', 'E4A'), recorded(review('2025-06-02')));
    expect(itemsOf(run({ facts: f, asOf: '2025-12-31' }), 'cla-review')).toEqual([{ status: 'missed', anchorDate: '2025-01-06', dueDate: '2025-02-03', actualDate: null }]);
  });

  it('ignores reviews outside every period, and a period ending after the as-of date is still open', () => {
    const f = facts(episode('2025-01-06', '2025-06-30', 'S', 'E11'), review('2024-12-20'), review('2025-01-20'), review('2025-07-15'));
    expect(itemsOf(run({ facts: f, asOf: '2025-05-31' }), 'cla-review')).toEqual([
      { status: 'met', anchorDate: '2025-01-06', dueDate: '2025-02-03', actualDate: '2025-01-20' },
      { status: 'overdue', anchorDate: '2025-01-20', dueDate: '2025-04-20', actualDate: null },
    ]);
    // Seen after the period ended, the second review is missed and nothing more is due.
    expect(itemsOf(run({ facts: f, asOf: '2025-12-31' }), 'cla-review')[1]).toEqual({ status: 'missed', anchorDate: '2025-01-20', dueDate: '2025-04-20', actualDate: null });
    expect(itemsOf(run({ facts: f, asOf: '2025-12-31' }), 'cla-review')).toHaveLength(2);
  });

  it('handles a first review due across a leap day', () => {
    // From Monday 5 February 2024, 20 working days: 4 March 2024 (29 February is a working day).
    const f = facts(episode('2024-02-05', undefined, 'S'), review('2024-03-04'), review('2024-06-04'));
    expect(itemsOf(run({ facts: f, asOf: '2024-06-30' }), 'cla-review')).toEqual([
      { status: 'met', anchorDate: '2024-02-05', dueDate: '2024-03-04', actualDate: '2024-03-04' },
      { status: 'met', anchorDate: '2024-03-04', dueDate: '2024-06-04', actualDate: '2024-06-04' },
      { status: 'pending', anchorDate: '2024-06-04', dueDate: '2024-12-04', actualDate: null },
    ]);
  });
});

describe('measures the extracts cannot evidence', () => {
  const fromFormat = (format: 'cin-census' | 'ssda903' | 'annex-a', input: FactInput[]): CaseFact[] =>
    facts(...input).map((f) => ({ ...f, source: { format, file: 'extract' } }));

  it('are not evaluated: a CIN census has protection plans but records no visits', () => {
    const f = fromFormat('cin-census', [{ kind: 'cp-plan', startDate: '2025-01-06' }]);
    const result = run({ facts: f, asOf: '2026-03-31' });
    expect(itemsOf(result, 'cp-visit-10wd')).toEqual([]);
    expect(result.measures.find((m) => m.id === 'cp-visit-10wd')).toMatchObject({ met: 0, missed: 0, overdue: 0, pending: 0 });
    expect(result.measuresNotEvaluated).toEqual(expect.arrayContaining([{ id: 'cp-visit-10wd', reason: expect.stringMatching(/cp-visit/) }]));
  });

  it('are not evaluated for looked-after reviews from Annex A, which holds only the latest review', () => {
    const f = fromFormat('annex-a', [{ kind: 'cla-episode', startDate: '2024-01-08' }, { kind: 'cla-review', date: '2025-11-03' }]);
    const result = run({ facts: f, asOf: '2026-03-31' });
    expect(itemsOf(result, 'cla-review')).toEqual([]);
    expect(result.measuresNotEvaluated.map((m) => m.id)).toContain('cla-review');
  });

  it('are evaluated once any extract in a format that records the event is present', () => {
    const f = [...fromFormat('cin-census', [{ kind: 'cp-plan', startDate: '2026-03-02' }]), ...fromFormat('annex-a', [{ kind: 'cp-visit', date: '2026-01-05', childId: 'OTHER' }])];
    const result = run({ facts: f, asOf: '2026-03-31' });
    expect(itemsOf(result, 'cp-visit-10wd')).toEqual([{ status: 'overdue', anchorDate: '2026-03-02', dueDate: '2026-03-16', actualDate: null }]);
    expect(result.measuresNotEvaluated.map((m) => m.id)).not.toContain('cp-visit-10wd');
  });
});

describe('the result as a whole', () => {
  it('sorts items by child, then measure, then anchor date, and counts them per measure', () => {
    const f: CaseFact[] = [
      ...facts({ kind: 'assessment', startDate: '2026-02-02', childId: 'B' }),
      ...facts({ kind: 's47', strategyDate: '2026-03-02', icpcDate: '2026-03-10', childId: 'A' }),
      ...facts({ kind: 'assessment', startDate: '2026-03-02', authorisedDate: '2026-03-05', childId: 'A' }),
      ...facts({ kind: 'assessment', startDate: '2026-01-05', authorisedDate: '2026-03-30', childId: 'A' }),
    ];
    const result = run({ facts: f, asOf: '2026-03-31' });
    expect(result.items.map((i) => `${i.childId} ${i.measure} ${i.anchorDate} ${i.status}`)).toEqual([
      'A assessment-45wd 2026-01-05 missed',
      'A assessment-45wd 2026-03-02 met',
      'A icpc-15wd 2026-03-02 met',
      'B assessment-45wd 2026-02-02 pending',
    ]);
    expect(result.asOf).toBe('2026-03-31');
    expect(result.measures.map((m) => [m.id, m.met, m.missed, m.overdue, m.pending])).toEqual([
      ['assessment-45wd', 1, 1, 0, 1],
      ['icpc-15wd', 1, 0, 0, 0],
      ['cp-visit-10wd', 0, 0, 0, 0],
      ['cla-health-assessment', 0, 0, 0, 0],
      ['cla-review', 0, 0, 0, 0],
    ]);
  });

  it('reports deadlines outside the calendar years rather than miscounting them', () => {
    const result = run({ facts: facts({ kind: 'assessment', startDate: '2014-11-03', authorisedDate: '2014-12-01' }), asOf: '2026-03-31' });
    expect(result.items).toEqual([]);
    expect(result.notEvaluated).toEqual([{ childId: 'C1', measure: 'assessment-45wd', anchorDate: '2014-11-03', reason: expect.stringMatching(/2015 to 2028/) }]);
  });

  it('refuses an as-of date the calendar cannot answer for', () => {
    expect(() => run({ facts: [], asOf: '2031-01-01' })).toThrow(/outside the working-day calendar/);
    expect(() => run({ facts: [], asOf: '31/03/2026' })).toThrow(/YYYY-MM-DD/);
  });

  it('refuses two measures with the same id', () => {
    const twice = [nationalMeasures[0]!, nationalMeasures[0]!];
    expect(() => run({ facts: [], asOf: '2026-03-31', measures: twice })).toThrow(/used twice/);
  });
});
