import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideModeration, moderationDraw, worstGrade, type ModerationShare } from './selection.ts';

const SHARE: ModerationShare = { allInadequate: true, randomPercent: 25, seed: 'northbridge' };
const ids = Array.from({ length: 4000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('selecting audits for moderation', () => {
  it('always moderates an inadequate audit', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string(), (id, seed) => {
        expect(decideModeration({ id, finalGrade: 'inadequate' }, 'inadequate', { ...SHARE, seed, randomPercent: 0 })).toMatchObject({ selected: true, because: 'inadequate' });
      }),
    );
  });

  it('draws about a quarter of the other audits at random', () => {
    const selected = ids.filter((id) => decideModeration({ id, finalGrade: 'good' }, 'inadequate', SHARE).selected).length;
    expect(selected / ids.length).toBeGreaterThan(0.22);
    expect(selected / ids.length).toBeLessThan(0.28);
  });

  it('moderates none of them at 0% and all at 100%', () => {
    expect(ids.slice(0, 200).some((id) => decideModeration({ id, finalGrade: 'good' }, 'inadequate', { ...SHARE, randomPercent: 0 }).selected)).toBe(false);
    expect(ids.slice(0, 200).every((id) => decideModeration({ id, finalGrade: 'good' }, 'inadequate', { ...SHARE, randomPercent: 100 }).selected)).toBe(true);
  });

  it('leaves inadequate audits to the random draw when the council turns the rule off', () => {
    const decisions = ids.slice(0, 400).map((id) => decideModeration({ id, finalGrade: 'inadequate' }, 'inadequate', { ...SHARE, allInadequate: false }));
    expect(decisions.some((d) => !d.selected)).toBe(true);
    expect(decisions.filter((d) => d.selected).every((d) => d.because === 'random')).toBe(true);
  });

  it('gives the same audit the same draw every time, and a different draw under another seed', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(moderationDraw('northbridge', id)).toBe(moderationDraw('northbridge', id));
      }),
    );
    expect(ids.slice(0, 50).map((id) => moderationDraw('a', id))).not.toEqual(ids.slice(0, 50).map((id) => moderationDraw('b', id)));
  });

  it('finds the worst grade on a scale by rank', () => {
    const scale = {
      id: 'x',
      grades: [
        { id: 'good', label: 'Good', code: 'G', rank: 1 },
        { id: 'poor', label: 'Poor', code: 'P', rank: 2 },
      ],
    };
    expect(worstGrade({ scale })).toBe('poor');
  });
});
