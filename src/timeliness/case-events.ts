/**
 * Where each event a timescale can name (CaseEventType, shared with the standards catalogue) is
 * found in a child's facts. Events no import records (a core group meeting, a PEP) are absent
 * from `eventSources`, and a rule using them cannot be evaluated.
 */
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import type { CaseEventType } from '../standards/schema.ts';
import type { ChildCase, SpanRecord } from './case-index.ts';
import type { PeriodOfCare } from './periods-of-care.ts';
import type { OpenCase } from './rules.ts';

/** A child's facts with their periods of care, worked out once per child and as-of date. */
export interface CaseView {
  case: ChildCase;
  periods: readonly PeriodOfCare[];
}

/** RNE codes that start a new placement: all but L (a change of legal status only). */
const NEW_PLACEMENT_RNE = new Set(['S', 'P', 'T', 'B', 'U']);

function defined(dates: (IsoDate | undefined)[]): IsoDate[] {
  return [...new Set(dates.filter((d): d is IsoDate => d !== undefined))].sort();
}

const eventSources: Partial<Record<CaseEventType, (v: CaseView) => IsoDate[]>> = {
  'contact-received': (v) => v.case.contacts,
  referral: (v) => v.case.referrals,
  'assessment-start': (v) => defined(v.case.assessments.map((a) => a.startDate)),
  'assessment-authorised': (v) => defined(v.case.assessments.map((a) => a.authorisedDate)),
  'strategy-discussion': (v) => defined(v.case.strategyDiscussions.map((s) => s.strategyDate)),
  // The CIN census dates an S47 from the strategy discussion that started it.
  's47-start': (v) => defined(v.case.strategyDiscussions.map((s) => s.s47StartDate ?? s.strategyDate)),
  icpc: (v) => defined([...v.case.strategyDiscussions.map((s) => s.icpcDate), ...v.case.conferences]),
  'cp-plan-start': (v) => defined(v.case.cpPlans.map((p) => p.startDate)),
  'cp-plan-end': (v) => defined(v.case.cpPlans.map((p) => p.endDate)),
  'cp-visit': (v) => v.case.cpVisits,
  rcpc: (v) => v.case.cpReviews,
  'cin-plan-start': (v) => defined(v.case.cinPlans.map((p) => p.startDate)),
  'cin-visit': (v) => v.case.cinVisits,
  'cla-start': (v) => defined(v.periods.map((p) => p.startDate)),
  'cla-end': (v) => defined(v.periods.map((p) => p.endDate)),
  'placement-start': (v) =>
    defined([
      ...v.case.episodes.filter((e) => e.rne === undefined || NEW_PLACEMENT_RNE.has(e.rne)).map((e) => e.startDate),
      ...v.case.placements.map((p) => p.startDate),
    ]),
  'cla-visit': (v) => v.case.claVisits,
  'cla-review': (v) => v.case.claReviews,
  'health-assessment': (v) => v.case.healthAssessments,
  'care-leaver-contact': (v) => v.case.careLeaverContacts,
  birth: (v) => defined([v.case.child?.dateOfBirth]),
};

export function isRecordedEvent(type: CaseEventType): boolean {
  return eventSources[type] !== undefined;
}

/** Sorted dates of an event for one child; empty for an event no import records. */
export function eventDates(view: CaseView, type: CaseEventType): readonly IsoDate[] {
  return eventSources[type]?.(view) ?? [];
}

/** The spans of a kind of case (plans, periods of care), in start order. */
export function caseSpans(view: CaseView, during: OpenCase): readonly SpanRecord[] {
  switch (during) {
    case 'cp-plan':
      return view.case.cpPlans;
    case 'cin-plan':
      return view.case.cinPlans;
    case 'period-of-care':
      return view.periods;
  }
}

/** The case type whose start and end events bound a span, for rules written with those events. */
export const spanOfStartEvent: Partial<Record<CaseEventType, OpenCase>> = {
  'cp-plan-start': 'cp-plan',
  'cin-plan-start': 'cin-plan',
  'cla-start': 'period-of-care',
};
