/**
 * The filters every insight page shares (period, service, team, tool, case type), read from and
 * written back to the query string so a view can be bookmarked and shared, and the finer
 * "drill" conditions a figure's link adds to say which audits stand behind it.
 */
import { z } from 'zod';
import { CaseTypeSchema, type CaseType } from '../standards/schema.ts';

/** YYYY-MM. */
export type Month = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The longest period a page covers: three years of months is already a wide chart. */
export const MAX_MONTHS = 36;
/** Without a period, the twelve months up to and including this one. */
export const DEFAULT_MONTHS = 12;

export const CASE_TYPE_WORDS: Record<CaseType, string> = {
  'early-help': 'Early help',
  cin: 'Child in need',
  cp: 'Child protection',
  cla: 'Looked after',
  'care-leaver': 'Care leaver',
  adoption: 'Adoption',
  'pre-birth': 'Pre-birth',
};

export function isMonth(value: unknown): value is Month {
  return typeof value === 'string' && MONTH.test(value);
}

export function monthOf(isoDate: string): Month {
  return isoDate.slice(0, 7);
}

export function addMonthsTo(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to` inclusive (empty when `to` is before `from`). */
export function monthsBetween(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let m = from; m <= to; m = addMonthsTo(m, 1)) out.push(m);
  return out;
}

export function firstDay(month: Month): string {
  return `${month}-01`;
}

/** The first day of the month after: periods are half-open, [first day of from, first day after to). */
export function dayAfter(month: Month): string {
  return firstDay(addMonthsTo(month, 1));
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "March 2026". */
export function monthLabel(month: Month): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]} ${y}`;
}

