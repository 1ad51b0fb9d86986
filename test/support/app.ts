/**
 * The whole web application on a fresh test database with the demo council loaded, and a small
 * browser-like client that keeps cookies and sends CSRF tokens the way a real form does.
 */
import type { Express } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { buildWebApp } from '../../src/app.ts';
import { DEMO_ACCOUNTS, type DemoCouncil } from '../../src/demo/northbridge.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import { seededTestDatabase, type TestDatabase } from './database.ts';
import { TEST_PASSWORD } from './password.ts';

export { TEST_PASSWORD };

export interface TestApp {
  app: Express;
  database: TestDatabase;
  council: DemoCouncil;
  client(): TestClient;
  signInAs(role: Role): Promise<TestClient>;
  close(): Promise<void>;
}

/**
 * `demo: 'full'` (the default) loads everything `npm start` shows; `'council'` only the council's
 * structure and people, for tests that build their own records from nothing.
 */
export async function createTestApp(options: { now?: () => Date; cookieSecure?: boolean; demo?: 'full' | 'council' } = {}): Promise<TestApp> {
  const { database, council: seeded } = await seededTestDatabase(options.demo ?? 'full', TEST_PASSWORD);
  const council = seeded!;
  const app = await buildWebApp({
    database,
    logger: pino({ level: 'silent' }),
    cookieSecure: options.cookieSecure ?? false,
    development: false,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    app,
    database,
    council,
    client: () => new TestClient(app),
    async signInAs(role) {
      const client = new TestClient(app);
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const response = await client.signIn(account.email, TEST_PASSWORD);
      if (response.status !== 303) throw new Error(`signing in as ${role} answered ${response.status}`);
      return client;
    },
    close: () => database.close(),
  };
}

export function csrfFrom(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

export class TestClient {
  private cookies = new Map<string, string>();
  private token: string | undefined;

  constructor(private readonly app: Express) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: request.Response): void {
    const set = response.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of set ?? []) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = typeof response.text === 'string' ? csrfFrom(response.text) : undefined;
    if (token) this.token = token;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<request.Response> {
    const response = await request(this.app).get(path).set('Cookie', this.cookieHeader()).set(headers).redirects(0);
    this.remember(response);
    return response;
  }

  /** Posts a form with the CSRF token from the last page this client loaded (loading one if needed). */
  async post(path: string, form: Record<string, string | string[]> = {}, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<request.Response> {
    if (options.csrf !== false && !this.token) await this.get('/sign-in');
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
    if (options.csrf !== false && this.token) body.append('_csrf', this.token);
    const response = await request(this.app)
      .post(path)
      .set('Cookie', this.cookieHeader())
      .set(options.headers ?? {})
      .type('form')
      .send(body.toString())
      .redirects(0);
    this.remember(response);
    return response;
  }

  async signIn(email: string, password: string): Promise<request.Response> {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password });
    if (response.status === 303) await this.get('/');
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
}
