/**
 * Reading, validating and writing the standards catalogue (`standards/**.yaml`).
 *
 * A broken built-in file must stop the server before anyone audits against it, and an
 * administrator uploading a revised tool must be told exactly what to change. So every problem in
 * every file is collected (not just the first), and each names the file, the line where YAML can
 * locate it, and the path inside the document, e.g. `areas[2].criteria[0].descriptors.good`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, stringify } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { CatalogueFileSchema } from './schema.ts';
import type { CatalogueFile, PracticeStandard, Timescale } from './schema.ts';

/** One thing wrong with one catalogue file. */
export interface CatalogueProblem {
  file: string;
  /** Path inside the document (`areas[2].title`); empty for the document as a whole. */
  path: string;
  /** 1-based position in the file, when the problem can be placed on a line. */
  line?: number;
  column?: number;
  message: string;
}

export class CatalogueError extends Error {
  readonly problems: readonly CatalogueProblem[];

  constructor(problems: readonly CatalogueProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Standards catalogue: ${count}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'CatalogueError';
    this.problems = problems;
  }
}

export function formatProblem(problem: CatalogueProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** `['areas', 2, 'criteria', 0, 'title']` → `areas[2].criteria[0].title`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Parses and validates one catalogue file; throws a CatalogueError listing every problem. */
export function parseCatalogueFile(text: string, fileName: string): CatalogueFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new CatalogueError(
      doc.errors.map((error) => {
        const [start] = error.linePos ?? [];
        return { file: fileName, path: '', line: start?.line, column: start?.col, message: firstLine(error.message) };
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw new CatalogueError([{ file: fileName, path: '', message: 'the file is empty' }]);
  const result = CatalogueFileSchema.safeParse(data);
  if (!result.success) {
    throw new CatalogueError(result.error.issues.map((issue) => describeIssue(issue, data, doc, lineCounter, fileName)));
  }
  // zod drops fields it does not know; in a hand-edited file that is nearly always a misspelt
  // field whose content would silently vanish, so it is refused instead.
  const unknown = unknownFields(data, result.data, []);
  if (unknown.length > 0) {
    throw new CatalogueError(
      unknown.map((segments) => ({
        file: fileName,
        path: formatPath(segments),
        ...locate(doc, lineCounter, segments),
        message: `unknown field "${String(segments.at(-1))}" (misspelt, or not part of a ${result.data.kind} file)`,
      })),
    );
  }
  return result.data;
}

/** YAML's messages end with a position and a code frame, which the problem already carries. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(input: unknown, output: unknown, at: PropertyKey[]): PropertyKey[][] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((item, i) => unknownFields(item, output[i], [...at, i]));
  }
  if (isRecord(input) && isRecord(output)) {
    return Object.keys(input).flatMap((key) => (key in output ? unknownFields(input[key], output[key], [...at, key]) : [[...at, key]]));
  }
  return [];
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown, doc: Document, lineCounter: LineCounter, file: string): CatalogueProblem {
  const segments = issue.path;
  const position = locate(doc, lineCounter, segments);
  return { file, path: formatPath(segments), ...position, message: explain(issue, valueAt(data, segments)) };
}

/** zod's wording is written for programmers; a QA lead editing YAML needs to know what to type. */
function explain(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return `is required (expected ${issue.expected})`;
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')} (found ${JSON.stringify(value) ?? 'nothing'})`;
  }
  if (issue.code === 'invalid_value' && value !== undefined) return `${issue.message} (found ${JSON.stringify(value)})`;
  return issue.message;
}

function valueAt(data: unknown, segments: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The line of the deepest node on the path that exists: a missing key is reported at its parent. */
function locate(doc: Document, lineCounter: LineCounter, segments: readonly PropertyKey[]): { line?: number; column?: number } {
  for (let depth = segments.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(segments.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return {};
}

/** YAML for one catalogue file, such that parseCatalogueFile(serialiseCatalogueFile(f)) equals f. */
export function serialiseCatalogueFile(file: CatalogueFile): string {
  // lineWidth 0: long descriptors stay on one line, so a diff between versions shows whole sentences.
  return stringify(file, { lineWidth: 0, aliasDuplicateObjects: false });
}

export interface CatalogueEntry {
  /** Path relative to the catalogue folder, with forward slashes, e.g. `audit-tools/practice.yaml`. */
  path: string;
  file: CatalogueFile;
}

export interface TimescaleEntry {
  /** The practice-standards file and the standard that states this timescale. */
  catalogue: string;
  standard: PracticeStandard;
  timescale: Timescale;
}

export interface Catalogue {
  /** In path order, so every load of the same folder gives the same order. */
  files: readonly CatalogueEntry[];
  byId: ReadonlyMap<string, CatalogueEntry>;
  timescales: ReadonlyMap<string, TimescaleEntry>;
}

/** Reads every `*.yaml` under `dir` (recursively); throws one CatalogueError for all problems found. */
export async function loadCatalogue(dir: string): Promise<Catalogue> {
  const found = await readdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new CatalogueError([{ file: dir, path: '', message: 'catalogue folder not found' }]);
    throw error;
  });
  const names = found
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  if (names.length === 0) {
    throw new CatalogueError([{ file: dir, path: '', message: 'no .yaml catalogue files found' }]);
  }
  const problems: CatalogueProblem[] = [];
  const files: CatalogueEntry[] = [];
  for (const name of names) {
    const fileName = path.join(dir, name);
    try {
      files.push({ path: name, file: parseCatalogueFile(await readFile(fileName, 'utf8'), fileName) });
    } catch (error) {
      if (!(error instanceof CatalogueError)) throw error;
      problems.push(...error.problems);
    }
  }
  const { catalogue, problems: crossFileProblems } = indexCatalogue(files, (entry) => path.join(dir, entry.path));
  problems.push(...crossFileProblems);
  if (problems.length > 0) throw new CatalogueError(problems);
  return catalogue;
}

/**
 * Builds the lookups and checks what no single file can: ids unique across files, timescale ids
 * unique across the catalogue (the timeliness engine reports against them), and item ids unique
 * within a file (mappings and audits refer to items by id).
 */
export function indexCatalogue(
  files: readonly CatalogueEntry[],
  fileNameOf: (entry: CatalogueEntry) => string = (entry) => entry.path,
): { catalogue: Catalogue; problems: CatalogueProblem[] } {
  const problems: CatalogueProblem[] = [];
  const byId = new Map<string, CatalogueEntry>();
  const timescales = new Map<string, TimescaleEntry>();
  const timescaleHome = new Map<string, string>();

  for (const entry of files) {
    const file = fileNameOf(entry);
    const { id } = entry.file;
    const first = byId.get(id);
    if (first) problems.push({ file, path: 'id', message: `duplicate catalogue id "${id}" (also used by ${fileNameOf(first)})` });
    else byId.set(id, entry);

    if (entry.file.kind === 'outcome-measures') {
      const seen = new Set<string>();
      entry.file.groups.forEach((group, g) =>
        group.measures.forEach((measure, m) => {
          if (seen.has(measure.id)) problems.push({ file, path: formatPath(['groups', g, 'measures', m, 'id']), message: `duplicate measure id "${measure.id}"` });
          seen.add(measure.id);
        }),
      );
    }

    if (entry.file.kind === 'practice-standards') {
      const seen = new Set<string>();
      entry.file.sections.forEach((section, s) =>
        section.standards.forEach((standard, i) => {
          if (seen.has(standard.id)) problems.push({ file, path: formatPath(['sections', s, 'standards', i, 'id']), message: `duplicate standard id "${standard.id}"` });
          seen.add(standard.id);
          standard.timescales.forEach((timescale, t) => {
            const home = timescaleHome.get(timescale.id);
            const where = `${file} ${formatPath(['sections', s, 'standards', i, 'timescales', t])}`;
            if (home) {
              problems.push({ file, path: formatPath(['sections', s, 'standards', i, 'timescales', t, 'id']), message: `duplicate timescale id "${timescale.id}" (also at ${home})` });
            } else {
              timescaleHome.set(timescale.id, where);
              timescales.set(timescale.id, { catalogue: id, standard, timescale });
            }
          });
        }),
      );
    }
  }
  return { catalogue: { files, byId, timescales }, problems };
}
