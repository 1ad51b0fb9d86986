/** `sightline import`: files and folders into the database, progress on the terminal, clear refusals. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../platform/db/client.ts';
import { loadDemoCouncil } from '../demo/northbridge.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { generateCouncil } from '../../test/synthetic/council.ts';
import { ssdFiles } from '../../test/synthetic/write-ssd.ts';
import { runImportCommand } from './import-command.ts';

describe('sightline import', () => {
  let database: TestDatabase;
  let folder: string;
  // The command closes what it opens; the test keeps the database to look inside it.
  const open = async (): Promise<Database> => ({ ...database, close: async () => undefined });
  const run = async (args: string[]) => {
    const out = { stdout: '', stderr: '' };
    const code = await runImportCommand(args, { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), interactive: false }, open, () => new Date('2026-03-31T12:00:00Z'));
    return { code, ...out };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadDemoCouncil(database.db, 'a long enough password');
    folder = await mkdtemp(join(tmpdir(), 'sightline-import-'));
    const council = generateCouncil({ seed: 5, children: 30, years: 2, asOf: '2026-03-31' });
    for (const [name, csv] of ssdFiles(council)) await writeFile(join(folder, name), csv);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await database.close();
  });

  it('imports a folder, showing each stage, and reports what landed', async () => {
    const result = await run([folder]);
    expect(result.code).toBe(0);
    // Not a terminal: one line as each stage begins.
    const lines = result.stderr.split('\n');
    expect(lines.slice(0, 4)).toEqual(['reading files: 0 of 25 files', expect.stringMatching(/^checking rows: \d+ rows read, 0 rejected$/), expect.stringMatching(/^saving: 0 of \d+ events$/), 'computing deadlines']);
    expect(result.stdout).toMatch(/^Imported \d+ rows \(0 rejected\): \d+ new events, 0 changed, 0 unchanged\. Import [0-9a-f-]{36}\.\n$/);
    const [facts] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from case_facts`);
    expect(facts!.n).toBeGreaterThan(0);
    const [record] = await queryRows<{ channel: string; importedBy: string | null }>(database.db, sql`select channel, imported_by as "importedBy" from case_imports`);
    expect(record).toEqual({ channel: 'command line', importedBy: null });

    const again = await run([folder, '--organisation', 'northbridge council']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 0 new events, 0 changed, \d+ unchanged/);
  });

  it('refuses a file over the size limit without reading it, unless the limit is raised', async () => {
    const big = await mkdtemp(join(tmpdir(), 'sightline-import-big-'));
    try {
      await writeFile(join(big, 'ssd_person.csv'), `pers_person_id,pers_dob\n${'X1,2015-01-01\n'.repeat(100_000)}`);
      const refused = await run([big, '--max-file-mb', '1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('ssd_person.csv: larger than the 1 MB allowed (see --max-file-mb)');
      expect((await run([big, '--max-file-mb', '2'])).code).toBe(0);
    } finally {
      await rm(big, { recursive: true, force: true });
    }
  });

  it('refuses, importing nothing, when a file cannot be used', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'sightline-import-bad-'));
    try {
      await writeFile(join(bad, 'report.csv'), '%PDF-1.7\nnot an extract');
      const result = await run([bad]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: report.csv: this is a PDF, not a data extract');
      expect(result.stderr).toContain('Nothing was imported: the file report.csv could not be used');
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('answers usage mistakes with what to do', async () => {
    expect((await run([])).code).toBe(2);
    const unknown = await run([folder, '--organisation', 'Elsewhere']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no council is called "Elsewhere"; the councils are:\n  Northbridge Council');
    expect((await run([folder, '--max-file-mb', 'lots'])).stderr).toContain('--max-file-mb must be a whole number of megabytes');
    const missing = await run([join(folder, 'no-such-file.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or folder');
  });
});
