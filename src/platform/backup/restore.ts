/**
 * Restoring a backup into a database of the same migration level, in one transaction: either
 * every row of every table is in and checked, or nothing changed.
 *
 * The append-only and immutability triggers stay on while rows go in: they refuse changes and
 * deletions, and restoring only inserts. Only `force`, which empties a database that already
 * holds data, switches them off, for its TRUNCATE alone and inside the same transaction.
 */
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { dependencyOrder, migrationLevel, readCatalog, sameLevel, TRANSIENT_TABLES, type TableInfo } from './catalog.ts';
import { HeaderSchema, ManifestSchema, TableStartSchema, type Header, type Manifest } from './format.ts';
import { eachRow, insertRows, resetSequences } from './rows.ts';

export class RestoreError extends Error {}

const BATCH_ROWS = 500;
const BATCH_CHARS = 4 * 1024 * 1024;

export interface RestoreSummary {
  header: Header;
  tables: Manifest['tables'];
  /** True when `force` emptied a database that held data. */
  replaced: boolean;
}

/** The decompressed file, line by line; a damaged gzip stream fails the restore. */
async function* linesOf(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const gunzip = zlib.createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  for await (const chunk of gunzip) {
    pending += decoder.write(chunk as Buffer);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
  }
  pending += decoder.end();
  if (pending) yield pending;
}

function control(line: string | undefined, kind: string): unknown {
  if (line === undefined) throw new RestoreError(`The file ends early: no ${kind}. It is incomplete or not a Sightline backup.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new RestoreError(`Expected the ${kind} line but found something that is not JSON: the file is damaged.`);
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind) throw new RestoreError(`Expected the ${kind} line: the file is damaged or not a Sightline backup.`);
  return parsed[1];
}

export async function restoreBackup(db: Db, input: Readable, options: { force?: boolean } = {}): Promise<RestoreSummary> {
  const lines = linesOf(input);
  const next = async () => {
    try {
      const { value, done } = await lines.next();
      return done ? undefined : value;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('Z_')) throw new RestoreError('The file is not a whole gzip\'d file: it is damaged or not a Sightline backup.');
      throw error;
    }
  };
  const headerLine = await next();
  const parsedHeader = HeaderSchema.safeParse(control(headerLine, 'header'));
  if (!parsedHeader.success) throw new RestoreError('The file does not start with a Sightline backup header of a version this Sightline reads.');
  const header = parsedHeader.data;

  return db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const level = await migrationLevel(tx);
    if (!sameLevel(level, header.migrations)) {
      throw new RestoreError(
        `The backup was made at migration ${header.migrations.count} (${header.migrations.latest ?? 'none'}); this database is at ${level.count} (${level.latest ?? 'none'}). ` +
          'Restore with the Sightline version that made the backup, then upgrade.',
      );
    }
    const catalog = await readCatalog(tx);
    const expected = dependencyOrder(catalog.filter((t) => !TRANSIENT_TABLES.has(t.name)));
    if (expected.join(',') !== header.tables.join(',')) throw new RestoreError('The backup\'s tables are not this database\'s tables, although the migration level matches.');

    const holding = await tablesWithRows(tx, catalog);
    if (holding.length > 0 && !options.force) {
      throw new RestoreError(`This database already holds data (${holding.length} tables, such as ${holding.slice(0, 3).join(', ')}). Restore into an empty database, or add --force to replace everything in it.`);
    }
    if (holding.length > 0) await emptyEverything(tx, catalog);

    const fileHash = crypto.createHash('sha256');
    const hashed = (line: string) => fileHash.update(line).update('\n');
    hashed(headerLine!);
    const read: Manifest['tables'] = [];
    let line = await next();
    for (const name of header.tables) {
      const start = TableStartSchema.safeParse(control(line, 'table'));
      if (!start.success || start.data.name !== name) throw new RestoreError(`Expected the rows of ${name}: the file is damaged.`);
      hashed(line!);
      const columns = catalog.find((t) => t.name === name)!.columns;
      if (start.data.columns.join(',') !== columns.join(',')) throw new RestoreError(`The columns of ${name} in the backup are not this database's.`);
      const tableHash = crypto.createHash('sha256');
      let rows = 0;
      let batch: string[] = [];
      let size = 0;
      for (line = await next(); line !== undefined && line.startsWith('{'); line = await next()) {
        hashed(line);
        tableHash.update(line).update('\n');
        rows++;
        batch.push(line);
        size += line.length;
        if (batch.length >= BATCH_ROWS || size >= BATCH_CHARS) {
          await insertRows(tx, name, columns, batch);
          batch = [];
          size = 0;
        }
      }
      await insertRows(tx, name, columns, batch);
      read.push({ name, rows, sha256: tableHash.digest('hex') });
    }
    const manifest = ManifestSchema.parse(control(line, 'manifest'));
    if ((await next()) !== undefined) throw new RestoreError('There is more after the manifest: the file is damaged.');
    if (manifest.sha256 !== fileHash.digest('hex') || JSON.stringify(manifest.tables) !== JSON.stringify(read)) {
      throw new RestoreError('The file does not match its manifest: it is damaged or was changed. Nothing was restored.');
    }

    // What is now in the database must be exactly what was backed up, row for row.
    for (const table of manifest.tables) {
      const stored = await eachRow(tx, table.name, () => undefined);
      if (stored.rows !== table.rows || stored.sha256 !== table.sha256) {
        throw new RestoreError(`${table.name} did not restore exactly (${stored.rows} rows, ${table.rows} expected). Nothing was restored.`);
      }
      await resetSequences(tx, table.name, catalog.find((t) => t.name === table.name)!.columns);
    }
    return { header, tables: manifest.tables, replaced: holding.length > 0 };
  });
}

async function tablesWithRows(db: Db, catalog: readonly TableInfo[]): Promise<string[]> {
  const holding: string[] = [];
  for (const table of catalog) {
    const [row] = await queryRows<{ any: boolean }>(db, sql`select exists (select 1 from ${sql.identifier(table.name)}) as any`);
    if (row?.any) holding.push(table.name);
  }
  return holding;
}

/** --force: every table emptied, the guards' triggers off for this statement and back on after it. */
async function emptyEverything(db: Db, catalog: readonly TableInfo[]): Promise<void> {
  const guarded = catalog.filter((t) => t.guarded);
  for (const table of guarded) await db.execute(sql`alter table ${sql.identifier(table.name)} disable trigger user`);
  await db.execute(sql`truncate table ${sql.join(catalog.map((t) => sql.identifier(t.name)), sql`, `)}`);
  for (const table of guarded) await db.execute(sql`alter table ${sql.identifier(table.name)} enable trigger user`);
}
