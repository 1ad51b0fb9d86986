/**
 * Benchmark of importing a council's case data: a synthetic council from our own generator
 * (test/synthetic, seed 1, five years to 31 March 2026) written as a Standard Safeguarding Dataset
 * extract, the format that carries every visit and review, imported exactly as an upload is
 * (parse and check every row, link names, upsert children and facts, recompute every deadline and
 * the indicators, all in one transaction), on the embedded database (PGlite, in a folder) and on
 * PostgreSQL (a scratch database, created and dropped).
 *
 * For each size and engine it reports the time of each stage and in total, rows and events per
 * second, a second import of the same extract (nothing changes), the engine alone over the
 * whole history, and the process's peak resident memory. On PostgreSQL it also loads the very rows
 * the import wrote into the same tables with `COPY` (through psql), the practical floor for
 * getting them there, and gives the import's ratio to it.
 *
 * Each size and engine runs in a process of its own, so peak memory is that run's alone.
 * Run directly: npx tsx bench/import.ts [--children 5000] (all sizes when omitted).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const AS_OF = '2026-03-31';
const SIZES = [5_000, 50_000];
/** Larger than the 50 MB an upload may be: a 50,000-child council's visit tables are bigger. */
const BENCH_MAX_FILE_BYTES = 1024 * 1024 * 1024;

type Engine = 'pglite' | 'postgres';

interface RunResult {
  engine: Engine;
  children: number;
  files: number;
  extractMb: number;
  rowsRead: number;
  rowsRejected: number;
  facts: number;
  complianceItems: number;
  /** Wall-clock time of each stage, and this process's CPU time in it (the server's CPU is not counted). */
  stagesMs: Record<string, number>;
  stagesCpuMs: Record<string, number>;
  importMs: number;
  importCpuMs: number;
  rowsPerSecond: number;
  factsPerSecond: number;
  reimportMs: number;
  reimportUnchanged: number;
  /** The engine alone over the whole history in memory: median of three, wall and CPU time. */
  engineOnlyMs: number;
  engineOnlyCpuMs: number;
  copyFloorMs?: { children: number; caseFacts: number; total: number };
  /** The process's peak resident memory by the end of the first import (the synthetic council and its files included), and by the end of the run. */
  importPeakRssMb: number;
  peakRssMb: number;
}

const round = (n: number, places = 0) => Number(n.toFixed(places));
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function serverUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** One size on one engine, in this process. */
async function runOnce(children: number, engine: Engine): Promise<RunResult> {
  const { generateCouncil } = await import('../test/synthetic/council.ts');
  const { ssdFiles } = await import('../test/synthetic/write-ssd.ts');
  const { openDatabase, queryRows } = await import('../src/platform/db/client.ts');
  const { loadDemoCouncil } = await import('../src/demo/northbridge.ts');
  const { createImport, runImport } = await import('../src/cases/imports.ts');
  const { DEFAULT_FILE_LIMITS } = await import('../src/cases/import/index.ts');
  const { parseExtractFiles } = await import('../src/cases/import/index.ts');
  const { evaluateTimeliness } = await import('../src/timeliness/engine.ts');
  const { englandAndWalesCalendar } = await import('../src/platform/calendar/bank-holidays.ts');
  const { sql } = await import('drizzle-orm');

  const council = generateCouncil({ seed: 1, children, years: 5, asOf: AS_OF });
  const files = [...ssdFiles(council)].map(([fileName, csv]) => ({ fileName, bytes: Buffer.from(csv) }));
  const extractBytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);

  let dataDir: string | undefined;
  let scratch: string | undefined;
  let url: string | undefined;
  if (engine === 'pglite') {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-import-'));
  } else {
    scratch = `sightline_bench_import_${process.pid}`;
    await admin(`CREATE DATABASE ${scratch}`);
    const u = new URL(serverUrl());
    u.pathname = `/${scratch}`;
    url = u.toString();
  }
  const database = await openDatabase({ databaseUrl: url, dataDir });
  try {
    await database.migrate();
    const { organisationId } = await loadDemoCouncil(database.db, 'benchmark password, not used');
    const limits = { ...DEFAULT_FILE_LIMITS, maxBytes: BENCH_MAX_FILE_BYTES };

    const stagesMs: Record<string, number> = {};
    const stagesCpuMs: Record<string, number> = {};
    let stage = '';
    let stageStart = performance.now();
    let stageCpu = process.cpuUsage();
    const started = performance.now();
    const startedCpu = process.cpuUsage();
    const importId = await createImport(database.db, { organisationId, importedBy: null, channel: 'command line', files, now: new Date() });
    const outcome = await runImport(database.db, importId, files, {
      asOf: AS_OF,
      limits,
      onProgress: (p) => {
        if (p.stage === stage) return;
        const now = performance.now();
        const cpu = process.cpuUsage();
        if (stage) {
          stagesMs[stage] = round((stagesMs[stage] ?? 0) + now - stageStart);
          stagesCpuMs[stage] = round((stagesCpuMs[stage] ?? 0) + cpuMs(cpu) - cpuMs(stageCpu));
        }
        stage = p.stage;
        stageStart = now;
        stageCpu = cpu;
      },
    });
    const importMs = performance.now() - started;
    const importCpuMs = cpuMs(process.cpuUsage()) - cpuMs(startedCpu);
    const importPeakRssMb = round(process.resourceUsage().maxRSS / 1024);
    if (outcome.status !== 'succeeded') throw new Error(`the import ${outcome.status}: ${outcome.failure}`);

    const reimportStart = performance.now();
    const again = await runImport(database.db, await createImport(database.db, { organisationId, importedBy: null, channel: 'command line', files, now: new Date() }), files, { asOf: AS_OF, limits });
    const reimportMs = performance.now() - reimportStart;

    const [counts] = await queryRows<{ facts: number; items: number }>(
      database.db,
      sql`select (select count(*)::int from case_facts) as facts, (select count(*)::int from compliance_items) as items`,
    );

    // The engine alone, over the same facts in memory (national measures, as the CLI runs it).
    const extract = await parseExtractFiles(files, limits);
    const calendar = englandAndWalesCalendar();
    evaluateTimeliness(extract.children, extract.facts, { asOf: AS_OF, calendar });
    const engineRuns: number[] = [];
    const engineCpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const c = cpuMs(process.cpuUsage());
      evaluateTimeliness(extract.children, extract.facts, { asOf: AS_OF, calendar });
      engineRuns.push(performance.now() - t);
      engineCpu.push(cpuMs(process.cpuUsage()) - c);
    }

    let copyFloorMs: RunResult['copyFloorMs'];
    if (engine === 'postgres' && url) copyFloorMs = copyFloor(url);

    return {
      engine,
      children,
      files: files.length,
      extractMb: round(extractBytes / 1024 / 1024, 1),
      rowsRead: outcome.rowsRead,
      rowsRejected: outcome.rowsRejected,
      facts: counts!.facts,
      complianceItems: counts!.items,
      stagesMs,
      stagesCpuMs,
      importMs: round(importMs),
      importCpuMs: round(importCpuMs),
      rowsPerSecond: round(outcome.rowsRead / (importMs / 1000)),
      factsPerSecond: round(counts!.facts / (importMs / 1000)),
      reimportMs: round(reimportMs),
      reimportUnchanged: again.unchanged,
      engineOnlyMs: round(engineRuns.sort((a, b) => a - b)[1]!),
      engineOnlyCpuMs: round(engineCpu.sort((a, b) => a - b)[1]!),
      ...(copyFloorMs ? { copyFloorMs } : {}),
      importPeakRssMb,
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (scratch) await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  }
}

