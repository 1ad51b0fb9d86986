/**
 * A child's facts gathered once, by kind, sorted by date and with duplicates merged, so each
 * measure reads short arrays instead of scanning every fact. Built in one pass over the facts.
 *
 * Duplicates are expected: an overlapping re-import, or the same plan seen in Annex A and in the
 * SSD. Two records of the same thing on the same date become one; an optional date that only one
 * of them carries is kept.
 */
import type { CaseFact, CaseFactKind, Child, FactSource } from '../cases/facts.ts';
import type { IsoDate } from '../platform/calendar/iso-date.ts';

export interface AssessmentRecord {
  startDate: IsoDate;
  authorisedDate?: IsoDate;
}

export interface StrategyDiscussionRecord {
  strategyDate: IsoDate;
  s47StartDate?: IsoDate;
  icpcDate?: IsoDate;
  icpcNotRequired: boolean;
}

export interface SpanRecord {
  startDate: IsoDate;
  endDate?: IsoDate;
}

export interface CpPlanRecord extends SpanRecord {
  previousPlans?: number;
}

export interface EpisodeRecord extends SpanRecord {
  rne?: string;
  legalStatus?: string;
  placement?: string;
  reasonEnded?: string;
}

export interface ChildCase {
  childId: string;
  child?: Child;
  contacts: IsoDate[];
  referrals: IsoDate[];
  assessments: AssessmentRecord[];
  strategyDiscussions: StrategyDiscussionRecord[];
  /** Initial conferences known without the strategy discussion behind them. */
  conferences: IsoDate[];
  cinPlans: SpanRecord[];
  cinVisits: IsoDate[];
  cpPlans: CpPlanRecord[];
  cpVisits: IsoDate[];
  cpReviews: IsoDate[];
  episodes: EpisodeRecord[];
  /** Placements recorded on their own (SSD), beside or instead of SSDA903 episodes. */
  placements: SpanRecord[];
  claReviews: IsoDate[];
  claVisits: IsoDate[];
  healthAssessments: IsoDate[];
  careLeaverContacts: IsoDate[];
  placementCounts: { asOf: IsoDate; placementsLast12Months: number }[];
}

/**
 * Every child with a record or a fact, by id; and which kinds of fact each format supplied, so a
 * measure can tell "no visits were recorded" from "this extract does not record visits".
 */
export class CaseIndex extends Map<string, ChildCase> {
  private readonly recorded = new Map<CaseFactKind, Set<FactSource['format']>>();

  noteRecorded(kind: CaseFactKind, format: FactSource['format']): void {
    const formats = this.recorded.get(kind);
    if (formats) formats.add(format);
    else this.recorded.set(kind, new Set([format]));
  }

  /** Whether any fact of this kind came from one of these formats. */
  records(kind: CaseFactKind, formats: readonly FactSource['format'][]): boolean {
    const recorded = this.recorded.get(kind);
    return recorded !== undefined && formats.some((format) => recorded.has(format));
  }
}

function emptyCase(childId: string): ChildCase {
  return {
    childId,
    contacts: [],
    referrals: [],
    assessments: [],
    strategyDiscussions: [],
    conferences: [],
    cinPlans: [],
    cinVisits: [],
    cpPlans: [],
    cpVisits: [],
    cpReviews: [],
    episodes: [],
    placements: [],
    claReviews: [],
    claVisits: [],
    healthAssessments: [],
    careLeaverContacts: [],
    placementCounts: [],
  };
}

