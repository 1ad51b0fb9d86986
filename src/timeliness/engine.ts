/**
 * The timeliness engine: given children's facts, the measures, the working-day calendar and an
 * as-of date, one item per child per deadline, and counts per measure. Pure: no I/O, no clock.
 *
 * The answer is "as things stood on the as-of date": facts dated after it are ignored, and a plan
 * or period of care that ended after it is treated as still open.
 *
 * Statuses: `met` (the event happened on or before the due date, or for a keep-in-touch deadline,
 * the as-of date has not passed it), `missed` (the event happened late, or never, in a case that
 * has since ended), `overdue` (not happened and the due date has passed), `pending` (not happened,
 * still in time). `actualDate` is always present: the event's date, or null when there is none.
 */
import type { CaseFact, Child } from '../cases/facts.ts';
import { addDays, addMonths, addWeeks, addYears, ageOn, InvalidDateError, type IsoDate } from '../platform/calendar/iso-date.ts';
import type { WorkingDayCalendar } from '../platform/calendar/working-day-calendar.ts';
import { indexCases, type CaseIndex, type ChildCase, type StrategyDiscussionRecord } from './case-index.ts';
import { caseSpans, eventDates, type CaseView } from './case-events.ts';
import { nationalMeasures } from './national-measures.ts';
import { periodsOfCare } from './periods-of-care.ts';
import { TimelinessSettingsSchema, type DeadlineRule, type Duration, type MeasureDefinition, type TimelinessSettings } from './rules.ts';

export type ItemStatus = 'met' | 'missed' | 'overdue' | 'pending';

export interface ComplianceItem {
  childId: string;
  measure: string;
  status: ItemStatus;
  anchorDate: IsoDate;
  dueDate: IsoDate;
  actualDate: IsoDate | null;
}

export interface MeasureSummary {
  id: string;
  title: string;
  source: string;
  met: number;
  missed: number;
  overdue: number;
  pending: number;
}

/** A deadline the engine found but could not date, and why (e.g. outside the calendar's years). */
export interface NotEvaluated {
  childId: string;
  measure: string;
  anchorDate: IsoDate;
  reason: string;
}

export interface ComplianceResult {
  asOf: IsoDate;
  measures: MeasureSummary[];
  /** Sorted by child id, then measure (in the order measures are given), anchor and due date. */
  items: ComplianceItem[];
  notEvaluated: NotEvaluated[];
  /** Measures left out because the extracts do not record the event they measure. */
  measuresNotEvaluated: { id: string; reason: string }[];
}

export interface TimelinessOptions {
  asOf: IsoDate;
  calendar: WorkingDayCalendar;
  /** Defaults to the national measures. */
  measures?: readonly MeasureDefinition[];
  settings?: Partial<TimelinessSettings>;
}

export function addDuration(calendar: WorkingDayCalendar, date: IsoDate, { amount, unit }: Duration): IsoDate {
  switch (unit) {
    case 'working-days':
      return calendar.addWorkingDays(date, amount);
    case 'calendar-days':
      return addDays(date, amount);
    case 'weeks':
      return addWeeks(date, amount);
    case 'months':
      return addMonths(date, amount);
    case 'years':
      return addYears(date, amount);
  }
}

/** Index the facts and evaluate them: the convenience form of evaluateCases. */
export function evaluateTimeliness(children: readonly Child[], facts: readonly CaseFact[], options: TimelinessOptions): ComplianceResult {
  return evaluateCases(indexCases(children, facts), options);
}

