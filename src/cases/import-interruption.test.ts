/**
 * An import left unfinished by a process that stopped is marked interrupted when Sightline
 * starts, and does not hold the council's next import up; one still running (on PostgreSQL,
 * possibly in another server) is left alone. The kill -9 itself is in test/faults/.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { openDatabase, type Database } from '../platform/db/client.ts';
import { INTERRUPTED_MESSAGE, interruptAbandonedImports, whileRunningImport } from './import-interruption.ts';
import { createImport, getImport, ImportBusyError } from './imports.ts';
import { caseImports } from './schema.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: 'council' });
});
afterAll(async () => {
  await t?.close();
});

const file = { fileName: 'ssd_person.csv', bytes: new TextEncoder().encode('person_id\n1\n') };

/** An import record as a process leaves it when it is killed mid-way: running, heartbeat a few seconds old. */
async function abandonedImport(secondsAgo = 10): Promise<string> {
  const at = new Date(Date.now() - secondsAgo * 1000);
  const id = await createImport(t.database.db, { organisationId: t.council.organisationId, importedBy: null, channel: 'command line', files: [file], now: at });
  await t.database.db.update(caseImports).set({ status: 'running', stage: 'saving', heartbeatAt: at }).where(eq(caseImports.id, id));
  return id;
}

describe(`imports left unfinished by a stopped process (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('marks them interrupted, says so on their page, and lets the council import again at once', async () => {
    const id = await abandonedImport();
    // Until then the council is held up: the record still says running.
    await expect(createImport(t.database.db, { organisationId: t.council.organisationId, importedBy: null, channel: 'browser', files: [file], now: new Date() })).rejects.toBeInstanceOf(ImportBusyError);

    expect(await interruptAbandonedImports(t.database)).toEqual([id]);
    const record = await getImport(t.database.db, t.council.organisationId, id, new Date());
    expect(record).toMatchObject({ status: 'interrupted', stage: 'done', failure: INTERRUPTED_MESSAGE });
    expect(record!.finishedAt).not.toBeNull();

    const qa = await t.signInAs('qa-officer');
    const page = await qa.get(`/case-data/imports/${id}`);
    expect(page.text).toContain('This import stopped without finishing because Sightline was stopped or restarted. Nothing from it was saved.');
    expect(page.text).toContain('href="/case-data/imports/new"');
    expect((await qa.get('/case-data/imports')).text).toContain('Interrupted');

    const again = await createImport(t.database.db, { organisationId: t.council.organisationId, importedBy: null, channel: 'browser', files: [file], now: new Date() });
    await t.database.db.update(caseImports).set({ status: 'succeeded' }).where(eq(caseImports.id, again));
    // Finished imports are never touched.
    expect(await interruptAbandonedImports(t.database)).toEqual([]);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('leaves an import another server is still running alone (PostgreSQL)', async () => {
    // A second server on the same database: its own connections, as after a restart beside a live one.
    const other: Database = await openDatabase({ databaseUrl: t.database.url, poolSize: 2 });
    try {
      const id = await abandonedImport();
      let finish!: () => void;
      const running = whileRunningImport(other, id, () => new Promise<void>((resolve) => (finish = resolve)));
      // Wait until the other server holds the import.
      for (let i = 0; i < 50 && finish === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await interruptAbandonedImports(t.database)).toEqual([]);
      expect((await getImport(t.database.db, t.council.organisationId, id, new Date()))!.status).toBe('running');
      finish();
      await running;
      // Its process gone (here: its work over without a result), the record is abandoned.
      expect(await interruptAbandonedImports(t.database)).toEqual([id]);
    } finally {
      await other.close();
    }
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('looks again at an import started a moment ago before calling it abandoned (PostgreSQL)', async () => {
    const id = await abandonedImport(0);
    const waits: number[] = [];
    const interrupted = await interruptAbandonedImports(t.database, () => new Date(), async (ms) => {
      waits.push(ms);
      await t.database.db.update(caseImports).set({ heartbeatAt: new Date(Date.now() - 5_000) }).where(eq(caseImports.id, id));
    });
    expect(waits).toHaveLength(1);
    expect(interrupted).toEqual([id]);
  });
});
