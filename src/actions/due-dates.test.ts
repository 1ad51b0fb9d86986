import { describe, expect, it } from 'vitest';
import { englandAndWalesCalendar } from '../platform/calendar/index.ts';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import { defaultDueDate, describeTimescale, dueDateAfter, SEED_002_DUE_RULE } from './due-dates.ts';

const calendar = englandAndWalesCalendar();

describe('default due dates (seed 002)', () => {
  it('are the deadlines the shipped QA framework states, so the code cannot drift from the seed', async () => {
    const { catalogue } = await loadBuiltInCatalogue();
    const framework = catalogue.files.map((f) => f.file).find((f) => f.kind === 'qa-framework');
    if (framework?.kind !== 'qa-framework') throw new Error('the QA framework is missing from the catalogue');
    const urgent = framework.actionTimescales.find((t) => t.appliesWhen);
    const normal = framework.actionTimescales.find((t) => !t.appliesWhen);
    expect(urgent).toMatchObject(SEED_002_DUE_RULE.urgent);
    expect(urgent?.appliesWhen).toEqual(['safeguarding-concerns', 'inadequate-judgement']);
    expect(normal).toMatchObject(SEED_002_DUE_RULE.normal);
  });

  it('gives 5 working days when the audit found a safeguarding concern, counting over Easter', () => {
    // Agreed Thursday 2 April 2026; Good Friday (3rd) and Easter Monday (6th) are bank holidays:
    // Tue 7, Wed 8, Thu 9, Fri 10, Mon 13.
    expect(defaultDueDate('2026-04-02', { safeguardingConcern: true }, SEED_002_DUE_RULE, calendar)).toBe('2026-04-13');
  });

  it('gives 5 working days for an inadequate judgement too, over Christmas and a local closure day', () => {
    // Wednesday 23 December 2026: Christmas Day (Fri 25), the Boxing Day substitute (Mon 28) and
    // New Year's Day (Fri 1) are bank holidays: Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 January.
    expect(defaultDueDate('2026-12-23', { inadequateJudgement: true }, SEED_002_DUE_RULE, calendar)).toBe('2027-01-04');
    // A council that also closes on Tuesday 29 December gets one more day.
    const withClosure = englandAndWalesCalendar(['2026-12-29']);
    expect(defaultDueDate('2026-12-23', { inadequateJudgement: true }, SEED_002_DUE_RULE, withClosure)).toBe('2027-01-05');
  });

  it('gives 4 weeks otherwise', () => {
    expect(defaultDueDate('2026-11-25', {}, SEED_002_DUE_RULE, calendar)).toBe('2026-12-23');
    expect(defaultDueDate('2026-11-25', { safeguardingConcern: false, inadequateJudgement: false }, SEED_002_DUE_RULE, calendar)).toBe('2026-12-23');
  });

  it('moves a deadline in weeks that lands on a bank holiday to the next working day', () => {
    // Four weeks after Monday 9 March 2026 is Easter Monday.
    expect(defaultDueDate('2026-03-09', {}, SEED_002_DUE_RULE, calendar)).toBe('2026-04-07');
  });

  it('applies a council’s own rule in calendar days and months, never ending on a weekend', () => {
    // 10 days after Wednesday 11 November 2026 is Saturday 21st: Monday 23rd.
    expect(dueDateAfter('2026-11-11', { amount: 10, unit: 'calendar-days' }, calendar)).toBe('2026-11-23');
    // A month after 31 January 2027 is 28 February, a Sunday: Monday 1 March.
    expect(dueDateAfter('2027-01-31', { amount: 1, unit: 'months' }, calendar)).toBe('2027-03-01');
  });

  it('describes timescales in words', () => {
    expect(describeTimescale({ amount: 5, unit: 'working-days' })).toBe('5 working days');
    expect(describeTimescale({ amount: 1, unit: 'weeks' })).toBe('1 week');
  });
});
