/**
 * Tables of rows under a heading row (a CSV file, a worksheet): recognising which table they are
 * from their headings, and validating each row with the table's zod schema, every problem located
 * by file, sheet, row and column.
 */
import type { z } from 'zod';
import type { ImportProblem } from '../facts.ts';
import { settle, type Settled } from './cells.ts';
import { headerKey, isBlank } from './values.ts';

export interface RawRow {
  /** 1-based row number as the user sees it (the heading row is row 1 in a CSV). */
  row: number;
  cells: unknown[];
}

/** The rows of one CSV file or worksheet. */
export interface SheetRows {
  file: string;
  /** The worksheet's name in a workbook; absent for a CSV file. */
  sheet?: string;
  headers: unknown[];
  rows: RawRow[];
}

export interface TableSpec<Out extends Record<string, unknown> = Record<string, unknown>> {
  /** The table's name in its format: `episodes`, `List 4`, `ssd_cin_assessments`. */
  name: string;
  /** Per field, the headings accepted for it; the first is the official one. */
  columns: Readonly<Record<string, readonly string[]>>;
  /** Fields whose columns must all be present for headings to be this table. */
  identifying: readonly string[];
  /** Headings of the format that we know and deliberately do not import (never stored). */
  ignored?: readonly string[];
  row: z.ZodType<Out, Record<string, unknown>>;
}

export interface ValidRow<Out> {
  row: number;
  data: Settled<Out>;
}

function keySet(headers: readonly unknown[]): Set<string> {
  return new Set(headers.map(headerKey).filter((key) => key !== ''));
}

/** How many of the headings this table accounts for, or `undefined` when an identifying one is missing. */
export function matchScore(spec: TableSpec, headers: readonly unknown[]): number | undefined {
  const keys = keySet(headers);
  const accepts = (field: string) => (spec.columns[field] ?? []).some((heading) => keys.has(headerKey(heading)));
  if (!spec.identifying.every(accepts)) return undefined;
  const known = new Set([...Object.values(spec.columns).flat(), ...(spec.ignored ?? [])].map(headerKey));
  return [...keys].filter((key) => known.has(key)).length;
}

/**
 * The table the headings belong to: every identifying column present, most headings accounted for.
 * `undefined` when none fits or two fit equally well (guessing would import rows into the wrong table).
 */
export function recogniseTable<S extends TableSpec>(specs: readonly S[], headers: readonly unknown[]): S | undefined {
  let best: S | undefined;
  let bestScore = -1;
  let tied = false;
  for (const spec of specs) {
    const score = matchScore(spec, headers);
    if (score === undefined) continue;
    if (score > bestScore) {
      best = spec;
      bestScore = score;
      tied = false;
    } else if (score === bestScore) {
      tied = true;
    }
  }
  return tied ? undefined : best;
}

interface ColumnMap {
  index: Map<string, number>;
  heading: Map<string, string>;
}

function mapColumns(spec: TableSpec, sheet: SheetRows, problems: ImportProblem[]): ColumnMap {
  const byKey = new Map<string, string>();
  for (const [field, headings] of Object.entries(spec.columns)) for (const heading of headings) byKey.set(headerKey(heading), field);
  const ignored = new Set((spec.ignored ?? []).map(headerKey));
  const index = new Map<string, number>();
  const heading = new Map<string, string>();
  sheet.headers.forEach((raw, column) => {
    const key = headerKey(raw);
    if (key === '') return;
    const shownHeading = String(raw).trim();
    const field = byKey.get(key);
    const where = { file: sheet.file, sheet: sheet.sheet ?? spec.name, row: 1, column: shownHeading, severity: 'warning' as const };
    if (field === undefined) {
      if (!ignored.has(key)) problems.push({ ...where, message: `this column is not part of ${spec.name}; it is not imported` });
    } else if (index.has(field)) {
      problems.push({ ...where, message: `a second column for the same field; only the first (${heading.get(field)}) is read` });
    } else {
      index.set(field, column);
      heading.set(field, shownHeading);
    }
  });
  return { index, heading };
}

/**
 * Validates every row of `sheet` as `spec`. A row with any error yields nothing; a value that is
 * merely unreadable in a lenient field yields a warning and the row is kept without it.
 */
export function readTable<Out extends Record<string, unknown>>(
  spec: TableSpec<Out>,
  sheet: SheetRows,
  problems: ImportProblem[],
): ValidRow<Out>[] {
  const columns = mapColumns(spec, sheet, problems);
  const sheetName = sheet.sheet ?? spec.name;
  const columnOf = (field: string) => columns.heading.get(field) ?? spec.columns[field]?.[0] ?? field;
  const valid: ValidRow<Out>[] = [];
  for (const raw of sheet.rows) {
    if (raw.cells.every(isBlank)) continue;
    // Every field is present, absent columns as blanks, so the schema decides what is required.
    const input: Record<string, unknown> = {};
    for (const field of Object.keys(spec.columns)) input[field] = undefined;
    for (const [field, column] of columns.index) input[field] = raw.cells[column];
    const parsed = spec.row.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
        problems.push({
          file: sheet.file,
          sheet: sheetName,
          row: raw.row,
          ...(field === undefined ? {} : { column: columnOf(field) }),
          severity: 'error',
          message: issue.message,
        });
      }
      continue;
    }
    const data = settle(parsed.data, (field, reason) =>
      problems.push({ file: sheet.file, sheet: sheetName, row: raw.row, column: columnOf(field), severity: 'warning', message: reason }),
    );
    valid.push({ row: raw.row, data });
  }
  // An empty table is legitimate (no child went missing this year) but worth saying.
  if (sheet.rows.every((raw) => raw.cells.every(isBlank))) {
    problems.push({ file: sheet.file, sheet: sheetName, severity: 'warning', message: `${spec.name} has its headings but no rows` });
  }
  return valid;
}
