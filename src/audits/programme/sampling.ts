/**
 * Choosing cases for an audit round, and giving them to auditors. Pure functions: the service
 * gathers the candidates (every case the programme covers, with what is known about its audits)
 * and the auditors; these decide, and say why for every case.
 *
 * The rules (issue 4, from seed 002's collaborative audit: "from another part of the service"):
 * - never a case from the auditor's own team (nor one the auditor holds as worker);
 * - not a case audited in the last 12 months (the number of months is configurable);
 * - one open audit per case.
 *
 * A draw is reproducible: candidates are put in a canonical order first, and every random choice
 * comes from a generator seeded by the round's recorded seed. The same seed and the same
 * candidates give the same cases, whatever order the database returned them in.
 */
import { addMonths, daysBetween, type IsoDate } from '../../platform/calendar/index.ts';
import { seededRandom, shuffled } from './random.ts';

export interface Candidate {
  childId: string;
  childRef: string;
  teamId: string | null;
  serviceId: string | null;
  /** cin, cp, cla, care-leaver, … (children.case_type). */
  caseType: string | null;
  workerId: string | null;
  /** When the case was last audited (its latest audit that was not cancelled). */
  lastAuditedOn: IsoDate | null;
  /** An audit of the case is still under way: neither closed nor cancelled. */
  hasOpenAudit: boolean;
}

export interface RoundAuditor {
  userId: string;
  teamId: string | null;
}

export const STRATIFY_BY = ['service', 'team', 'caseType'] as const;
export type StratifyBy = (typeof STRATIFY_BY)[number];

export type SamplingMethod = { kind: 'random' } | { kind: 'stratified'; by: StratifyBy } | { kind: 'targeted'; target: string };

export interface DrawRequest {
  method: SamplingMethod;
  sampleSize: number;
  seed: string;
  drawDate: IsoDate;
  /** 0 turns the rule off. */
  exclusionMonths: number;
  auditors: readonly RoundAuditor[];
}

/** Why a case was left out. Order matters: the first that applies is the one shown first. */
export const EXCLUSION_RULES = ['open-audit', 'recent-audit', 'own-team', 'not-targeted'] as const;
export type ExclusionRule = (typeof EXCLUSION_RULES)[number];

export interface DrawEntry {
  candidate: Candidate;
  /** chosen; not-drawn: eligible, but the sample was full; excluded: a rule left it out. */
  outcome: 'chosen' | 'not-drawn' | 'excluded';
  rules: ExclusionRule[];
  /** Position in the sample, from 1, for chosen cases. */
  position?: number;
  stratum?: string;
  /** Targeted draws: what the target saw in this case. */
  targetNote?: string;
}

export interface Stratum {
  key: string;
  eligible: number;
  /** Its share of the sample, proportional to its share of the eligible cases. */
  quota: number;
}

export interface Draw {
  chosen: Candidate[];
  /** Every candidate, in child reference order. */
  entries: DrawEntry[];
  strata: Stratum[];
  /** A case audited on or after this date is left out; null when the rule is off. */
  cutOff: IsoDate | null;
}

/**
 * A targeted draw's candidate filter. Each target scores the eligible cases (highest first) and
 * returns null for a case it does not target, which is then excluded with `not-targeted`. New
 * targets (such as cases with missed timescales, once case data is imported) join `TARGETS`
 * with the facts they read added to `Candidate`.
 */
export interface TargetFilter {
  id: string;
  label: string;
  /** Shown on the round page: how the cases were picked. */
  explanation: string;
  score(candidate: Candidate, drawDate: IsoDate): number | null;
  note(candidate: Candidate, drawDate: IsoDate): string;
}

