/**
 * The real server (`sightline serve`) as a child process, for the tests that need a process to
 * attack or to kill: its own fresh database (a new PostgreSQL database when DATABASE_URL is set,
 * otherwise an embedded database in a temporary folder), a free port, and sign-in through the
 * form as a browser does. A database outlives the processes started on it, so a test can kill
 * one and start another on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SERVER_PASSWORD = 'server test password for every account';

export interface ServerDatabase {
  /** The PostgreSQL database's connection string; undefined for the embedded database. */
  url: string | undefined;
  dataDir: string;
  /** A query on the database from outside the server (PostgreSQL only). */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** One statement on the server's own database (creating and dropping databases). */
export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createServerDatabase(): Promise<ServerDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-server-test-'));
  const serverUrl = process.env.DATABASE_URL;
  let url: string | undefined;
  let name: string | undefined;
  if (serverUrl) {
    name = `sightline_server_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  return {
    url,
    dataDir,
    async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      if (!url) throw new Error('queries from outside the server need PostgreSQL');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<T>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async drop() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (serverUrl && name) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  base: string;
  child: ChildProcess;
  /** What the process printed (stdout and stderr), for a failure message. */
  output(): string;
  /** SIGKILL: no handler runs, nothing is flushed or closed. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, the orderly stop. */
  stop(): Promise<void>;
}

/**
 * Starts `sightline serve` on the database (with `--demo`, loading the demo council first when the
 * database is empty, every account's password `SERVER_PASSWORD`) and waits until /health answers.
 */
export async function startServer(database: ServerDatabase, options: { demo?: boolean; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/sightline.js'), 'serve', ...(options.demo ? ['--demo'] : [])], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url ?? '',
      SIGHTLINE_DATA_DIR: database.dataDir,
      DEMO_PASSWORD: SERVER_PASSWORD,
      SESSION_SECRET: 'a session secret for the server tests, not used anywhere else',
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'warn',
      JOBS_INTERVAL_MINUTES: '0',
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    base,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.kill();
  throw new Error(`the server did not become healthy:\n${output}`);
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

/** A signed-in browser session on the running server: its cookie header and a CSRF token for forms. */
export interface ServerSession {
  cookie: string;
  csrf: string;
}

export async function signInTo(base: string, email: string, password = SERVER_PASSWORD): Promise<ServerSession> {
  const page = await fetch(`${base}/sign-in`);
  const pre = cookiesOf(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('no CSRF token on the sign-in page');
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre.join('; ') },
    body: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  if (response.status !== 303) throw new Error(`signing in as ${email} answered ${response.status}`);
  const cookie = cookiesOf(response).join('; ');
  const home = await fetch(`${base}/`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1];
  if (home.status !== 200 || !csrf) throw new Error(`the home page after signing in as ${email} answered ${home.status}`);
  return { cookie, csrf };
}
