import { ETHNICITIES, PLACEMENT_CHANGE_REASONS, REVIEW_PARTICIPATION, weightsOf } from './codes.ts';
import type { ChildContext } from './context.ts';
import { addMonths, addWorkingDays, addYears, onOrAfterWeekday, onOrBeforeWeekday, wholeYears } from './dates.ts';
import type { Adopter, Episode, PeriodOfCare, Placement } from './model.ts';
import type { Rng } from './rng.ts';
import { makeVisit, visitGap } from './visits.ts';

/**
 * A period of care in the SSDA903 sense: it starts with an episode whose RNE is S and runs until an
 * episode ends with a reason other than X1. Inside it, legal-status changes and placement moves
 * each close one episode (X1) and open the next (L, P, T, B or U), so a child's row history looks
 * like a real 903 return. Reviews, visits, health checks and missing episodes hang off the period.
 */

export type CareRoute = 'cp' | 'assessment' | 'emergency' | 'uasc' | 'long-stay';
export type CareExit =
  | 'home'
  | 'sgo'
  | 'cao'
  | 'adoption'
  | 'eighteen'
  | 'other-la'
  | 'custody'
  | 'remand-end'
  | 'age-assessed';

export interface CareInput {
  entry: number;
  route: CareRoute;
  referralId: string;
  need: string;
}

export interface CareOutcome {
  period: PeriodOfCare;
  /** The day care ended, if by the as-of date. */
  end?: number;
  exit: CareExit;
  reason?: string;
  adopter?: Adopter;
  /** The day care proceedings were issued, when they were. */
  proceedingsIssued?: number;
}

interface Move {
  day: number;
  type: string;
  sameCarer: boolean;
  /** Why the previous placement ended. */
  reason: string;
}

const LONG_TERM_TYPES: ReadonlySet<string> = new Set(['U1', 'U4', 'A3', 'A4', 'A5', 'A6']);