const longestUnaudited: TargetFilter = {
  id: 'longest-unaudited',
  label: 'Cases not audited for the longest',
  explanation: 'Cases never audited come first, then the cases whose last audit is longest ago. Cases equally long unaudited are put in a random order from the seed.',
  // Never audited outranks any real gap; a finite number keeps the record valid JSON.
  score: (c, drawDate) => (c.lastAuditedOn === null ? Number.MAX_SAFE_INTEGER : daysBetween(c.lastAuditedOn, drawDate)),
  note: (c, drawDate) => (c.lastAuditedOn === null ? 'Never audited' : `Last audited ${daysBetween(c.lastAuditedOn, drawDate)} days before the draw`),
};

export const TARGETS: ReadonlyMap<string, TargetFilter> = new Map([[longestUnaudited.id, longestUnaudited]]);

/** The own-team rule for one auditor and one case. */
export function mayAudit(auditor: RoundAuditor, c: Pick<Candidate, 'teamId' | 'workerId'>): boolean {
  if (auditor.userId === c.workerId) return false;
  return c.teamId === null || auditor.teamId !== c.teamId;
}

export function exclusionCutOff(drawDate: IsoDate, exclusionMonths: number): IsoDate | null {
  return exclusionMonths > 0 ? addMonths(drawDate, -exclusionMonths) : null;
}

/** Every rule that leaves this case out of the draw (empty: eligible). */
export function exclusionsFor(c: Candidate, request: DrawRequest, cutOff: IsoDate | null = exclusionCutOff(request.drawDate, request.exclusionMonths)): ExclusionRule[] {
  const rules: ExclusionRule[] = [];
  if (c.hasOpenAudit) rules.push('open-audit');
  if (cutOff !== null && c.lastAuditedOn !== null && c.lastAuditedOn >= cutOff) rules.push('recent-audit');
  if (!request.auditors.some((a) => mayAudit(a, c))) rules.push('own-team');
  return rules;
}

export function stratumOf(c: Candidate, by: StratifyBy): string {
  const key = by === 'service' ? c.serviceId : by === 'team' ? c.teamId : c.caseType;
  return key ?? 'none';
}

/**
 * Largest-remainder apportionment: each stratum gets its proportional share of `size`, rounded
 * down, and the seats left go to the largest remainders (ties to the earlier key), so every
 * stratum's quota is its exact share rounded down or up.
 */
