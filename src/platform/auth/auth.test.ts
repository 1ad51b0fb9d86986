import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/support/app.ts';
import { accessLog } from '../access-log/schema.ts';
import { sessions } from './schema.ts';
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, loadSession } from './sessions.ts';

describe('signing in and out', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs a user in with the right password, gives a new session id, and shows their name', async () => {
    const client = t.client();
    await client.get('/sign-in');
    const before = client.cookie('sightline');
    const response = await client.signIn('practitioner@northbridge.example', TEST_PASSWORD);
    expect(response.status).toBe(303);
    const after = client.cookie('sightline');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Amara Okafor');
  });

  it('brings a signed-out visitor back to the page they asked for once they sign in', async () => {
    const client = t.client();
    const asked = await client.get('/actions?status=open');
    expect(asked.status).toBe(303);
    // Only the path: a query string could hold what someone searched for.
    expect(asked.headers.location).toBe('/sign-in?return-to=%2Factions');
    const page = await client.get(asked.headers.location!);
    expect(page.text).toContain('name="returnTo" value="/actions"');
    const signedIn = await client.post('/sign-in', { email: 'practitioner@northbridge.example', password: TEST_PASSWORD, returnTo: '/actions' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/actions');
    // A form posted after the session ended goes to the plain sign-in page, not back to the form's target.
    const posted = await t.client().post('/actions/settings/chasing', {});
    expect(posted.headers.location).toBe('/sign-in');
  });

  it('sets HttpOnly and SameSite on the session cookie', async () => {
    const client = t.client();
    await client.get('/sign-in');
    const response = await client.post('/sign-in', { email: 'admin@northbridge.example', password: TEST_PASSWORD });
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sightline='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses a wrong password without saying whether the account exists', async () => {
    const client = t.client();
    const wrongPassword = await client.signIn('practitioner@northbridge.example', 'not the password');
    const noAccount = await client.signIn('nobody@northbridge.example', 'not the password');
    expect(wrongPassword.status).toBe(401);
    expect(noAccount.status).toBe(401);
    expect(wrongPassword.text).toContain('Enter a correct email address and password');
    expect(noAccount.text).toContain('Enter a correct email address and password');
  });

  it('shows an error summary for empty fields', async () => {
    const client = t.client();
    await client.get('/sign-in');
    const response = await client.post('/sign-in', { email: '', password: '' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('There is a problem');
    expect(response.text).toContain('href="#email"');
    expect(response.text).toContain('Enter your password');
  });

  it('throttles repeated failures from one address for one account, but not for another address', async () => {
    const attacker = t.client();
    const email = 'moderator@northbridge.example';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attacker.signIn(email, `guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    // Even the right password waits while throttled, from the attacker's address...
    expect((await attacker.signIn(email, TEST_PASSWORD)).status).toBe(429);
    // ...but the real user, elsewhere, signs in at once.
    const colleague = t.client();
    await colleague.get('/sign-in');
    const response = await colleague.post('/sign-in', { email, password: TEST_PASSWORD }, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    // trust proxy is off, so the forwarded header cannot be used to dodge the throttle:
    expect(response.status).toBe(429);
  });

  it('signs out, ending the session on the server', async () => {
    const client = await t.signInAs('qa-officer');
    const token = client.cookie('sightline')!;
    const response = await client.post('/sign-out');
    expect(response.status).toBe(303);
    expect(await loadSession(t.database.db, token)).toBeUndefined();
    expect((await client.get('/')).status).toBe(303);
  });

  it('ends sessions after 30 minutes idle and 12 hours in all', async () => {
    const client = await t.signInAs('iro');
    const token = client.cookie('sightline')!;
    const now = Date.now();
    expect(await loadSession(t.database.db, token, new Date(now + IDLE_TIMEOUT_MS - 60_000))).toBeDefined();
    expect(await loadSession(t.database.db, token, new Date(now + 2 * IDLE_TIMEOUT_MS))).toBeUndefined();

    const busy = await t.signInAs('iro');
    const busyToken = busy.cookie('sightline')!;
    // Active every 20 minutes, it still ends at 12 hours.
    let at = now;
    while (at + 20 * 60_000 < now + ABSOLUTE_TIMEOUT_MS) {
      at += 20 * 60_000;
      expect(await loadSession(t.database.db, busyToken, new Date(at))).toBeDefined();
    }
    expect(await loadSession(t.database.db, busyToken, new Date(now + ABSOLUTE_TIMEOUT_MS + 60_000))).toBeUndefined();
  });

  it('records sign-in in the access log without the password or e-mail', async () => {
    await t.signInAs('senior-leader');
    const rows = await t.database.db.select().from(accessLog).where(eq(accessLog.action, 'sign-in'));
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
    expect(JSON.stringify(rows)).not.toContain('@northbridge.example');
  });

  it('stores only a hash of the session token', async () => {
    const client = await t.signInAs('admin');
    const token = client.cookie('sightline')!;
    const stored = await t.database.db.select({ idHash: sessions.idHash }).from(sessions);
    expect(stored.map((s) => s.idHash)).not.toContain(token);
  });
});