/** Evaluate an index built once (e.g. to compare several as-of dates without re-indexing). */
export function evaluateCases(cases: CaseIndex, options: TimelinessOptions): ComplianceResult {
  const { asOf, calendar } = options;
  // Checks the as-of date is a real date the calendar covers, before any child is looked at.
  calendar.isWorkingDay(asOf);
  const measures = options.measures ?? nationalMeasures;
  const ids = new Set<string>();
  for (const m of measures) {
    if (ids.has(m.id)) throw new Error(`measure id "${m.id}" is used twice`);
    ids.add(m.id);
  }
  const settings = TimelinessSettingsSchema.parse(options.settings ?? {});
  const ctx: Context = { asOf, calendar, settings, items: [], notEvaluated: [], childId: '', measure: '' };
  const counts = measures.map(() => ({ met: 0, missed: 0, overdue: 0, pending: 0 }));
  // 'manual' facts are entered in Sightline itself (and built by tests), so they always count.
  const unrecorded = measures.filter((m) => m.evidence && !cases.records(m.evidence.kind, [...m.evidence.formats, 'manual']));
  const evaluated = measures.map((m) => !unrecorded.includes(m));
  const needsPeriods = measures.some((m, i) => evaluated[i] && usesPeriods(m.rule));

  const childIds = [...cases.keys()].sort(byCodeUnit);
  for (const childId of childIds) {
    const c = cases.get(childId)!;
    const view: CaseView = { case: c, periods: needsPeriods && c.episodes.length > 0 ? periodsOfCare(c.episodes, asOf) : [] };
    ctx.childId = childId;
    measures.forEach((measure, m) => {
      if (!evaluated[m]) return;
      ctx.measure = measure.id;
      const first = ctx.items.length;
      evaluateRule(measure.rule, view, ctx);
      if (ctx.items.length - first > 1) sortTail(ctx.items, first);
      const count = counts[m]!;
      for (let i = first; i < ctx.items.length; i++) count[ctx.items[i]!.status]++;
    });
  }

  return {
    asOf,
    measures: measures.map((m, i) => ({ id: m.id, title: m.title, source: m.source, ...counts[i]! })),
    items: ctx.items,
    notEvaluated: ctx.notEvaluated,
    measuresNotEvaluated: unrecorded.map((m) => ({
      id: m.id,
      reason: `none of the extracts records ${m.evidence!.kind} facts in a format that evidences this measure (${m.evidence!.formats.join(', ')})`,
    })),
  };
}

interface Context {
  asOf: IsoDate;
  calendar: WorkingDayCalendar;
  settings: TimelinessSettings;
  items: ComplianceItem[];
  notEvaluated: NotEvaluated[];
  childId: string;
  measure: string;
}

function usesPeriods(rule: DeadlineRule): boolean {
  if (rule.method === 'keep-in-touch' || rule.method === 'review-schedule') return rule.during === 'period-of-care';
  if (rule.method === 'next-event') return [rule.anchor, rule.event].some((e) => e === 'cla-start' || e === 'cla-end');
  return false;
}

function evaluateRule(rule: DeadlineRule, view: CaseView, ctx: Context): void {
  switch (rule.method) {
    case 'recorded-pair':
      if (rule.pair === 'assessment-start-to-authorisation') assessmentDeadlines(view.case, rule.due, ctx);
      else icpcDeadlines(view.case, rule.due, ctx);
      return;
    case 'next-event':
      return nextEventDeadlines(view, rule, ctx);
    case 'keep-in-touch':
      return keepInTouchDeadlines(view, rule, ctx);
    case 'review-schedule':
      return reviewScheduleDeadlines(view, rule, ctx);
  }
}

/**
 * Works out a due date, recording the deadline as not evaluated if it cannot be dated (a date
 * outside the calendar's years, or a malformed date that slipped past an importer).
 */
function dueDate(ctx: Context, anchor: IsoDate, duration: Duration): IsoDate | undefined {
  try {
    return addDuration(ctx.calendar, anchor, duration);
  } catch (error) {
    // CalendarRangeError is a RangeError; so is a month count that runs past year 9999.
    if (error instanceof InvalidDateError || error instanceof RangeError) {
      notEvaluated(ctx, anchor, error.message);
      return undefined;
    }
    throw error;
  }
}

function notEvaluated(ctx: Context, anchorDate: IsoDate, reason: string): void {
  ctx.notEvaluated.push({ childId: ctx.childId, measure: ctx.measure, anchorDate, reason });
}