export function simulatePeriodOfCare(ctx: ChildContext, input: CareInput): CareOutcome {
  const { rng, asOf, birth } = ctx;
  const { entry, route } = input;
  const age = Math.max(0, wholeYears(birth, entry));
  const eighteenth = addYears(birth, 18);
  const { team } = ctx.allocate('children-in-care', entry, input.referralId);
  // Sex is always recorded by the time a child is looked after (SSDA903 allows only 1 or 2).
  if (ctx.child.sex === 'U') ctx.child.sex = rng.chance(0.5) ? 'M' : 'F';

  const remand = route === 'assessment' && age >= 12 && rng.chance(0.06);
  let exit: CareExit = remand ? 'remand-end' : chooseExit(rng, route, age);
  const legal: { day: number; ls: string }[] = [];
  let ls: string;
  let proceedings: number | undefined;
  if (remand) ls = 'J1';
  else if (route === 'emergency') {
    ls = rng.chance(0.5) ? 'L1' : 'L2';
    const next = exit === 'home' && rng.chance(0.5) ? 'V2' : 'C1';
    const day = entry + rng.int(1, 8);
    legal.push({ day, ls: next });
    if (next === 'C1') proceedings = day;
  } else if (route === 'uasc') ls = 'V2';
  else {
    const orderShare = route === 'cp' ? 0.55 : route === 'long-stay' ? 0.7 : 0.35;
    ls = rng.chance(age >= 16 ? 0.15 : orderShare) ? 'C1' : 'V2';
    if (ls === 'C1') proceedings = entry;
  }
  if (ls === 'V2' && (exit === 'sgo' || exit === 'cao' || exit === 'adoption')) {
    proceedings = entry + rng.int(20, 120);
    legal.push({ day: proceedings, ls: 'C1' });
  }
  // Care proceedings aim at 26 weeks; many run longer.
  const hearing = proceedings === undefined ? undefined : proceedings + Math.round(rng.logNormal(210, 0.3));

  let end: number;
  const forced: Move[] = [];
  let adoption: { decision: number; po: number; matched: number; placed: number; order: number; reversed?: number } | undefined;
  switch (exit) {
    case 'home':
      if (hearing !== undefined && rng.chance(0.4)) {
        // Care order made, child placed at home, order discharged later.
        legal.push({ day: hearing, ls: 'C2' });
        forced.push({ day: hearing, type: 'P1', sameCarer: false, reason: 'CARPL' });
        end = hearing + rng.int(90, 365);
      } else end = hearing ?? entry + Math.round(Math.max(3, rng.logNormal(240, 0.8)));
      break;
    case 'sgo':
    case 'cao':
      end = hearing ?? entry + Math.round(rng.logNormal(320, 0.3));
      break;
    case 'adoption': {
      const po = hearing ?? entry + 250;
      legal.push({ day: po, ls: 'E1' });
      const decision = Math.min(po - 14, (proceedings ?? entry) + Math.round(rng.logNormal(150, 0.3)));
      const matched = po + Math.round(rng.logNormal(110, 0.4));
      const placed = onOrAfterWeekday(matched + rng.int(10, 40));
      const order = onOrAfterWeekday(placed + Math.round(rng.logNormal(180, 0.3)));
      adoption = { decision: Math.max(entry + 7, decision), po, matched, placed, order };
      if (rng.chance(0.08)) {
        // The plan changes before a match: the child stays in long-term foster care.
        adoption.reversed = po + rng.int(150, 400);
        exit = 'eighteen';
        end = eighteenth;
        forced.push({ day: adoption.reversed, type: 'U4', sameCarer: true, reason: 'CARPL' });
      } else {
        end = order;
        forced.push({ day: placed, type: rng.chance(0.15) ? 'A5' : 'A6', sameCarer: false, reason: 'CARPL' });
      }
      break;
    }
    case 'eighteen':
      if (hearing !== undefined) legal.push({ day: hearing, ls: 'C2' });
      end = eighteenth;
      break;
    case 'other-la':
      if (hearing !== undefined) legal.push({ day: hearing, ls: 'C2' });
      end = entry + Math.round(rng.logNormal(200, 0.7));
      break;
    case 'custody':
      if (hearing !== undefined) legal.push({ day: hearing, ls: 'C2' });
      end = entry + Math.round(rng.logNormal(300, 0.6));
      break;
    case 'remand-end':
      end = entry + Math.max(2, Math.round(rng.logNormal(45, 0.6)));
      break;
    case 'age-assessed':
      end = entry + Math.max(7, Math.round(rng.logNormal(60, 0.5)));
      break;
  }
  end = Math.max(end, entry + 1);
  if (end >= eighteenth) {
    end = eighteenth;
    if (exit !== 'eighteen') exit = 'eighteen';
  }
  if (age < 16 && exit !== 'adoption' && rng.chance(0.4)) {
    const sixteenth = addYears(birth, 16);
    if (sixteenth < end) forced.push({ day: sixteenth, type: 'H5', sameCarer: false, reason: 'CARPL' });
  }
  forced.sort((a, b) => a.day - b.day);
  const reason = reasonFor(rng, exit);

  // Placement moves: ordinary moves at age-dependent intervals, plus the forced ones above.
  const moves: Move[] = [{ day: entry, type: firstPlacement(rng, age, route, ls), sameCarer: false, reason: '' }];
  let day = entry;
  let type = moves[0]?.type ?? 'U6';
  let settled = false;
  for (let guard = 0; guard < 60; guard++) {
    const stay = Math.max(1, Math.round(rng.logNormal(medianStay(wholeYears(birth, day)), 0.9)));
    const candidate = day + stay;
    const nextForced = forced.find((f) => f.day > day);
    if (nextForced && nextForced.day < end && (settled || nextForced.day <= candidate)) {
      moves.push(nextForced);
      day = nextForced.day;
      type = nextForced.type;
      settled = type === 'P1' || type.startsWith('A');
      continue;
    }
    if (settled || candidate >= end) break;
    const sameCarer = type === 'U6' && rng.chance(0.15);
    type = sameCarer ? 'U4' : nextPlacement(rng, wholeYears(birth, candidate), type);
    moves.push({
      day: candidate,
      type,
      sameCarer,
      reason: sameCarer ? 'CARPL' : rng.weighted(weightsOf(PLACEMENT_CHANGE_REASONS)),
    });
    day = candidate;
  }

  const period: PeriodOfCare = {
    id: ctx.nextId('L'),
    referralId: input.referralId,
    startDate: ctx.iso(entry),
    permanencePlan: permanencePlan(exit, age),
    episodes: [],
    placements: [],
    reviews: [],
    visits: [],
    healthChecks: [],
    teamId: team.id,
  };
  if (end <= asOf) {
    period.endDate = ctx.iso(end);
    period.reasonEnded = reason;
  }
  ctx.child.periodsOfCare.push(period);
  buildEpisodes(ctx, period, input, entry, end, ls, legal, moves);

  const stop = Math.min(end, asOf);
  period.reviews = reviews(ctx, entry, end);
  period.visits = claVisits(ctx, moves, entry, stop);
  period.healthChecks = healthChecks(ctx, entry, stop);
  if (age >= 11 && rng.chance(age >= 14 ? 0.3 : 0.15)) ctx.missingEpisodes(entry, stop, Math.max(0.5, rng.logNormal(4, 0.7)));
  ctx.openCaseContacts(entry, stop, 240);
  const fifteenth = addYears(birth, 15);
  if (ctx.child.sex === 'F' && stop > fifteenth && !ctx.child.childOfMotherDob && rng.chance(0.04)) {
    // A looked-after young woman who has a baby of her own (903 MOTHER and MC_DOB).
    ctx.child.childOfMotherDob = ctx.iso(rng.int(Math.max(entry, fifteenth), stop));
  }

  const outcome: CareOutcome = { period, exit, reason };
  if (end <= asOf) outcome.end = end;
  if (proceedings !== undefined && proceedings <= asOf) outcome.proceedingsIssued = proceedings;
  if (adoption) {
    const record = adoptionRecord(ctx, period.id, adoption);
    if (record.adopter) outcome.adopter = record.adopter;
  }
  return outcome;
}

