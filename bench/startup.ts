/**
 * Start-up time and memory of the real server: a fresh embedded database (migrations and the
 * demo council), then a restart on the same folder, each measured to the first healthy answer,
 * with resident memory after 200 page requests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

async function waitHealthy(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become healthy');
}

function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function once(dataDir: string, port: number) {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/sightline.js'), 'serve', '--demo'], {
    env: { ...process.env, PORT: String(port), SIGHTLINE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
    stdio: 'ignore',
  });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, Date.now() + 60_000);
    const readyMs = Math.round(performance.now() - started);
    const requestStart = performance.now();
    for (let i = 0; i < 200; i++) await (await fetch(`http://127.0.0.1:${port}/sign-in`)).text();
    const perRequestMs = Math.round(((performance.now() - requestStart) / 200) * 100) / 100;
    return { readyMs, rssMbAfter200Requests: Math.round(rssKb(child.pid!) / 1024), signInPageMeanMs: perRequestMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function benchStartup(): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-'));
  try {
    const port = 3900 + Math.floor(Math.random() * 90);
    const first = await once(dataDir, port);
    const restart = await once(dataDir, port);
    return { embeddedFirstStart: first, embeddedRestart: restart };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
