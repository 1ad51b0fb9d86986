import { CARE_LEAVER_ACCOMMODATION, CARE_LEAVER_ACTIVITY, IN_TOUCH, weightsOf } from './codes.ts';
import type { ChildContext } from './context.ts';
import { addMonths, addWorkingDays, addYears, dayFromIso, onOrAfterWeekday, wholeYears } from './dates.ts';
import type { CareLeaver, CareLeaverContact, PeriodOfCare } from './model.ts';
import { visitGap } from './visits.ts';

/** Reasons for leaving care after which the council has no leaving-care duty to this young person. */
const NO_DUTY = new Set(['E2', 'E3', 'E15', 'E16']);

/**
 * Leaving care: a young person who was looked after for at least 13 weeks since age 14 and left
 * care at 16 or older is owed support (relevant child, then former relevant child from 18; seed 004
 * section 16). The personal adviser keeps in touch about every eight weeks until 21, or 25 for
 * those still in education or training, and reviews the pathway plan six-monthly.
 */
export function simulateCareLeaving(ctx: ChildContext, period: PeriodOfCare, left: number): CareLeaver | undefined {
  const { rng, birth, asOf } = ctx;
  if (wholeYears(birth, left) < 16) return undefined;
  if (period.reasonEnded && NO_DUTY.has(period.reasonEnded)) return undefined;
  const entry = dayFromIso(period.startDate);
  if (left - Math.max(entry, addYears(birth, 14)) < 91) return undefined;

  const supportEnds = addYears(birth, rng.chance(0.15) ? 25 : 21);
  const until = Math.min(supportEnds, asOf);
  const { team, worker } = ctx.allocate('care-leavers', left, period.referralId);
  const contacts: CareLeaverContact[] = [];
  let accommodation = rng.weighted(weightsOf(CARE_LEAVER_ACCOMMODATION));
  let suitable = rng.chance(0.88);
  let activity = rng.weighted(weightsOf(CARE_LEAVER_ACTIVITY));
  let day = addWorkingDays(left, rng.int(1, 15));
  while (day <= until) {
    // Circumstances drift slowly: most contacts find the young person where they were last time.
    if (rng.chance(0.2)) {
      accommodation = rng.weighted(weightsOf(CARE_LEAVER_ACCOMMODATION));
      suitable = rng.chance(0.88);
    }
    if (rng.chance(0.2)) activity = rng.weighted(weightsOf(CARE_LEAVER_ACTIVITY));
    contacts.push({
      date: ctx.iso(day),
      inTouch: rng.weighted(weightsOf(IN_TOUCH)),
      accommodation: `${accommodation}${suitable ? '1' : '2'}`,
      activity,
    });
    day = addWorkingDays(day, visitGap(rng, 'care-leaver', ctx.drift()));
  }
  const pathwayPlanReviews: string[] = [];
  for (let review = onOrAfterWeekday(addMonths(left, 6) + rng.int(-20, 20)); review <= until; ) {
    pathwayPlanReviews.push(ctx.iso(review));
    review = onOrAfterWeekday(addMonths(review, 6) + rng.int(-20, 20));
  }
  if (supportEnds <= asOf) ctx.closeAllocation(supportEnds);
  return {
    eligibility: wholeYears(birth, until) >= 18 ? 'former relevant' : 'relevant',
    startDate: ctx.iso(left),
    teamId: team.id,
    workerId: worker.id,
    contacts,
    pathwayPlanReviews,
  };
}
