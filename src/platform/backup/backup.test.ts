/**
 * Backup and restore: a backup of the whole demo council, with people signed in and the
 * built-in catalogue published, restored into fresh databases on both engines, where every
 * record is found again (row counts and content hashes per table, computed independently of the
 * backup's own format).
 */
import { Readable, Writable } from 'node:stream';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../app.ts';
import { loadDemo } from '../../demo/index.ts';
import { TEST_PASSWORD, TestClient } from '../../../test/support/app.ts';
import { createTestDatabase } from '../../../test/support/database.ts';
import { openDatabase, queryRows, type Database, type Db } from '../db/client.ts';
import { writeBackup } from './backup.ts';
import { dependencyOrder, DependencyCycleError, readCatalog, TRANSIENT_TABLES } from './catalog.ts';
import type { Manifest } from './format.ts';
import { restoreBackup, RestoreError } from './restore.ts';

async function freshPglite(): Promise<Database> {
  const database = await openDatabase({});
  await database.migrate();
  return database;
}

async function backupOf(database: Database): Promise<{ file: Buffer; manifest: Manifest }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const manifest = await writeBackup(database, sink);
  return { file: Buffer.concat(chunks), manifest };
}

const restore = (db: Db, file: Buffer, options: { force?: boolean } = {}) => restoreBackup(db, Readable.from([file]), options);

type Snapshot = Record<string, { rows: number; digest: string }>;

/**
 * Every table's row count and an MD5 of its rows in PostgreSQL's own text form, sorted: a
 * different serialisation from the backup's JSON, so the check does not trust the format.
 */
async function snapshot(db: Db): Promise<Snapshot> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const result: Snapshot = {};
    for (const { name } of await readCatalog(tx)) {
      const [row] = await queryRows<{ rows: number; digest: string }>(
        tx,
        sql`select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\n' order by t::text collate "C"), '')) as digest from ${sql.identifier(name)} t`,
      );
      result[name] = row!;
    }
    return result;
  });
}

const withoutTransient = (s: Snapshot) => Object.fromEntries(Object.entries(s).filter(([name]) => !TRANSIENT_TABLES.has(name)));
const isEmpty = (s: Snapshot) => Object.values(s).every((t) => t.rows === 0);

