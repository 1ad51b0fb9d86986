import { simulatePeriodOfCare, type CareRoute } from './care.ts';
import {
  ASSESSMENT_FACTORS,
  CP_CATEGORIES,
  DISABILITIES,
  EARLY_HELP_REASONS,
  ETHNICITIES,
  PRIMARY_NEEDS,
  SEXES,
  SOURCES,
  UASC_ETHNICITIES,
  WORKER_CHANGE_REASONS,
  weightsOf,
} from './codes.ts';
import type { ChildContext } from './context.ts';
import {
  addMonths,
  addWorkingDays,
  addYears,
  type DateText,
  dayFromIso,
  onOrAfterWeekday,
  onOrBeforeWeekday,
  wholeYears,
} from './dates.ts';
import { simulateCareLeaving } from './leaving-care.ts';
import type {
  Adopter,
  Allocation,
  ChildRecord,
  ContactOutcome,
  CpCategory,
  CpPlan,
  Icpc,
  Referral,
  S47Enquiry,
  Service,
  Team,
  Worker,
} from './model.ts';
import { BOYS_NAMES, CHILD_ID_PREFIX, GIRLS_NAMES, SURNAMES } from './names.ts';
import { Rng } from './rng.ts';
import type { Staffing } from './staffing.ts';
import { scheduleVisits, type VisitOptions } from './visits.ts';

/**
 * One child's path through children's services, as a state machine driven by a seeded random
 * stream: contact → referral → assessment → (strategy discussion / S47 → ICPC → CP plan) → CIN
 * plan, care or closure, and back to a new contact some months later for a share of children.
 * The probabilities are gathered in JOURNEY_RATES; README.md explains where they come from.
 */
export const JOURNEY_RATES = {
  /** Contact outcomes (for contacts about a child with no open case): about half become referrals. */
  contactToReferral: 0.6,
  contactToEarlyHelp: 0.12,
  contactToAdvice: 0.17,
  /** Referrals closed with no further action before any assessment. */
  referralNfa: 0.07,
  /** Referrals going straight to a strategy discussion (police referrals more often). */
  referralToStrategy: 0.12,
  referralToStrategyPolice: 0.2,
  /** Assessments authorised after 45 working days (scaled by the team's drift factor). */
  assessmentLate: 0.11,
  icpcLate: 0.14,
  icpcToPlan: 0.87,
  rcpcLate: 0.1,
} as const;

/**
 * Children differ: most referrals are about children whose needs are met by advice, early help or
 * a short CIN plan, while a minority return again and again and account for most protection and
 * care work. Each child carries one of three levels of concern that shapes every step.
 */
type Concern = 'low' | 'medium' | 'high';

const CONCERN = {
  low: {
    share: 0.72,
    strategy: 0.3,
    icpc: 0.28,
    recontact: 0.76,
    outcomes: { nfa: 0.55, 'early-help': 0.17, 'cin-plan': 0.255, strategy: 0.02, cla: 0.005 },
  },
  medium: {
    share: 0.21,
    strategy: 1.1,
    icpc: 0.4,
    recontact: 0.8,
    outcomes: { nfa: 0.3, 'early-help': 0.1, 'cin-plan': 0.5, strategy: 0.07, cla: 0.03 },
  },
  high: {
    share: 0.07,
    strategy: 3,
    icpc: 0.55,
    recontact: 0.85,
    outcomes: { nfa: 0.12, 'early-help': 0.05, 'cin-plan': 0.55, strategy: 0.16, cla: 0.12 },
  },
} as const;

export interface JourneySettings {
  asOf: number;
  windowStart: number;
  dates: DateText;
  staffing: Staffing;
}

export interface ChildResult {
  child: ChildRecord;
  adopters: Adopter[];
}

type ChildKind = 'ordinary' | 'pre-birth' | 'uasc' | 'long-stay';

/** Years before the window in which a journey may begin, so that cases open at its start exist. */
const PRE_ROLL_YEARS = 4;
const MAX_ATTEMPTS = 12;

/**
 * Generates child number `index` (0-based). Each child has its own random stream, so a child does
 * not depend on any other and a council can be generated child by child in constant memory.
 */
export function simulateChild(settings: JourneySettings, seed: number, index: number): ChildResult {
  const rng = new Rng(seed, index + 1);
  const windowStartIso = settings.dates.iso(settings.windowStart);
  for (let attempt = 1; ; attempt++) {
    const journey = new Journey(settings, rng, index, attempt === MAX_ATTEMPTS);
    journey.run();
    const result = journey.finish();
    // A journey wholly before the window is not part of this council's extract: draw again.
    if (attempt === MAX_ATTEMPTS || latestDate(result.child) >= windowStartIso) return result;
  }
}