/** "Mar 2026": for chart axes, where space is short. */
export function shortMonthLabel(month: Month): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]!.slice(0, 3)} ${y}`;
}

export function periodLabel(from: Month, to: Month): string {
  return from === to ? monthLabel(from) : `${monthLabel(from)} to ${monthLabel(to)}`;
}

export interface InsightFilter {
  from: Month;
  to: Month;
  serviceId?: string | undefined;
  teamId?: string | undefined;
  toolId?: string | undefined;
  caseType?: CaseType | undefined;
}

const slug = z.string().regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/);

/** Anything malformed is dropped rather than refused: a hand-edited link still shows a page. */
const Query = z.object({
  from: z.string().refine(isMonth).optional().catch(undefined),
  to: z.string().refine(isMonth).optional().catch(undefined),
  service: z.uuid().optional().catch(undefined),
  team: z.uuid().optional().catch(undefined),
  tool: slug.optional().catch(undefined),
  caseType: CaseTypeSchema.optional().catch(undefined),
});

/**
 * The filter in a query string. Without a period: the twelve months to `thisMonth`. A period
 * the wrong way round is turned round; one longer than three years keeps its last three years.
 */
export function parseFilter(query: unknown, thisMonth: Month): InsightFilter {
  const q = Query.parse(query ?? {});
  let to = q.to ?? (q.from && q.from > thisMonth ? q.from : thisMonth);
  let from = q.from ?? addMonthsTo(to, -(DEFAULT_MONTHS - 1));
  if (from > to) [from, to] = [to, from];
  if (monthsBetween(from, to).length > MAX_MONTHS) from = addMonthsTo(to, -(MAX_MONTHS - 1));
  return { from, to, serviceId: q.service, teamId: q.team, toolId: q.tool, caseType: q.caseType };
}

/** What narrows a figure down to the audits behind it (added to the filter in its link). */
export interface Drill {
  /** Audits completed (submitted) in this month. */
  month?: Month | undefined;
  /** The rank of the audit's settled overall grade (moderated where moderated): 1 is the best. */
  rank?: number | undefined;
  goodOrBetter?: boolean | undefined;
  /**
   * An item: the area and criterion ('' for the area as a whole), graded at `stage` (or, without
   * a stage, its settled grade), at rank `itemRank` when given.
   */
  area?: string | undefined;
  criterion?: string | undefined;
  itemRank?: number | undefined;
  stage?: 'self-assessment' | 'audit' | 'moderation' | undefined;
  auditor?: string | undefined;
  /** How moderation changed the overall grade. */
  moderation?: 'any' | 'agreed' | 'lowered' | 'raised' | undefined;
  /** Family feedback recorded (sought) or only a reason it was not. */
  feedback?: 'sought' | 'not-sought' | undefined;
  rating?: number | undefined;
  theme?: string | undefined;
  /** Audits with actions (created in the period) in this state. */
  actions?: 'outstanding' | 'overdue' | 'awaiting' | 'signed-off' | undefined;
  /** Audits of one inspection-rehearsal round. */
  round?: string | undefined;
}

const DrillQuery = z.object({
  month: z.string().refine(isMonth).optional().catch(undefined),
  rank: z.coerce.number().int().min(1).max(12).optional().catch(undefined),
  goodOrBetter: z
    .literal('1')
    .transform(() => true)
    .optional()
    .catch(undefined),
  area: z.string().max(40).regex(/^[A-Za-z0-9.-]+$/).optional().catch(undefined),
  criterion: z.string().max(40).regex(/^[A-Za-z0-9.-]*$/).optional().catch(undefined),
  itemRank: z.coerce.number().int().min(1).max(12).optional().catch(undefined),
  stage: z.enum(['self-assessment', 'audit', 'moderation']).optional().catch(undefined),
  auditor: z.uuid().optional().catch(undefined),
  moderation: z.enum(['any', 'agreed', 'lowered', 'raised']).optional().catch(undefined),
  feedback: z.enum(['sought', 'not-sought']).optional().catch(undefined),
  rating: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
  theme: z.uuid().optional().catch(undefined),
  actions: z.enum(['outstanding', 'overdue', 'awaiting', 'signed-off']).optional().catch(undefined),
  round: z.uuid().optional().catch(undefined),
});

export function parseDrill(query: unknown): Drill {
  return DrillQuery.parse(query ?? {});
}

/** The query string for a filter and drill, parameters in a fixed order so links are stable. */
export function queryString(filter: InsightFilter, drill: Drill = {}, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  params.set('from', filter.from);
  params.set('to', filter.to);
  if (filter.serviceId) params.set('service', filter.serviceId);
  if (filter.teamId) params.set('team', filter.teamId);
  if (filter.toolId) params.set('tool', filter.toolId);
  if (filter.caseType) params.set('caseType', filter.caseType);
  for (const [key, value] of Object.entries(drill)) {
    if (value === undefined) continue;
    params.set(key, value === true ? '1' : String(value));
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  return `?${params.toString()}`;
}

/** The link to the audits behind a figure. */
export function drillHref(filter: InsightFilter, drill: Drill): string {
  return `/insights/audits${queryString(filter, drill)}`;
}

/**
 * Financial-year quarters, as councils report them: April to June is quarter 1. A quarter is
 * named by its first month.
 */
export function quarterStart(month: Month): Month {
  const m = Number(month.slice(5, 7));
  const startMonth = [1, 4, 7, 10].filter((s) => s <= m).pop()!;
  return `${month.slice(0, 4)}-${String(startMonth).padStart(2, '0')}`;
}

export function isQuarterStart(month: Month): boolean {
  return quarterStart(month) === month;
}

/** "January to March 2026 (quarter 4 of 2025 to 2026)". */
export function quarterLabel(start: Month): string {
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7));
  const end = addMonthsTo(start, 2);
  const financialYear = m >= 4 ? y : y - 1;
  const number = m >= 4 ? (m - 1) / 3 : 4;
  return `${MONTH_NAMES[m - 1]} to ${monthLabel(end)} (quarter ${number} of ${financialYear} to ${financialYear + 1})`;
}
