import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { accessLog } from '../access-log/schema.ts';
import { openDatabase, queryRows } from './client.ts';

describe('database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('answers a ping', async () => {
    expect(await database.ping()).toBe(true);
  });

  it('returns a date column as the plain YYYY-MM-DD it stored, whatever the time zone', async () => {
    const rows = await queryRows<{ d: string }>(database.db, sql`select ${'2024-02-29'}::date as d`);
    expect(rows[0]?.d).toBe('2024-02-29');
  });

  it('refuses to update, delete or truncate the access log', async () => {
    await database.db.insert(accessLog).values({ recordType: 'user', recordId: 'x', action: 'view' });
    // Drizzle wraps the driver's error; the database's own words are in its cause.
    const failure = (attempt: Promise<unknown>) =>
      attempt.then(
        () => 'no error',
        (e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`,
      );
    expect(await failure(database.db.update(accessLog).set({ action: 'edit' }))).toMatch(/append-only/);
    expect(await failure(database.db.delete(accessLog))).toMatch(/append-only/);
    expect(await failure(database.db.execute(sql`truncate access_log`))).toMatch(/append-only/);
    const rows = await database.db.select().from(accessLog);
    expect(rows).toHaveLength(1);
  });

  it('applies migrations idempotently', async () => {
    await database.migrate();
    expect(await database.ping()).toBe(true);
  });
});

describe('embedded database folder', () => {
  it('refuses a second process-level opener of the same folder with a clear error, and reopens after close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-lock-'));
    try {
      // Simulate another live process holding the lock: our parent process's pid is alive.
      fs.writeFileSync(path.join(dir, 'sightline.lock'), String(process.ppid));
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by another Sightline process/);
      fs.rmSync(path.join(dir, 'sightline.lock'));

      const first = await openDatabase({ dataDir: dir });
      await first.migrate();
      await first.close();
      expect(fs.existsSync(path.join(dir, 'sightline.lock'))).toBe(false);

      const again = await openDatabase({ dataDir: dir });
      expect(await again.ping()).toBe(true);
      await again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a stale lock left by a process that no longer exists', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-lock-'));
    try {
      fs.writeFileSync(path.join(dir, 'sightline.lock'), '999999999');
      const database = await openDatabase({ dataDir: dir });
      expect(await database.ping()).toBe(true);
      await database.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
