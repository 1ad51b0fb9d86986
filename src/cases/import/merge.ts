/**
 * Merging what several files said into one extract. A child appears once, with the later files'
 * details; a fact that a later file states again (same child, kind and anchor date) replaces the
 * earlier file's version, so an overlapping or newer extract updates rather than duplicates.
 */
import type { CaseFact, Child, FactSource, ImportProblem, ParsedExtract } from '../facts.ts';
import { mergeChild } from './extract-builder.ts';

/**
 * What tells two facts of one kind about one child apart: the anchor date (and for an allocation,
 * the worker and team too). Also the natural key of a stored fact, so a re-import updates it.
 */
export function factAnchor(fact: CaseFact): string {
  switch (fact.kind) {
    case 'early-help':
    case 'cin-episode':
    case 'assessment':
    case 'cin-plan':
    case 'cp-plan':
    case 'cla-episode':
    case 'placement':
    case 'missing':
    case 'deprivation-of-liberty':
      return fact.startDate;
    case 'allocation':
      return `${fact.startDate}\u0000${fact.worker ?? ''}\u0000${fact.team ?? ''}`;
    case 's47':
      return fact.strategyDate;
    case 'placement-count':
      return fact.asOf;
    case 'adoption':
      return fact.decisionDate ?? fact.placedDate ?? fact.orderDate ?? fact.matchedDate ?? fact.placementOrderDate ?? '';
    default:
      return fact.date;
  }
}

/** What makes two facts "the same event" across files: the child, the kind and its anchor date. */
function factIdentity(fact: CaseFact): string {
  return `${fact.childId}\u0000${fact.kind}\u0000${factAnchor(fact)}`;
}

function where(source: FactSource): Pick<ImportProblem, 'file' | 'sheet' | 'row'> {
  return { file: source.file, ...(source.sheet === undefined ? {} : { sheet: source.sheet }), ...(source.row === undefined ? {} : { row: source.row }) };
}

/**
 * Merges extracts; later files win. `fileOrder` lists the files as they were read, because one
 * part may hold several files of a format parsed together; without it, later parts win.
 */
export function mergeExtracts(parts: readonly ParsedExtract[], fileOrder: readonly string[] = []): ParsedExtract {
  const children = new Map<string, Child>();
  const problems: ImportProblem[] = [];
  for (const part of parts) {
    problems.push(...part.problems);
    for (const child of part.children) {
      const existing = children.get(child.childId);
      if (existing === undefined) {
        children.set(child.childId, { ...child });
        continue;
      }
      const { childId: _id, source, ...details } = child;
      const conflict = mergeChild(existing, details);
      if (conflict !== undefined) problems.push({ ...where(source), severity: 'warning', message: conflict });
    }
  }

  const fileRank = new Map(fileOrder.map((file, index) => [file, index] as const));
  const rank = (fact: CaseFact, partIndex: number) => fileRank.get(fact.source.file) ?? fileOrder.length + partIndex;
  const ranked = parts.flatMap((part, partIndex) => part.facts.map((fact) => ({ fact, identity: factIdentity(fact), rank: rank(fact, partIndex) })));
  const latest = new Map<string, number>();
  for (const { identity, rank: order } of ranked) latest.set(identity, Math.max(latest.get(identity) ?? -1, order));
  const facts = ranked.filter(({ identity, rank: order }) => latest.get(identity) === order).map(({ fact }) => fact);

  const formats = [...new Set(parts.flatMap((part) => part.formats ?? [part.format]))];
  return {
    // `manual` stands for "nothing was imported" when no file could be read at all.
    format: formats[0] ?? 'manual',
    formats,
    children: [...children.values()],
    facts,
    problems,
    rowsRead: parts.reduce((sum, part) => sum + part.rowsRead, 0),
  };
}
