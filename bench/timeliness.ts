/**
 * Benchmark of the timeliness engine over a council's whole history.
 *
 * Builds synthetic case facts in memory (a seeded PRNG, so every run sees the same council):
 * 5,000 and 50,000 children with about 20 events each over five years, the larger about
 * 1,000,000 events. Times indexing plus evaluation of the national measures as of the last day
 * (median of several runs, after a warm-up), and reports events per second and the process's
 * peak resident memory. Target: under 2 seconds for 1,000,000 events on one core.
 *
 * Run directly: npx tsx bench/timeliness.ts
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { CaseFact, Child, FactSource } from '../src/cases/facts.ts';
import { englandAndWalesCalendar } from '../src/platform/calendar/bank-holidays.ts';
import { fromDayNumber, toDayNumber } from '../src/platform/calendar/iso-date.ts';
import { evaluateTimeliness } from '../src/timeliness/engine.ts';

const AS_OF = '2026-03-31';
const HISTORY_START = toDayNumber('2021-04-01');
const HISTORY_END = toDayNumber(AS_OF);

/** mulberry32: a small, fast, seedable generator; quality is ample for synthetic volumes. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fact before the child and source are added (Omit applied to each member of the union). */
type NewFact = CaseFact extends infer F ? (F extends CaseFact ? Omit<F, 'childId' | 'source'> : never) : never;

interface SyntheticCouncil {
  children: Child[];
  facts: CaseFact[];
}

/**
 * A rough caseload: every child has contacts and referrals, most an assessment; a quarter go to a
 * strategy discussion, some of those onto a protection plan with visits every couple of weeks;
 * about one in six is looked after, with episodes, reviews, visits and health assessments.
 */
export function syntheticCouncil(childCount: number, seed = 20260331): SyntheticCouncil {
  const random = prng(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const chance = (p: number) => random() < p;
  const source: FactSource = { format: 'manual', file: 'synthetic' };
  const children: Child[] = [];
  const facts: CaseFact[] = [];
  const day = (n: number) => fromDayNumber(Math.min(n, HISTORY_END + 400));

  for (let i = 0; i < childCount; i++) {
    const childId = `C${String(i).padStart(6, '0')}`;
    const birth = between(toDayNumber('2005-01-01'), HISTORY_END - 30);
    children.push({ childId, dateOfBirth: day(birth), source });
    const f = (fact: NewFact) => facts.push({ ...fact, childId, source } as CaseFact);

    let t = Math.max(birth, between(HISTORY_START, HISTORY_END - 60));
    for (let c = between(1, 5); c > 0; c--) f({ kind: 'contact', date: day(t + between(0, 40)) });
    const referrals = between(1, 3);
    for (let r = 0; r < referrals; r++) {
      const referral = t;
      f({ kind: 'referral', date: day(referral) });
      if (chance(0.85)) {
        const start = referral + between(0, 3);
        f({ kind: 'assessment', startDate: day(start), ...(chance(0.92) ? { authorisedDate: day(start + between(10, 80)) } : {}) });
      }
      if (chance(0.25)) {
        const strategy = referral + between(0, 5);
        const notRequired = chance(0.3);
        f({ kind: 's47', strategyDate: day(strategy), ...(notRequired ? { icpcNotRequired: true } : chance(0.9) ? { icpcDate: day(strategy + between(10, 30)) } : {}) });
        if (!notRequired && chance(0.6)) {
          const planStart = strategy + between(15, 30);
          const planEnd = chance(0.7) ? planStart + between(90, 720) : undefined;
          f({ kind: 'cp-plan', startDate: day(planStart), ...(planEnd ? { endDate: day(planEnd) } : {}) });
          for (let v = planStart + between(3, 12); v < (planEnd ?? HISTORY_END) && v <= HISTORY_END; v += between(7, 18)) f({ kind: 'cp-visit', date: day(v) });
          for (let rv = planStart + 90; rv < (planEnd ?? HISTORY_END); rv += 182) f({ kind: 'cp-review', date: day(rv) });
        }
      }
      t += between(60, 500);
      if (t > HISTORY_END) break;
    }

    if (chance(0.16)) {
      let episodeStart = between(HISTORY_START, HISTORY_END - 30);
      const careStart = episodeStart;
      const episodes = between(1, 4);
      let careEnd: number | undefined;
      for (let e = 0; e < episodes; e++) {
        const last = e === episodes - 1;
        const length = between(30, 500);
        const ends = !last || chance(0.4);
        const end = episodeStart + length;
        f({
          kind: 'cla-episode',
          startDate: day(episodeStart),
          rne: e === 0 ? 'S' : chance(0.7) ? 'P' : 'L',
          legalStatus: 'C2',
          placement: 'U1',
          ...(ends && end <= HISTORY_END ? { endDate: day(end), reasonEnded: last ? 'E11' : 'X1' } : {}),
        });
        if (!ends || end > HISTORY_END) break;
        if (last) careEnd = end;
        episodeStart = end;
      }
      const until = Math.min(careEnd ?? HISTORY_END, HISTORY_END);
      for (let rv = careStart + between(10, 30); rv <= until; rv += between(80, 190)) f({ kind: 'cla-review', date: day(rv) });
      for (let v = careStart + between(1, 7); v <= until; v += between(30, 45)) f({ kind: 'cla-visit', date: day(v) });
      for (let h = careStart + between(10, 40); h <= until; h += between(150, 380)) f({ kind: 'health-assessment', date: day(h) });
    }
  }
  return { children, facts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, places = 0) => Number(n.toFixed(places));

export async function benchTimeliness(): Promise<Record<string, unknown>> {
  const calendar = englandAndWalesCalendar();
  const sizes = [
    { children: 5_000, runs: 7 },
    { children: 50_000, runs: 5 },
  ];
  const results: Record<string, unknown>[] = [];
  for (const size of sizes) {
    const council = syntheticCouncil(size.children);
    // One warm-up run lets the JIT compile the hot paths before anything is timed.
    let items = evaluateTimeliness(council.children, council.facts, { asOf: AS_OF, calendar }).items.length;
    const times: number[] = [];
    for (let r = 0; r < size.runs; r++) {
      const started = performance.now();
      items = evaluateTimeliness(council.children, council.facts, { asOf: AS_OF, calendar }).items.length;
      times.push(performance.now() - started);
    }
    const ms = median(times);
    results.push({
      children: size.children,
      events: council.facts.length,
      eventsPerChild: round(council.facts.length / size.children, 1),
      items,
      runs: size.runs,
      medianMs: round(ms, 1),
      minMs: round(Math.min(...times), 1),
      maxMs: round(Math.max(...times), 1),
      eventsPerSecond: round(council.facts.length / (ms / 1000)),
    });
  }
  return {
    benchmark: 'timeliness engine: index facts and evaluate the five national measures over the whole history',
    asOf: AS_OF,
    history: `${fromDayNumber(HISTORY_START)} to ${AS_OF}`,
    target: 'under 2,000 ms for 1,000,000 events on one core',
    results,
    // Peak for the whole process, so it includes the synthetic facts held in memory.
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    node: process.version,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await benchTimeliness(), null, 2));
}
