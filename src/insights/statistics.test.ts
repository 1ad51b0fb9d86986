import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addPair, binomialUpperTail, emptyTable, median, rollingShare, summariseAgreement, testInflation, weightedKappa, type AgreementTable } from './statistics.ts';

/*
 * A known table, computed by hand. 50 audits; rows are the auditor's grade, columns the
 * moderator's (Outstanding, Good, Requires improvement, Inadequate):
 *
 *              O   G   R   I   | row
 *        O     2   1   0   0   |  3
 *        G     1  14   5   0   | 20
 *        R     0   2  10   3   | 15
 *        I     0   0   2  10   | 12
 *        col   3  17  17  13   | 50
 *
 * Every disagreement is one grade apart: 1 + 1 + 5 + 2 + 3 + 2 = 14 pairs.
 *
 * Linear weights |i − j| / 3. Observed: Σ |i − j| n_ij = 14.
 * Expected: Σ |i − j| r_i c_j / n, by row:
 *   O: 3 × (0·3 + 1·17 + 2·17 + 3·13) = 3 × 90 = 270
 *   G: 20 × (1·3 + 0 + 1·17 + 2·13) = 20 × 46 = 920
 *   R: 15 × (2·3 + 1·17 + 0 + 1·13) = 15 × 36 = 540
 *   I: 12 × (3·3 + 2·17 + 1·17 + 0) = 12 × 60 = 720
 *   total 2450 / 50 = 49. The 1/3 cancels: κ = 1 − 14/49 = 5/7 ≈ 0.7143.
 *
 * Quadratic weights (i − j)² / 9. Observed: 14 (every distance is 1).
 * Expected: Σ (i − j)² r_i c_j / n:
 *   O: 3 × (0 + 17 + 4·17 + 9·13) = 3 × 202 = 606
 *   G: 20 × (3 + 0 + 17 + 4·13) = 20 × 72 = 1440
 *   R: 15 × (4·3 + 17 + 0 + 13) = 15 × 42 = 630
 *   I: 12 × (9·3 + 4·17 + 17 + 0) = 12 × 112 = 1344
 *   total 4020 / 50 = 80.4. κ = 1 − 14/80.4 = 166/201 ≈ 0.8259.
 *
 * Agreement 36/50 = 0.72. Lowered by the moderator (column right of the diagonal): 1 + 5 + 3 = 9;
 * raised: 1 + 2 + 2 = 5. Mean shift (moderator − auditor, positive = better): (5 − 9)/50 = −0.08.
 */
const KNOWN: AgreementTable = [
  [2, 1, 0, 0],
  [1, 14, 5, 0],
  [0, 2, 10, 3],
  [0, 0, 2, 10],
];

describe('weighted kappa', () => {
  it('matches the hand computation on a known table', () => {
    expect(weightedKappa(KNOWN, 'linear')).toBeCloseTo(5 / 7, 12);
    expect(weightedKappa(KNOWN, 'quadratic')).toBeCloseTo(166 / 201, 12);
  });

  it('summarises agreement, direction and shift as computed by hand', () => {
    expect(summariseAgreement(KNOWN)).toEqual({
      n: 50,
      agreed: 36,
      lowered: 9,
      raised: 5,
      agreement: 0.72,
      kappaLinear: expect.closeTo(5 / 7, 12),
      kappaQuadratic: expect.closeTo(166 / 201, 12),
      meanShift: expect.closeTo(-0.08, 12),
    });
  });

  it('is 1 for perfect agreement and undefined when there is nothing to compare', () => {
    const perfect = emptyTable(4);
    addPair(perfect, 1, 1, 3);
    addPair(perfect, 3, 3, 2);
    expect(weightedKappa(perfect, 'linear')).toBe(1);
    expect(weightedKappa(emptyTable(4), 'linear')).toBeNull();
    // Everyone graded Good by both: chance agreement is total, so kappa says nothing.
    const oneGrade = emptyTable(4);
    addPair(oneGrade, 2, 2, 10);
    expect(weightedKappa(oneGrade, 'quadratic')).toBeNull();
    expect(summariseAgreement(emptyTable(4))).toMatchObject({ n: 0, agreement: null, meanShift: null });
  });

  it('is −1 when two people disagree as far as the scale allows, in mirror image', () => {
    // Auditor says Outstanding, moderator Inadequate, and the reverse, equally often.
    const opposed = emptyTable(4);
    addPair(opposed, 1, 4, 5);
    addPair(opposed, 4, 1, 5);
    expect(weightedKappa(opposed, 'linear')).toBeCloseTo(-1, 12);
    expect(weightedKappa(opposed, 'quadratic')).toBeCloseTo(-1, 12);
  });

  it('never exceeds 1 and does not depend on the order of the pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 60 }), (pairs) => {
        const forward = emptyTable(4);
        const backward = emptyTable(4);
        for (const [a, b] of pairs) addPair(forward, a, b);
        for (const [a, b] of [...pairs].reverse()) addPair(backward, a, b);
        const k = weightedKappa(forward, 'quadratic');
        expect(k).toBe(weightedKappa(backward, 'quadratic'));
        if (k !== null) expect(k).toBeLessThanOrEqual(1 + 1e-12);
        const s = summariseAgreement(forward);
        expect(s.agreed + s.lowered + s.raised).toBe(pairs.length);
      }),
    );
  });

  it('refuses ranks outside the scale', () => {
    expect(() => addPair(emptyTable(4), 0, 2)).toThrow(RangeError);
    expect(() => addPair(emptyTable(4), 2, 5)).toThrow(RangeError);
  });
});