function chooseExit(rng: Rng, route: CareRoute, age: number): CareExit {
  if (route === 'uasc') return rng.weighted([['eighteen', 0.9], ['age-assessed', 0.04], ['other-la', 0.06]] as const);
  if (route === 'long-stay') return age < 3 && rng.chance(0.4) ? 'adoption' : 'eighteen';
  if (age < 5)
    return rng.weighted([['adoption', 0.3], ['home', 0.35], ['sgo', 0.2], ['cao', 0.03], ['eighteen', 0.1], ['other-la', 0.02]] as const);
  if (age < 11)
    return rng.weighted([['home', 0.4], ['sgo', 0.15], ['cao', 0.04], ['eighteen', 0.37], ['other-la', 0.04]] as const);
  if (age < 16)
    return rng.weighted([['home', 0.45], ['sgo', 0.05], ['cao', 0.02], ['eighteen', 0.43], ['other-la', 0.03], ['custody', 0.02]] as const);
  return rng.weighted([['home', 0.25], ['eighteen', 0.71], ['other-la', 0.02], ['custody', 0.02]] as const);
}

function reasonFor(rng: Rng, exit: CareExit): string {
  switch (exit) {
    case 'home':
      return rng.weighted([['E4A', 0.82], ['E4B', 0.1], ['E13', 0.08]] as const);
    case 'sgo':
      return rng.weighted([['E45', 0.2], ['E46', 0.05], ['E47', 0.6], ['E48', 0.15]] as const);
    case 'cao':
      return 'E41';
    case 'adoption':
      return rng.chance(0.45) ? 'E11' : 'E12';
    case 'eighteen':
      return rng.weighted([['E17', 0.22], ['E5', 0.4], ['E6', 0.05], ['E8', 0.18], ['E13', 0.08], ['E7', 0.07]] as const);
    case 'other-la':
      return 'E3';
    case 'custody':
      return 'E9';
    case 'remand-end':
      return 'E14';
    case 'age-assessed':
      return 'E15';
  }
}

/** Median days in one placement: teenagers move far more often than young children. */
function medianStay(age: number): number {
  if (age < 11) return 420;
  if (age < 16) return 240;
  return 180;
}

