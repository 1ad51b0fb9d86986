/** `sightline dispose`: a dry run by default, --apply only up to today, one council at a time. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCouncil, type DemoCouncil } from '../demo/northbridge.ts';
import { children } from '../cases/schema.ts';
import { TEST_PASSWORD } from '../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { disposalRuns } from './schema.ts';
import { runDisposeCommand } from './dispose-command.ts';

describe('sightline dispose', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let council: DemoCouncil;
  const now = new Date('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    council = await loadDemoCouncil(database.db, TEST_PASSWORD);
    await database.db.insert(children).values([
      // A looked-after child born in 1950: 75 on 3 March 2025, so due now.
      { organisationId: council.organisationId, childRef: 'CLI-OLD', name: 'Synthetic Elder', caseType: 'cla', dateOfBirth: '1950-03-03', source: 'manual' },
      // A child in need born in 2001: 25 on 1 December 2026, a week away.
      { organisationId: council.organisationId, childRef: 'CLI-SOON', name: 'Synthetic Soon', caseType: 'cin', dateOfBirth: '2001-12-01', source: 'manual' },
    ]);
  });
  afterAll(async () => {
    await database.close();
  });

  async function dispose(args: string[]) {
    let stdout = '';
    let stderr = '';
    // The command closes the database it opens; this one belongs to the test.
    const open = async () => Object.assign(Object.create(database) as TestDatabase, { close: async () => {} });
    const code = await runDisposeCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, open, now);
    return { code, stdout, stderr };
  }
  const refs = async () => (await database.db.select({ ref: children.childRef }).from(children)).map((r) => r.ref);

  it('looks ahead without deleting anything', async () => {
    const ahead = await dispose(['--as-of', '2026-12-01']);
    expect(ahead.code).toBe(0);
    expect(ahead.stdout).toContain('Due for disposal: 2');
    expect(ahead.stdout).toContain('child (child-in-need)');
    expect(ahead.stdout).toContain('Dry run: nothing was deleted');
    expect(await refs()).toEqual(expect.arrayContaining(['CLI-OLD', 'CLI-SOON']));
  });

  it('refuses to dispose of anything before its date, and a date that is not one', async () => {
    const early = await dispose(['--as-of', '2026-12-01', '--apply']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('only as of today');
    expect((await dispose(['--as-of', '2026-02-30'])).code).toBe(2);
    expect((await dispose(['--organisation', 'Nowhere'])).code).toBe(2);
    expect(await refs()).toEqual(expect.arrayContaining(['CLI-OLD', 'CLI-SOON']));
  });

  it('disposes of what is due today with --apply, and records the run as the command line’s', async () => {
    const applied = await dispose(['--apply', '--organisation', council.organisationId]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Disposed of 1 records (child: 1');
    const left = await refs();
    expect(left).not.toContain('CLI-OLD');
    expect(left).toContain('CLI-SOON');
    const [run] = await database.db.select().from(disposalRuns).where(eq(disposalRuns.organisationId, council.organisationId));
    expect(run).toMatchObject({ channel: 'command line', startedBy: null, asOf: '2026-11-25', disposed: 1, held: 0 });
  });
});
