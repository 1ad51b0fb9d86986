/**
 * National indicators as the DfE publishes them for every council, computed from the same facts
 * as the timeliness engine: each a numerator, a denominator, a rate and the children behind the
 * numerator (so a QA officer can sample them). Pure functions over a case index.
 *
 * The DfE's statistical year runs 1 April to 31 March; any period may be given. Definitions
 * follow the DfE releases "Children in need" (children in need census) and "Children looked
 * after in England including adoption" (SSDA903), as stated beside each indicator.
 */
import { addDays, addMonths, addYears, InvalidDateError, type IsoDate } from '../platform/calendar/iso-date.ts';
import type { WorkingDayCalendar } from '../platform/calendar/working-day-calendar.ts';
import type { CaseIndex, ChildCase, EpisodeRecord } from './case-index.ts';
import { periodOpenOn, periodsOfCare } from './periods-of-care.ts';

/** Inclusive dates. */
export interface ReportingPeriod {
  start: IsoDate;
  end: IsoDate;
}

export interface IndicatorResult {
  id: string;
  title: string;
  definition: string;
  source: string;
  period: ReportingPeriod;
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when there is nothing to divide by. */
  rate: number | null;
  /** Children counted in the numerator, sorted. */
  childIds: string[];
  /** Records left out because a due date could not be worked out (e.g. outside the calendar years). */
  notEvaluated: number;
}

/** The twelve months ending on `end`, e.g. 1 April 2025 to 31 March 2026. */
export function yearEndingOn(end: IsoDate): ReportingPeriod {
  return { start: addDays(addYears(end, -1), 1), end };
}

const within = (date: IsoDate | undefined, p: ReportingPeriod): date is IsoDate => date !== undefined && date >= p.start && date <= p.end;

class Tally {
  numerator = 0;
  denominator = 0;
  notEvaluated = 0;
  private readonly children = new Set<string>();

  count(childId: string, inNumerator: boolean): void {
    this.denominator++;
    if (inNumerator) {
      this.numerator++;
      this.children.add(childId);
    }
  }

  /** Runs a calculation that needs the calendar; a date it cannot handle leaves the record out. */
  tryCount(childId: string, decide: () => boolean): void {
    let inNumerator: boolean;
    try {
      inNumerator = decide();
    } catch (error) {
      if (error instanceof RangeError || error instanceof InvalidDateError) {
        this.notEvaluated++;
        return;
      }
      throw error;
    }
    this.count(childId, inNumerator);
  }

  result(meta: Pick<IndicatorResult, 'id' | 'title' | 'definition' | 'source'>, period: ReportingPeriod): IndicatorResult {
    return {
      ...meta,
      period,
      numerator: this.numerator,
      denominator: this.denominator,
      rate: this.denominator === 0 ? null : this.numerator / this.denominator,
      childIds: [...this.children].sort(),
      notEvaluated: this.notEvaluated,
    };
  }
}

export function reReferralsWithin12Months(cases: CaseIndex, period: ReportingPeriod): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    c.referrals.forEach((referral, i) => {
      if (!within(referral, period)) return;
      const previous = c.referrals[i - 1]; // referrals are sorted and unique
      tally.count(c.childId, previous !== undefined && previous >= addMonths(referral, -12));
    });
  }
  return tally.result(
    {
      id: 're-referrals-12-months',
      title: 'Re-referrals within 12 months',
      definition: 'Referrals in the period that came within 12 months of a previous referral of the same child, as a share of all referrals in the period.',
      source: 'DfE, Children in need statistics: referrals within 12 months of a previous referral',
    },
    period,
  );
}

export function assessmentsWithin45WorkingDays(cases: CaseIndex, period: ReportingPeriod, calendar: WorkingDayCalendar): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    for (const a of c.assessments) {
      if (!within(a.authorisedDate, period) || a.authorisedDate < a.startDate) continue;
      const authorised = a.authorisedDate;
      tally.tryCount(c.childId, () => authorised <= calendar.addWorkingDays(a.startDate, 45));
    }
  }
  return tally.result(
    {
      id: 'assessments-45wd',
      title: 'Assessments completed within 45 working days',
      definition: 'Assessments authorised in the period whose authorisation came within 45 working days of their start, as a share of all assessments authorised in the period.',
      source: 'DfE, Children in need statistics: assessments completed, by working days from start to authorisation (45 working days, Working Together to Safeguard Children 2023)',
    },
    period,
  );
}

export function icpcsWithin15WorkingDays(cases: CaseIndex, period: ReportingPeriod, calendar: WorkingDayCalendar): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    // The national figure measures from the strategy discussion that started the enquiry: the
    // earliest of those that led to the conference.
    const firstDiscussion = new Map<IsoDate, IsoDate>();
    for (const s of c.strategyDiscussions) {
      if (s.icpcNotRequired || !within(s.icpcDate, period)) continue;
      const earliest = firstDiscussion.get(s.icpcDate);
      if (earliest === undefined || s.strategyDate < earliest) firstDiscussion.set(s.icpcDate, s.strategyDate);
    }
    for (const [icpc, strategy] of firstDiscussion) {
      if (icpc < strategy) continue;
      tally.tryCount(c.childId, () => icpc <= calendar.addWorkingDays(strategy, 15));
    }
  }
  return tally.result(
    {
      id: 'icpcs-15wd',
      title: 'Initial child protection conferences within 15 working days',
      definition: 'ICPCs held in the period within 15 working days of the strategy discussion that started the section 47 enquiry, as a share of all ICPCs held in the period.',
      source: 'DfE, Children in need statistics: initial child protection conferences within 15 working days of the start of the section 47 enquiry',
    },
    period,
  );
}