export function apportion(sizes: ReadonlyArray<{ key: string; eligible: number }>, size: number): Stratum[] {
  const total = sizes.reduce((sum, s) => sum + s.eligible, 0);
  const take = Math.min(size, total);
  if (total === 0) return sizes.map((s) => ({ ...s, quota: 0 }));
  const exact = sizes.map((s) => ({ ...s, exact: (take * s.eligible) / total }));
  const strata = exact.map((s) => ({ key: s.key, eligible: s.eligible, quota: Math.floor(s.exact) }));
  let left = take - strata.reduce((sum, s) => sum + s.quota, 0);
  const byRemainder = exact
    .map((s, i) => ({ i, remainder: s.exact - Math.floor(s.exact) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    strata[i]!.quota++;
    left--;
  }
  return strata;
}

export function drawSample(candidates: readonly Candidate[], request: DrawRequest): Draw {
  if (!Number.isInteger(request.sampleSize) || request.sampleSize < 1) throw new RangeError('the sample size must be a whole number of at least 1');
  const target = request.method.kind === 'targeted' ? TARGETS.get(request.method.target) : undefined;
  if (request.method.kind === 'targeted' && !target) throw new RangeError(`unknown target ${request.method.target}`);

  const cutOff = exclusionCutOff(request.drawDate, request.exclusionMonths);
  const random = seededRandom(request.seed);
  // By the council's reference first: ids differ between copies of the same records (a restore,
  // another database), references do not, so a seed draws the same children wherever it runs.
  const byId = (a: Candidate, b: Candidate) => (a.childId < b.childId ? -1 : a.childId > b.childId ? 1 : 0);
  const canonical = [...candidates].sort((a, b) => (a.childRef < b.childRef ? -1 : a.childRef > b.childRef ? 1 : byId(a, b)));
  const entries = new Map<string, DrawEntry>();
  const eligible: Candidate[] = [];
  for (const c of canonical) {
    const rules = exclusionsFor(c, request, cutOff);
    const entry: DrawEntry = { candidate: c, outcome: 'not-drawn', rules };
    if (target) entry.targetNote = target.note(c, request.drawDate);
    if (target && rules.length === 0 && target.score(c, request.drawDate) === null) rules.push('not-targeted');
    if (rules.length > 0) entry.outcome = 'excluded';
    else eligible.push(c);
    entries.set(c.childId, entry);
  }

  let chosen: Candidate[];
  let strata: Stratum[] = [];
  if (request.method.kind === 'stratified') {
    const by = request.method.by;
    const groups = new Map<string, Candidate[]>();
    for (const c of eligible) {
      const key = stratumOf(c, by);
      groups.set(key, [...(groups.get(key) ?? []), c]);
      entries.get(c.childId)!.stratum = key;
    }
    // Strata in the order their first case comes in the canonical order (not by key: a key is a
    // team's or service's id, which differs between databases holding the same council).
    const keys = [...groups.keys()];
    strata = apportion(
      keys.map((key) => ({ key, eligible: groups.get(key)!.length })),
      request.sampleSize,
    );
    chosen = strata.flatMap((s) => shuffled(groups.get(s.key)!, random).slice(0, s.quota));
  } else if (target) {
    const scores = new Map(eligible.map((c) => [c.childId, target.score(c, request.drawDate)!]));
    // Shuffle first so equal scores fall in a seeded random order; the sort is stable.
    chosen = shuffled(eligible, random)
      .sort((a, b) => scores.get(b.childId)! - scores.get(a.childId)!)
      .slice(0, request.sampleSize);
  } else {
    chosen = shuffled(eligible, random).slice(0, request.sampleSize);
  }

  chosen.forEach((c, i) => Object.assign(entries.get(c.childId)!, { outcome: 'chosen', position: i + 1 }));
  const ordered = [...entries.values()].sort((a, b) => a.candidate.childRef.localeCompare(b.candidate.childRef, 'en-GB', { numeric: true }));
  return { chosen, entries: ordered, strata, cutOff };
}

export interface AuditorLoad extends RoundAuditor {
  /** Audits the person already has under way (not closed or cancelled). */
  openAudits: number;
}

export interface Allocation {
  assigned: Array<{ childId: string; auditorId: string }>;
  unassigned: Array<{ childId: string; reason: string }>;
  /** Open audits per auditor once this allocation is made. */
  loads: Map<string, number>;
}

/**
 * Gives each case to the eligible auditor with the fewest open audits (ties: the earlier in
 * `auditors`). Cases with the fewest eligible auditors are placed first, so an auditor who is
 * the only choice for some cases is not first filled up with cases anyone could take.
 */
export function allocate(cases: ReadonlyArray<Pick<Candidate, 'childId' | 'teamId' | 'workerId'>>, auditors: readonly AuditorLoad[]): Allocation {
  const loads = new Map(auditors.map((a) => [a.userId, a.openAudits]));
  const options = cases.map((c, index) => ({ c, index, eligible: auditors.filter((a) => mayAudit(a, c)) }));
  options.sort((a, b) => a.eligible.length - b.eligible.length || a.index - b.index);
  const assigned: Allocation['assigned'] = [];
  const unassigned: Allocation['unassigned'] = [];
  for (const { c, eligible } of options) {
    let best: AuditorLoad | undefined;
    for (const a of eligible) if (!best || loads.get(a.userId)! < loads.get(best.userId)!) best = a;
    if (!best) {
      unassigned.push({ childId: c.childId, reason: 'Every auditor in this round is in the child’s team or is the child’s worker.' });
      continue;
    }
    loads.set(best.userId, loads.get(best.userId)! + 1);
    assigned.push({ childId: c.childId, auditorId: best.userId });
  }
  return { assigned, unassigned, loads };
}
