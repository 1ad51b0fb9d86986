/**
 * Computing a council's deadlines from its stored facts and keeping the result: the engine's items
 * replace the council's previous ones, each child's current case type is brought up to date, and
 * the run is recorded with its per-measure counts and the national indicators. Runs after every
 * import (in the import's transaction), on demand, and nightly.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { requireCapability, type Actor } from '../platform/auth/actor.ts';
import { queryRows } from '../platform/db/client.ts';
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import type { WorkingDayCalendar } from '../platform/calendar/working-day-calendar.ts';
import { currentCaseType } from '../cases/case-status.ts';
import type { CaseFact } from '../cases/facts.ts';
import { loadCaseData } from '../cases/fact-store.ts';
import { indexCases } from './case-index.ts';
import { evaluateCases, type MeasureSummary } from './engine.ts';
import { computeIndicators, yearEndingOn, type IndicatorResult, type ReportingPeriod } from './indicators.ts';
import { measuresFor } from './measures.ts';
import { complianceRuns } from './schema.ts';

export type RecomputeTrigger = 'import' | 'on demand' | 'nightly';

export interface StoredIndicator extends Omit<IndicatorResult, 'childIds'> {
  /** The year to the as-of date, or the last complete DfE year (1 April to 31 March). */
  periodName: 'year to date' | 'last DfE year';
}

export interface ComplianceRunSummary {
  asOf: IsoDate;
  itemCount: number;
  measures: MeasureSummary[];
  measuresNotEvaluated: { id: string; reason: string }[];
  indicators: StoredIndicator[];
  durationMs: number;
}

/** The DfE statistical year (1 April to 31 March) that ended most recently on or before `asOf`. */
function lastDfeYear(asOf: IsoDate): ReportingPeriod {
  const year = Number(asOf.slice(0, 4));
  const endYear = asOf.slice(5) >= '03-31' ? year : year - 1;
  return { start: `${endYear - 1}-04-01`, end: `${endYear}-03-31` };
}

const param = (values: unknown[]) => sql.param(values);

