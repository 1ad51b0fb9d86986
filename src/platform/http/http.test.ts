import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/client.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

/**
 * A database outage: the embedded database is closed; a PostgreSQL database stops accepting
 * connections and its open ones are cut, as when the server goes down.
 */
async function stopDatabase(t: TestApp): Promise<void> {
  if (!t.database.url) return t.database.close();
  const name = new URL(t.database.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  } finally {
    await admin.end();
  }
}

/** The database accepts connections again after `stopDatabase` (PostgreSQL only). */
async function restartDatabase(t: TestApp): Promise<void> {
  const name = new URL(t.database.url!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  } finally {
    await admin.end();
  }
}

describe('web platform', () => {
  let t: TestApp;
  let secure: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    secure = await createTestApp({ cookieSecure: true });
  });
  afterAll(async () => {
    await t.close();
    await secure.close();
  });

  it('reports database reachability on /health', async () => {
    const response = await request(t.app).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'reachable' });
  });

  it('sends security headers with a per-response CSP nonce and no X-Powered-By', async () => {
    const a = await request(t.app).get('/sign-in');
    const b = await request(t.app).get('/sign-in');
    expect(a.headers['x-powered-by']).toBeUndefined();
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(a.headers['cache-control']).toBe('no-store');
    const csp = a.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(a.text).toContain(`nonce="${nonce}"`);
    expect(b.headers['content-security-policy']).not.toBe(csp);
  });

  it('uses __Host- cookies marked Secure, and HSTS, when cookies are secure (the default)', async () => {
    const response = await request(secure.app).get('/sign-in');
    const cookies = response.headers['set-cookie'] as unknown as string[];
    expect(cookies.some((c) => c.startsWith('__Host-sightline-pre=') && /Secure/.test(c) && /HttpOnly/.test(c) && /Path=\//.test(c))).toBe(true);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  it('refuses a state change without a valid CSRF token, or from another site', async () => {
    const admin = await t.signInAs('admin');
    await admin.get('/admin/services/new');
    const noToken = await admin.post('/admin/services/new', { name: 'Forged' }, { csrf: false });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('Your request could not be accepted');
    const crossSite = await admin.post('/admin/services/new', { name: 'Forged' }, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect((await admin.get('/admin/services')).text).not.toContain('Forged');
  });

  it('does not accept a token from one session in another', async () => {
    const one = await t.signInAs('admin');
    const other = await t.signInAs('admin');
    const page = await one.get('/admin/services/new');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await other.get('/admin/services/new');
    const response = await request(t.app)
      .post('/admin/services/new')
      .set('Cookie', `sightline=${other.cookie('sightline')}`)
      .type('form')
      .send({ name: 'Stolen token', _csrf: token });
    expect(response.status).toBe(403);
  });

  it('shows a friendly 404 page', async () => {
    const response = await request(t.app).get('/no/such/page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page not found');
    expect(response.headers['content-security-policy']).toBeDefined();
  });

  it('serves hashed assets with long caching, and 404 for unknown ones', async () => {
    const page = await request(t.app).get('/sign-in');
    const css = /href="(\/assets\/application-[0-9a-f]{12}\.css)"/.exec(page.text)![1]!;
    const response = await request(t.app).get(css);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.text).toContain('.govuk-button');
    expect((await request(t.app).get('/assets/application-000000000000.css')).status).toBe(404);
  });

  it('answers malformed JSON with a 400 page, not a stack trace', async () => {
    const client = t.client();
    await client.get('/sign-in');
    const response = await request(t.app).post('/sign-in').set('Content-Type', 'application/json').send('{"email":');
    expect([400, 403]).toContain(response.status);
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers 503 and keeps no half-written data when the database is unreachable', async () => {
    const broken = await createTestApp({ demo: 'council' });
    const admin = await broken.signInAs('admin');
    await stopDatabase(broken);
    const response = await admin.get('/admin/users');
    expect(response.status).toBe(503);
    expect(response.text).toContain('Nothing you sent has been saved');
    expect(response.text).not.toMatch(/select|insert|\.ts:\d+/i);
    expect((await request(broken.app).get('/health')).status).toBe(503);
    await broken.close();
  });

  it('answers a form sent while the database is unreachable with 503, saves nothing of it, and takes it once the database is back', async () => {
    const broken = await createTestApp({ demo: 'council' });
    const admin = await broken.signInAs('admin');
    const form = await admin.get('/admin/services/new');
    const fields = { name: 'Sent during the outage', _submission: /name="_submission" value="([^"]+)"/.exec(form.text)![1]! };
    await stopDatabase(broken);
    const response = await admin.post('/admin/services/new', fields);
    expect(response.status).toBe(503);
    expect(response.text).toContain('Nothing you sent has been saved');
    expect(response.headers['retry-after']).toBe('30');
    // The embedded database went with the process: only PostgreSQL can be looked at afterwards.
    if (broken.database.url) {
      await restartDatabase(broken);
      const named = async () => (await queryRows<{ n: number }>(broken.database.db, sql`select count(*)::int as n from services where name = ${fields.name}`))[0]!.n;
      expect(await named()).toBe(0);
      // Sent again once the database is back, the same form is saved, once: the outage used nothing up.
      expect((await admin.post('/admin/services/new', fields)).status).toBe(303);
      expect((await admin.post('/admin/services/new', fields)).status).toBe(303);
      expect(await named()).toBe(1);
    }
    await broken.close();
  });
});