export function cpPlansEndedLasting2Years(cases: CaseIndex, period: ReportingPeriod): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    for (const plan of c.cpPlans) {
      if (!within(plan.endDate, period)) continue;
      tally.count(c.childId, plan.endDate >= addYears(plan.startDate, 2));
    }
  }
  return tally.result(
    {
      id: 'cp-plans-ended-2-years',
      title: 'Child protection plans lasting 2 years or more (plans ended in the period)',
      definition: 'Child protection plans that ended in the period having lasted 2 years or more, as a share of all plans that ended in the period.',
      source: 'DfE, Children in need statistics: child protection plans ceasing during the year, by length of plan',
    },
    period,
  );
}

export function cpPlansOpen2YearsAtEnd(cases: CaseIndex, period: ReportingPeriod): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    for (const plan of c.cpPlans) {
      const open = plan.startDate <= period.end && (plan.endDate === undefined || plan.endDate > period.end);
      if (open) tally.count(c.childId, addYears(plan.startDate, 2) <= period.end);
    }
  }
  return tally.result(
    {
      id: 'cp-plans-open-2-years',
      title: 'Child protection plans open for 2 years or more (on the last day of the period)',
      definition: 'Children on a child protection plan on the last day of the period whose plan had lasted 2 years or more by then, as a share of all children on a plan that day.',
      source: 'DfE, Children in need statistics: children subject to a child protection plan at 31 March, by length of time on the plan',
    },
    period,
  );
}

export function cpPlansSecondOrSubsequent(cases: CaseIndex, period: ReportingPeriod): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    c.cpPlans.forEach((plan, i) => {
      if (!within(plan.startDate, period)) return;
      // Plans are sorted by start, so any plan before this one is an earlier plan; Annex A
      // states the number of previous plans, which may reach back beyond the extract.
      tally.count(c.childId, i > 0 || (plan.previousPlans ?? 0) > 0);
    });
  }
  return tally.result(
    {
      id: 'cp-plans-second-time',
      title: 'Child protection plans for a second or subsequent time',
      definition: 'Child protection plans starting in the period for a child who had been on a plan before (at any time), as a share of all plans starting in the period.',
      source: 'DfE, Children in need statistics: children who became the subject of a child protection plan for a second or subsequent time',
    },
    period,
  );
}

/** RNE codes for a new placement: all but L (a change of legal status only). */
const NEW_PLACEMENT = new Set(['S', 'P', 'B', 'T', 'U']);
/** T and U keep the same carers; into one of these placements that is adoption by the foster carers. */
const SAME_CARERS = new Set(['T', 'U']);
const PLACED_FOR_ADOPTION = /^A[3-6]$/;
/** Legal statuses of an agreed series of short breaks, which the DfE leaves out of these counts. */
const SHORT_BREAKS = new Set(['V3', 'V4']);

function placementsDuring(episodes: readonly EpisodeRecord[], period: ReportingPeriod): number {
  let placements = 0;
  for (const e of episodes) {
    if (e.startDate > period.end || (e.endDate !== undefined && e.endDate <= period.start)) continue;
    const isFirst = placements === 0;
    const rne = e.rne ?? 'S';
    const adoptedByCarers = SAME_CARERS.has(rne) && PLACED_FOR_ADOPTION.test(e.placement ?? '');
    if (isFirst || (NEW_PLACEMENT.has(rne) && !adoptedByCarers)) placements++;
  }
  return placements;
}

/**
 * SSDA903 episodes say best when a placement changed. Without their reason codes, use placements
 * recorded on their own (SSD), or else the number Annex A states for the last 12 months.
 */
function placementCount(c: ChildCase, period: ReportingPeriod): number {
  if (c.episodes.some((e) => e.rne !== undefined)) return placementsDuring(c.episodes, period);
  if (c.placements.length > 0) {
    return c.placements.filter((p) => p.startDate <= period.end && (p.endDate === undefined || p.endDate > period.start)).length;
  }
  const stated = c.placementCounts.filter((p) => within(p.asOf, period)).at(-1);
  return stated ? stated.placementsLast12Months : placementsDuring(c.episodes, period);
}

export function lookedAfterWith3OrMorePlacements(cases: CaseIndex, period: ReportingPeriod): IndicatorResult {
  const tally = new Tally();
  for (const c of cases.values()) {
    if (c.episodes.length === 0) continue;
    const current = periodOpenOn(periodsOfCare(c.episodes, period.end), period.end);
    const latest = current?.episodes.at(-1);
    if (!current || SHORT_BREAKS.has(latest?.legalStatus ?? '')) continue;
    tally.count(c.childId, placementCount(c, period) >= 3);
  }
  return tally.result(
    {
      id: 'cla-3-placements',
      title: 'Looked-after children with 3 or more placements in the year',
      definition:
        'Children looked after on the last day of the period (not on short breaks) who had 3 or more placements during the period, as a share of all those children. ' +
        'A new placement is an episode starting with reason S, P, B, T or U; a placement for adoption with the existing carers does not count.',
      source: 'DfE, Children looked after in England including adoption (SSDA903): children looked after at 31 March with three or more placements during the year',
    },
    period,
  );
}

export function computeIndicators(cases: CaseIndex, period: ReportingPeriod, calendar: WorkingDayCalendar): IndicatorResult[] {
  return [
    reReferralsWithin12Months(cases, period),
    assessmentsWithin45WorkingDays(cases, period, calendar),
    icpcsWithin15WorkingDays(cases, period, calendar),
    cpPlansEndedLasting2Years(cases, period),
    cpPlansOpen2YearsAtEnd(cases, period),
    cpPlansSecondOrSubsequent(cases, period),
    lookedAfterWith3OrMorePlacements(cases, period),
  ];
}
