/**
 * OWASP ASVS 5.0, V3 Web Frontend Security (headers, request forgery, redirects), with the
 * response-level checks of V4.1.1, V13.4 and V14.3.2 that the same sweep proves. Every route is
 * read from Express, so a route added later is swept without a change here.
 */
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/platform/auth/roles.ts';
import { createTestApp, TEST_PASSWORD, type TestApp, type TestClient } from '../support/app.ts';
import { demoParams, fill, fingerprint, routesOf, type Route } from './support.ts';

type Who = Role | 'anonymous';
/** Signed out, the least and the most privileged, and two in between: every kind of answer (200, 303, 403, 404) comes up. */
const SWEEP: Who[] = ['anonymous', 'partner', 'practitioner', 'qa-officer', 'admin'];
const EVIL_ORIGIN = 'https://evil.example';

interface Seen {
  label: string;
  response: request.Response;
}

/** V3.4.x, V4.1.1, V14.3.2: what every response carries, whatever its status or body. */
function expectSecurityHeaders({ label, response }: Seen): void {
  const h = response.headers;
  expect(h['strict-transport-security'], `${label}: HSTS`).toMatch(/max-age=(\d{8,}|3153[6-9]\d{3}|31[6-9]\d{5}|3[2-9]\d{6});\s*includeSubDomains/);
  const csp = String(h['content-security-policy'] ?? '');
  expect(csp, `${label}: CSP`).toContain("object-src 'none'");
  expect(csp, `${label}: CSP`).toContain("base-uri 'none'");
  expect(csp, `${label}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${label}: CSP`).not.toContain('unsafe-inline');
  expect(h['x-content-type-options'], `${label}: nosniff`).toBe('nosniff');
  expect(h['referrer-policy'], `${label}: Referrer-Policy`).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
  expect(h['access-control-allow-origin'], `${label}: CORS`).toBeUndefined();
  expect(h['x-powered-by'], `${label}: X-Powered-By`).toBeUndefined();
  const body = response.body instanceof Buffer ? response.body.length : (response.text ?? '').length;
  if (body > 0) {
    const type = String(h['content-type'] ?? '');
    expect(type, `${label}: Content-Type`).not.toBe('');
    if (/^text\/|[/+](xml|json|yaml)/.test(type)) expect(type, `${label}: charset`).toMatch(/charset=utf-8/i);
  }
  // Hashed assets may be cached for ever; nothing else may be kept by a browser or a proxy.
  if (!label.includes('/assets/')) expect(h['cache-control'], `${label}: Cache-Control`).toBe('no-store');
}

