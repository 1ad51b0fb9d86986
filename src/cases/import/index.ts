/**
 * Importing councils' extracts: Ofsted Annex A, SSDA903, the CIN census and the Standard
 * Safeguarding Dataset, in any mix, each file recognised by its content and checked before it is
 * parsed. Everything returns a `ParsedExtract`: children, facts, and every problem found, located
 * by file, sheet, row and column.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FactSource, ImportProblem, ParsedExtract } from '../facts.ts';
import { parseAnnexASheets, recogniseAnnexAList } from './annex-a.ts';
import { parseCinCensus } from './cin-census.ts';
import { checkFile, DEFAULT_FILE_LIMITS, type FileLimits } from './file-checks.ts';
import { mergeExtracts } from './merge.ts';
import { parseSsdSheets, recogniseSsdTable, ssdTableTag } from './ssd.ts';
import { parseSsda903Sheets, parseSsda903Xml, recogniseSsda903Table } from './ssda903.ts';
import type { SheetRows } from './table.ts';
import { csvHeadings, decodeText, readCsv } from './text.ts';
import { displayName } from './values.ts';
import { readWorkbook } from './workbook.ts';
import { xmlRootName } from './xml.ts';

export { DEFAULT_FILE_LIMITS, type FileLimits } from './file-checks.ts';

export type ExtractFormat = Exclude<FactSource['format'], 'manual'>;
/** Formats that come as tables (CSV files or worksheets) rather than one XML document. */
type TabularFormat = Exclude<ExtractFormat, 'cin-census'>;

export type Detection =
  | { ok: true; format: ExtractFormat; container: 'xlsx' | 'xml' | 'csv'; table?: string }
  | { ok: false; reason: string };

/** Which format headings belong to; the SSD's and the 903's exact field names are tried first. */
function tabularFormat(headers: readonly unknown[], name: string): { format: TabularFormat; table: string } | undefined {
  const ssd = recogniseSsdTable(headers);
  if (ssd !== undefined) return { format: 'ssd', table: ssd.name };
  const ssda903 = recogniseSsda903Table(headers);
  if (ssda903 !== undefined) return { format: 'ssda903', table: ssda903.name };
  const list = recogniseAnnexAList(headers, name);
  if (list !== undefined) return { format: 'annex-a', table: list.name };
  return undefined;
}

/** Annex A templates may have title rows above the headings; other formats head their first row. */
function worksheetFormat(sheet: SheetRows): { format: TabularFormat; table: string } | undefined {
  const [first] = sheet.rows;
  const direct = first === undefined ? undefined : tabularFormat(first.cells, sheet.sheet ?? sheet.file);
  if (direct !== undefined) return direct;
  for (const row of sheet.rows.slice(1, 10)) {
    const list = recogniseAnnexAList(row.cells, sheet.sheet ?? sheet.file);
    if (list !== undefined) return { format: 'annex-a', table: list.name };
  }
  return undefined;
}

const XML_FORMATS: Readonly<Record<string, ExtractFormat>> = { Message: 'cin-census', EXPSSDA903: 'ssda903' };

/** One file, checked and opened: either tables to assemble with others, or a finished extract. */
type Opened =
  | { kind: 'tables'; units: { format: TabularFormat; sheet: SheetRows }[]; problems: ImportProblem[] }
  | { kind: 'extract'; extract: ParsedExtract };

function failed(file: string, message: string): Opened {
  return { kind: 'extract', extract: problemsOnly([{ file, severity: 'error', message }]) };
}

function problemsOnly(problems: ImportProblem[]): ParsedExtract {
  return { format: 'manual', formats: [], children: [], facts: [], problems, rowsRead: 0 };
}