/** One writer per council at a time: imports and recomputations queue rather than interleave. */
export async function lockCaseData(db: Db, organisationId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`sightline:case-data:${organisationId}`}))`);
}

/**
 * Recomputes a council's deadlines as of `asOf` from what is stored now. Call it inside a
 * transaction that holds `lockCaseData`, so readers see the old items or the new, never a mix.
 */
export async function recomputeCompliance(
  db: Db,
  organisationId: string,
  options: { asOf: IsoDate; trigger: RecomputeTrigger; importId?: string | null; calendar?: WorkingDayCalendar },
): Promise<ComplianceRunSummary> {
  const started = performance.now();
  const calendar = options.calendar ?? (await calendarFor(db, organisationId));
  const [{ children, facts }, measures] = await Promise.all([loadCaseData(db, organisationId), measuresFor(db, organisationId)]);
  const cases = indexCases(children, facts);
  const result = evaluateCases(cases, { asOf: options.asOf, calendar, measures });
  const indicators: StoredIndicator[] = [
    ...computeIndicators(cases, yearEndingOn(options.asOf), calendar).map((i) => stored(i, 'year to date')),
    ...computeIndicators(cases, lastDfeYear(options.asOf), calendar).map((i) => stored(i, 'last DfE year')),
  ];

  await db.execute(sql`delete from compliance_items where organisation_id = ${organisationId}`);
  const { items } = result;
  for (let start = 0; start < items.length; start += 20_000) {
    const batch = items.slice(start, start + 20_000);
    await db.execute(sql`
      insert into compliance_items (organisation_id, child_id, measure, status, anchor_date, due_date, actual_date, as_of)
      select ${organisationId}, u.child_id, u.measure, u.status, u.anchor_date, u.due_date, u.actual_date, ${options.asOf}::date
      from unnest(${param(batch.map((i) => i.childId))}::uuid[], ${param(batch.map((i) => i.measure))}::text[], ${param(batch.map((i) => i.status))}::text[],
                  ${param(batch.map((i) => i.anchorDate))}::date[], ${param(batch.map((i) => i.dueDate))}::date[], ${param(batch.map((i) => i.actualDate))}::date[])
           as u(child_id, measure, status, anchor_date, due_date, actual_date)`);
  }
  await updateCaseTypes(db, facts, options.asOf);

  const summary: ComplianceRunSummary = {
    asOf: options.asOf,
    itemCount: items.length,
    measures: result.measures,
    measuresNotEvaluated: result.measuresNotEvaluated,
    indicators,
    durationMs: Math.round(performance.now() - started),
  };
  await db.insert(complianceRuns).values({
    organisationId,
    asOf: options.asOf,
    trigger: options.trigger,
    importId: options.importId ?? null,
    measures: summary.measures,
    measuresNotEvaluated: summary.measuresNotEvaluated,
    indicators: summary.indicators,
    itemCount: summary.itemCount,
    durationMs: summary.durationMs,
  });
  return summary;
}

function stored({ childIds: _children, ...indicator }: IndicatorResult, periodName: StoredIndicator['periodName']): StoredIndicator {
  return { ...indicator, periodName };
}

/** Each child with facts gets the case type their facts give on `asOf`; children without facts keep theirs. */
async function updateCaseTypes(db: Db, facts: readonly CaseFact[], asOf: IsoDate): Promise<void> {
  const byChild = new Map<string, CaseFact[]>();
  for (const fact of facts) {
    const list = byChild.get(fact.childId);
    if (list) list.push(fact);
    else byChild.set(fact.childId, [fact]);
  }
  const ids: string[] = [];
  const types: (string | null)[] = [];
  for (const [childId, childFacts] of byChild) {
    ids.push(childId);
    types.push(currentCaseType(childFacts, asOf));
  }
  for (let start = 0; start < ids.length; start += 20_000) {
    await db.execute(sql`
      update children c set case_type = u.case_type, updated_at = now()
      from unnest(${param(ids.slice(start, start + 20_000))}::uuid[], ${param(types.slice(start, start + 20_000))}::text[]) as u(id, case_type)
      where c.id = u.id and c.case_type is distinct from u.case_type`);
  }
}

/** Recomputes in a transaction of its own, queued behind any import for the same council. */
export async function recomputeNow(db: Db, organisationId: string, asOf: IsoDate, trigger: RecomputeTrigger): Promise<ComplianceRunSummary> {
  return db.transaction(async (tx) => {
    await lockCaseData(tx, organisationId);
    return recomputeCompliance(tx, organisationId, { asOf, trigger });
  });
}

/** A QA officer's "work it out again now". */
export async function recomputeOnRequest(db: Db, actor: Actor, asOf: IsoDate): Promise<ComplianceRunSummary> {
  requireCapability(actor, 'cases.manage');
  return recomputeNow(db, actor.organisationId, asOf, 'on demand');
}

export interface LatestRun extends ComplianceRunSummary {
  computedAt: Date;
  trigger: string;
}

export async function latestRun(db: Db, organisationId: string): Promise<LatestRun | undefined> {
  const [row] = await queryRows<{
    asOf: string | Date;
    itemCount: number;
    measures: MeasureSummary[];
    measuresNotEvaluated: { id: string; reason: string }[];
    indicators: StoredIndicator[];
    durationMs: number;
    computedAt: string | Date;
    trigger: string;
  }>(
    db,
    sql`select to_char(as_of, 'YYYY-MM-DD') as "asOf", item_count as "itemCount", measures, measures_not_evaluated as "measuresNotEvaluated", indicators,
               duration_ms as "durationMs", computed_at as "computedAt", trigger
        from compliance_runs where organisation_id = ${organisationId} order by computed_at desc, id limit 1`,
  );
  if (!row) return undefined;
  return { ...row, asOf: String(row.asOf), computedAt: new Date(row.computedAt) };
}