function firstPlacement(rng: Rng, age: number, route: CareRoute, ls: string): string {
  if (route === 'uasc')
    return age >= 16
      ? rng.weighted([['H5', 0.55], ['U6', 0.3], ['K2', 0.1], ['U4', 0.05]] as const)
      : rng.weighted([['U6', 0.75], ['K2', 0.2], ['U4', 0.05]] as const);
  if (ls === 'J1') return rng.weighted([['K2', 0.5], ['U6', 0.3], ['R5', 0.2]] as const);
  if (ls === 'L1' || ls === 'L2')
    return age >= 12 ? rng.weighted([['U6', 0.6], ['K2', 0.3], ['U3', 0.1]] as const) : rng.weighted([['U6', 0.8], ['U3', 0.2]] as const);
  return nextPlacement(rng, age, '');
}

function nextPlacement(rng: Rng, age: number, previous: string): string {
  if (age >= 16) return rng.weighted([['H5', 0.35], ['U6', 0.3], ['U4', 0.1], ['K2', 0.15], ['P2', 0.05], ['U3', 0.05]] as const);
  if (age >= 11)
    return rng.weighted([
      ['U6', 0.35],
      ['U4', 0.15],
      ['U3', 0.08],
      ['U1', 0.04],
      ['K2', previous === 'K2' ? 0.4 : 0.28],
      ['R1', 0.02],
      ['Z1', 0.01],
    ] as const);
  if (age >= 5) return rng.weighted([['U6', 0.45], ['U4', 0.25], ['U3', 0.1], ['U1', 0.08], ['K2', 0.07], ['P1', 0.05]] as const);
  return rng.weighted([['U6', 0.55], ['U3', 0.15], ['U5', 0.05], ['U1', 0.05], ['U4', 0.1], ['P1', 0.1]] as const);
}

function providerFor(rng: Rng, type: string): string {
  if (type === 'P1' || type === 'P2') return 'PR0';
  if (type === 'U1' || type === 'U2' || type === 'U3') return 'PR1';
  if (type.startsWith('U')) return rng.weighted([['PR1', 0.6], ['PR4', 0.35], ['PR5', 0.05]] as const);
  if (type === 'K2' || type === 'H5' || type === 'R1' || type === 'Z1') return rng.weighted([['PR4', 0.72], ['PR1', 0.2], ['PR5', 0.08]] as const);
  if (type.startsWith('A')) return rng.weighted([['PR1', 0.7], ['PR2', 0.1], ['PR5', 0.2]] as const);
  return 'PR3';
}

/**
 * Invented postcodes: well formed, but starting Q, V or X, letters no real UK postcode area
 * begins with, so none can point at a real address.
 */
export function inventedPostcode(rng: Rng): string {
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  return `${rng.pick(['Q', 'V', 'X'])}${letters.charAt(rng.int(0, letters.length - 1))}${rng.int(1, 29)} ${rng.int(1, 9)}${letters.charAt(
    rng.int(0, letters.length - 1),
  )}${letters.charAt(rng.int(0, letters.length - 1))}`;
}

function buildEpisodes(
  ctx: ChildContext,
  period: PeriodOfCare,
  input: CareInput,
  entry: number,
  end: number,
  firstLegalStatus: string,
  legal: { day: number; ls: string }[],
  moves: Move[],
): void {
  const { rng, asOf } = ctx;
  const need = input.need === 'N9' ? 'N5' : input.need;
  const home = inventedPostcode(rng);
  const changes = new Map<number, { ls?: string; move?: Move }>();
  for (const l of legal) if (l.day > entry && l.day < end) changes.set(l.day, { ...changes.get(l.day), ls: l.ls });
  for (const m of moves.slice(1)) if (m.day > entry && m.day < end) changes.set(m.day, { ...changes.get(m.day), move: m });

  const first = moves[0];
  let placement = newPlacement(ctx, first?.type ?? 'U6', entry, undefined);
  period.placements.push(placement);
  let episode: Episode = {
    id: ctx.nextId('E'),
    startDate: ctx.iso(entry),
    rne: 'S',
    legalStatus: firstLegalStatus,
    need,
    placementId: placement.id,
    homePostcode: home,
  };
  period.episodes.push(episode);
  let ls = firstLegalStatus;
  for (const day of [...changes.keys()].sort((a, b) => a - b)) {
    if (day > asOf) break;
    const change = changes.get(day);
    if (!change) continue;
    episode.endDate = ctx.iso(day);
    episode.reasonEnded = 'X1';
    if (change.move) {
      episode.placementChangeReason = change.move.reason;
      placement.endDate = ctx.iso(day);
      placement.changeReason = change.move.reason;
      placement = newPlacement(ctx, change.move.type, day, change.move.sameCarer ? placement : undefined);
      period.placements.push(placement);
    }
    if (change.ls) ls = change.ls;
    const rne = change.ls && change.move ? (change.move.sameCarer ? 'U' : 'B') : change.ls ? 'L' : change.move?.sameCarer ? 'T' : 'P';
    episode = { id: ctx.nextId('E'), startDate: ctx.iso(day), rne, legalStatus: ls, need, placementId: placement.id, homePostcode: home };
    period.episodes.push(episode);
  }
  if (end <= asOf) {
    episode.endDate = ctx.iso(end);
    episode.reasonEnded = period.reasonEnded;
    placement.endDate = ctx.iso(end);
  }
}

