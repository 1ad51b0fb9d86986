/**
 * `sightline import FILE_OR_DIR... [--organisation NAME_OR_ID]`
 *
 * Imports extract files into the database, exactly as an upload in the browser does (the same
 * checks, the same rule for problems, recorded as an import), with its progress on the terminal.
 * Folders are read whole. Exit codes: 0 imported; 1 refused or failed (nothing saved); 2 usage.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { asc } from 'drizzle-orm';
import type { Database } from '../platform/db/client.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { organisations } from '../org/schema.ts';
import type { ImportProblem } from './facts.ts';
import { DEFAULT_FILE_LIMITS, filesUnder, type FileLimits } from './import/index.ts';
import { interruptAbandonedImports, whileRunningImport } from './import-interruption.ts';
import { createImport, ImportBusyError, importProblems, runImport, type ImportProgress, type UploadedFile } from './imports.ts';

export const IMPORT_USAGE = `Usage: sightline import FILE_OR_DIR... [--organisation NAME_OR_ID] [--max-file-mb N]

Imports case-data extracts (Ofsted Annex A, SSDA903, CIN census, SSD) into Sightline's database,
recognising each file by its content; folders are read whole. Rows with errors are left out and
listed; a file that cannot be used at all stops the whole import. Re-importing the same or a newer
extract updates what changed. Uses DATABASE_URL or the embedded database, like sightline serve.

Options:
  --organisation NAME_OR_ID   The council to import into (needed when there is more than one).
  --max-file-mb N             The largest file to accept, in MB (default 50, as for uploads).
                              A large council's SSD contacts or visits table can be bigger.
  -h, --help                  Show this help.
`;

export interface Output {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stderr is a terminal a person is watching (a progress line rewrites itself). */
  interactive: boolean;
}

class UsageError extends Error {}