async function open(file: string, bytes: Uint8Array, limits: FileLimits): Promise<Opened> {
  const check = checkFile(bytes, limits);
  if (!check.ok) return failed(file, check.reason);
  if (check.kind === 'xlsx') {
    let sheets: SheetRows[];
    try {
      sheets = await readWorkbook(file, bytes);
    } catch (error) {
      return failed(file, `the workbook cannot be opened: ${(error as Error).message}`);
    }
    const units: { format: TabularFormat; sheet: SheetRows }[] = [];
    const problems: ImportProblem[] = [];
    for (const sheet of sheets) {
      if (sheet.rows.length === 0) continue;
      const found = worksheetFormat(sheet);
      if (found === undefined) {
        problems.push({ file, sheet: sheet.sheet, severity: 'warning', message: 'this sheet matches no Annex A list, SSDA903 or SSD table, so it is not imported' });
      } else if (found.format === 'annex-a') {
        units.push({ format: 'annex-a', sheet });
      } else {
        const [headings, ...rows] = sheet.rows;
        units.push({ format: found.format, sheet: { ...sheet, headers: headings?.cells ?? [], rows } });
      }
    }
    if (units.length === 0) problems.push({ file, severity: 'error', message: 'no sheet of this workbook is an extract Sightline can import' });
    return { kind: 'tables', units, problems };
  }
  const text = decodeText(bytes);
  if (check.kind === 'xml') {
    const root = xmlRootName(text);
    const format = root === undefined ? undefined : XML_FORMATS[root];
    if (format === 'cin-census') return { kind: 'extract', extract: parseCinCensus(file, text) };
    if (format === 'ssda903') return { kind: 'extract', extract: parseSsda903Xml(file, text) };
    return failed(file, `an XML file whose root element <${(root ?? '?').slice(0, 40)}> is neither a CIN census (<Message>) nor an SSDA903 return (<EXPSSDA903>)`);
  }
  const headings = csvHeadings(text);
  if (headings.length < 2) return failed(file, 'a text file that is not a CSV table (its first line is not a row of column headings)');
  const found = tabularFormat(headings, file);
  if (found === undefined) {
    const tag = ssdTableTag(headings);
    if (tag !== undefined) {
      return { kind: 'extract', extract: problemsOnly([{ file, row: 1, severity: 'warning', message: `an SSD table (${tag}_…) that Sightline does not import` }]) };
    }
    return failed(file, 'the column headings match no Annex A list, SSDA903 table or SSD table');
  }
  const problems: ImportProblem[] = [];
  const sheet = readCsv(file, text, problems);
  return { kind: 'tables', units: [{ format: found.format, sheet }], problems };
}

const ASSEMBLERS: Readonly<Record<TabularFormat, (sheets: SheetRows[]) => ParsedExtract>> = {
  'annex-a': parseAnnexASheets,
  ssda903: parseSsda903Sheets,
  ssd: parseSsdSheets,
};

/**
 * Assembles opened files: tables of one format are parsed together (SSD tables link to each other),
 * in the order their format first appeared; finished extracts keep their place.
 */
function assemble(opened: readonly Opened[], fileOrder: readonly string[]): ParsedExtract {
  const parts: ParsedExtract[] = [];
  const groups = new Map<TabularFormat, { at: number; sheets: SheetRows[] }>();
  const readingProblems: ImportProblem[] = [];
  for (const item of opened) {
    if (item.kind === 'extract') {
      parts.push(item.extract);
      continue;
    }
    readingProblems.push(...item.problems);
    for (const unit of item.units) {
      const group = groups.get(unit.format);
      if (group === undefined) {
        groups.set(unit.format, { at: parts.length, sheets: [unit.sheet] });
        parts.push(problemsOnly([]));
      } else {
        group.sheets.push(unit.sheet);
      }
    }
  }
  for (const [format, { at, sheets }] of groups) parts[at] = ASSEMBLERS[format](sheets);
  return mergeExtracts([problemsOnly(readingProblems), ...parts], fileOrder);
}

