/** `sightline backup [--out FILE]` and `sightline restore FILE [--force]`. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Database } from '../db/client.ts';
import { writeBackup } from './backup.ts';
import { restoreBackup, RestoreError } from './restore.ts';

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const BACKUP_USAGE = 'Usage: sightline backup [--out FILE]\n';
const RESTORE_USAGE = 'Usage: sightline restore FILE [--force]\n';

/** `sightline-backup-2026-11-25T101500Z.jsonl.gz`: sorts by time, no characters a shell minds. */
export function defaultBackupName(now: Date): string {
  return `sightline-backup-${now.toISOString().slice(0, 19).replace(/[:]/g, '')}Z.jsonl.gz`;
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

export async function runBackupCommand(args: string[], io: CommandOutput, openDatabase: () => Promise<Database>, now = new Date()): Promise<number> {
  let values: { out?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${BACKUP_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(BACKUP_USAGE);
    return 0;
  }
  const file = values.out ?? defaultBackupName(now);
  if (fs.existsSync(file)) {
    io.stderr(`${file} already exists: choose another name with --out.\n`);
    return 1;
  }
  // Written beside its final name and renamed when complete: a file with the final name is always whole.
  const partial = `${file}.partial`;
  const database = await openDatabase();
  try {
    // Mode 600: a backup holds everything the database holds.
    const manifest = await writeBackup(database, fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }), now);
    fs.renameSync(partial, file);
    const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    io.stdout(`Backed up ${manifest.tables.length} tables (${rows} rows) to ${file}\nSHA-256 of the file: ${await sha256Of(file)}\n`);
    return 0;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await database.close();
  }
}

export async function runRestoreCommand(args: string[], io: CommandOutput, openDatabase: () => Promise<Database>): Promise<number> {
  let parsed: { values: { force?: boolean | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${RESTORE_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(RESTORE_USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    io.stderr(RESTORE_USAGE);
    return 2;
  }
  if (!fs.existsSync(file)) {
    io.stderr(`${file}: no such file.\n`);
    return 1;
  }
  const database = await openDatabase();
  try {
    const summary = await restoreBackup(database.db, fs.createReadStream(file), { force: parsed.values.force ?? false });
    const rows = summary.tables.reduce((sum, t) => sum + t.rows, 0);
    io.stdout(
      `Restored ${summary.tables.length} tables (${rows} rows) from a backup of ${summary.header.createdAt} (${summary.header.engine}, migration ${summary.header.migrations.latest ?? 'none'}).\n` +
        (summary.replaced ? 'Everything the database held before was replaced.\n' : '') +
        'Every table was checked against the backup\'s manifest. Nobody is signed in: sessions are not backed up.\n',
    );
    return 0;
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error;
    io.stderr(`Nothing was restored. ${error.message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