function parse(args: string[]): { paths: string[]; organisation?: string; limits: FileLimits; help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { organisation: { type: 'string' }, 'max-file-mb': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return { paths: [], limits: DEFAULT_FILE_LIMITS, help: true };
    if (positionals.length === 0) throw new UsageError('name at least one extract file or folder');
    const megabytes = values['max-file-mb'] === undefined ? undefined : Number(values['max-file-mb']);
    if (megabytes !== undefined && !(Number.isInteger(megabytes) && megabytes >= 1 && megabytes <= 2048)) {
      throw new UsageError(`--max-file-mb must be a whole number of megabytes from 1 to 2048, not "${values['max-file-mb']}"`);
    }
    const limits = megabytes === undefined ? DEFAULT_FILE_LIMITS : { ...DEFAULT_FILE_LIMITS, maxBytes: megabytes * 1024 * 1024 };
    return { paths: positionals, limits, help: false, ...(values.organisation === undefined ? {} : { organisation: values.organisation }) };
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

/** Reads the named files and folders; an unreadable or oversized file is reported, not read. */
async function readFiles(paths: readonly string[], limits: FileLimits): Promise<{ files: UploadedFile[]; problems: string[] }> {
  const files: UploadedFile[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let found: string[];
    try {
      found = await filesUnder(path);
    } catch {
      problems.push(`${path}: no such file or folder`);
      continue;
    }
    for (const file of found) {
      // Checked before reading, so an oversized file is never loaded into memory.
      const size = (await stat(file)).size;
      if (size > limits.maxBytes) problems.push(`${file}: larger than the ${Math.round(limits.maxBytes / 1024 / 1024)} MB allowed (see --max-file-mb)`);
      else files.push({ fileName: basename(file), bytes: await readFile(file) });
    }
  }
  return { files, problems };
}

function progressPrinter(out: Output): (progress: ImportProgress) => void {
  let lastStage = '';
  return (p) => {
    const detail =
      p.stage === 'reading files'
        ? `${p.filesRead} of ${p.filesTotal} files`
        : p.stage === 'saving'
          ? `${p.factsWritten} of ${p.factsTotal} events`
          : p.stage === 'checking rows'
            ? `${p.rowsRead} rows read, ${p.rowsRejected} rejected`
            : '';
    const line = `${p.stage}${detail ? `: ${detail}` : ''}`;
    if (out.interactive) {
      out.stderr(`\r\x1b[K${line}`);
      if (p.stage === 'done') out.stderr('\r\x1b[K');
    } else if (p.stage !== lastStage && p.stage !== 'done') {
      out.stderr(`${line}\n`);
    }
    lastStage = p.stage;
  };
}

function locate(p: ImportProblem): string {
  return [p.file, p.sheet, p.row === undefined ? undefined : `row ${p.row}`, p.column].filter((part) => part !== undefined).join(', ');
}

export async function runImportCommand(args: string[], out: Output, openDatabase: () => Promise<Database>, now: () => Date = () => new Date()): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (error) {
    out.stderr(`sightline import: ${(error as Error).message}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  if (options.help) {
    out.stdout(IMPORT_USAGE);
    return 0;
  }
  const { files, problems: unreadable } = await readFiles(options.paths, options.limits);
  if (unreadable.length > 0) {
    for (const line of unreadable) out.stderr(`sightline import: ${line}\n`);
    out.stderr('Nothing was imported.\n');
    return 1;
  }
  if (files.length === 0) {
    out.stderr('sightline import: no files found\n');
    return 1;
  }

  const database = await openDatabase();
  try {
    const councils = await database.db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
    const wanted = options.organisation?.trim().toLowerCase();
    const matches = wanted === undefined ? councils : councils.filter((c) => c.id === wanted || c.name.toLowerCase() === wanted);
    if (matches.length !== 1) {
      const names = councils.map((c) => `  ${c.name} (${c.id})`).join('\n');
      const reason =
        councils.length === 0
          ? 'the database holds no council yet (start Sightline once, or load the demo)'
          : wanted === undefined
            ? `there is more than one council; name one with --organisation:\n${names}`
            : `no council is called "${options.organisation}"; the councils are:\n${names}`;
      out.stderr(`sightline import: ${reason}\n`);
      return 2;
    }
    const organisationId = matches[0]!.id;
    // An import an earlier run left unfinished (the process was killed) must not hold this one up.
    await interruptAbandonedImports(database, now);
    let importId: string;
    try {
      importId = await createImport(database.db, { organisationId, importedBy: null, channel: 'command line', files, now: now() });
    } catch (error) {
      if (!(error instanceof ImportBusyError)) throw error;
      out.stderr(`sightline import: ${error.message}\n`);
      return 1;
    }
    const outcome = await whileRunningImport(database, importId, () =>
      runImport(database.db, importId, files, { asOf: londonDate(now()), limits: options.limits, onProgress: progressPrinter(out) }),
    );

    const { problems } = outcome;
    if (problems > 0) {
      const listed = await importProblems(database.db, importId, 20);
      out.stderr(`${problems} problem(s) found; the first ${listed.length}:\n`);
      for (const p of listed) out.stderr(`  ${p.severity}: ${locate(p)}: ${p.message}\n`);
    }
    for (const miss of outcome.unmatched.slice(0, 20)) {
      out.stderr(`${miss.kind} "${miss.name}" (${miss.children} children) matches ${miss.reason === 'ambiguous' ? 'more than one' : 'no'} ${miss.kind === 'team' ? 'team' : 'person'} in Sightline\n`);
    }
    if (outcome.unmatched.length > 20) out.stderr(`… and ${outcome.unmatched.length - 20} more names that match nobody (all are on the import's page)\n`);
    if (outcome.status !== 'succeeded') {
      out.stderr(`sightline import: ${outcome.failure ?? 'the import did not finish'}\n`);
      return 1;
    }
    out.stdout(
      `Imported ${outcome.rowsRead} rows (${outcome.rowsRejected} rejected): ${outcome.inserted} new events, ${outcome.updated} changed, ${outcome.unchanged} unchanged. Import ${importId}.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
