import { addYears, DateText, dayFromIso } from './dates.ts';
import { simulateChild } from './journey.ts';
import type { Council } from './model.ts';
import { COUNCIL_NAME } from './names.ts';
import { buildStaffing } from './staffing.ts';

export interface CouncilOptions {
  seed: number;
  /** Number of distinct children the extract knows about in the window. */
  children: number;
  /** Length of the window in whole years, ending on the as-of date (default 5). */
  years?: number;
  /** The extract date, `YYYY-MM-DD`. */
  asOf: string;
  /** Number of teams (default: about one per thousand children, at least 12). */
  teams?: number;
}

/**
 * Generates a synthetic council: teams and workers, and each child's journey through children's
 * services up to the as-of date. The same options always give the same council.
 */
export function generateCouncil(options: CouncilOptions): Council {
  const years = options.years ?? 5;
  if (!Number.isInteger(options.children) || options.children < 1) throw new Error('children must be a positive whole number');
  if (!Number.isInteger(options.seed)) throw new Error('seed must be a whole number');
  if (!Number.isInteger(years) || years < 1 || years > 20) throw new Error('years must be a whole number from 1 to 20');
  const asOf = dayFromIso(options.asOf);
  const windowStart = addYears(asOf, -years) + 1;
  const dates = new DateText();
  const staffing = buildStaffing(options.seed, options.children, options.teams);
  const settings = { asOf, windowStart, dates, staffing };
  const council: Council = {
    name: COUNCIL_NAME,
    laCode: '999',
    seed: options.seed,
    asOf: options.asOf,
    windowStart: dates.iso(windowStart),
    years,
    teams: staffing.teams,
    workers: staffing.workers,
    children: [],
    adopters: [],
  };
  for (let i = 0; i < options.children; i++) {
    const { child, adopters } = simulateChild(settings, options.seed, i);
    council.children.push(child);
    council.adopters.push(...adopters);
  }
  return council;
}