interface OpenAllocation {
  team: Team;
  worker: Worker;
  start: number;
  end?: number;
  changeReason?: string;
  referralId?: string;
}

class Journey implements ChildContext {
  readonly rng: Rng;
  readonly asOf: number;
  readonly birth: number;
  readonly child: ChildRecord;
  readonly staffing: Staffing;
  private readonly settings: JourneySettings;
  private readonly kind: ChildKind;
  private readonly concern: Concern;
  private readonly firstDay: number;
  private readonly eighteenth: number;
  private readonly locality: number;
  private readonly counters = new Map<string, number>();
  private readonly allocationLog: OpenAllocation[] = [];
  private current: OpenAllocation | undefined;
  private cpPlansSoFar: number;
  private readonly adopters: Adopter[] = [];

  constructor(settings: JourneySettings, rng: Rng, index: number, forceWithinWindow: boolean) {
    this.settings = settings;
    this.rng = rng;
    this.asOf = settings.asOf;
    this.staffing = settings.staffing;
    this.kind = rng.weighted([
      ['ordinary', 0.958],
      ['pre-birth', 0.025],
      ['uasc', 0.005],
      ['long-stay', 0.012],
    ] as const);
    this.concern = rng.weighted([
      ['low', CONCERN.low.share],
      ['medium', CONCERN.medium.share],
      ['high', CONCERN.high.share],
    ] as const);
    const preRollStart = addYears(settings.windowStart, -PRE_ROLL_YEARS);
    const earliest = forceWithinWindow ? settings.windowStart : preRollStart;
    let first = rng.int(earliest, settings.asOf);
    let birth: number;
    switch (this.kind) {
      case 'pre-birth':
        birth = first + rng.int(60, 150);
        break;
      case 'uasc':
        birth = first - rng.int(15 * 365, 17 * 365 + 300);
        break;
      case 'long-stay': {
        // Came into care years before the window and is still looked after when it opens.
        first = settings.windowStart - rng.int(2 * 365, 10 * 365);
        const maxAgeDays = Math.max(0, 16 * 365 - (settings.windowStart - first));
        birth = first - rng.int(0, Math.min(maxAgeDays, 9 * 365));
        break;
      }
      default:
        birth = first - ageAtFirstContactDays(rng);
    }
    this.firstDay = first;
    this.birth = birth;
    this.eighteenth = addYears(birth, 18);
    this.locality = rng.int(1, settings.staffing.localities);
    this.cpPlansSoFar = this.concern !== 'low' && rng.chance(0.25) ? 1 : 0; // plans before the records we hold

    const id = `${CHILD_ID_PREFIX}${String(index + 1).padStart(6, '0')}`;
    const bornByAsOf = birth <= settings.asOf;
    const sexAtBirth = this.kind === 'uasc' ? (rng.chance(0.9) ? 'M' : 'F') : rng.weighted(weightsOf(SEXES));
    const sex = bornByAsOf ? (sexAtBirth as ChildRecord['sex']) : 'U';
    const disabled = this.kind !== 'uasc' && rng.chance(0.07);
    this.child = {
      id,
      forename: rng.pick(sex === 'F' ? GIRLS_NAMES : sex === 'M' ? BOYS_NAMES : [...GIRLS_NAMES, ...BOYS_NAMES]),
      surname: rng.pick(SURNAMES),
      sex,
      ethnicity: rng.weighted(weightsOf(this.kind === 'uasc' ? UASC_ETHNICITIES : ETHNICITIES)),
      disabilities: disabled ? pickDistinct(rng, DISABILITIES, rng.int(1, 2)) : [],
      familyId: `NBF${String(index + 1).padStart(6, '0')}`,
      uasc: this.kind === 'uasc',
      contacts: [],
      earlyHelp: [],
      referrals: [],
      periodsOfCare: [],
      missing: [],
      allocations: [],
    };
    if (bornByAsOf) this.child.dateOfBirth = this.iso(birth);
    if (this.kind === 'pre-birth') this.child.expectedDateOfBirth = this.iso(birth + rng.int(-10, 14));
    const ageAtAsOf = wholeYears(birth, settings.asOf);
    if (bornByAsOf && ageAtAsOf >= 5 && this.kind !== 'uasc') this.child.upn = makeUpn(rng);
    else this.child.upnUnknown = 'UN1';
  }

  // ----- ChildContext -----

  iso(day: number): string {
    return this.settings.dates.iso(day);
  }

