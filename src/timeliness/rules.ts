/**
 * Deadlines as data. A measure names a deadline, cites where it comes from, and says how to find
 * it in a child's facts with one of four methods; the engine knows the methods, never the
 * measures. National measures (national-measures.ts) and practice-standard timescales
 * (practice-timescales.ts) are both written this way.
 */
import { z } from 'zod';
import type { CaseFactKind, FactSource } from '../cases/facts.ts';
import type { CaseEventType } from '../standards/schema.ts';

export type DurationUnit = 'working-days' | 'calendar-days' | 'weeks' | 'months' | 'years';

/** A timescale: working days count from the anchor as day 0; months keep the day, clamped. */
export interface Duration {
  amount: number; // a whole number
  unit: DurationUnit;
}

/** Something a child is "in" for a while, during which a keep-in-touch deadline runs. */
export type OpenCase = 'cp-plan' | 'cin-plan' | 'period-of-care';

/** Anchor and event that the facts record on the same row, so an anchor with no event is still due. */
export type RecordedPair = 'assessment-start-to-authorisation' | 'strategy-discussion-to-icpc';

export type DeadlineRule =
  /**
   * One deadline per recorded anchor: met or missed once the event happens, otherwise overdue or
   * pending.
   */
  | { method: 'recorded-pair'; pair: RecordedPair; due: Duration }
  /**
   * One deadline per anchor that the facts show was followed by the event (the first such event
   * before the next anchor). Anchors never followed by the event are left out: from dates alone we
   * cannot tell whether the event was required (not every referral needs a strategy discussion).
   */
  | { method: 'next-event'; anchor: CaseEventType; event: CaseEventType; due: Duration }
  /**
   * For each case open on the as-of date, the next event is due a fixed time after the last one
   * (or after the case started, if there has been none): met while as-of is on or before that date,
   * overdue after it. `dueByAge` picks a different interval by the child's age on the as-of date.
   */
  | {
      method: 'keep-in-touch';
      during: OpenCase;
      event: CaseEventType;
      firstDue: Duration;
      due: Duration;
      dueByAge?: { underAge: number; due: Duration }[];
    }
  /**
   * Within each case, a chain of events: the first due `schedule[0]` after the case starts, the
   * next `schedule[1]` after the first was held, and so on, the last interval repeating. Nothing
   * is due after the case has ended.
   */
  | { method: 'review-schedule'; during: OpenCase; event: CaseEventType; schedule: [Duration, ...Duration[]] };

export interface MeasureDefinition {
  id: string;
  title: string;
  /** The national or local source that sets the deadline, for the reader to check. */
  source: string;
  rule: DeadlineRule;
  /**
   * The fact that evidences the measured event and the formats that record it. Unless the input
   * holds such a fact from one of these formats (or entered by hand), the measure is not
   * evaluated: a CIN census has protection plans but no visits, and would otherwise show every
   * plan as overdue for a visit.
   */
  evidence?: { kind: CaseFactKind; formats: FactSource['format'][] };
}

/** Choices councils make differently. Validated wherever settings enter (admin form, CLI flags). */
export const TimelinessSettingsSchema = z.object({
  /**
   * When several strategy discussions led to one ICPC: the 15 working days run from the first (the
   * discussion at which the section 47 enquiries were initiated, as Working Together to Safeguard
   * Children 2023 and the DfE CIN census define it; the default) or from the latest (the reading of
   * earlier editions of Working Together, still used in some local procedures).
   */
  icpcClockStart: z.enum(['first-strategy-discussion', 'latest-strategy-discussion']).default('first-strategy-discussion'),
});
export type TimelinessSettings = z.infer<typeof TimelinessSettingsSchema>;

export const defaultTimelinessSettings: TimelinessSettings = TimelinessSettingsSchema.parse({});
