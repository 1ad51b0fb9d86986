/**
 * `npm run bench`: runs every benchmark and writes the figures to docs/BENCHMARKS.md, between
 * markers, so the hand-written method notes around them survive.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchStartup } from './startup.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const FILE = path.join(ROOT, 'docs/BENCHMARKS.md');

async function optional(modulePath: string, name: string): Promise<Record<string, unknown> | undefined> {
  if (!fs.existsSync(path.join(import.meta.dirname, modulePath))) return undefined;
  const module = (await import(`./${modulePath}`)) as Record<string, () => Promise<Record<string, unknown>>>;
  return module[name]!();
}

const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString().slice(0, 10) },
  startup: await benchStartup(),
};
const timeliness = await optional('timeliness.ts', 'benchTimeliness');
if (timeliness) results.timeliness = timeliness;
const caseImport = await optional('import.ts', 'benchImport');
if (caseImport) results.import = caseImport;
const dashboards = await optional('dashboards.ts', 'benchDashboards');
if (dashboards) results.dashboards = dashboards;

const block = ['<!-- bench:start -->', '```json', JSON.stringify(results, null, 2), '```', '<!-- bench:end -->'].join('\n');
const current = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n';
fs.writeFileSync(FILE, current.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block));
console.log(JSON.stringify(results, null, 2));
