/** Writing a backup: one consistent snapshot of every table, streamed to a gzip'd file. */
import crypto from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { dependencyOrder, migrationLevel, readCatalog, TRANSIENT_TABLES } from './catalog.ts';
import { controlLine, FORMAT, FORMAT_VERSION, type Header, type Manifest } from './format.ts';
import { eachRow } from './rows.ts';

/** Resolves once everything is written to `out` (and `out` is ended). */
export async function writeBackup(database: Pick<Database, 'db' | 'engine'>, out: Writable, now = new Date()): Promise<Manifest> {
  const gzip = zlib.createGzip();
  const written = pipeline(gzip, out);
  const fileHash = crypto.createHash('sha256');
  const write = async (line: string, hashed = true) => {
    if (hashed) fileHash.update(line).update('\n');
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  try {
    const manifest = await database.db.transaction(async (tx) => {
      // One snapshot for every table: rows written during the backup are in it wholly or not at all.
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      await tx.execute(sql`set local timezone = 'UTC'`);
      const catalog = (await readCatalog(tx)).filter((t) => !TRANSIENT_TABLES.has(t.name));
      const order = dependencyOrder(catalog);
      const header: Header = { format: FORMAT, version: FORMAT_VERSION, createdAt: now.toISOString(), engine: database.engine, migrations: await migrationLevel(tx), tables: order };
      await write(controlLine(['header', header]));
      const tables: Manifest['tables'] = [];
      for (const name of order) {
        await write(controlLine(['table', { name, columns: catalog.find((t) => t.name === name)!.columns }]));
        tables.push({ name, ...(await eachRow(tx, name, (line) => write(line))) });
      }
      return { tables, sha256: fileHash.digest('hex') };
    });
    await write(controlLine(['manifest', manifest]), false);
    gzip.end();
    await written;
    return manifest;
  } catch (error) {
    gzip.destroy(error as Error);
    await written.catch(() => undefined);
    throw error;
  }
}
