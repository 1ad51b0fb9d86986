/**
 * The commands as an operator runs them: `sightline backup` and `sightline restore` in their
 * own processes, against embedded databases in folders (and PostgreSQL when DATABASE_URL is set).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCouncil } from '../../demo/northbridge.ts';
import { TEST_PASSWORD } from '../../../test/support/app.ts';
import { createTestDatabase } from '../../../test/support/database.ts';
import { openDatabase, queryRows, type Db } from '../db/client.ts';
import { defaultBackupName } from './command.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/sightline.js');

async function sightline(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      // DATABASE_URL empty means "not set": each call names its own database.
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const counts = async (db: Db) =>
  (await queryRows<{ users: number; roles: number; teams: number }>(
    db,
    sql`select (select count(*)::int from users) as users, (select count(*)::int from user_roles) as roles, (select count(*)::int from teams) as teams`,
  ))[0];

describe('sightline backup and restore on the command line', { timeout: 300_000 }, () => {
  let work: string;
  let file: string;
  let expected: Awaited<ReturnType<typeof counts>>;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-backup-'));
    const source = await openDatabase({ dataDir: path.join(work, 'source') });
    await source.migrate();
    await loadDemoCouncil(source.db, TEST_PASSWORD);
    expected = await counts(source.db);
    await source.close();
    file = path.join(work, 'council.jsonl.gz');
  }, 300_000);
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('names a backup by its time when no --out is given', () => {
    expect(defaultBackupName(new Date('2026-11-25T10:15:00.123Z'))).toBe('sightline-backup-2026-11-25T101500Z.jsonl.gz');
  });

  it('backs up to a file only its owner can read, and will not overwrite one', async () => {
    const result = await sightline(['backup', '--out', file], { SIGHTLINE_DATA_DIR: path.join(work, 'source') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Backed up \d+ tables \(\d+ rows\)/);
    expect(result.stdout).toMatch(/SHA-256 of the file: [0-9a-f]{64}/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    const again = await sightline(['backup', '--out', file], { SIGHTLINE_DATA_DIR: path.join(work, 'source') });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('restores into a new embedded database, refuses to restore over data, and replaces it with --force', async () => {
    const target = { SIGHTLINE_DATA_DIR: path.join(work, 'target') };
    const restored = await sightline(['restore', file], target);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('Every table was checked');

    const refused = await sightline(['restore', file], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds data');

    const forced = await sightline(['restore', file, '--force'], target);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('replaced');

    const database = await openDatabase({ dataDir: target.SIGHTLINE_DATA_DIR });
    try {
      expect(await counts(database.db)).toEqual(expected);
    } finally {
      await database.close();
    }
  });

  it('explains its usage and a missing file', async () => {
    expect((await sightline(['restore'], { SIGHTLINE_DATA_DIR: path.join(work, 'unused') })).code).toBe(2);
    const missing = await sightline(['restore', path.join(work, 'nothing.jsonl.gz')], { SIGHTLINE_DATA_DIR: path.join(work, 'unused') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it.runIf(process.env.DATABASE_URL)('restores the embedded database\'s backup into PostgreSQL', async () => {
    const postgres = await createTestDatabase();
    try {
      const result = await sightline(['restore', file], { DATABASE_URL: postgres.url! });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await counts(postgres.db)).toEqual(expected);
    } finally {
      await postgres.close();
    }
  });
});