describe('ASVS V3 web frontend security', () => {
  let t: TestApp;
  const clients = new Map<Who, TestClient>();
  let params: Record<string, string>;
  let routes: Route[];
  let assetUrl: string;
  /** Every response the GET sweep saw, for the checks that look across all of them. */
  const seen: Seen[] = [];

  const path = (route: Route) => (route.pattern === '/assets/{*file}' ? assetUrl : fill(route.pattern, params));

  beforeAll(async () => {
    // Secure cookies as in production: HSTS and __Host- cookies are on.
    t = await createTestApp({ cookieSecure: true });
    clients.set('anonymous', t.client());
    for (const who of SWEEP) if (who !== 'anonymous') clients.set(who, await t.signInAs(who));
    params = await demoParams(t.database.db, t.council.organisationId);
    routes = routesOf(t.app);
    const home = await clients.get('admin')!.get('/');
    assetUrl = /href="(\/assets\/application-[^"]+\.css)"/.exec(home.text)![1]!;
  });
  afterAll(async () => {
    await t.close();
  });

  it('V3.4.1 V3.4.2 V3.4.3 V3.4.4 V3.4.5 V3.4.6 V4.1.1 V14.3.2 V3.5.3 sends the security headers on every GET route for every kind of visitor, and no GET changes anything', async () => {
    const before = await fingerprint(t.database.db);
    for (const route of routes.filter((r) => r.method === 'GET')) {
      for (const who of SWEEP) {
        const response = await clients.get(who)!.get(path(route), { Origin: EVIL_ORIGIN });
        const entry = { label: `${who} GET ${route.pattern} → ${response.status}`, response };
        expectSecurityHeaders(entry);
        seen.push(entry);
      }
    }
    const statuses = new Set(seen.map((s) => s.response.status));
    for (const status of [200, 303, 403, 404]) expect(statuses, `the sweep met a ${status}`).toContain(status);
    // V3.5.3: reading is safe: only the access log and the session's last use may change, and the
    // server's own key for sealing authenticator secrets, made the first time a page needs it.
    const after = await fingerprint(t.database.db);
    delete after.app_secrets;
    delete before.app_secrets;
    expect(after).toEqual(before);
  });

  it('V3.4.1 V3.4.3 V3.4.4 V3.4.6 V5.4.1 V5.4.2 sends them on downloads too (CSV, XLSX, PDF, YAML), as attachments with a file name of our own', async () => {
    const qa = clients.get('qa-officer')!;
    const downloads = [
      ['/actions/export.csv', /^text\/csv/],
      ['/actions/export.xlsx', /spreadsheetml/],
      ['/insights/report/xlsx', /spreadsheetml/],
      ['/insights/report/pdf', /^application\/pdf/],
      [`/standards/${params.catalogueId}/export`, /yaml/],
      [`/case-data/imports/${params.importId}/problems.csv`, /^text\/csv/],
    ] as const;
    for (const [url, type] of downloads) {
      const response = await request(t.app)
        .get(url)
        .set('Cookie', `__Host-sightline=${qa.cookie('__Host-sightline')}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(response.status, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(type);
      expect(response.headers['content-disposition'], url).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"$/);
      expectSecurityHeaders({ label: `download ${url}`, response });
    }
  });

  it('V3.4.3 V3.4.6 V16.5.1 sends them on error pages: not found, forbidden, conflict, too large, malformed', async () => {
    const qa = clients.get('qa-officer')!;
    const partner = clients.get('partner')!;
    const errors: Array<[string, () => Promise<request.Response>, number]> = [
      ['404', () => qa.get('/no/such/page'), 404],
      ['403', () => partner.get('/cases'), 403],
      // The demo's allocated round cannot be allocated again.
      ['409', async () => (await qa.get(`/rounds/${params.auditRoundId}`), qa.post(`/rounds/${params.auditRoundId}/allocate`)), 409],
      ['413', () => request(t.app).post('/sign-in').type('form').send(`email=${'a'.repeat(1_100_000)}`), 413],
      ['400', () => request(t.app).post('/sign-in').set('Content-Type', 'application/json').send('{"email":'), 400],
    ];
    for (const [label, send, status] of errors) {
      const response = await send();
      expect(response.status, label).toBe(status);
      expectSecurityHeaders({ label: `error ${label}`, response });
    }
  });

  it('V7.4.4 shows the sign-out button on every page a signed-in person can open', () => {
    const pages = seen.filter((s) => !s.label.startsWith('anonymous') && s.response.status === 200 && /text\/html/.test(String(s.response.headers['content-type'])));
    expect(pages.length).toBeGreaterThan(50);
    const without = pages.filter((s) => !/<form[^>]+action="\/sign-out"/.test(s.response.text)).map((s) => s.label);
    expect(without).toEqual([]);
  });

  it('V3.5.1 V3.5.2 refuses every POST route without the form token, with another session’s token, or marked cross-site, and nothing is written', async () => {
    const posts = routes.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(40);
    const admin = clients.get('admin')!;
    const page = await clients.get('qa-officer')!.get('/');
    const othersToken = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const before = await fingerprint(t.database.db);
    const refused: string[] = [];
    for (const route of posts) {
      const url = path(route);
      const attempts: Array<[string, request.Response]> = [
        ['no token', await admin.post(url, {}, { csrf: false })],
        ['another session’s token', await admin.post(url, { _csrf: othersToken }, { csrf: false })],
        ['cross-site', await admin.post(url, {}, { headers: { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL_ORIGIN } })],
        ['signed out, no token', await clients.get('anonymous')!.post(url, {}, { csrf: false })],
      ];
      for (const [how, response] of attempts) {
        if (response.status === 403 && response.text.includes('Your request could not be accepted')) refused.push(`${route.pattern} ${how}`);
        else expect.fail(`POST ${route.pattern} with ${how} answered ${response.status}`);
      }
    }
    expect(refused).toHaveLength(posts.length * 4);
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it('V3.7.2 never redirects to another site after sign-in, whatever return address a link carries (property, 300 runs)', async () => {
    const evil = fc.oneof(
      fc.constantFrom('//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example', 'http:evil.example', '/.//evil.example', '/%2F%2Fevil.example', ' //evil.example', '/\t/evil.example', 'javascript:alert(1)'),
      fc.webUrl(),
      fc.string(),
    );
    const returnTo = fc.tuple(evil, fc.string({ maxLength: 20 })).map(([a, b]) => a + b);
    await fc.assert(
      fc.asyncProperty(returnTo, async (value) => {
        const response = await request(t.app).get(`/sign-in?return-to=${encodeURIComponent(value)}`);
        expect(response.status).toBe(200);
        const hidden = /name="returnTo" value="([^"]*)"/.exec(response.text)?.[1];
        if (hidden === undefined) return;
        const decoded = hidden.replace(/&amp;/g, '&').replace(/&#x2F;/g, '/').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
        expect(new URL(decoded, 'https://sightline.example').origin).toBe('https://sightline.example');
        expect(decoded).toMatch(/^\/(?![/\\])/);
      }),
      { numRuns: 300 },
    );
  });

  it('V3.7.2 sends a person who signs in with a hostile return address to a page of this site', async () => {
    for (const returnTo of ['//evil.example/', '/\\evil.example', 'https://evil.example/', '/.//evil.example', '/sign-in/../..//evil.example']) {
      const client = t.client();
      await client.get('/sign-in');
      const response = await client.post('/sign-in', { email: 'iro@northbridge.example', password: TEST_PASSWORD, returnTo });
      expect(response.status, returnTo).toBe(303);
      const location = String(response.headers.location);
      expect(new URL(location, 'https://sightline.example').origin, returnTo).toBe('https://sightline.example');
    }
    // A signed-out visitor to a hostile path is sent to sign in, on this site.
    const response = await request(t.app).get('//evil.example/cases').redirects(0);
    expect(new URL(String(response.headers.location ?? '/'), 'https://sightline.example').origin).toBe('https://sightline.example');
  });

  it('V13.4.1 V13.4.3 V13.4.4 V13.4.5 serves no source, no directory listing, no TRACE echo, and a health check that says only whether it is up', async () => {
    for (const probe of ['/.git/config', '/.git/HEAD', '/.env', '/package.json', '/src/app.ts', '/assets/', '/assets', '/node_modules/express/package.json', '/drizzle/meta/_journal.json']) {
      const response = await request(t.app).get(probe);
      expect(response.status, probe).toBe(404);
      expect(response.text, probe).not.toMatch(/"dependencies":|\[core\]|from 'express'|Index of \//);
    }
    const trace = await request(t.app).trace('/').set('X-Probe', 'trace-marker-41');
    expect(trace.status).not.toBe(200);
    expect(trace.text ?? '').not.toContain('trace-marker-41');
    const health = await request(t.app).get('/health');
    expect(Object.keys(health.body as object).sort()).toEqual(['database', 'status']);
  });
});
