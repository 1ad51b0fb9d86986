/**
 * `npm run bench`: runs every benchmark and writes the figures to docs/BENCHMARKS.md, between
 * markers, so the hand-written method notes around them survive.
 * `npm run bench -- dashboards import` runs only the named ones and keeps the others' last figures,
 * because the large benchmarks take many minutes each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const FILE = path.join(ROOT, 'docs/BENCHMARKS.md');
const BLOCK = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;

/** Each benchmark: its module in bench/ and the function that runs it. */
const BENCHMARKS = {
  startup: ['startup.ts', 'benchStartup'],
  timeliness: ['timeliness.ts', 'benchTimeliness'],
  import: ['import.ts', 'benchImport'],
  dashboards: ['dashboards.ts', 'benchDashboards'],
} as const;
type Name = keyof typeof BENCHMARKS;

function isName(value: string): value is Name {
  return Object.hasOwn(BENCHMARKS, value);
}

function previousFigures(text: string): Record<string, unknown> {
  const json = /```json\n([\s\S]*?)\n```/.exec(BLOCK.exec(text)?.[0] ?? '')?.[1];
  return json ? (JSON.parse(json) as Record<string, unknown>) : {};
}

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !isName(a));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const names = asked.length ? (asked as Name[]) : (Object.keys(BENCHMARKS) as Name[]);

const current = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n';
const results: Record<string, unknown> = asked.length ? previousFigures(current) : {};
results.machine = { node: process.version, cpus: os.cpus().length, date: new Date().toISOString().slice(0, 10) };
for (const name of names) {
  const [file, fn] = BENCHMARKS[name];
  const module = (await import(`./${file}`)) as Record<string, () => Promise<Record<string, unknown>>>;
  results[name] = await module[fn]!();
}

const block = ['<!-- bench:start -->', '```json', JSON.stringify(results, null, 2), '```', '<!-- bench:end -->'].join('\n');
fs.writeFileSync(FILE, current.replace(BLOCK, block));
console.log(JSON.stringify(results, null, 2));
