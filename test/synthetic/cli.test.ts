import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, runCli } from './cli.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('synthetic council command line', () => {
  it('reads its options, deriving the 903 / CIN census year from the as-of date', () => {
    const base = ['--children', '50', '--as-of', '2026-03-31', '--out', 'x'];
    expect(parseCli(base)).toMatchObject({ children: 50, seed: 1, year: 2026, years: 5, messy: false, errorRate: 0 });
    expect(parseCli([...base.slice(0, 3), '2026-04-01', '--out', 'x']).year).toBe(2027);
    expect(parseCli([...base, '--formats', 'ssd,cin', '--messy', '--error-rate', '0.05', '--seed', '9'])).toMatchObject({
      formats: ['ssd', 'cin'],
      messy: true,
      errorRate: 0.05,
      seed: 9,
    });
  });

  it('rejects bad options with a clear message', () => {
    expect(() => parseCli(['--children', '50', '--out', 'x'])).toThrow(/--as-of/);
    expect(() => parseCli(['--children', 'many', '--as-of', '2026-03-31', '--out', 'x'])).toThrow(/--children/);
    expect(() => parseCli(['--children', '5', '--as-of', '2026-03-31', '--out', 'x', '--formats', 'pdf'])).toThrow(/unknown format "pdf"/);
    expect(() => parseCli(['--children', '5', '--as-of', '2026-03-31', '--out', 'x', '--error-rate', '2'])).toThrow(/error-rate/);
    expect(() => parseCli(['--children', '5', '--as-of', '2026-03-31', '--out', 'x', '--colour'])).toThrow();
  });

  it('writes byte-identical files for the same seed, and different ones for another seed', async () => {
    const run = async (seed: string) => {
      const out = await mkdtemp(join(tmpdir(), 'synthetic-council-'));
      dirs.push(out);
      await runCli(parseCli(['--children', '300', '--seed', seed, '--as-of', '2025-12-31', '--out', out, '--messy']), () => undefined);
      const files = new Map<string, Buffer>();
      for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) files.set(join(entry.parentPath, entry.name).slice(out.length), await readFile(join(entry.parentPath, entry.name)));
      }
      return files;
    };
    const first = await run('4');
    const second = await run('4');
    const other = await run('5');
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    expect(first.size).toBeGreaterThan(30);
    for (const [name, bytes] of first) expect(second.get(name)?.equals(bytes), name).toBe(true);
    expect(other.get('/ssd/ssd_contacts.csv')?.equals(first.get('/ssd/ssd_contacts.csv') ?? Buffer.alloc(0))).toBe(false);
  });

  it('writes every format, and lists the injected errors in faults.csv', async () => {
    const out = await mkdtemp(join(tmpdir(), 'synthetic-council-'));
    dirs.push(out);
    const lines: string[] = [];
    await runCli({ ...parseCli(['--children', '400', '--as-of', '2026-03-31', '--out', out, '--messy', '--error-rate', '0.01']) }, (l) => lines.push(l));
    const top = await readdir(out);
    expect(top.sort()).toEqual(['annex_a.xlsx', 'cin_census_2026.xml', 'faults.csv', 'ssd', 'ssda903']);
    expect((await readFile(join(out, 'annex_a.xlsx'))).subarray(0, 2).toString()).toBe('PK');
    expect(await readdir(join(out, 'ssda903'))).toContain('episodes.csv');
    expect(await readdir(join(out, 'ssd'))).toContain('ssd_cp_visits.csv');
    const faults = (await readFile(join(out, 'faults.csv'), 'utf8')).trim().split('\n');
    expect(faults[0]).toBe('file,sheet,row,column,kind');
    expect(faults.length).toBeGreaterThan(5);
    expect(lines.join('\n')).toMatch(/400 children/);
    expect(lines.join('\n')).toMatch(new RegExp(`${faults.length - 1} injected errors`));
  });
});
