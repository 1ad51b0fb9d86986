/**
 * A case fact as one database row and back. The row keeps the fact's natural key (kind and anchor,
 * see `factAnchor`), the dates pages filter on, the fact itself as JSON without the child id (the
 * row's child says that) and where it came from, located to the file, sheet and row.
 */
import type { CaseFact, CaseFactKind, FactSource } from './facts.ts';
import { factAnchor } from './import/merge.ts';

export interface StoredFact {
  kind: CaseFactKind;
  /** Unique per child and kind: the anchor date, and for an allocation the worker and team. */
  factKey: string;
  eventDate: string | null;
  endDate: string | null;
  /** The fact's own fields: everything but `childId` and `source`. */
  body: Record<string, unknown>;
  source: FactSource;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** PostgreSQL text cannot hold U+0000, which `factAnchor` uses between the parts of a key. */
const KEY_SEPARATOR = '\u001f';

export function toStoredFact(fact: CaseFact): StoredFact {
  const { childId: _child, source, ...body } = fact;
  const key = factAnchor(fact).replaceAll('\u0000', KEY_SEPARATOR);
  const leading = key.slice(0, 10);
  const end = 'endDate' in fact ? fact.endDate : undefined;
  return {
    kind: fact.kind,
    factKey: key,
    eventDate: ISO_DATE.test(leading) ? leading : null,
    endDate: end ?? null,
    body,
    source,
  };
}

export interface FactRow {
  kind: string;
  fact: unknown;
  sourceFormat: string;
  sourceFile: string;
  sourceSheet: string | null;
  sourceRow: number | null;
}

/** The fact a row holds, for `childId` (the engine is given Sightline's child id, not the council's). */
export function fromStoredFact(childId: string, row: FactRow): CaseFact {
  const source: FactSource = {
    format: row.sourceFormat as FactSource['format'],
    file: row.sourceFile,
    ...(row.sourceSheet === null ? {} : { sheet: row.sourceSheet }),
    ...(row.sourceRow === null ? {} : { row: row.sourceRow }),
  };
  return { ...(row.fact as object), kind: row.kind, childId, source } as CaseFact;
}

/**
 * One import's facts with one row per natural key: where a child's extract states the same event
 * twice, the later statement wins, as it does when files are merged.
 */
export function uniqueByKey<T extends { childKey: string; stored: StoredFact }>(rows: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(`${row.childKey}${KEY_SEPARATOR}${row.stored.kind}${KEY_SEPARATOR}${row.stored.factKey}`, row);
  return [...byKey.values()];
}
