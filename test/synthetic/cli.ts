/**
 * Writes a synthetic council's extracts to a folder:
 *
 *   npx tsx test/synthetic/cli.ts --children 5000 --seed 1 --as-of 2026-03-31 --out DIR
 *        [--formats annex-a,ssda903,cin,ssd] [--messy] [--error-rate 0.01] [--years 5]
 *        [--teams 12] [--year 2026]
 *
 * Files: annex_a.xlsx, ssda903/<file>.csv, cin_census_<year>.xml, ssd/<table>.csv, and, when
 * errors are injected, faults.csv listing each one. A summary (counts, time, memory) is printed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCouncil } from './council.ts';
import { CsvBuilder } from './csv.ts';
import type { InjectedFault } from './mess.ts';
import { countEvents, summariseVolumes } from './volumes.ts';
import { writeAnnexA } from './write-annex-a.ts';
import { writeCinCensus } from './write-cin-census.ts';
import { ssdFiles } from './write-ssd.ts';
import { writeSsda903 } from './write-ssda903.ts';

const FORMATS = ['annex-a', 'ssda903', 'cin', 'ssd'] as const;
type Format = (typeof FORMATS)[number];

export interface CliOptions {
  children: number;
  seed: number;
  asOf: string;
  out: string;
  formats: Format[];
  messy: boolean;
  errorRate: number;
  years: number;
  teams?: number;
  year: number;
}

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      children: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      formats: { type: 'string', default: FORMATS.join(',') },
      messy: { type: 'boolean', default: false },
      'error-rate': { type: 'string', default: '0' },
      years: { type: 'string', default: '5' },
      teams: { type: 'string' },
      year: { type: 'string' },
    },
    strict: true,
  });
  const whole = (name: string, text: string | undefined): number => {
    const n = Number(text);
    if (text === undefined || !Number.isInteger(n)) throw new Error(`--${name} needs a whole number`);
    return n;
  };
  const asOf = values['as-of'];
  if (!asOf || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error('--as-of needs a date as YYYY-MM-DD');
  if (!values.out) throw new Error('--out needs a folder');
  const formats = values.formats.split(',').map((f) => f.trim());
  for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) throw new Error(`unknown format "${f}" (use ${FORMATS.join(', ')})`);
  const errorRate = Number(values['error-rate']);
  if (!(errorRate >= 0 && errorRate <= 1)) throw new Error('--error-rate must be between 0 and 1');
  // The 903 and CIN census years end on 31 March: by default the one containing the as-of date.
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  return {
    children: whole('children', values.children),
    seed: whole('seed', values.seed),
    asOf,
    out: resolve(values.out),
    formats: formats as Format[],
    messy: values.messy,
    errorRate,
    years: whole('years', values.years),
    ...(values.teams !== undefined ? { teams: whole('teams', values.teams) } : {}),
    year: values.year !== undefined ? whole('year', values.year) : m >= 4 ? y + 1 : y,
  };
}

export async function runCli(options: CliOptions, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const council = generateCouncil({
    seed: options.seed,
    children: options.children,
    asOf: options.asOf,
    years: options.years,
    ...(options.teams !== undefined ? { teams: options.teams } : {}),
  });
  const generated = performance.now();
  const faults: InjectedFault[] = [];
  const writerOptions = { messy: options.messy, errorRate: options.errorRate, faults };
  await mkdir(options.out, { recursive: true });
  const written: string[] = [];
  const save = async (relative: string, content: string | Buffer) => {
    const path = join(options.out, relative);
    await writeFile(path, content);
    written.push(relative);
  };
  if (options.formats.includes('annex-a')) await save('annex_a.xlsx', await writeAnnexA(council, options.asOf, writerOptions));
  if (options.formats.includes('ssda903')) {
    await mkdir(join(options.out, 'ssda903'), { recursive: true });
    for (const [name, text] of Object.entries(writeSsda903(council, options.year, writerOptions))) await save(join('ssda903', name), text);
  }
  if (options.formats.includes('cin')) await save(`cin_census_${options.year}.xml`, writeCinCensus(council, options.year, writerOptions));
  if (options.formats.includes('ssd')) {
    await mkdir(join(options.out, 'ssd'), { recursive: true });
    for (const [name, text] of ssdFiles(council, writerOptions)) await save(join('ssd', name), text);
  }
  if (faults.length > 0) {
    const csv = new CsvBuilder(['file', 'sheet', 'row', 'column', 'kind']);
    for (const f of faults) csv.add([f.file, f.sheet, f.row, f.column, f.kind]);
    await save('faults.csv', csv.toString());
  }
  const finished = performance.now();

  const counts = countEvents(council);
  const events = Object.values(counts).reduce((a, b) => a + b, 0);
  log(`${council.name} (synthetic): ${council.children.length} children, ${council.teams.length} teams, ${council.workers.length} workers`);
  log(`window ${council.windowStart} to ${council.asOf}; ${events} events`);
  for (const [kind, n] of Object.entries(counts)) log(`  ${kind.padEnd(20)} ${n}`);
  const v = summariseVolumes(council);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  log(`per year: ${Math.round(v.contactsPerYear)} contacts, ${Math.round(v.referralsPerYear)} referrals (${(v.referralsPerYear / v.children).toFixed(2)} per child), ${Math.round(v.s47PerYear)} S47, ${Math.round(v.icpcPerYear)} ICPCs`);
  log(`children ever on a CP plan ${pct(v.shareEverOnCpPlan)}, ever looked after ${pct(v.shareEverLookedAfter)}; on the as-of date ${pct(v.shareOnCpPlanAtAsOf)} and ${pct(v.shareLookedAfterAtAsOf)}`);
  log(`assessments within 45 working days ${pct(v.assessmentsWithin45)}, ICPCs within 15 ${pct(v.icpcsWithin15)}, re-referrals ${pct(v.reReferralShare)}, second or later CP plans ${pct(v.secondOrLaterCpPlanShare)}`);
  log(`generated in ${((generated - started) / 1000).toFixed(1)} s, files written in ${((finished - generated) / 1000).toFixed(1)} s`);
  log(`peak resident memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  log(`${written.length} files in ${options.out}${faults.length > 0 ? `; ${faults.length} injected errors listed in faults.csv` : ''}`);
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) {
  try {
    await runCli(parseCli(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