function newPlacement(ctx: ChildContext, type: string, day: number, sameCarerAs: Placement | undefined): Placement {
  const { rng } = ctx;
  if (sameCarerAs) {
    return { ...sameCarerAs, id: ctx.nextId('PL'), startDate: ctx.iso(day), type, endDate: undefined, changeReason: undefined };
  }
  const provider = providerFor(rng, type);
  const inside = rng.chance(provider === 'PR1' || provider === 'PR0' ? 0.9 : provider === 'PR4' ? 0.55 : 0.6);
  const regulated = type === 'K2' || type === 'H5' || type === 'R1' || provider === 'PR4' || provider === 'PR5';
  return {
    id: ctx.nextId('PL'),
    startDate: ctx.iso(day),
    type,
    provider,
    postcode: inventedPostcode(rng),
    urn: regulated ? `SC${String(rng.int(100000, 999999))}` : 'XXXXXXX',
    distanceMiles: Math.round((inside ? rng.int(5, 150) / 10 : rng.int(15, 160)) * 10) / 10,
    insideCouncil: inside,
  };
}

/** Reviews: first within 20 working days, second three months after it, then six-monthly. */
function reviews(ctx: ChildContext, entry: number, end: number) {
  const { rng, asOf, birth } = ctx;
  const out: PeriodOfCare['reviews'] = [];
  let due = addWorkingDays(entry, 20);
  for (let n = 0; due <= end && n < 60; n++) {
    const late = rng.chance(0.12 * ctx.drift());
    const held = late
      ? addWorkingDays(due, rng.int(1, 25))
      : Math.max(addWorkingDays(entry, 5), onOrBeforeWeekday(due - rng.int(0, 10)));
    if (held > asOf || held > end) break;
    out.push({
      dueDate: ctx.iso(due),
      date: ctx.iso(held),
      participation: wholeYears(birth, held) < 4 ? 'PN0' : rng.weighted(weightsOf(REVIEW_PARTICIPATION)),
    });
    due = n === 0 ? addMonths(held, 3) : addMonths(held, 6);
  }
  return out;
}

/**
 * Statutory visits: within a week of each placement, weekly until the first review, then about
 * six-weekly, and three-monthly once a long-term placement has lasted a year.
 */
function claVisits(ctx: ChildContext, moves: Move[], entry: number, stop: number) {
  const { rng } = ctx;
  const options = ctx.visitOptions();
  const firstReview = addWorkingDays(entry, 20);
  const out: PeriodOfCare['visits'] = [];
  moves.forEach((move, i) => {
    const until = Math.min(stop, (moves[i + 1]?.day ?? Infinity) - 1);
    let day = addWorkingDays(move.day, rng.chance(0.9 / ctx.drift()) ? rng.int(1, 5) : rng.int(6, 15));
    while (day <= until) {
      out.push(makeVisit(rng, day, options, (d) => ctx.iso(d)));
      const settled = LONG_TERM_TYPES.has(move.type) && day - move.day > 365;
      day = day < firstReview ? addWorkingDays(day, 5) : addWorkingDays(day, visitGap(rng, settled ? 'cla-settled' : 'cla', ctx.drift()));
    }
  });
  return out;
}

/**
 * Health assessments: the first within 20 working days of coming into care, then every six months
 * under five and yearly from five; dental checks yearly. A share of each is late.
 */