describe('the grade-inflation test', () => {
  it('computes the binomial tail by hand: 8 or more of 10 at a rate of 1 in 4', () => {
    // C(10,8)(1/4)^8(3/4)^2 + C(10,9)(1/4)^9(3/4) + (1/4)^10 = (405 + 30 + 1) / 4^10.
    expect(binomialUpperTail(8, 10, 0.25)).toBeCloseTo(436 / 1048576, 15);
    // At least 1 of 2 at a half: 1 − 1/4.
    expect(binomialUpperTail(1, 2, 0.5)).toBeCloseTo(0.75, 15);
    expect(binomialUpperTail(0, 7, 0.3)).toBe(1);
    expect(binomialUpperTail(8, 7, 0.3)).toBe(0);
  });

  it('stays finite for large counts', () => {
    const p = binomialUpperTail(600, 2000, 0.25);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-6);
    expect(binomialUpperTail(500, 2000, 0.25)).toBeGreaterThan(0.4);
  });

  it('flags an auditor whose grades are lowered far more often than the council’s', () => {
    const council = { n: 100, lowered: 25 };
    const flagged = testInflation({ n: 10, lowered: 8 }, council);
    expect(flagged.flagged).toBe(true);
    expect(flagged.pValue).toBeCloseTo(436 / 1048576, 15);
    expect(flagged.councilRate).toBe(0.25);
  });

  it('does not flag a rate that chance explains, nor too few audits, nor lowering less than the council', () => {
    const council = { n: 100, lowered: 25 };
    // 4 of 10 at 0.25: P(X ≥ 4) ≈ 0.224.
    expect(testInflation({ n: 10, lowered: 4 }, council)).toMatchObject({ flagged: false, pValue: expect.closeTo(0.2241, 4) });
    // 4 of 4 lowered is striking but below the minimum count.
    expect(testInflation({ n: 4, lowered: 4 }, council)).toMatchObject({ flagged: false, pValue: null });
    expect(testInflation({ n: 10, lowered: 0 }, council).flagged).toBe(false);
    expect(testInflation({ n: 10, lowered: 5 }, { n: 0, lowered: 0 })).toMatchObject({ flagged: false, councilRate: null });
  });

  it('honours a different minimum and level', () => {
    expect(testInflation({ n: 4, lowered: 4 }, { n: 100, lowered: 25 }, { minCount: 3, alpha: 0.05 }).flagged).toBe(true);
    // P(X ≥ 6 | 10, 0.25) ≈ 0.0197: flagged at 5%, not at 1%.
    expect(testInflation({ n: 10, lowered: 6 }, { n: 100, lowered: 25 }).flagged).toBe(true);
    expect(testInflation({ n: 10, lowered: 6 }, { n: 100, lowered: 25 }, { minCount: 5, alpha: 0.01 }).flagged).toBe(false);
  });
});

describe('medians and rolling shares', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 10, 2])).toBe(3);
    expect(median([])).toBeNull();
  });

  it('pools each window of three months rather than averaging their shares', () => {
    const months = [
      { part: 1, whole: 2 },
      { part: 0, whole: 0 },
      { part: 3, whole: 4 },
      { part: 0, whole: 4 },
    ];
    // Windows: [1/2], [1/2 + 0/0], [1/2, 0/0, 3/4] = 4/6, [0/0, 3/4, 0/4] = 3/8.
    expect(rollingShare(months, 3)).toEqual([0.5, 0.5, 4 / 6, 3 / 8]);
    expect(rollingShare([{ part: 0, whole: 0 }], 3)).toEqual([null]);
  });
});