function push(ctx: Context, status: ItemStatus, anchorDate: IsoDate, dueDate: IsoDate, actualDate: IsoDate | null): void {
  ctx.items.push({ childId: ctx.childId, measure: ctx.measure, status, anchorDate, dueDate, actualDate });
}

/** One-off deadline: met/missed once the event happened, otherwise overdue/pending. */
function oneOffDeadline(ctx: Context, anchor: IsoDate, actual: IsoDate | null, duration: Duration): void {
  if (actual !== null && actual < anchor) {
    notEvaluated(ctx, anchor, `the event (${actual}) is dated before the date it is measured from`);
    return;
  }
  const due = dueDate(ctx, anchor, duration);
  if (due === undefined) return;
  if (actual !== null) push(ctx, actual <= due ? 'met' : 'missed', anchor, due, actual);
  else push(ctx, ctx.asOf > due ? 'overdue' : 'pending', anchor, due, null);
}

function happenedBy(date: IsoDate | undefined, asOf: IsoDate): IsoDate | null {
  return date !== undefined && date <= asOf ? date : null;
}

function assessmentDeadlines(c: ChildCase, due: Duration, ctx: Context): void {
  for (const a of c.assessments) {
    if (a.startDate > ctx.asOf) continue;
    oneOffDeadline(ctx, a.startDate, happenedBy(a.authorisedDate, ctx.asOf), due);
  }
}

/**
 * Strategy discussions that led to the same ICPC are one enquiry: the clock starts at the first or
 * the latest of them (a council setting). Discussions after which the ICPC was judged unnecessary
 * are excluded. A discussion with no conference recorded stands alone, unless another record of
 * the same discussion (same day) carries the conference.
 */
function icpcDeadlines(c: ChildCase, due: Duration, ctx: Context): void {
  const byConference = new Map<IsoDate, StrategyDiscussionRecord[]>();
  const withoutConference: StrategyDiscussionRecord[] = [];
  for (const s of c.strategyDiscussions) {
    if (s.icpcNotRequired || s.strategyDate > ctx.asOf) continue;
    if (s.icpcDate === undefined) withoutConference.push(s);
    else byConference.set(s.icpcDate, [...(byConference.get(s.icpcDate) ?? []), s]);
  }
  const linked = new Set<IsoDate>();
  for (const [icpcDate, discussions] of byConference) {
    const dates = discussions.map((d) => d.strategyDate).sort();
    dates.forEach((d) => linked.add(d));
    const anchor = ctx.settings.icpcClockStart === 'latest-strategy-discussion' ? dates.at(-1)! : dates[0]!;
    oneOffDeadline(ctx, anchor, happenedBy(icpcDate, ctx.asOf), due);
  }
  for (const s of withoutConference) {
    if (!linked.has(s.strategyDate)) oneOffDeadline(ctx, s.strategyDate, null, due);
  }
}

/** Dates on or before `asOf` (the lists are sorted, so this is a prefix). */
function upTo(dates: readonly IsoDate[], asOf: IsoDate): readonly IsoDate[] {
  let end = dates.length;
  while (end > 0 && dates[end - 1]! > asOf) end--;
  return end === dates.length ? dates : dates.slice(0, end);
}

function nextEventDeadlines(view: CaseView, rule: Extract<DeadlineRule, { method: 'next-event' }>, ctx: Context): void {
  const anchors = upTo(eventDates(view, rule.anchor), ctx.asOf);
  if (anchors.length === 0) return;
  const events = upTo(eventDates(view, rule.event), ctx.asOf);
  // "The next review within 6 months of a review": the event must come after its own anchor.
  const strictlyAfter = rule.anchor === rule.event;
  let e = 0;
  anchors.forEach((anchor, i) => {
    while (e < events.length && (events[e]! < anchor || (strictlyAfter && events[e] === anchor))) e++;
    const event = events[e];
    const nextAnchor = anchors[i + 1];
    if (event === undefined || (nextAnchor !== undefined && (strictlyAfter ? event > nextAnchor : event >= nextAnchor))) return;
    oneOffDeadline(ctx, anchor, event, rule.due);
  });
}