function healthChecks(ctx: ChildContext, entry: number, stop: number) {
  const { rng, birth } = ctx;
  const out: PeriodOfCare['healthChecks'] = [];
  let day = rng.chance(0.7 / ctx.drift()) ? addWorkingDays(entry, rng.int(8, 20)) : addWorkingDays(entry, rng.int(21, 60));
  while (day <= stop) {
    out.push({ type: 'health-assessment', date: ctx.iso(day) });
    const due = addMonths(day, wholeYears(birth, day) < 5 ? 6 : 12);
    day = rng.chance(0.85 / ctx.drift()) ? onOrBeforeWeekday(due - rng.int(0, 25)) : onOrAfterWeekday(due + rng.int(1, 60));
  }
  let dental = onOrAfterWeekday(Math.max(entry + rng.int(30, 180), addYears(birth, 1)));
  while (dental <= stop) {
    out.push({ type: 'dental', date: ctx.iso(dental) });
    dental = onOrAfterWeekday(addMonths(dental, 12) + rng.int(-20, 40));
  }
  out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return out;
}

function permanencePlan(exit: CareExit, age: number): string {
  switch (exit) {
    case 'adoption':
      return 'Adoption';
    case 'sgo':
      return 'Special guardianship';
    case 'cao':
      return 'Child arrangements order';
    case 'eighteen':
      return age >= 15 ? 'Supported living' : 'Long-term fostering';
    default:
      return 'Return to family';
  }
}

function adoptionRecord(
  ctx: ChildContext,
  periodId: string,
  a: { decision: number; po: number; matched: number; placed: number; order: number; reversed?: number },
): { adopter?: Adopter } {
  const { rng, asOf } = ctx;
  const upTo = (day: number) => (day <= asOf ? ctx.iso(day) : undefined);
  const familyId = `AF${ctx.child.id.slice(2)}`;
  const decisionDate = upTo(a.decision);
  if (!decisionDate) return {};
  const reversed = a.reversed !== undefined ? upTo(a.reversed) : undefined;
  ctx.child.adoption = {
    periodId,
    decisionDate,
    placementOrderDate: upTo(a.po),
    ...(reversed
      ? { reversedDate: reversed, reversedReason: rng.pick(['RD1', 'RD2', 'RD3', 'RD4']) }
      : { matchedDate: upTo(a.matched), placedDate: upTo(a.placed), orderDate: upTo(a.order), adopterFamilyId: familyId }),
    siblingGroup: rng.chance(0.1),
  };
  if (reversed || a.matched > asOf) return {};
  const couple = rng.chance(0.75);
  const enquiry = a.matched - rng.int(300, 700);
  const stage1Start = enquiry + rng.int(14, 60);
  const stage1End = stage1Start + rng.int(50, 70);
  const stage2Start = stage1End + rng.int(7, 30);
  const stage2End = stage2Start + rng.int(100, 130);
  const approval = stage2End + rng.int(10, 40);
  return {
    adopter: {
      id: `AD${ctx.child.id.slice(2)}`,
      familyId,
      sex: rng.chance(0.8) ? 'F' : 'M',
      ethnicity: rng.weighted(weightsOf(ETHNICITIES)),
      disability: rng.chance(0.05),
      fosteringForAdoption: rng.chance(0.15),
      enquiryDate: ctx.iso(enquiry),
      stage1Start: ctx.iso(stage1Start),
      stage1End: ctx.iso(stage1End),
      stage2Start: ctx.iso(stage2Start),
      stage2End: ctx.iso(stage2End),
      applicationDate: ctx.iso(stage2Start),
      approvalDate: ctx.iso(Math.min(approval, a.matched - 1)),
      matchedDate: ctx.iso(a.matched),
      ...(a.placed <= asOf ? { placedDate: ctx.iso(a.placed) } : {}),
      childrenPlaced: ctx.child.adoption.siblingGroup ? 2 : 1,
      ...(a.order <= asOf ? { orderDate: ctx.iso(a.order) } : {}),
      householdSex: couple ? rng.weighted([['MF', 0.8], ['MM', 0.1], ['FF', 0.1]] as const) : rng.chance(0.8) ? 'F1' : 'M1',
      householdLegalStatus: couple ? rng.weighted([['L11', 0.65], ['L12', 0.05], ['L2', 0.3]] as const) : 'L0',
      numberOfAdopters: couple ? 2 : 1,
    },
  };
}