/** What a file is, judged by its content (zip and workbook sheets, XML root element, CSV headings). */
export async function detectFormat(fileName: string, bytes: Uint8Array, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<Detection> {
  const file = displayName(fileName);
  const check = checkFile(bytes, limits);
  if (!check.ok) return check;
  if (check.kind === 'xml') {
    const root = xmlRootName(decodeText(bytes));
    const format = root === undefined ? undefined : XML_FORMATS[root];
    return format === undefined ? { ok: false, reason: 'an XML file that is neither a CIN census nor an SSDA903 return' } : { ok: true, format, container: 'xml' };
  }
  if (check.kind === 'text') {
    const found = tabularFormat(csvHeadings(decodeText(bytes)), file);
    return found === undefined ? { ok: false, reason: 'the column headings match no known extract' } : { ok: true, format: found.format, container: 'csv', table: found.table };
  }
  try {
    const found = (await readWorkbook(file, bytes)).map(worksheetFormat).find((entry) => entry !== undefined);
    return found === undefined ? { ok: false, reason: 'no sheet of this workbook is a known extract' } : { ok: true, format: found.format, container: 'xlsx', table: found.table };
  } catch (error) {
    return { ok: false, reason: `the workbook cannot be opened: ${(error as Error).message}` };
  }
}

export interface ExtractFile {
  /** The name as uploaded: a label only, never used to build a path. */
  fileName: string;
  bytes: Uint8Array;
}

/**
 * Parses several uploaded files together (an SSD extract's tables, a folder of Annex A CSVs).
 * `onProgress` is awaited after each file is opened, so a caller can report progress elsewhere.
 */
export async function parseExtractFiles(
  files: readonly ExtractFile[],
  limits: FileLimits = DEFAULT_FILE_LIMITS,
  onProgress?: (progress: { file: string; filesRead: number; filesTotal: number }) => void | Promise<void>,
): Promise<ParsedExtract> {
  const opened: Opened[] = [];
  for (const [index, { fileName, bytes }] of files.entries()) {
    opened.push(await open(displayName(fileName), bytes, limits));
    await onProgress?.({ file: displayName(fileName), filesRead: index + 1, filesTotal: files.length });
  }
  return assemble(opened, files.map(({ fileName }) => displayName(fileName)));
}

/** Parses one uploaded file, e.g. from the browser. */
export async function parseExtract(fileName: string, bytes: Uint8Array, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<ParsedExtract> {
  return parseExtractFiles([{ fileName, bytes }], limits);
}

export interface ReadOptions {
  limits?: FileLimits;
  /** Called as each file is read, for a progress line on a terminal. */
  onProgress?: (progress: { file: string; filesRead: number; filesTotal: number }) => void;
}

/** Files under `path`: itself, or every file in the folder and its sub-folders (hidden ones and symbolic-link folders skipped). */
export async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(full)));
    else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile())) found.push(full);
  }
  return found;
}

/**
 * Reads files and folders named on the command line: any mix of formats, each recognised by its
 * content, merged into one extract (children once each, a restated fact kept from the later file).
 */
export async function readExtracts(paths: string[], options: ReadOptions = {}): Promise<ParsedExtract> {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const opened: Opened[] = [];
  const files: string[] = [];
  for (const path of paths) {
    try {
      files.push(...(await filesUnder(path)));
    } catch (error) {
      opened.push(failed(basename(path), `cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`));
    }
  }
  for (const [index, path] of files.entries()) {
    const file = displayName(basename(path));
    try {
      // The size is checked before reading, so an oversized file is never loaded into memory.
      const size = (await stat(path)).size;
      opened.push(size > limits.maxBytes ? failed(file, `the file is larger than the ${Math.round(limits.maxBytes / 1024 / 1024)} MB allowed`) : await open(file, await readFile(path), limits));
    } catch (error) {
      opened.push(failed(file, `cannot be read: ${(error as Error).message}`));
    }
    options.onProgress?.({ file, filesRead: index + 1, filesTotal: files.length });
  }
  return assemble(opened, files.map((path) => displayName(basename(path))));
}

const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  // A cell starting like a formula would run as one when the report is opened in a spreadsheet.
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The downloadable error report: one line per problem, located exactly. */
export function problemsToCsv(problems: readonly ImportProblem[]): string {
  const lines = [['file', 'sheet', 'row', 'column', 'severity', 'message'].join(',')];
  for (const problem of problems) {
    lines.push([problem.file, problem.sheet, problem.row, problem.column, problem.severity, problem.message].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