  nextId(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${this.child.id}${kind}${n}`;
  }

  drift(): number {
    return this.current?.team.driftFactor ?? 1;
  }

  allocate(service: Service, day: number, referralId?: string): { team: Team; worker: Worker } {
    if (this.current && this.current.team.service === service) return this.current;
    if (this.current) {
      this.current.end = day;
      this.current.changeReason = 'TSPROC';
    }
    const team = this.staffing.teamFor(service, this.locality, this.rng);
    const worker = this.staffing.workerFor(team, this.rng);
    this.current = { team, worker, start: day, referralId };
    this.allocationLog.push(this.current);
    return this.current;
  }

  closeAllocation(day: number): void {
    if (this.current) this.current.end = day;
    this.current = undefined;
  }

  openCaseContacts(from: number, to: number, meanGapDays: number): void {
    const stop = Math.min(to, this.asOf);
    let day = from + Math.round(this.rng.exponential(meanGapDays));
    while (day <= stop) {
      this.child.contacts.push({
        id: this.nextId('C'),
        date: this.iso(day),
        source: this.rng.weighted(weightsOf(SOURCES)),
        outcome: 'open-case',
        teamId: this.current?.team.id ?? this.staffing.teamFor('front-door', 0, this.rng).id,
      });
      day += Math.max(1, Math.round(this.rng.exponential(meanGapDays)));
    }
  }

  missingEpisodes(from: number, to: number, ratePerYear: number): void {
    const stop = Math.min(to, this.asOf);
    let day = from + Math.round(this.rng.exponential(365 / ratePerYear));
    while (day <= stop) {
      const length = this.rng.weighted([
        [0, 0.45],
        [1, 0.3],
        [this.rng.int(2, 3), 0.15],
        [this.rng.int(4, 14), 0.1],
      ] as const);
      const end = day + length;
      const offered = this.rng.weighted([['Y', 0.85], ['N', 0.1], ['NA', 0.05]] as const);
      const accepted = offered === 'Y' ? (this.rng.chance(0.6) ? 'Y' : 'N') : 'NA';
      this.child.missing.push({
        startDate: this.iso(day),
        ...(end <= this.asOf ? { endDate: this.iso(end) } : {}),
        type: this.rng.chance(0.75) ? 'M' : 'A',
        rhiOffered: end <= this.asOf ? offered : 'NA',
        rhiAccepted: end <= this.asOf ? accepted : 'NA',
      });
      if (end > this.asOf) return;
      day = end + 1 + Math.round(this.rng.exponential(365 / ratePerYear));
    }
  }

  visitOptions(): VisitOptions {
    return {
      firstWithin: 5,
      isBorn: (day) => day >= this.birth,
      canBeSeenAlone: (day) => day >= this.birth && wholeYears(this.birth, day) >= 4,
    };
  }

  // ----- the journey -----

  run(): void {
    let day: number | undefined = this.firstDay;
    for (let guard = 0; guard < 40 && day !== undefined && day <= this.asOf; guard++) {
      if (day >= this.eighteenth) return;
      const closed: number | undefined = this.involvement(day, guard === 0 && this.kind !== 'ordinary');
      if (closed === undefined) return;
      day = this.nextContact(closed);
    }
  }

  finish(): ChildResult {
    this.child.contacts.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    this.child.missing.sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
    this.child.allocations = this.materialiseAllocations();
    return { child: this.child, adopters: this.adopters };
  }

  private nextContact(closed: number): number | undefined {
    if (!this.rng.chance(CONCERN[this.concern].recontact)) return undefined;
    // Two kinds of return: soon (the same worries resurface) or much later.
    const gap = this.rng.chance(0.42) ? 7 + this.rng.exponential(90) : 60 + this.rng.exponential(420);
    return closed + Math.round(gap);
  }

  /** A contact and all that follows; returns the day the case closed, or undefined while open. */
  private involvement(day: number, forceReferral: boolean): number | undefined {
    const source = this.kind === 'uasc' ? this.rng.pick(['5A', '6', '8']) : this.rng.weighted(weightsOf(SOURCES));
    const date = source === '6' ? day : onOrAfterWeekday(day);
    if (date > this.asOf) return undefined;
    const prebirth = date < this.birth;
    const outcome: ContactOutcome =
      forceReferral || prebirth
        ? 'referral'
        : this.rng.weighted([
            ['referral', JOURNEY_RATES.contactToReferral],
            ['early-help', JOURNEY_RATES.contactToEarlyHelp],
            ['advice', JOURNEY_RATES.contactToAdvice],
            ['nfa', 1 - JOURNEY_RATES.contactToReferral - JOURNEY_RATES.contactToEarlyHelp - JOURNEY_RATES.contactToAdvice],
          ] as const);
    const contactId = this.nextId('C');
    this.child.contacts.push({
      id: contactId,
      date: this.iso(date),
      source,
      outcome,
      teamId: this.staffing.teamFor('front-door', 0, this.rng).id,
    });
    if (outcome === 'referral') return this.referral(date, source, contactId);
    if (outcome === 'early-help') return this.earlyHelp(date + this.rng.int(1, 10));
    return date;
  }

  private earlyHelp(startDay: number): number | undefined {
    // Early help for an expected baby starts once the baby is born.
    const start = onOrAfterWeekday(Math.max(startDay, this.birth));
    if (start > this.asOf || start >= this.eighteenth) return undefined;
    const { team, worker } = this.allocate('early-help', start);
    const end = onOrAfterWeekday(start + Math.round(Math.max(30, this.rng.logNormal(150, 0.4))));
    const assessed = addWorkingDays(start, this.rng.int(5, 30));
    const endReason = this.rng.weighted([
      ['Outcomes met', 0.6],
      ['Disengaged', 0.15],
      ['Stepped up to social care', 0.15],
      ['Moved away', 0.1],
    ] as const);
    const open = end > this.asOf;
    this.child.earlyHelp.push({
      id: this.nextId('H'),
      startDate: this.iso(start),
      ...(open ? {} : { endDate: this.iso(end), endReason }),
      ...(assessed <= this.asOf ? { assessmentCompletedDate: this.iso(assessed) } : {}),
      reason: this.rng.pick(EARLY_HELP_REASONS),
      teamId: team.id,
      workerId: worker.id,
    });
    if (open) return undefined;
    this.closeAllocation(end);
    if (endReason === 'Stepped up to social care') return this.involvement(end + this.rng.int(0, 5), true);
    return end;
  }

  private referral(contactDay: number, source: string, contactId: string): number | undefined {
    const decided = addWorkingDays(contactDay, this.rng.weighted([[0, 0.55], [1, 0.3], [2, 0.1], [3, 0.05]] as const));
    const date = decided <= this.asOf ? decided : contactDay;
    const prebirth = date < this.birth;
    const need = this.primaryNeed(prebirth);
    const referralId = this.nextId('R');
    const { team, worker } = this.allocate(need === 'N2' ? 'disability' : 'assessment', date, referralId);
    const referral: Referral = {
      id: referralId,
      contactId,
      date: this.iso(date),
      source,
      primaryNeed: need,
      nfa: false,
      teamId: team.id,
      workerId: worker.id,
      assessments: [],
      s47s: [],
      cinPlans: [],
      cpPlans: [],
    };
    this.child.referrals.push(referral);

    if (this.kind === 'uasc' && this.child.periodsOfCare.length === 0) {
      this.assessment(referral, date);
      return this.care(referral, date + this.rng.int(0, 3), 'uasc');
    }
    if (this.kind === 'long-stay' && this.child.periodsOfCare.length === 0) {
      this.assessment(referral, addWorkingDays(date, 1));
      return this.care(referral, date + this.rng.int(5, 40), 'long-stay');
    }
    if (!prebirth && this.rng.chance(JOURNEY_RATES.referralNfa)) {
      referral.nfa = true;
      return this.closeReferral(referral, addWorkingDays(date, this.rng.int(0, 3)), 'RC7');
    }
    const toStrategy =
      (source === '6' ? JOURNEY_RATES.referralToStrategyPolice : JOURNEY_RATES.referralToStrategy) *
      CONCERN[this.concern].strategy *
      (prebirth ? 2 : 1);
    if (this.rng.chance(toStrategy)) return this.s47(referral, date, true);
    const start = addWorkingDays(date, this.rng.weighted([[0, 0.5], [1, 0.25], [2, 0.15], [3, 0.1]] as const));
    return this.assessmentRoute(referral, start);
  }

  private primaryNeed(prebirth: boolean): string {
    if (prebirth) return 'N1';
    if (this.kind === 'uasc') return 'N8';
    if (this.child.disabilities.length > 0 && this.rng.chance(0.6)) return 'N2';
    return this.rng.weighted(weightsOf(PRIMARY_NEEDS));
  }

  private closeReferral(referral: Referral, day: number, reason: string): number | undefined {
    if (day > this.asOf) return undefined;
    referral.closeDate = this.iso(day);
    referral.closeReason = reason;
    this.closeAllocation(day);
    return day;
  }

  /** Records an assessment starting on `startDay`; returns its authorisation day if made by as-of. */
  private assessment(referral: Referral, startDay: number): number | undefined {
    const start = Math.min(startDay, this.asOf);
    const late = this.rng.chance(JOURNEY_RATES.assessmentLate * this.drift());
    const length = late
      ? 46 + Math.round(this.rng.exponential(16))
      : this.rng.weighted([
          [this.rng.int(5, 15), 0.2],
          [this.rng.int(16, 30), 0.35],
          [this.rng.int(31, 45), 0.45],
        ] as const);
    const auth = addWorkingDays(start, length);
    const holder = this.current;
    referral.assessments.push({
      id: this.nextId('A'),
      startDate: this.iso(start),
      ...(auth <= this.asOf ? { authorisedDate: this.iso(auth) } : {}),
      childSeen: start >= this.birth ? this.rng.chance(0.96) : false,
      factors: pickFactors(this.rng),
      teamId: holder?.team.id ?? referral.teamId,
      workerId: holder?.worker.id ?? referral.workerId,
    });
    return auth <= this.asOf ? auth : undefined;
  }

  private assessmentRoute(referral: Referral, start: number): number | undefined {
    if (start > this.asOf) return undefined;
    const auth = this.assessment(referral, start);
    const assessment = referral.assessments[referral.assessments.length - 1];
    if (auth === undefined || !assessment) return undefined;
    const weights = CONCERN[this.concern].outcomes;
    const outcome = this.rng.weighted([
      ['nfa', weights.nfa],
      ['early-help', weights['early-help']],
      ['cin-plan', weights['cin-plan']],
      ['strategy', weights.strategy],
      ['cla', weights.cla],
      ['services', 0.015],
    ] as const);
    assessment.outcome = outcome;
    if (outcome === 'nfa' && this.rng.chance(0.5)) assessment.factors = ['21'];
    switch (outcome) {
      case 'nfa':
        return this.closeReferral(referral, onOrAfterWeekday(auth + this.rng.int(0, 5)), 'RC8');
      case 'early-help': {
        const closed = this.closeReferral(referral, onOrAfterWeekday(auth + this.rng.int(0, 5)), 'RC9');
        return closed === undefined ? undefined : this.earlyHelp(closed + this.rng.int(1, 10));
      }
      case 'cin-plan':
        return this.cinPlan(referral, addWorkingDays(auth, this.rng.int(0, 10)), false);
      case 'strategy':
        return this.s47(referral, addWorkingDays(auth, this.rng.int(0, 2)), false);
      case 'cla':
        return this.care(referral, auth + this.rng.int(0, 10), 'assessment');
      case 'services':
        return this.closeReferral(referral, onOrAfterWeekday(auth + this.rng.int(20, 120)), 'RC7');
    }
  }

  private s47(referral: Referral, fromDay: number, withAssessment: boolean): number | undefined {
    const strategy = addWorkingDays(fromDay, this.rng.weighted([[0, 0.45], [1, 0.3], [2, 0.12], [3, 0.08], [5, 0.05]] as const));
    if (strategy > this.asOf || strategy >= this.eighteenth) return undefined;
    const holder = this.current ?? this.allocate('assessment', strategy, referral.id);
    const auth = withAssessment ? this.assessment(referral, strategy) : strategy;
    if (withAssessment) {
      const assessment = referral.assessments[referral.assessments.length - 1];
      if (assessment) assessment.outcome = 'strategy';
    }
    const end = addWorkingDays(strategy, this.rng.int(3, 15));
    const enquiry: S47Enquiry = {
      id: this.nextId('S'),
      strategyDate: this.iso(strategy),
      ...(end <= this.asOf ? { endDate: this.iso(end) } : {}),
      icpcNotRequired: false,
      teamId: holder.team.id,
      workerId: holder.worker.id,
    };
    referral.s47s.push(enquiry);
    const prebirth = strategy < this.birth;

    if (!prebirth && this.rng.chance(0.04)) {
      // Police protection or an emergency protection order: the child is removed the same day.
      enquiry.icpcNotRequired = true;
      return this.care(referral, strategy, 'emergency');
    }
    if (!this.rng.chance(prebirth ? 0.6 : CONCERN[this.concern].icpc)) {
      if (end > this.asOf) return undefined;
      enquiry.icpcNotRequired = true;
      if (auth === undefined) return undefined;
      const settled = Math.max(end, auth);
      const next = this.rng.weighted([['cin', 0.45], ['nfa', 0.4], ['eh', 0.15]] as const);
      if (next === 'cin') return this.cinPlan(referral, addWorkingDays(settled, this.rng.int(0, 10)), false);
      const closed = this.closeReferral(referral, onOrAfterWeekday(settled + this.rng.int(0, 5)), next === 'nfa' ? 'RC8' : 'RC9');
      return next === 'eh' && closed !== undefined ? this.earlyHelp(closed + this.rng.int(1, 10)) : closed;
    }

    const target = addWorkingDays(strategy, 15);
    const late = this.rng.chance(JOURNEY_RATES.icpcLate * this.drift());
    const held = late
      ? addWorkingDays(target, 1 + Math.round(this.rng.exponential(5)))
      : addWorkingDays(strategy, this.rng.weighted([[this.rng.int(6, 11), 0.35], [this.rng.int(12, 15), 0.65]] as const));
    const icpc: Icpc = { id: this.nextId('I'), targetDate: this.iso(target), planResulted: false };
    enquiry.icpc = icpc;
    if (held > this.asOf) return undefined;
    icpc.date = this.iso(held);
    if (this.rng.chance(JOURNEY_RATES.icpcToPlan)) {
      icpc.planResulted = true;
      return this.cpPlan(referral, held, icpc);
    }
    if (this.rng.chance(0.65)) return this.cinPlan(referral, addWorkingDays(held, this.rng.int(0, 10)), false);
    return this.closeReferral(referral, onOrAfterWeekday(held + this.rng.int(0, 10)), 'RC7');
  }

  private cpPlan(referral: Referral, start: number, icpc: Icpc): number | undefined {
    const { team, worker } = this.allocate('locality', start, referral.id);
    const category = this.rng.weighted(weightsOf(CP_CATEGORIES)) as CpCategory;
    const plan: CpPlan = {
      id: this.nextId('P'),
      icpcId: icpc.id,
      startDate: this.iso(start),
      initialCategory: category,
      latestCategory: this.rng.chance(0.9) ? category : (this.rng.weighted(weightsOf(CP_CATEGORIES)) as CpCategory),
      previousPlans: this.cpPlansSoFar,
      emergencyProtection: this.rng.chance(0.03),
      teamId: team.id,
      workerId: worker.id,
      visits: [],
      reviews: [],
    };
    this.cpPlansSoFar += 1;
    icpc.cpPlanId = plan.id;
    referral.cpPlans.push(plan);

    // Reviews: the first within three months of the ICPC, then six-monthly; each may end the plan.
    const endChance = [0.3, 0.5, 0.55, 0.45, 0.7, 0.85];
    let last = start;
    let end: number | undefined;
    let endedEarly = false;
    for (let n = 0; ; n++) {
      const due = n === 0 ? addMonths(start, 3) : addMonths(last, 6);
      if (this.rng.chance(0.06)) {
        end = onOrAfterWeekday(last + this.rng.int(10, Math.max(11, due - last - 1)));
        endedEarly = true;
        break;
      }
      const late = this.rng.chance(JOURNEY_RATES.rcpcLate * this.drift());
      const held = late
        ? addWorkingDays(due, 1 + Math.round(this.rng.exponential(6)))
        : Math.max(last + 1, onOrBeforeWeekday(due - this.rng.int(0, 10)));
      if (held > this.asOf) break;
      const ends = this.rng.chance(endChance[Math.min(n, endChance.length - 1)] ?? 1) || held >= this.eighteenth;
      plan.reviews.push({ dueDate: this.iso(due), date: this.iso(held), continuePlan: !ends, quorate: this.rng.chance(0.95) });
      last = held;
      if (ends) {
        end = held;
        break;
      }
    }
    const visitUntil = Math.min(end ?? this.asOf, this.asOf);
    plan.visits = scheduleVisits(this.rng, 'cp', this.drift(), start, visitUntil, this.visitOptions(), (d) => this.iso(d));
    this.openCaseContacts(start, visitUntil, 150);
    if (wholeYears(this.birth, start) >= 12 && this.rng.chance(0.08)) this.missingEpisodes(start, visitUntil, 2);
    if (end === undefined || end > this.asOf) return undefined;
    plan.endDate = this.iso(end);

    const next = endedEarly
      ? this.rng.weighted([['cla', 0.5], ['close', 0.2], ['transfer', 0.2], ['cin', 0.1]] as const)
      : this.rng.weighted([['cin', 0.55], ['close', 0.25], ['cla', 0.14], ['transfer', 0.03], ['eh', 0.03]] as const);
    switch (next) {
      case 'cin':
        return this.cinPlan(referral, end, true);
      case 'cla':
        return this.care(referral, end, 'cp');
      case 'transfer':
        return this.closeReferral(referral, end, 'RC5');
      case 'eh': {
        const closed = this.closeReferral(referral, end, 'RC7');
        return closed === undefined ? undefined : this.earlyHelp(closed + this.rng.int(1, 10));
      }
      case 'close':
        return this.closeReferral(referral, end, 'RC7');
    }
  }

  private cinPlan(referral: Referral, startDay: number, stepDown: boolean): number | undefined {
    const start = stepDown ? startDay : onOrAfterWeekday(startDay);
    if (start > this.asOf || start >= this.eighteenth) return undefined;
    const { team, worker } = this.allocate(referral.primaryNeed === 'N2' ? 'disability' : 'locality', start, referral.id);
    const length = Math.round(Math.min(900, Math.max(40, this.rng.logNormal(200, 0.55))));
    const end = Math.min(onOrAfterWeekday(start + length), this.eighteenth - 1);
    const until = Math.min(end, this.asOf);
    const plan = {
      id: this.nextId('N'),
      startDate: this.iso(start),
      ...(end <= this.asOf ? { endDate: this.iso(end) } : {}),
      teamId: team.id,
      workerId: worker.id,
      visits: scheduleVisits(this.rng, 'cin', this.drift(), start, until, { ...this.visitOptions(), firstWithin: 10 }, (d) =>
        this.iso(d),
      ),
    };
    referral.cinPlans.push(plan);
    this.openCaseContacts(start, until, 200);
    if (wholeYears(this.birth, start) >= 12 && this.rng.chance(0.05)) this.missingEpisodes(start, until, 2);
    if (end > this.asOf) return undefined;
    if (end >= this.eighteenth - 1) return this.closeReferral(referral, end, 'RC7');
    const next = this.rng.weighted([['close', 0.66], ['eh', 0.18], ['s47', 0.09], ['cla', 0.04], ['transfer', 0.03]] as const);
    switch (next) {
      case 's47':
        return this.s47(referral, end, false);
      case 'cla':
        return this.care(referral, end, 'assessment');
      case 'transfer':
        return this.closeReferral(referral, end, 'RC5');
      case 'eh': {
        const closed = this.closeReferral(referral, end, 'RC7');
        return closed === undefined ? undefined : this.earlyHelp(closed + this.rng.int(1, 10));
      }
      case 'close':
        return this.closeReferral(referral, end, 'RC7');
    }
  }

  private care(referral: Referral, entryDay: number, route: CareRoute): number | undefined {
    const entry = Math.max(entryDay, this.birth);
    if (entry > this.asOf) return undefined;
    if (entry >= this.eighteenth) return this.closeReferral(referral, entry, 'RC7');
    const outcome = simulatePeriodOfCare(this, { entry, route, referralId: referral.id, need: referral.primaryNeed });
    if (outcome.adopter) this.adopters.push(outcome.adopter);
    if (outcome.proceedingsIssued !== undefined && route !== 'emergency') this.preProceedings(referral, outcome.proceedingsIssued);
    if (outcome.end === undefined) return undefined;
    const end = outcome.end;
    switch (outcome.exit) {
      case 'adoption':
        this.closeReferral(referral, end, 'RC1');
        return undefined; // an adopted child's record continues under a new identity
      case 'sgo':
        return this.closeReferral(referral, end, 'RC4');
      case 'cao':
        return this.closeReferral(referral, end, 'RC3');
      case 'other-la':
        return this.closeReferral(referral, end, 'RC5');
      case 'home':
        if (wholeYears(this.birth, end) < 16 && this.rng.chance(0.35)) return this.cinPlan(referral, end, true);
        return this.closeReferral(referral, end, 'RC7');
      default: {
        const closed = this.closeReferral(referral, end, outcome.reason === 'E7' ? 'RC6' : 'RC7');
        const leaver = simulateCareLeaving(this, outcome.period, end);
        if (leaver) {
          this.child.careLeaver = leaver;
          return undefined; // from here the young person is supported as a care leaver
        }
        return closed;
      }
    }
  }

  /**
   * The pre-proceedings (PLO) work before care proceedings were issued: letter before proceedings,
   * a first meeting, some reviews and the decision to go to court. Recorded only when it began
   * after the referral.
   */
  private preProceedings(referral: Referral, issued: number): void {
    const referred = dayFromIso(referral.date);
    const start = onOrAfterWeekday(Math.max(referred + 1, issued - this.rng.int(60, 160)));
    const letter = addWorkingDays(start, this.rng.int(1, 8));
    const meeting = addWorkingDays(letter, this.rng.int(5, 12));
    const decision = Math.max(meeting + 1, onOrBeforeWeekday(issued - this.rng.int(0, 15)));
    if (decision > issued) return;
    const offered = this.rng.chance(0.8);
    referral.preProceedings = {
      startDate: this.iso(start),
      letterSentDate: this.iso(letter),
      familyGroupOffered: offered,
      familyGroupHeld: offered && this.rng.chance(0.6),
      initialMeetingDate: this.iso(meeting),
      reviewMeetings: this.rng.int(0, 3),
      decisionDate: this.iso(decision),
      outcome: 'A',
      courtApplicationDate: this.iso(issued),
    };
  }

  private materialiseAllocations(): Allocation[] {
    const result: Allocation[] = [];
    for (const a of this.allocationLog) {
      // Long allocations see worker turnover: split them about yearly with a reason for the change.
      let start = a.start;
      let worker = a.worker;
      const stop = Math.min(a.end ?? this.asOf, this.asOf);
      for (;;) {
        const span = Math.round(this.rng.logNormal(330, 0.4));
        if (start + span >= stop) break;
        const change = start + span;
        result.push({
          teamId: a.team.id,
          workerId: worker.id,
          startDate: this.iso(start),
          endDate: this.iso(change),
          changeReason: this.rng.weighted(weightsOf(WORKER_CHANGE_REASONS)),
          ...(a.referralId ? { referralId: a.referralId } : {}),
        });
        worker = this.staffing.workerFor(a.team, this.rng);
        start = change;
      }
      result.push({
        teamId: a.team.id,
        workerId: worker.id,
        startDate: this.iso(start),
        ...(a.end !== undefined && a.end <= this.asOf ? { endDate: this.iso(a.end) } : {}),
        ...(a.changeReason && a.end !== undefined && a.end <= this.asOf ? { changeReason: a.changeReason } : {}),
        ...(a.referralId ? { referralId: a.referralId } : {}),
      });
    }
    return result;
  }
}

/** Age at first contact: a caseload is mostly school-age, with many babies and few 17-year-olds. */
function ageAtFirstContactDays(rng: Rng): number {
  const [min, max] = rng.weighted([
    [[0, 364], 0.09],
    [[365, 5 * 365 - 1], 0.19],
    [[5 * 365, 10 * 365 - 1], 0.25],
    [[10 * 365, 16 * 365 - 1], 0.36],
    [[16 * 365, 18 * 365 - 30], 0.11],
  ] as const);
  return rng.int(min, max);
}

function pickFactors(rng: Rng): string[] {
  const count = rng.weighted([[1, 0.3], [2, 0.35], [3, 0.22], [4, 0.13]] as const);
  const picked = new Set<string>();
  while (picked.size < count) picked.add(rng.weighted(weightsOf(ASSESSMENT_FACTORS)));
  return [...picked];
}

function pickDistinct(rng: Rng, items: readonly string[], count: number): string[] {
  const picked = new Set<string>();
  while (picked.size < count) picked.add(rng.pick(items));
  return [...picked];
}

/**
 * A UPN in the DfE shape: check letter, then 12 digits. The check letter follows the published
 * rule (weighted digit sum modulo 23, letters I, O and S unused); the digits are random, and the
 * LA part is 999, which no council uses.
 */
export function makeUpn(rng: Rng): string {
  let digits = '999';
  while (digits.length < 12) digits += String(rng.int(0, 9));
  return upnCheckLetter(digits) + digits;
}

export function upnCheckLetter(twelveDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelveDigits[i]) * (i + 2);
  return 'ABCDEFGHJKLMNPQRTUVWXYZ'.charAt(sum % 23);
}

/** The latest date anywhere in a child's record (ISO strings order like dates). */
export function latestDate(child: ChildRecord): string {
  let latest = '';
  const see = (d: string | undefined) => {
    if (d !== undefined && d > latest) latest = d;
  };
  for (const c of child.contacts) see(c.date);
  for (const e of child.earlyHelp) {
    see(e.startDate);
    see(e.endDate);
  }
  for (const r of child.referrals) {
    see(r.date);
    see(r.closeDate);
    for (const a of r.assessments) see(a.authorisedDate ?? a.startDate);
    for (const s of r.s47s) see(s.icpc?.date ?? s.strategyDate);
    for (const p of r.cinPlans) see(p.visits[p.visits.length - 1]?.date ?? p.startDate);
    for (const p of r.cpPlans) see(p.visits[p.visits.length - 1]?.date ?? p.startDate);
  }
  for (const p of child.periodsOfCare) {
    see(p.endDate ?? p.visits[p.visits.length - 1]?.date ?? p.startDate);
    see(p.reviews[p.reviews.length - 1]?.date);
  }
  if (child.careLeaver) see(child.careLeaver.contacts[child.careLeaver.contacts.length - 1]?.date);
  return latest;
}