export function indexCases(children: readonly Child[], facts: readonly CaseFact[]): CaseIndex {
  const index = new CaseIndex();
  const caseOf = (childId: string): ChildCase => {
    let found = index.get(childId);
    if (!found) {
      found = emptyCase(childId);
      index.set(childId, found);
    }
    return found;
  };
  for (const child of children) {
    const c = caseOf(child.childId);
    // The first record wins when a child appears in several extracts; later ones only fill gaps.
    c.child = c.child ? { ...child, ...definedOnly(c.child) } : child;
  }
  for (const fact of facts) {
    index.noteRecorded(fact.kind, fact.source.format);
    const c = caseOf(fact.childId);
    switch (fact.kind) {
      case 'contact':
        c.contacts.push(fact.date);
        break;
      case 'referral':
        c.referrals.push(fact.date);
        break;
      case 'assessment':
        c.assessments.push({ startDate: fact.startDate, authorisedDate: fact.authorisedDate });
        break;
      case 's47':
        c.strategyDiscussions.push({
          strategyDate: fact.strategyDate,
          s47StartDate: fact.s47StartDate,
          icpcDate: fact.icpcDate,
          icpcNotRequired: fact.icpcNotRequired === true,
        });
        break;
      case 'cin-plan':
        c.cinPlans.push({ startDate: fact.startDate, endDate: fact.endDate });
        break;
      case 'icpc':
        c.conferences.push(fact.date);
        break;
      // A visit recorded as the child not seen is not a statutory visit, so it does not count.
      case 'cin-visit':
        if (fact.seen !== false) c.cinVisits.push(fact.date);
        break;
      case 'cp-plan':
        c.cpPlans.push({ startDate: fact.startDate, endDate: fact.endDate, previousPlans: fact.previousPlans });
        break;
      case 'cp-visit':
        if (fact.seen !== false) c.cpVisits.push(fact.date);
        break;
      case 'cp-review':
        c.cpReviews.push(fact.date);
        break;
      case 'cla-episode':
        c.episodes.push({
          startDate: fact.startDate,
          endDate: fact.endDate,
          rne: fact.rne,
          legalStatus: fact.legalStatus,
          placement: fact.placement,
          reasonEnded: fact.reasonEnded,
        });
        break;
      case 'cla-review':
        c.claReviews.push(fact.date);
        break;
      case 'cla-visit':
        if (fact.seen !== false) c.claVisits.push(fact.date);
        break;
      case 'placement':
        c.placements.push({ startDate: fact.startDate, endDate: fact.endDate });
        break;
      case 'health-assessment':
        c.healthAssessments.push(fact.date);
        break;
      case 'care-leaver-contact':
        c.careLeaverContacts.push(fact.date);
        break;
      case 'placement-count':
        c.placementCounts.push({ asOf: fact.asOf, placementsLast12Months: fact.placementsLast12Months });
        break;
      // Other kinds (early help, missing episodes, adoption, allocations…) have no measure yet.
      default:
        break;
    }
  }
  for (const c of index.values()) tidy(c);
  return index;
}

/** Sorted, without repeats. Called on every list of dates, most of them empty or tiny. */
function uniqueDates(dates: IsoDate[]): IsoDate[] {
  if (dates.length < 2) return dates;
  dates.sort();
  let kept = 1;
  for (let i = 1; i < dates.length; i++) if (dates[i] !== dates[kept - 1]) dates[kept++] = dates[i]!;
  dates.length = kept;
  return dates;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Merges records that share a key, keeping the first record's values and filling its gaps. */
function mergeByKey<T extends object>(records: T[], key: (r: T) => string): T[] {
  if (records.length < 2) return records;
  const merged = new Map<string, T>();
  for (const record of records) {
    const k = key(record);
    const seen = merged.get(k);
    merged.set(k, seen ? { ...record, ...definedOnly(seen) } : record);
  }
  return [...merged.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function tidy(c: ChildCase): void {
  uniqueDates(c.contacts);
  uniqueDates(c.referrals);
  uniqueDates(c.conferences);
  uniqueDates(c.cinVisits);
  uniqueDates(c.cpVisits);
  uniqueDates(c.cpReviews);
  uniqueDates(c.claReviews);
  uniqueDates(c.claVisits);
  uniqueDates(c.healthAssessments);
  uniqueDates(c.careLeaverContacts);
  // A child has at most one assessment, plan or episode starting on a given day.
  c.assessments = mergeByKey(c.assessments, (a) => a.startDate);
  c.cinPlans = mergeByKey(c.cinPlans, (p) => p.startDate);
  c.cpPlans = mergeByKey(c.cpPlans, (p) => p.startDate);
  c.episodes = mergeByKey(c.episodes, (e) => e.startDate);
  c.placements = mergeByKey(c.placements, (p) => p.startDate);
  // Strategy discussions on one day are one discussion unless they led to different conferences.
  c.strategyDiscussions = mergeByKey(c.strategyDiscussions, (s) => `${s.strategyDate}|${s.icpcDate ?? ''}`);
  if (c.placementCounts.length > 1) c.placementCounts.sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
}
