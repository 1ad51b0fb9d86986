/**
 * The council's stored timeliness figures (per-measure counts and national indicators) are
 * counted once for everyone, restricted children included. For a viewer from whom restricted
 * children are hidden, their share is worked out again from their own facts (the same engine, the
 * same as-of date and periods) and taken away, so the figures are those of a council without
 * them. Every indicator and measure counts child by child, so a child's share is separable.
 */
import type { Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { loadCaseData } from '../cases/fact-store.ts';
import { indexCases } from '../timeliness/case-index.ts';
import { evaluateCases, type MeasureSummary } from '../timeliness/engine.ts';
import { computeIndicators, type IndicatorResult } from '../timeliness/indicators.ts';
import { measuresFor } from '../timeliness/measures.ts';
import type { LatestRun, StoredIndicator } from '../timeliness/store.ts';
import { hiddenChildIds } from './visibility.ts';

export async function runAsSeenBy(db: Db, actor: Actor, run: LatestRun | undefined): Promise<LatestRun | undefined> {
  if (!run) return run;
  const hidden = await hiddenChildIds(db, actor);
  if (hidden.length === 0) return run;
  const [calendar, measures] = await Promise.all([calendarFor(db, actor.organisationId), measuresFor(db, actor.organisationId)]);
  const loaded = await Promise.all(hidden.map((childId) => loadCaseData(db, actor.organisationId, childId)));
  const cases = indexCases(
    loaded.flatMap((l) => l.children),
    loaded.flatMap((l) => l.facts),
  );
  const share = evaluateCases(cases, { asOf: run.asOf, calendar, measures }).measures;
  const shareOf = new Map(share.map((m) => [m.id, m]));
  const minus = (m: MeasureSummary): MeasureSummary => {
    const s = shareOf.get(m.id);
    return s ? { ...m, met: m.met - s.met, missed: m.missed - s.missed, overdue: m.overdue - s.overdue, pending: m.pending - s.pending } : m;
  };
  const periods = new Map(run.indicators.map((i) => [`${i.period.start}/${i.period.end}`, i.period]));
  const indicatorShare = new Map<string, IndicatorResult>();
  for (const [key, period] of periods) for (const i of computeIndicators(cases, period, calendar)) indicatorShare.set(`${key}|${i.id}`, i);
  const indicatorMinus = (i: StoredIndicator): StoredIndicator => {
    const s = indicatorShare.get(`${i.period.start}/${i.period.end}|${i.id}`);
    if (!s) return i;
    const numerator = i.numerator - s.numerator;
    const denominator = i.denominator - s.denominator;
    return { ...i, numerator, denominator, rate: denominator === 0 ? null : numerator / denominator, notEvaluated: i.notEvaluated - s.notEvaluated };
  };
  return { ...run, measures: run.measures.map(minus), indicators: run.indicators.map(indicatorMinus) };
}
