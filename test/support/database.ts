/**
 * A fresh database for one test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by DATABASE_URL (created here, dropped on close), so the same suite
 * proves both engines and test files never share state. Under vitest each starts as a copy of a
 * template the global setup built (see templates.ts); anywhere else it is built from nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/client.ts';
import { loadDemo } from '../../src/demo/index.ts';
import { loadDemoCouncil, type DemoCouncil } from '../../src/demo/northbridge.ts';
import { adminQuery, databaseUrl, type Contents, type Templates } from './templates.ts';

export interface TestDatabase extends Database {
  /** Connection string of the per-file PostgreSQL database (undefined on PGlite). */
  url: string | undefined;
}

function templates(): Templates | undefined {
  try {
    const provided = inject('databaseTemplates');
    const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    return provided?.engine === engine ? provided : undefined;
  } catch {
    return undefined;
  }
}

/** A migrated, empty database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  return (await seededTestDatabase('migrated')).database;
}

/** A database holding `contents`, with the demo council's ids when it has one. */
export async function seededTestDatabase(contents: Contents, password?: string): Promise<{ database: TestDatabase; council: DemoCouncil | undefined }> {
  const template = templates();
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const source = template?.sources[contents];
    const database = await openDatabase(source ? { pgliteTemplate: new Blob([fs.readFileSync(source)]) } : {});
    const council = source ? template?.councils[contents] : await fill(database, contents, password);
    return { database: Object.assign(database, { url: undefined }), council };
  }
  const name = `sightline_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const source = template?.sources[contents];
  await adminQuery(serverUrl, source ? `CREATE DATABASE ${name} TEMPLATE ${source}` : `CREATE DATABASE ${name}`);
  const url = databaseUrl(serverUrl, name);
  const opened = await openDatabase({ databaseUrl: url, poolSize: 5 });
  const close = opened.close.bind(opened);
  const database = Object.assign(opened, {
    url,
    async close() {
      await close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
  const council = source ? template?.councils[contents] : await fill(database, contents, password);
  return { database, council };
}

async function fill(database: Database, contents: Contents, password: string | undefined): Promise<DemoCouncil | undefined> {
  await database.migrate();
  if (contents === 'migrated') return undefined;
  if (!password) throw new Error('a password is needed to load the demo council');
  return contents === 'council' ? loadDemoCouncil(database.db, password) : loadDemo(database.db, password);
}
