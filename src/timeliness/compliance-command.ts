/**
 * `sightline compliance FILE_OR_DIR... --as-of YYYY-MM-DD [--format json|csv|table]`
 *
 * Reads case-data extracts (any mix of Annex A, SSDA903, CIN census and SSD files, recognised by
 * their content), runs the timeliness engine and prints the result. Needs no database or server.
 *
 * Exit codes: 0 done (rows the importer rejected are reported on stderr and left out of the
 * figures); 1 the files could not be read, or not one row in them could be used; 2 usage error.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ImportProblem, ParsedExtract } from '../cases/facts.ts';
import { englandAndWalesCalendar } from '../platform/calendar/bank-holidays.ts';
import { isIsoDate } from '../platform/calendar/iso-date.ts';
import { CatalogueError, loadCatalogue } from '../standards/load.ts';
import { evaluateTimeliness, type ComplianceResult } from './engine.ts';
import { nationalMeasures } from './national-measures.ts';
import { measuresFromTimescales } from './practice-timescales.ts';
import { formatReport, REPORT_FORMATS, type ReportFormat } from './report-formats.ts';
import type { MeasureDefinition, TimelinessSettings } from './rules.ts';

export interface CommandOutput {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export type ProgressListener = (progress: { file: string; filesRead: number; filesTotal: number }) => void;
export type ExtractReader = (paths: string[], onProgress?: ProgressListener) => Promise<ParsedExtract>;

export const COMPLIANCE_USAGE = `Usage: sightline compliance FILE_OR_DIR... --as-of YYYY-MM-DD [options]

Computes timeliness compliance from case-data extracts (Ofsted Annex A, SSDA903, CIN census,
SSD), recognised by their content. Folders are read whole.

Options:
  --as-of YYYY-MM-DD        The date to judge deadlines on; later events are ignored. Required.
  --format json|csv|table   json (default): the full result; csv: one row per deadline;
                            table: a summary per measure.
  --icpc-clock first|latest Where several strategy discussions led to one ICPC, count the
                            15 working days from the first (default, as Working Together 2023)
                            or the latest.
  --standards DIR           Also check the timescales of the practice standards in this
                            catalogue folder (e.g. standards), where the data allows.
  -h, --help                Show this help.
`;

class UsageError extends Error {}

interface CommandOptions {
  paths: string[];
  asOf: string;
  format: ReportFormat;
  settings: Partial<TimelinessSettings>;
  standardsDir?: string;
  help: boolean;
}

function parseCommandArgs(args: string[]): CommandOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'as-of': { type: 'string' },
        format: { type: 'string' },
        'icpc-clock': { type: 'string' },
        standards: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { paths: [], asOf: '', format: 'json', settings: {}, help: true };
  if (positionals.length === 0) throw new UsageError('name at least one extract file or folder');
  const asOf = values['as-of'];
  if (asOf === undefined) throw new UsageError('--as-of YYYY-MM-DD is required');
  if (!isIsoDate(asOf)) throw new UsageError(`--as-of must be a date written YYYY-MM-DD, not "${asOf}"`);
  const format = values.format ?? 'json';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`);
  const clock = values['icpc-clock'];
  if (clock !== undefined && clock !== 'first' && clock !== 'latest') throw new UsageError(`--icpc-clock must be first or latest, not "${clock}"`);
  return {
    paths: positionals,
    asOf,
    format: format as ReportFormat,
    settings: clock === undefined ? {} : { icpcClockStart: clock === 'latest' ? 'latest-strategy-discussion' : 'first-strategy-discussion' },
    standardsDir: values.standards,
    help: false,
  };
}

function locate(p: ImportProblem): string {
  return [p.file, p.sheet, p.row === undefined ? undefined : `row ${p.row}`, p.column].filter((part) => part !== undefined).join(', ');
}

/**
 * The first problems in full, errors before warnings, and a count of the rest: enough to act on
 * without flooding the terminal.
 */
