import { describe, expect, it } from 'vitest';
import type { CaseFact } from '../cases/facts.ts';
import { englandAndWalesCalendar } from '../platform/calendar/bank-holidays.ts';
import { TimescaleSchema, type Timescale } from '../standards/schema.ts';
import { evaluateTimeliness } from './engine.ts';
import { measuresFromTimescales } from './practice-timescales.ts';

const calendar = englandAndWalesCalendar();
const source = { format: 'manual' as const, file: 'test' };
const standard = { id: '12.1', title: 'Strategy meetings are timely' };

function timescale(fields: Partial<Timescale> & Pick<Timescale, 'id' | 'anchor' | 'event' | 'amount' | 'unit'>): Timescale {
  return TimescaleSchema.parse({ quote: 'as the standard says', ...fields });
}

function measuresOf(...timescales: Timescale[]) {
  return measuresFromTimescales(timescales.map((t) => ({ catalogue: 'test-standards', standard, timescale: t })));
}

describe('practice-standard timescales as measures', () => {
  const strategyWithin3 = timescale({ id: 'test-strategy-3wd', anchor: 'referral', event: 'strategy-discussion', amount: 3, unit: 'working-days' });

  it('evaluate "strategy discussion within 3 working days of referral" where both are recorded', () => {
    const { measures, unevaluable } = measuresOf(strategyWithin3);
    expect(unevaluable).toEqual([]);
    expect(measures[0]).toMatchObject({ id: 'test-strategy-3wd', source: expect.stringContaining('test-standards, standard 12.1') });
    const facts: CaseFact[] = [
      { kind: 'referral', childId: 'A', source, date: '2026-03-02' },
      { kind: 's47', childId: 'A', source, strategyDate: '2026-03-05' },
      { kind: 'referral', childId: 'B', source, date: '2026-03-02' },
      { kind: 's47', childId: 'B', source, strategyDate: '2026-03-06' },
      // A referral that never led to a strategy discussion is not counted either way.
      { kind: 'referral', childId: 'C', source, date: '2026-03-02' },
    ];
    const result = evaluateTimeliness([], facts, { asOf: '2026-03-31', calendar, measures });
    expect(result.items.map((i) => [i.childId, i.status, i.dueDate, i.actualDate])).toEqual([
      ['A', 'met', '2026-03-05', '2026-03-05'],
      ['B', 'missed', '2026-03-05', '2026-03-06'],
    ]);
  });

  it('match each anchor with the first event before the next anchor', () => {
    const { measures } = measuresOf(strategyWithin3);
    const facts: CaseFact[] = [
      { kind: 'referral', childId: 'A', source, date: '2026-01-05' },
      { kind: 'referral', childId: 'A', source, date: '2026-03-02' },
      { kind: 's47', childId: 'A', source, strategyDate: '2026-03-03' },
    ];
    const result = evaluateTimeliness([], facts, { asOf: '2026-03-31', calendar, measures });
    expect(result.items.map((i) => [i.anchorDate, i.status])).toEqual([['2026-03-02', 'met']]);
  });

  it('add calendar months clamped to the month end: one month from 31 January is 28 February', () => {
    const { measures } = measuresOf(timescale({ id: 'test-month', anchor: 'referral', event: 'assessment-start', amount: 1, unit: 'months' }));
    const facts: CaseFact[] = [
      { kind: 'referral', childId: 'A', source, date: '2026-01-31' },
      { kind: 'assessment', childId: 'A', source, startDate: '2026-02-28' },
      { kind: 'referral', childId: 'B', source, date: '2026-01-31' },
      { kind: 'assessment', childId: 'B', source, startDate: '2026-03-01' },
    ];
    const result = evaluateTimeliness([], facts, { asOf: '2026-03-31', calendar, measures });
    expect(result.items.map((i) => [i.childId, i.dueDate, i.status])).toEqual([
      ['A', '2026-02-28', 'met'],
      ['B', '2026-02-28', 'missed'],
    ]);
  });

  it('use the recorded pairing for an ICPC, so a conference not yet held is still due', () => {
    const { measures } = measuresOf(timescale({ id: 'test-icpc', anchor: 'strategy-discussion', event: 'icpc', amount: 15, unit: 'working-days' }));
    expect(measures[0]?.rule).toEqual({ method: 'recorded-pair', pair: 'strategy-discussion-to-icpc', due: { amount: 15, unit: 'working-days' } });
  });

  it('evaluate a recurring visit within the plan it recurs in', () => {
    const { measures } = measuresOf(timescale({ id: 'test-visits', anchor: 'cp-plan-start', event: 'cp-visit', amount: 10, unit: 'working-days', recurrence: 'every' }));
    const facts: CaseFact[] = [
      { kind: 'cp-plan', childId: 'A', source, startDate: '2026-01-05' },
      { kind: 'cp-visit', childId: 'A', source, date: '2026-03-02' },
    ];
    const result = evaluateTimeliness([], facts, { asOf: '2026-03-31', calendar, measures });
    expect(result.items.map((i) => [i.anchorDate, i.dueDate, i.status])).toEqual([['2026-03-02', '2026-03-16', 'overdue']]);
  });

  it('measure a recurring event from the one before it, never from itself', () => {
    const { measures } = measuresOf(timescale({ id: 'test-rcpc', anchor: 'rcpc', event: 'rcpc', amount: 6, unit: 'months' }));
    const facts: CaseFact[] = [
      { kind: 'cp-review', childId: 'A', source, date: '2025-03-31' },
      { kind: 'cp-review', childId: 'A', source, date: '2025-09-30' },
      { kind: 'cp-review', childId: 'A', source, date: '2026-04-01' },
    ];
    const result = evaluateTimeliness([], facts, { asOf: '2026-06-30', calendar, measures });
    expect(result.items.map((i) => [i.anchorDate, i.dueDate, i.actualDate, i.status])).toEqual([
      ['2025-03-31', '2025-09-30', '2025-09-30', 'met'],
      ['2025-09-30', '2026-03-30', '2026-04-01', 'missed'],
    ]);
  });

  it('take conferences recorded without their strategy discussion as anchors too', () => {
    const { measures } = measuresOf(timescale({ id: 'test-first-rcpc', anchor: 'icpc', event: 'rcpc', amount: 3, unit: 'months' }));
    const facts: CaseFact[] = [
      { kind: 'icpc', childId: 'A', source, date: '2025-11-30' },
      { kind: 'cp-review', childId: 'A', source, date: '2026-02-27' },
    ];
    const result = evaluateTimeliness([], facts, { asOf: '2026-03-31', calendar, measures });
    expect(result.items.map((i) => [i.anchorDate, i.dueDate, i.status])).toEqual([['2025-11-30', '2026-02-28', 'met']]);
  });

  it('leave out a timescale that applies only in circumstances the data does not show', () => {
    const { measures, unevaluable } = measuresOf(
      timescale({ id: 'test-same-day', anchor: 'referral', event: 'strategy-discussion', amount: 1, unit: 'working-days', condition: 'immediate action is required' }),
    );
    expect(measures).toEqual([]);
    expect(unevaluable).toEqual([{ timescaleId: 'test-same-day', reason: expect.stringMatching(/only where immediate action is required/) }]);
  });

  it('say why a timescale cannot be checked from the data', () => {
    const { measures, unevaluable } = measuresOf(
      timescale({ id: 'test-hours', anchor: 'contact-received', event: 'referral', amount: 24, unit: 'hours' }),
      timescale({ id: 'test-core-group', anchor: 'icpc', event: 'core-group', amount: 10, unit: 'working-days' }),
      timescale({ id: 'test-before', anchor: 'rcpc', event: 'cp-visit', amount: 5, unit: 'working-days', recurrence: 'before' }),
      timescale({ id: 'test-every-referral', anchor: 'referral', event: 'cin-visit', amount: 4, unit: 'weeks', recurrence: 'every' }),
      timescale({ id: 'test-half', anchor: 'referral', event: 'assessment-start', amount: 0.5, unit: 'calendar-days' }),
      timescale({ id: 'test-pregnancy', anchor: 'conception', event: 'assessment-start', amount: 20, unit: 'weeks-of-pregnancy' }),
    );
    expect(measures).toEqual([]);
    expect(unevaluable.map((u) => [u.timescaleId, u.reason])).toEqual([
      ['test-hours', expect.stringMatching(/dates, not times/)],
      ['test-core-group', expect.stringMatching(/"core-group"/)],
      ['test-before', expect.stringMatching(/planned/)],
      ['test-every-referral', expect.stringMatching(/recur within/)],
      ['test-half', expect.stringMatching(/whole number/)],
      ['test-pregnancy', expect.stringMatching(/weeks-of-pregnancy/)],
    ]);
  });
});