// A whole council several times over, on a database compiled to WebAssembly: minutes, not seconds, on a busy machine.
describe('backup and restore', { timeout: 180_000 }, () => {
  let source: Database;
  let backup: { file: Buffer; manifest: Manifest };
  let before: Snapshot;
  /** Restored into, in order, by the tests below. */
  let restored: Database;
  /** Only ever given files that must be refused: it stays empty. */
  let untouched: Database;
  const opened: Database[] = [];
  const fresh = async () => {
    const database = await freshPglite();
    opened.push(database);
    return database;
  };

  beforeAll(async () => {
    // The source is always the embedded database: the format's promise is that it moves to PostgreSQL.
    source = await freshPglite();
    await loadDemo(source.db, TEST_PASSWORD);
    const app = await buildWebApp({ database: source, logger: pino({ level: 'silent' }), cookieSecure: false, development: false });
    for (const email of ['admin@northbridge.example', 'qa-officer@northbridge.example', 'practitioner@northbridge.example']) {
      expect((await new TestClient(app).signIn(email, TEST_PASSWORD)).status).toBe(303);
    }
    backup = await backupOf(source);
    before = await snapshot(source.db);
    [restored, untouched] = await Promise.all([fresh(), fresh()]);
  }, 300_000);
  afterAll(async () => {
    for (const database of opened) await database.close();
    await source?.close();
  });

  it('holds every table but the transient ones, each after the tables it references', async () => {
    const catalog = await readCatalog(source.db);
    const names = backup.manifest.tables.map((t) => t.name);
    expect([...names].sort()).toEqual(catalog.map((t) => t.name).filter((n) => !TRANSIENT_TABLES.has(n)).sort());
    for (const table of catalog.filter((t) => names.includes(t.name))) {
      for (const target of table.references) expect(names.indexOf(target), `${table.name} → ${target}`).toBeLessThan(names.indexOf(table.name));
    }
    // The demo and the sign-ins above filled the tables that matter most.
    for (const name of ['users', 'access_log', 'catalogue_versions', 'audits', 'actions', 'children']) {
      expect(backup.manifest.tables.find((t) => t.name === name)?.rows, name).toBeGreaterThan(0);
    }
    expect(before['sessions']!.rows).toBeGreaterThan(0);
  });

  it('restores into a fresh embedded database, where every record is found', async () => {
    const target = restored;
    const summary = await restore(target.db, backup.file);
    expect(summary.replaced).toBe(false);
    const after = await snapshot(target.db);
    expect(withoutTransient(after)).toEqual(withoutTransient(before));
    // Nobody is signed in to a restored database.
    for (const name of TRANSIENT_TABLES) expect(after[name]?.rows ?? 0, name).toBe(0);
  });

  it('keeps the guards: the access log stays append-only and published versions immutable, and numbering carries on', async () => {
    const target = restored;
    await expect(target.db.execute(sql`update access_log set action = 'view'`)).rejects.toThrow();
    await expect(target.db.execute(sql`delete from access_log`)).rejects.toThrow();
    await expect(target.db.execute(sql`delete from catalogue_versions where status = 'published'`)).rejects.toThrow();
    // Every sequence (serial or identity) continues after the highest restored value.
    const catalog = await readCatalog(target.db);
    let checked = 0;
    for (const table of catalog) {
      for (const column of table.columns) {
        const [found] = await queryRows<{ sequence: string | null }>(target.db, sql`select pg_get_serial_sequence(${`"${table.name}"`}, ${column}) as sequence`);
        if (!found?.sequence) continue;
        const [{ max }] = (await queryRows<{ max: string | null }>(target.db, sql`select max(${sql.identifier(column)})::text as max from ${sql.identifier(table.name)}`)) as [{ max: string | null }];
        const [{ next }] = (await queryRows<{ next: string }>(target.db, sql`select nextval(${found.sequence}::regclass)::text as next`)) as [{ next: string }];
        expect(BigInt(next), `${table.name}.${column}`).toBeGreaterThan(BigInt(max ?? '0'));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('refuses a database that already holds data, and changes nothing', async () => {
    const target = restored;
    await target.db.execute(sql`insert into access_log (record_type, record_id, action) values ('user', 'extra', 'view')`);
    const held = await snapshot(target.db);
    await expect(restore(target.db, backup.file)).rejects.toThrow(/already holds data/);
    expect(await snapshot(target.db)).toEqual(held);

    // --force replaces everything, the access log included, with exactly what was backed up.
    const summary = await restore(target.db, backup.file, { force: true });
    expect(summary.replaced).toBe(true);
    expect(withoutTransient(await snapshot(target.db))).toEqual(withoutTransient(before));
    // The guards are back on after the replacement.
    await expect(target.db.execute(sql`delete from access_log`)).rejects.toThrow();
  });

  it('refuses a damaged file and leaves the database empty', async () => {
    const text = zlib.gunzipSync(backup.file).toString('utf8');
    const target = untouched;
    const changed = text.replace('"display_name":"Amara Okafor"', '"display_name":"Amara Okafar"');
    expect(changed).not.toBe(text);
    await expect(restore(target.db, zlib.gzipSync(changed))).rejects.toThrow(/does not match its manifest/);
    const cut = text.slice(0, Math.floor(text.length / 2));
    await expect(restore(target.db, zlib.gzipSync(cut.slice(0, cut.lastIndexOf('\n'))))).rejects.toThrow(RestoreError);
    await expect(restore(target.db, backup.file.subarray(0, Math.floor(backup.file.length / 2)))).rejects.toThrow(RestoreError);
    await expect(restore(target.db, Buffer.from('not a backup'))).rejects.toThrow(RestoreError);
    expect(isEmpty(await snapshot(target.db))).toBe(true);
  });

  it('refuses a backup from another migration level', async () => {
    const text = zlib.gunzipSync(backup.file).toString('utf8');
    const [headerLine, ...rest] = text.split('\n');
    const header = JSON.parse(headerLine!) as [string, { migrations: { count: number } }];
    header[1].migrations.count -= 1;
    const target = untouched;
    await expect(restore(target.db, zlib.gzipSync([JSON.stringify(header), ...rest].join('\n')))).rejects.toThrow(/migration/);
    expect(isEmpty(await snapshot(target.db))).toBe(true);
  });

  describe.runIf(process.env.DATABASE_URL)('across engines', () => {
    it('restores an embedded-database backup into PostgreSQL, and a PostgreSQL backup back into the embedded database', async () => {
      const postgres = await createTestDatabase();
      try {
        expect(postgres.engine).toBe('postgres');
        await restore(postgres.db, backup.file);
        expect(withoutTransient(await snapshot(postgres.db))).toEqual(withoutTransient(before));

        const again = await backupOf(postgres);
        expect(again.manifest.tables).toEqual(backup.manifest.tables);
        const back = await fresh();
        await restore(back.db, again.file);
        expect(withoutTransient(await snapshot(back.db))).toEqual(withoutTransient(before));
      } finally {
        await postgres.close();
      }
    });
  });
});

describe('the order tables are restored in', () => {
  it('puts every table after those it references, alphabetically among equals', () => {
    const order = dependencyOrder([
      { name: 'audits', references: ['children', 'users'] },
      { name: 'users', references: ['organisations', 'teams'] },
      { name: 'teams', references: ['organisations'] },
      { name: 'organisations', references: [] },
      { name: 'children', references: ['organisations'] },
      { name: 'access_log', references: [] },
    ]);
    expect(order).toEqual(['access_log', 'organisations', 'children', 'teams', 'users', 'audits']);
  });

  it('refuses tables that reference each other or themselves', () => {
    expect(() => dependencyOrder([{ name: 'a', references: ['b'] }, { name: 'b', references: ['a'] }])).toThrow(DependencyCycleError);
    expect(() => dependencyOrder([{ name: 'people', references: ['people'] }])).toThrow(DependencyCycleError);
  });
});
