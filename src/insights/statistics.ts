/**
 * The arithmetic behind the insight pages: agreement between two people grading the same thing
 * (weighted Cohen's kappa, agreement rate, mean grade shift), the test that flags grade
 * inflation, medians and shares. Pure functions over counts; the services gather the counts.
 *
 * Grades are compared by their `rank` on the tool's scale (1 is the best grade, ranks are
 * consecutive), so a table of k grades is a k × k table of counts: `table[i][j]` is how often
 * the first person (the auditor, or the practitioner self-assessing) gave rank i + 1 while the
 * second (the moderator, or the auditor) gave rank j + 1.
 */

export type AgreementTable = number[][];

export type KappaWeights = 'linear' | 'quadratic';

/** An empty k × k table. */
export function emptyTable(k: number): AgreementTable {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('a grading scale has at least two grades');
  return Array.from({ length: k }, () => new Array<number>(k).fill(0));
}

/** Adds `count` pairs of (first rank, second rank) to the table; ranks run from 1. */
export function addPair(table: AgreementTable, firstRank: number, secondRank: number, count = 1): void {
  const k = table.length;
  if (!(firstRank >= 1 && firstRank <= k && secondRank >= 1 && secondRank <= k)) throw new RangeError(`ranks must be from 1 to ${k}`);
  table[firstRank - 1]![secondRank - 1]! += count;
}

export function tableTotal(table: AgreementTable): number {
  return table.reduce((sum, row) => sum + row.reduce((s, n) => s + n, 0), 0);
}

/**
 * Cohen's weighted kappa with disagreement weights: linear |i − j| / (k − 1), quadratic
 * (i − j)² / (k − 1)². κw = 1 − Σ w·observed / Σ w·expected, where the expected count of a cell
 * is its row total × its column total / n (what two people grading independently, each with
 * their own mix of grades, would produce). Null when it is undefined: no pairs, or both people
 * gave every case the same single grade (nothing to disagree about by chance).
 */
export function weightedKappa(table: AgreementTable, weights: KappaWeights): number | null {
  const k = table.length;
  const n = tableTotal(table);
  if (n === 0) return null;
  const rows = table.map((row) => row.reduce((s, x) => s + x, 0));
  const columns = table[0]!.map((_, j) => table.reduce((s, row) => s + row[j]!, 0));
  const weight = (i: number, j: number) => (weights === 'linear' ? Math.abs(i - j) / (k - 1) : (i - j) ** 2 / (k - 1) ** 2);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      observed += weight(i, j) * table[i]![j]!;
      expected += (weight(i, j) * rows[i]! * columns[j]!) / n;
    }
  }
  if (expected === 0) return null;
  return 1 - observed / expected;
}

export interface AgreementSummary {
  /** Pairs compared. */
  n: number;
  agreed: number;
  /** The second person gave a worse grade than the first (a higher rank). */
  lowered: number;
  raised: number;
  /** Share of pairs with the same grade; null with no pairs. */
  agreement: number | null;
  kappaLinear: number | null;
  kappaQuadratic: number | null;
  /**
   * The mean of (second grade − first grade) in grade steps, positive when the second person
   * graded better: −0.5 means the moderator's grades were half a grade lower on average.
   */
  meanShift: number | null;
}

export function summariseAgreement(table: AgreementTable): AgreementSummary {
  const k = table.length;
  let n = 0;
  let agreed = 0;
  let lowered = 0;
  let raised = 0;
  let shift = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const count = table[i]![j]!;
      n += count;
      if (i === j) agreed += count;
      else if (j > i) lowered += count;
      else raised += count;
      // A better grade has a lower rank, so a rise from rank i to rank j is i − j steps.
      shift += (i - j) * count;
    }
  }
  return {
    n,
    agreed,
    lowered,
    raised,
    agreement: n === 0 ? null : agreed / n,
    kappaLinear: weightedKappa(table, 'linear'),
    kappaQuadratic: weightedKappa(table, 'quadratic'),
    meanShift: n === 0 ? null : shift / n,
  };
}

/**
 * P(X ≥ x) for X ~ Binomial(n, p): the chance of at least x "successes" in n trials if each
 * happens with probability p. Summed in log space so large n does not underflow.
 */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (!Number.isInteger(x) || !Number.isInteger(n) || n < 0) throw new RangeError('counts must be whole numbers');
  if (p < 0 || p > 1) throw new RangeError('p must be a probability');
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, k) built up term by term from log C(n, 0) = 0.
  let logChoose = 0;
  const terms: number[] = [];
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    if (k >= x) terms.push(logChoose + k * logP + (n - k) * logQ);
  }
  const top = Math.max(...terms);
  const sum = terms.reduce((s, t) => s + Math.exp(t - top), 0);
  return Math.min(1, Math.exp(top) * sum);
}

export interface InflationTest {
  /** Moderated audits (or other units) of this auditor or team. */
  n: number;
  /** Of which the moderator lowered the grade. */
  lowered: number;
  /** The share lowered across the council (the same filters): what chance alone would give. */
  councilRate: number | null;
  /** P(at least this many lowered | council rate); null when not tested. */
  pValue: number | null;
  flagged: boolean;
  /** Why it was or was not flagged, in words for the page. */
  reason: string;
}

export interface InflationOptions {
  /** Fewer moderated audits than this are not tested: a couple of lowered grades prove nothing. */
  minCount: number;
  /** One-sided significance level. */
  alpha: number;
}

export const INFLATION_DEFAULTS: InflationOptions = { minCount: 5, alpha: 0.05 };

/**
 * Grade inflation: are this person's (or team's) grades lowered by moderators more often than
 * the council's as a whole? A one-sided exact binomial test of `lowered` out of `n` against the
 * council-wide lowering rate. A flag is a prompt for a conversation, not a finding: with many
 * auditors, about one in twenty will be flagged by chance alone when nothing is wrong.
 */
export function testInflation(counts: { n: number; lowered: number }, council: { n: number; lowered: number }, options: InflationOptions = INFLATION_DEFAULTS): InflationTest {
  const councilRate = council.n === 0 ? null : council.lowered / council.n;
  const base = { n: counts.n, lowered: counts.lowered, councilRate };
  if (councilRate === null) return { ...base, pValue: null, flagged: false, reason: 'Nothing to compare with' };
  if (counts.n < options.minCount) return { ...base, pValue: null, flagged: false, reason: `Too few to test (under ${options.minCount})` };
  const pValue = binomialUpperTail(counts.lowered, counts.n, councilRate);
  const flagged = pValue < options.alpha && counts.lowered / counts.n > councilRate;
  return {
    ...base,
    pValue,
    flagged,
    reason: flagged ? 'Flagged: lowered more often than chance would give' : 'Within what chance would give',
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** numerator / denominator, or null when there is nothing to divide by. */
export function share(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * For each position, the share over the window of `size` entries ending there (fewer at the
 * start): rolling quarters over months. Null where the window holds nothing.
 */
export function rollingShare(series: ReadonlyArray<{ part: number; whole: number }>, size: number): Array<number | null> {
  return series.map((_, i) => {
    const window = series.slice(Math.max(0, i - size + 1), i + 1);
    return share(
      window.reduce((s, e) => s + e.part, 0),
      window.reduce((s, e) => s + e.whole, 0),
    );
  });
}
