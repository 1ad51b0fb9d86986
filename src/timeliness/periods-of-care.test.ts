import { describe, expect, it } from 'vitest';
import type { EpisodeRecord } from './case-index.ts';
import { periodOpenOn, periodsOfCare } from './periods-of-care.ts';

const ep = (startDate: string, endDate?: string, rne?: string, reasonEnded?: string): EpisodeRecord => ({ startDate, endDate, rne, reasonEnded });
const spans = (periods: ReturnType<typeof periodsOfCare>) => periods.map((p) => [p.startDate, p.endDate ?? null, p.episodes.length]);

describe('periods of care', () => {
  it('run from an S episode through X1 changes to the first episode ending for another reason', () => {
    const periods = periodsOfCare([ep('2024-01-08', '2024-03-01', 'S', 'X1'), ep('2024-03-01', '2024-07-19', 'P', 'X1'), ep('2024-07-19', '2024-10-04', 'L', 'E11')], '2026-03-31');
    expect(spans(periods)).toEqual([['2024-01-08', '2024-10-04', 3]]);
  });

  it('start again at the next S episode after a period ended', () => {
    const periods = periodsOfCare([ep('2024-01-08', '2024-02-02', 'S', 'E13'), ep('2024-09-02', '2024-11-01', 'S', 'X1'), ep('2024-11-01', undefined, 'T')], '2026-03-31');
    expect(spans(periods)).toEqual([
      ['2024-01-08', '2024-02-02', 1],
      ['2024-09-02', null, 2],
    ]);
  });

  it('stand as they did on the as-of date: later episodes ignored, later endings not yet happened', () => {
    const episodes = [ep('2024-01-08', '2024-06-28', 'S', 'E11'), ep('2025-01-06', undefined, 'S')];
    expect(spans(periodsOfCare(episodes, '2024-03-31'))).toEqual([['2024-01-08', null, 1]]);
    expect(spans(periodsOfCare(episodes, '2024-06-28'))).toEqual([['2024-01-08', '2024-06-28', 1]]);
  });

  it('treat an episode after a closed period as a new period even without an S (other formats)', () => {
    const periods = periodsOfCare([ep('2023-05-01', '2023-08-01'), ep('2024-02-01')], '2026-03-31');
    expect(spans(periods)).toEqual([
      ['2023-05-01', '2023-08-01', 1],
      ['2024-02-01', null, 1],
    ]);
  });

  it('continue past an ending with no reason when the next episode starts that day', () => {
    const periods = periodsOfCare([ep('2024-01-08', '2024-03-01', 'S'), ep('2024-03-01', undefined, 'P')], '2026-03-31');
    expect(spans(periods)).toEqual([['2024-01-08', null, 2]]);
  });

  it('close an open period when a new S episode appears', () => {
    const periods = periodsOfCare([ep('2024-01-08', '2024-03-01', 'S', 'X1'), ep('2024-05-01', undefined, 'S')], '2026-03-31');
    expect(spans(periods)).toEqual([
      ['2024-01-08', '2024-03-01', 1],
      ['2024-05-01', null, 1],
    ]);
  });

  it('find the period open on a date: started on or before it and not ended on it', () => {
    const periods = periodsOfCare([ep('2024-01-08', '2024-02-02', 'S', 'E13'), ep('2024-09-02', undefined, 'S')], '2026-03-31');
    expect(periodOpenOn(periods, '2024-01-08')?.startDate).toBe('2024-01-08');
    expect(periodOpenOn(periods, '2024-02-02')).toBeUndefined();
    expect(periodOpenOn(periods, '2024-09-01')).toBeUndefined();
    expect(periodOpenOn(periods, '2026-03-31')?.startDate).toBe('2024-09-02');
  });
});
