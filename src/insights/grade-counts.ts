/**
 * Counting audits (or graded items) by grade, for any grouping: per month, team, area. Audits on
 * different tools are counted together by their rank on the common scale (see tools.ts), so
 * "Requires improvement" (seed 000) and "Adequate" (seed 003) share a column, and "good or
 * better" follows each tool's own scale.
 */
import { commonScale, isGoodOrBetter, rankLabel, rankOf, type Tools } from './tools.ts';
import { gradeColour, type Series } from './charts.ts';
import { count, percentage, type Cell, type Column } from './tables.ts';
import { share } from './statistics.ts';

export interface GradeTally {
  /** Count at each rank, index 0 is rank 1. */
  byRank: number[];
  total: number;
  goodOrBetter: number;
  worst: number;
}

export function emptyTally(k: number): GradeTally {
  return { byRank: new Array<number>(k).fill(0), total: 0, goodOrBetter: 0, worst: 0 };
}

/** Adds `n` at a tool's grade; grades no tool knows are left out (and so are not counted at all). */
export function tallyGrade(tally: GradeTally, tools: Tools, toolId: string, grade: string | null, n: number, version?: number | null): void {
  const rank = rankOf(tools, toolId, grade, version);
  if (rank === undefined || rank > tally.byRank.length) return;
  tally.byRank[rank - 1]! += n;
  tally.total += n;
  if (isGoodOrBetter(tools, toolId, rank, version)) tally.goodOrBetter += n;
  // Scales are aligned at their worst grade, so the worst is always the last common rank.
  if (rank === tally.byRank.length) tally.worst += n;
}

export class GradeTallies<K> {
  readonly byKey = new Map<K, GradeTally>();
  constructor(readonly k: number) {}

  add(key: K, tools: Tools, toolId: string, grade: string | null, n: number, version?: number | null): void {
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = emptyTally(this.k);
      this.byKey.set(key, tally);
    }
    tallyGrade(tally, tools, toolId, grade, n, version);
  }

  get(key: K): GradeTally {
    return this.byKey.get(key) ?? emptyTally(this.k);
  }

  total(): GradeTally {
    const all = emptyTally(this.k);
    for (const t of this.byKey.values()) {
      t.byRank.forEach((n, i) => (all.byRank[i]! += n));
      all.total += t.total;
      all.goodOrBetter += t.goodOrBetter;
      all.worst += t.worst;
    }
    return all;
  }
}

export interface GradeSeries extends Series {
  /** The rank on the common scale. */
  rank: number;
}

/**
 * Grade columns (best first), labelled for the tools in view. A rank none of them uses (a
 * three-point checklist's missing Outstanding) has no column.
 */
export function gradeSeries(tools: Tools, toolIds: Iterable<string>): GradeSeries[] {
  // Labels joined in a fixed order, whatever order the tools were met in.
  const ids = [...toolIds].sort();
  const k = commonScale(tools);
  const ranks = Array.from({ length: k }, (_, i) => i + 1);
  const used = ids.length ? ranks.filter((r) => ids.some((id) => rankLabel(tools, [id], r) !== `Grade ${r}`)) : ranks;
  return used.map((rank) => ({ rank, label: rankLabel(tools, ids, rank), colour: gradeColour(rank, k) }));
}

export function gradeColumns(series: readonly Series[], what: string): Column[] {
  return [{ label: what, numeric: true }, ...series.map((s) => ({ label: s.label, numeric: true })), { label: 'Good or better', numeric: true }];
}

/** The count cells of one tally: total, each grade column, share good or better; each count links to its audits. */
export function gradeCells(tally: GradeTally, series: readonly GradeSeries[], link: (rank?: number) => string | undefined): Cell[] {
  return [count(tally.total, link()), ...series.map((s) => count(tally.byRank[s.rank - 1] ?? 0, link(s.rank))), percentage(share(tally.goodOrBetter, tally.total))];
}

/** Chart values: one row per grade column, one value per key. */
export function seriesValues<K>(tallies: GradeTallies<K>, series: readonly GradeSeries[], keys: readonly K[]): number[][] {
  return series.map((s) => keys.map((key) => tallies.get(key).byRank[s.rank - 1] ?? 0));
}