/**
 * The rows the import wrote, copied out and loaded again with COPY into the same tables (emptied
 * first, indexes and constraints in place, as the import had them). Only the load is timed.
 */
function copyFloor(url: string): { children: number; caseFacts: number; total: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-copy-'));
  const psql = (command: string) => {
    const started = performance.now();
    const result = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr || result.error?.message}`);
    return performance.now() - started;
  };
  try {
    const children = path.join(dir, 'children.csv');
    const facts = path.join(dir, 'case_facts.csv');
    psql(`\\copy children to '${children}' with (format csv)`);
    psql(`\\copy case_facts to '${facts}' with (format csv)`);
    psql('truncate compliance_items, case_facts, children cascade');
    const childrenMs = psql(`\\copy children from '${children}' with (format csv)`);
    const factsMs = psql(`\\copy case_facts from '${facts}' with (format csv)`);
    return { children: round(childrenMs), caseFacts: round(factsMs), total: round(childrenMs + factsMs) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function psqlAvailable(): boolean {
  return spawnSync('psql', ['--version']).status === 0;
}

async function postgresReachable(): Promise<boolean> {
  try {
    await admin('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Runs one size on one engine in a child process and returns its result. */
function inChildProcess(children: number, engine: Engine): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=12288', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--children', String(children), '--engine', engine], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`benchmark run (${children} children, ${engine}) exited with ${code}`));
      resolve(JSON.parse(out) as RunResult);
    });
  });
}

export async function benchImport(sizes: readonly number[] = SIZES): Promise<Record<string, unknown>> {
  const engines: Engine[] = ['pglite'];
  const postgres = await postgresReachable();
  if (postgres) engines.push('postgres');
  const runs: RunResult[] = [];
  for (const children of sizes) for (const engine of engines) runs.push(await inChildProcess(children, engine));

  const ratios = runs
    .filter((r) => r.engine === 'postgres' && r.copyFloorMs)
    .flatMap((pgRun) =>
      runs
        .filter((r) => r.children === pgRun.children)
        .map((r) => ({
          children: r.children,
          engine: r.engine,
          importToCopy: round(r.importMs / pgRun.copyFloorMs!.total, 1),
          savingToCopy: round((r.stagesMs['saving'] ?? 0) / pgRun.copyFloorMs!.total, 1),
        })),
    );
  const growth = engines.map((engine) => {
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)].map((n) => runs.find((r) => r.engine === engine && r.children === n)!);
    return {
      engine,
      children: `${small!.children} → ${large!.children}`,
      facts: round(large!.facts / small!.facts, 1),
      importTime: round(large!.importMs / small!.importMs, 1),
      peakRss: round(large!.peakRssMb / small!.peakRssMb, 1),
    };
  });
  return {
    benchmark: 'import of a synthetic SSD extract (parse, check, link, upsert, recompute deadlines and indicators in one transaction)',
    asOf: AS_OF,
    note: [
      postgres ? `PostgreSQL at ${new URL(serverUrl()).host}, a scratch database per run` : 'PostgreSQL not reachable: embedded database only',
      psqlAvailable() ? 'COPY floor loaded with psql \\copy' : 'psql not found: no COPY floor',
      'each run in its own process (heap limit raised to 12 GB); the file size limit raised for the visit tables of the large council',
    ],
    runs,
    ratioToPostgresCopy: ratios,
    growth,
    node: process.version,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { child: { type: 'boolean' }, children: { type: 'string' }, engine: { type: 'string' } } });
  if (values.child) {
    process.stdout.write(JSON.stringify(await runOnce(Number(values.children), values.engine as Engine)));
  } else {
    const sizes = values.children ? [Number(values.children)] : SIZES;
    console.log(JSON.stringify(await benchImport(sizes), null, 2));
  }
}
