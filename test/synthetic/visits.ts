import { addWorkingDays } from './dates.ts';
import type { Visit } from './model.ts';
import type { Rng } from './rng.ts';

/**
 * How often each kind of case is visited, in working days between visits. Each scheme is a mix of
 * "on rhythm", "a little slow" and "a gap" (drift); a team's drift factor scales the last two, so
 * teams differ the way real ones do. The rhythms follow the statutory minimums the standards name
 * (seed 004 section 9: CP every 10 working days; looked-after children six-weekly in the first
 * year, three-monthly once settled in a long-term placement); CIN and care-leaver rhythms are our
 * own plausible choices (about monthly and about every eight weeks).
 */
export type VisitScheme = 'cp' | 'cin' | 'cla' | 'cla-settled' | 'care-leaver';

type Band = readonly [min: number, max: number, weight: number];

const SCHEMES: Record<VisitScheme, readonly [Band, Band, Band]> = {
  cp: [
    [5, 10, 0.82],
    [11, 14, 0.13],
    [15, 35, 0.05],
  ],
  cin: [
    [10, 20, 0.6],
    [21, 30, 0.3],
    [31, 60, 0.1],
  ],
  cla: [
    [15, 30, 0.86],
    [31, 40, 0.09],
    [41, 70, 0.05],
  ],
  'cla-settled': [
    [35, 60, 0.88],
    [61, 75, 0.08],
    [76, 110, 0.04],
  ],
  'care-leaver': [
    [20, 40, 0.8],
    [41, 60, 0.14],
    [61, 120, 0.06],
  ],
};

export function visitGap(rng: Rng, scheme: VisitScheme, drift: number): number {
  const [onRhythm, slow, gap] = SCHEMES[scheme];
  const band = rng.weighted([
    [onRhythm, onRhythm[2]],
    [slow, slow[2] * drift],
    [gap, gap[2] * drift],
  ]);
  return rng.int(band[0], band[1]);
}

export interface VisitOptions {
  /** Working days after `from` within which the first visit falls. */
  firstWithin: number;
  /** The child can be seen alone (old enough, and born). */
  canBeSeenAlone: (day: number) => boolean;
  isBorn: (day: number) => boolean;
}

/** Visits from `from` (exclusive of nothing: a visit may fall on it) up to and including `to`. */
export function scheduleVisits(
  rng: Rng,
  scheme: VisitScheme,
  drift: number,
  from: number,
  to: number,
  options: VisitOptions,
  iso: (day: number) => string,
): Visit[] {
  const visits: Visit[] = [];
  let day = addWorkingDays(from, rng.int(0, options.firstWithin));
  while (day <= to) {
    visits.push(makeVisit(rng, day, options, iso));
    day = addWorkingDays(day, visitGap(rng, scheme, drift));
  }
  return visits;
}

export function makeVisit(rng: Rng, day: number, options: VisitOptions, iso: (day: number) => string): Visit {
  const born = options.isBorn(day);
  const seen = born && rng.chance(0.95);
  return {
    date: iso(day),
    seen,
    seenAlone: seen && options.canBeSeenAlone(day) && rng.chance(0.72),
    bedroomSeen: seen && rng.chance(0.55),
  };
}