function reportProblems(problems: readonly ImportProblem[], out: CommandOutput): void {
  if (problems.length === 0) return;
  const errors = problems.filter((p) => p.severity === 'error');
  const ordered = [...errors, ...problems.filter((p) => p.severity !== 'error')];
  const shown = 20;
  const warnings = problems.length - errors.length;
  const counts = [errors.length > 0 ? `${errors.length} error(s) (rows or files left out)` : '', warnings > 0 ? `${warnings} warning(s)` : ''];
  out.stderr(`Reading the extracts: ${counts.filter(Boolean).join(' and ')}\n`);
  for (const p of ordered.slice(0, shown)) out.stderr(`  ${p.severity}: ${locate(p)}: ${p.message}\n`);
  if (problems.length > shown) out.stderr(`  … and ${problems.length - shown} more\n`);
}

function reportNotEvaluated(result: ComplianceResult, out: CommandOutput): void {
  for (const m of result.measuresNotEvaluated) out.stderr(`${m.id} not evaluated: ${m.reason}\n`);
  const count = result.notEvaluated.length;
  if (count === 0) return;
  const shown = 5;
  out.stderr(`${count} deadline(s) could not be evaluated (all are listed under "notEvaluated" in the JSON output):\n`);
  for (const n of result.notEvaluated.slice(0, shown)) out.stderr(`  child ${n.childId}, ${n.measure} from ${n.anchorDate}: ${n.reason}\n`);
  if (count > shown) out.stderr(`  … and ${count - shown} more\n`);
}

async function measuresFor(standardsDir: string | undefined, out: CommandOutput): Promise<readonly MeasureDefinition[]> {
  if (standardsDir === undefined) return nationalMeasures;
  const catalogue = await loadCatalogue(standardsDir);
  const { measures, unevaluable } = measuresFromTimescales(catalogue.timescales.values());
  if (unevaluable.length > 0) out.stderr(`${unevaluable.length} practice-standard timescale(s) cannot be checked from extract data and were skipped.\n`);
  return [...nationalMeasures, ...measures];
}

/** A progress line that rewrites itself, only when a person is watching the terminal. */
function progressLine(out: CommandOutput): ProgressListener | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ file, filesRead, filesTotal }) => {
    out.stderr(`\r\x1b[KReading ${filesRead} of ${filesTotal}: ${file}`);
    if (filesRead === filesTotal) out.stderr('\r\x1b[K');
  };
}

async function checkPathsExist(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await stat(p);
    } catch {
      return `no such file or folder: ${p}`;
    }
  }
  return undefined;
}

export async function runComplianceCommand(args: string[], out: CommandOutput, readExtracts: ExtractReader = readWithImporter): Promise<number> {
  let options: CommandOptions;
  try {
    options = parseCommandArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr(`sightline compliance: ${error.message}\n\n${COMPLIANCE_USAGE}`);
    return 2;
  }
  if (options.help) {
    out.stdout(COMPLIANCE_USAGE);
    return 0;
  }
  const calendar = englandAndWalesCalendar();
  const { from, to } = calendar.coverage;
  if (options.asOf < from || options.asOf > to) {
    out.stderr(`sightline compliance: --as-of ${options.asOf} is outside the years the working-day calendar covers (${from} to ${to})\n`);
    return 2;
  }
  const missing = await checkPathsExist(options.paths);
  if (missing) {
    out.stderr(`sightline compliance: ${missing}\n`);
    return 1;
  }

  let measures: readonly MeasureDefinition[];
  let extract: ParsedExtract;
  try {
    measures = await measuresFor(options.standardsDir, out);
    extract = await readExtracts(options.paths, progressLine(out));
  } catch (error) {
    const message = error instanceof CatalogueError || error instanceof Error ? error.message : String(error);
    out.stderr(`sightline compliance: ${message}\n`);
    return 1;
  }

  reportProblems(extract.problems, out);
  if (extract.children.length === 0 && extract.facts.length === 0 && extract.problems.some((p) => p.severity === 'error')) {
    out.stderr('sightline compliance: no usable rows were found in the extracts\n');
    return 1;
  }

  const result = evaluateTimeliness(extract.children, extract.facts, { asOf: options.asOf, calendar, measures, settings: options.settings });
  reportNotEvaluated(result, out);
  out.stdout(formatReport(result, options.format));
  return 0;
}

/** The importers' entry point, loaded on first use so that help and usage errors answer at once. */
async function readWithImporter(paths: string[], onProgress?: ProgressListener): Promise<ParsedExtract> {
  const { readExtracts } = await import('../cases/import/index.ts');
  return readExtracts(paths, { onProgress });
}
