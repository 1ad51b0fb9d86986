import type { ChildRecord, Service, Team, Worker } from './model.ts';
import type { Rng } from './rng.ts';
import type { Staffing } from './staffing.ts';
import type { VisitOptions } from './visits.ts';

/** What the parts of one child's simulation share: the clock, the random stream and allocation. */
export interface ChildContext {
  readonly rng: Rng;
  /** Day number of the as-of date: nothing after it is recorded. */
  readonly asOf: number;
  /** Day number of birth (may lie after as-of for an unborn child). */
  readonly birth: number;
  readonly child: ChildRecord;
  readonly staffing: Staffing;
  iso(day: number): string;
  /** The next id of a kind for this child, e.g. `NB000123R2` for the second referral. */
  nextId(kind: string): string;
  /** Drift factor of the team holding the case now (1 when none). */
  drift(): number;
  /** Moves the case to a team of the service (kept where it already is) and returns the holder. */
  allocate(service: Service, day: number, referralId?: string): { team: Team; worker: Worker };
  closeAllocation(day: number): void;
  /** Contacts received about a child whose case is already open (police notifications …). */
  openCaseContacts(from: number, to: number, meanGapDays: number): void;
  missingEpisodes(from: number, to: number, ratePerYear: number): void;
  visitOptions(): VisitOptions;
}
