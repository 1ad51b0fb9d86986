/**
 * Turns the structured timescales of the practice standards (standards/practice-standards/*.yaml)
 * into measures the engine can evaluate, where the imported facts carry both ends of the clock.
 * Each timescale that cannot be evaluated is returned with the reason, so a QA lead can see which
 * standards the data can and cannot evidence.
 */
import type { PracticeStandard, Timescale } from '../standards/schema.ts';
import { isRecordedEvent, spanOfStartEvent } from './case-events.ts';
import type { DeadlineRule, DurationUnit, MeasureDefinition, RecordedPair } from './rules.ts';

export interface PracticeTimescale {
  /** The catalogue (practice-standards file) id. */
  catalogue: string;
  standard: Pick<PracticeStandard, 'id' | 'title'>;
  timescale: Timescale;
}

export interface UnevaluableTimescale {
  timescaleId: string;
  reason: string;
}

const EVALUABLE_UNITS: ReadonlySet<string> = new Set<DurationUnit>(['working-days', 'calendar-days', 'weeks', 'months', 'years']);

/** Anchor and event recorded on one row by every format, so an anchor without its event is due. */
const RECORDED_PAIRS: Record<string, RecordedPair> = {
  'assessment-start→assessment-authorised': 'assessment-start-to-authorisation',
  'strategy-discussion→icpc': 'strategy-discussion-to-icpc',
  's47-start→icpc': 'strategy-discussion-to-icpc',
};

function ruleFor(t: Timescale): DeadlineRule | string {
  // A condition ("where immediate action is required", "children in the disabled children's
  // team") picks out cases the extracts cannot tell apart; checking every case against it would
  // report deadlines that never applied.
  if (t.condition !== undefined) return `it applies only where ${t.condition}, which extract data does not show`;
  if (!EVALUABLE_UNITS.has(t.unit)) {
    return t.unit === 'hours' ? 'extracts carry dates, not times, so a timescale in hours cannot be checked' : `a timescale in ${t.unit} cannot be checked from event dates`;
  }
  if (!Number.isInteger(t.amount)) return `${t.amount} ${t.unit} is not a whole number`;
  for (const event of [t.anchor, t.event]) if (!isRecordedEvent(event)) return `no supported extract records "${event}"`;
  const due = { amount: t.amount, unit: t.unit as DurationUnit };
  switch (t.recurrence) {
    case 'within': {
      const pair = RECORDED_PAIRS[`${t.anchor}→${t.event}`];
      return pair ? { method: 'recorded-pair', pair, due } : { method: 'next-event', anchor: t.anchor, event: t.event, due };
    }
    case 'every': {
      const during = spanOfStartEvent[t.anchor];
      if (!during) return `a recurring deadline needs a plan or period of care to recur within, and "${t.anchor}" does not start one`;
      return { method: 'keep-in-touch', during, event: t.event, firstDue: due, due };
    }
    case 'before':
      return 'a deadline before an event needs the date it was planned for, which extracts do not carry';
  }
}

export function measuresFromTimescales(entries: Iterable<PracticeTimescale>): { measures: MeasureDefinition[]; unevaluable: UnevaluableTimescale[] } {
  const measures: MeasureDefinition[] = [];
  const unevaluable: UnevaluableTimescale[] = [];
  for (const { catalogue, standard, timescale: t } of entries) {
    const rule = ruleFor(t);
    if (typeof rule === 'string') {
      unevaluable.push({ timescaleId: t.id, reason: rule });
      continue;
    }
    const every = t.recurrence === 'every';
    measures.push({
      id: t.id,
      title: `Standard ${standard.id}: ${t.event} ${every ? 'every' : 'within'} ${t.amount} ${t.unit} ${every ? 'from' : 'of'} ${t.anchor}`,
      source: `${catalogue}, standard ${standard.id} (${standard.title}): "${t.quote}"`,
      rule,
    });
  }
  return { measures, unevaluable };
}
