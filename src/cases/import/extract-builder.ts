/**
 * Collects what one parse finds (children, facts, problems) into a `ParsedExtract`, merging what
 * several rows say about the same child.
 */
import type { CaseFact, Child, FactSource, ImportProblem, ParsedExtract } from '../facts.ts';

export type ChildDetails = Partial<Omit<Child, 'childId' | 'source'>>;

/**
 * Folds `details` into `existing` (later values replace earlier ones) and returns the warning to
 * give when the two disagree on the date of birth, which every age-based deadline depends on.
 */
export function mergeChild(existing: Child, details: ChildDetails): string | undefined {
  let conflict: string | undefined;
  if (details.dateOfBirth !== undefined && existing.dateOfBirth !== undefined && details.dateOfBirth !== existing.dateOfBirth) {
    const earlier = existing.source;
    const place = [earlier.file, earlier.sheet, earlier.row === undefined ? undefined : `row ${earlier.row}`].filter(Boolean).join(', ');
    conflict = `date of birth ${details.dateOfBirth} differs from ${existing.dateOfBirth} given earlier (${place}); the later one is used`;
  }
  for (const [field, value] of Object.entries(details)) {
    if (value !== undefined) (existing as unknown as Record<string, unknown>)[field] = value;
  }
  return conflict;
}

export class ExtractBuilder {
  private readonly children = new Map<string, Child>();
  private readonly facts: CaseFact[] = [];
  readonly problems: ImportProblem[] = [];
  rowsRead = 0;

  constructor(private readonly format: FactSource['format']) {}

  source(file: string, sheet: string | undefined, row: number | undefined): FactSource {
    return { format: this.format, file, ...(sheet === undefined ? {} : { sheet }), ...(row === undefined ? {} : { row }) };
  }

  /** Records what a row says about a child. `dobColumn` locates a conflicting date of birth. */
  child(childId: string, details: ChildDetails, source: FactSource, dobColumn?: string): void {
    const existing = this.children.get(childId);
    if (existing === undefined) {
      const fresh: Child = { childId, source };
      mergeChild(fresh, details);
      this.children.set(childId, fresh);
      return;
    }
    const conflict = mergeChild(existing, details);
    if (conflict !== undefined) {
      this.problems.push({
        file: source.file,
        ...(source.sheet === undefined ? {} : { sheet: source.sheet }),
        ...(source.row === undefined ? {} : { row: source.row }),
        ...(dobColumn === undefined ? {} : { column: dobColumn }),
        severity: 'warning',
        message: conflict,
      });
    }
  }

  /** Adds details to a child already recorded (a no-op for an unknown child). */
  updateChild(childId: string, details: ChildDetails): void {
    const existing = this.children.get(childId);
    if (existing !== undefined) mergeChild(existing, details);
  }

  fact(fact: CaseFact): void {
    this.facts.push(fact);
  }

  result(): ParsedExtract {
    return {
      format: this.format,
      formats: [this.format],
      children: [...this.children.values()],
      facts: this.facts,
      problems: this.problems,
      rowsRead: this.rowsRead,
    };
  }
}

/** Drops `undefined` members so facts carry only what the extract actually said. */
export function defined<T extends object>(record: T): T {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) kept[key] = value;
  return kept as T;
}
