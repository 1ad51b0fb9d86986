import { describe, expect, it } from 'vitest';
import { smartWarnings } from './smart.ts';

describe('SMART warnings (seed 004 standard 4.2)', () => {
  it('warns on “ongoing”, “ASAP” and “as soon as possible”, however written', () => {
    for (const what of ['Visits to continue, ongoing', 'On-going direct work with the family', 'Update the chronology ASAP', 'Update the plan a.s.a.p.', 'Convene a core group as soon as possible']) {
      const warnings = smartWarnings({ what, dueDate: '2026-12-01' });
      expect(warnings, what).toHaveLength(1);
      expect(warnings[0]!.field).toBe('what');
    }
  });

  it('warns when there is no due date', () => {
    expect(smartWarnings({ what: 'Hold a strategy discussion', dueDate: '' })).toEqual([expect.objectContaining({ field: 'dueDate' })]);
    expect(smartWarnings({ what: 'Hold a strategy discussion' })).toHaveLength(1);
  });

  it('is quiet for a specific action with a date, and does not match inside other words', () => {
    expect(smartWarnings({ what: 'Social worker to update the chronology and share it with the IRO', dueDate: '2026-12-01' })).toEqual([]);
    expect(smartWarnings({ what: 'Discuss the wasp nest in the garden with the landlord', dueDate: '2026-12-01' })).toEqual([]);
  });

  it('gives each problem once, with both fields when both are wrong', () => {
    expect(smartWarnings({ what: 'Ongoing: ASAP', dueDate: null }).map((w) => w.field)).toEqual(['what', 'what', 'dueDate']);
  });
});