/** The last date in [from, to] of a sorted list, by binary search (visit lists can be long). */
function lastBetween(dates: readonly IsoDate[], from: IsoDate, to: IsoDate): IsoDate | undefined {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! <= to) lo = mid + 1;
    else hi = mid;
  }
  const last = dates[lo - 1];
  return last !== undefined && last >= from ? last : undefined;
}

function keepInTouchDeadlines(view: CaseView, rule: Extract<DeadlineRule, { method: 'keep-in-touch' }>, ctx: Context): void {
  const { asOf } = ctx;
  const spans = caseSpans(view, rule.during);
  if (spans.length === 0) return;
  const events = eventDates(view, rule.event);
  for (const span of spans) {
    const open = span.startDate <= asOf && (span.endDate === undefined || span.endDate > asOf);
    if (!open) continue;
    const last = lastBetween(events, span.startDate, asOf);
    let interval = rule.firstDue;
    if (last !== undefined) {
      const byAge = intervalForAge(view.case, rule, ctx);
      if (byAge === undefined) {
        notEvaluated(ctx, last, 'the date of birth is needed to choose the interval and is not known');
        continue;
      }
      interval = byAge;
    }
    const anchor = last ?? span.startDate;
    const due = dueDate(ctx, anchor, interval);
    if (due !== undefined) push(ctx, asOf <= due ? 'met' : 'overdue', anchor, due, null);
  }
}

function intervalForAge(c: ChildCase, rule: Extract<DeadlineRule, { method: 'keep-in-touch' }>, ctx: Context): Duration | undefined {
  if (!rule.dueByAge?.length) return rule.due;
  const birth = c.child?.dateOfBirth;
  if (birth === undefined || birth > ctx.asOf) return undefined;
  const age = ageOn(birth, ctx.asOf);
  return rule.dueByAge.find((band) => age < band.underAge)?.due ?? rule.due;
}

function reviewScheduleDeadlines(view: CaseView, rule: Extract<DeadlineRule, { method: 'review-schedule' }>, ctx: Context): void {
  const { asOf } = ctx;
  const spans = caseSpans(view, rule.during);
  if (spans.length === 0) return;
  const events = eventDates(view, rule.event);
  const interval = (k: number): Duration => rule.schedule[Math.min(k, rule.schedule.length - 1)]!;
  for (const span of spans) {
    if (span.startDate > asOf) continue;
    const end = span.endDate !== undefined && span.endDate <= asOf ? span.endDate : undefined;
    const last = end ?? asOf;
    let anchor = span.startDate;
    let k = 0;
    // Reviews belong to the case whose dates contain them, start and end days included.
    for (const held of events) {
      if (held < span.startDate) continue;
      if (held > last) break;
      const due = dueDate(ctx, anchor, interval(k));
      if (due !== undefined) push(ctx, held <= due ? 'met' : 'missed', anchor, due, held);
      anchor = held;
      k++;
    }
    const due = dueDate(ctx, anchor, interval(k));
    if (due === undefined) continue;
    // Nothing is due after the case ended; a review due before the end that never happened is missed.
    if (end !== undefined) {
      if (due <= end) push(ctx, 'missed', anchor, due, null);
    } else {
      push(ctx, asOf > due ? 'overdue' : 'pending', anchor, due, null);
    }
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareItems(a: ComplianceItem, b: ComplianceItem): number {
  return byCodeUnit(a.anchorDate, b.anchorDate) || byCodeUnit(a.dueDate, b.dueDate);
}

/** Sorts items[from…] in place: one child's items for one measure. */
function sortTail(items: ComplianceItem[], from: number): void {
  const tail = items.slice(from).sort(compareItems);
  for (let i = 0; i < tail.length; i++) items[from + i] = tail[i]!;
}
