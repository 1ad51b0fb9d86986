/**
 * OWASP ASVS 5.0, V7 Session Management and V3.3 Cookie Setup, through the HTTP surface only:
 * what a browser (or an attacker holding an old cookie) sees. The clock is the application's
 * own `now`, moved by the test, so timeouts are checked without waiting.
 */
import { Secret, TOTP } from 'otpauth';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { queryRows } from '../../src/platform/db/client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp, type TestClient } from '../support/app.ts';

const MINUTE = 60_000;

describe('ASVS V7 session management and V3.3 cookies', () => {
  let t: TestApp;
  let secure: TestApp;
  let clock = new Date('2026-03-02T09:00:00Z');
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => clock });
    secure = await createTestApp({ demo: 'council', cookieSecure: true });
  });
  afterAll(async () => {
    await t.close();
    await secure.close();
  });

  /** Signed in means the home page answers 200; signed out, it sends the browser to sign in. */
  const signedIn = async (client: TestClient) => (await client.get('/')).status === 200;
  const withCookie = (app: TestApp, cookie: string) => request(app.app).get('/').set('Cookie', cookie).redirects(0);

  it('V3.3.1 V3.3.3 V3.3.4 marks every cookie Secure, HttpOnly and __Host- prefixed, and never puts the session token in a page', async () => {
    const client = secure.client();
    const form = await client.get('/sign-in');
    const response = await client.post('/sign-in', { email: 'admin@northbridge.example', password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    const set = [...((form.headers['set-cookie'] as unknown as string[]) ?? []), ...((response.headers['set-cookie'] as unknown as string[]) ?? [])];
    expect(set.length).toBeGreaterThanOrEqual(2);
    for (const cookie of set) {
      expect(cookie, cookie).toMatch(/^__Host-/);
      expect(cookie, cookie).toMatch(/;\s*Secure/i);
      expect(cookie, cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie, cookie).toMatch(/;\s*Path=\//i);
      expect(cookie, cookie).not.toMatch(/;\s*Domain=/i);
    }
    const token = client.cookie('__Host-sightline')!;
    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).not.toContain(token);
    expect(JSON.stringify(home.headers).replace(/set-cookie[^\]]*\]/i, '')).not.toContain(token);
  });

  it('V3.3.2 sets SameSite=Lax on the session and pre-session cookies, which the CSRF token backs up', async () => {
    const client = t.client();
    await client.get('/sign-in');
    const response = await client.post('/sign-in', { email: 'qa-officer@northbridge.example', password: TEST_PASSWORD });
    const session = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sightline='))!;
    expect(session).toMatch(/;\s*SameSite=Lax/i);
  });

  it('V7.2.1 V7.2.2 V7.2.3 issues random 256-bit reference tokens, checked only on the server: a made-up or altered token is no session', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const client = await t.signInAs('moderator');
      const token = client.cookie('sightline')!;
      // 32 random bytes, base64url: 43 characters, 256 bits.
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      tokens.add(token);
    }
    expect(tokens.size).toBe(5);
    const [token] = [...tokens] as [string];
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [altered, 'admin', 'A'.repeat(43), '']) {
      const response = await withCookie(t, `sightline=${forged}`);
      expect(response.status, forged).toBe(303);
      expect(response.headers.location).toMatch(/^\/sign-in/);
    }
  });

  it('V7.2.4 issues a new session token at sign-in and ends the one the browser had, so a planted or earlier token is useless', async () => {
    // Fixation: a token chosen by an attacker before sign-in is not adopted.
    const planted = 'p'.repeat(43);
    const victim = t.client();
    const page = await request(t.app).get('/sign-in').set('Cookie', `sightline=${planted}`);
    expect((page.headers['set-cookie'] as unknown as string[]).some((c) => /^sightline=;/.test(c))).toBe(true);
    await victim.signIn('practitioner@northbridge.example', TEST_PASSWORD);
    expect(victim.cookie('sightline')).not.toBe(planted);

    // Re-authentication: signing in again from a signed-in browser replaces the token and ends the old one.
    const before = victim.cookie('sightline')!;
    await victim.get('/');
    const again = await victim.post('/sign-in', { email: 'practitioner@northbridge.example', password: TEST_PASSWORD });
    expect(again.status).toBe(303);
    const after = victim.cookie('sightline')!;
    expect(after).not.toBe(before);
    expect((await withCookie(t, `sightline=${before}`)).status).toBe(303);
    expect((await withCookie(t, `sightline=${after}`)).status).toBe(200);
  });

  it('V7.3.1 ends a session after 30 minutes without a request, and not before', async () => {
    const client = await t.signInAs('iro');
    tick(29 * MINUTE);
    expect(await signedIn(client)).toBe(true);
    tick(29 * MINUTE);
    expect(await signedIn(client)).toBe(true);
    tick(31 * MINUTE);
    expect(await signedIn(client)).toBe(false);
    // Once ended, it stays ended: coming back at once does not revive it.
    expect(await signedIn(client)).toBe(false);
  });

  it('V7.3.2 ends a session 12 hours after sign-in however busy it is', async () => {
    const client = await t.signInAs('senior-leader');
    for (let elapsed = 0; elapsed + 20 * MINUTE < 12 * 60 * MINUTE; elapsed += 20 * MINUTE) {
      tick(20 * MINUTE);
      expect(await signedIn(client)).toBe(true);
    }
    // 12 hours and a minute after sign-in, and only 21 minutes since the last request.
    tick(21 * MINUTE);
    expect(await signedIn(client)).toBe(false);
  });

  it('V7.4.1 signing out ends the session on the server: the old cookie, replayed, opens nothing, and pages are never cached for the back button', async () => {
    const client = await t.signInAs('qa-officer');
    const token = client.cookie('sightline')!;
    const page = await client.get('/');
    expect(page.headers['cache-control']).toBe('no-store');
    const out = await client.post('/sign-out');
    expect(out.status).toBe(303);
    expect((out.headers['set-cookie'] as unknown as string[]).some((c) => /^sightline=;/.test(c))).toBe(true);
    const replay = await withCookie(t, `sightline=${token}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/sign-in/);
    const post = await request(t.app).post('/notifications/read-all').set('Cookie', `sightline=${token}`).type('form').send({});
    expect([303, 403]).toContain(post.status);
  });

  it('V7.4.2 disabling an account ends every session it has, at once', async () => {
    const first = await t.signInAs('practice-manager');
    const second = await t.signInAs('practice-manager');
    const admin = await t.signInAs('admin');
    await admin.get(`/admin/users/${t.council.people['practice-manager']}`);
    const disabled = await admin.post(`/admin/users/${t.council.people['practice-manager']}/disable`);
    expect(disabled.status).toBe(303);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(second)).toBe(false);
    // Nor can the disabled person sign in again.
    const retry = t.client();
    expect((await retry.signIn('practice-manager@northbridge.example', TEST_PASSWORD)).status).toBe(401);
    await admin.post(`/admin/users/${t.council.people['practice-manager']}/enable`);
  });

  it('V7.4.3 ends the other sessions of someone who sets up an authenticator app, and all sessions of someone whose app an administrator resets', async () => {
    const other = await t.signInAs('group-manager');
    const client = await t.signInAs('group-manager');
    await client.get('/account/two-factor');
    expect((await client.post('/account/two-factor/setup', { password: TEST_PASSWORD })).status).toBe(303);
    const setup = await client.get('/account/two-factor/setup');
    const secret = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(setup.text)![1]!.replace(/ /g, '');
    const code = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: clock.getTime() });
    const confirmed = await client.post('/account/two-factor/setup/confirm', { code });
    expect(confirmed.status).toBe(200);
    expect(await signedIn(client)).toBe(true);
    expect(await signedIn(other)).toBe(false);

    const admin = await t.signInAs('admin');
    await admin.get(`/admin/users/${t.council.people['group-manager']}/two-factor`);
    expect((await admin.post(`/admin/users/${t.council.people['group-manager']}/two-factor/reset`)).status).toBe(303);
    expect(await signedIn(client)).toBe(false);
  });

  it('V7.4.3 ends every other session of someone who changes their password, and keeps the one they changed it in', async () => {
    const elsewhere = await t.signInAs('iro');
    const here = await t.signInAs('iro');
    await here.get('/account/password');
    const changed = await here.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'kettle whistles at dawn', confirmPassword: 'kettle whistles at dawn' });
    expect(changed.status).toBe(303);
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    // Put back for the tests that follow.
    await here.get('/account/password');
    expect((await here.post('/account/password', { currentPassword: 'kettle whistles at dawn', newPassword: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })).status).toBe(303);
  });

  it('V7.5.1 asks for the password, and the code from the app when there is one, before changing how someone signs in', async () => {
    const client = await t.signInAs('partner');
    await client.get('/account/two-factor');
    const bare = await client.post('/account/two-factor/setup');
    expect(bare.status).toBe(400);
    expect(bare.text).toContain('href="#password"');
    expect((await client.post('/account/two-factor/setup', { password: 'a guess at the password' })).status).toBe(400);
    // A stolen session alone cannot reach the new key.
    expect((await client.get('/account/two-factor/setup')).status).toBe(303);
    expect((await client.post('/account/two-factor/setup', { password: TEST_PASSWORD })).status).toBe(303);
    const setup = await client.get('/account/two-factor/setup');
    const secret = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(setup.text)![1]!.replace(/ /g, '');
    const phone = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    expect((await client.post('/account/two-factor/setup/confirm', { code: phone.generate({ timestamp: clock.getTime() }) })).status).toBe(200);

    // With an app on, ending sessions takes the password and a fresh code too.
    const other = t.client();
    await other.get('/sign-in');
    await other.post('/sign-in', { email: 'partner@northbridge.example', password: TEST_PASSWORD });
    tick(31_000);
    expect((await other.post('/sign-in/two-factor', { code: phone.generate({ timestamp: clock.getTime() }) })).status).toBe(303);
    await client.get('/account/sessions/sign-out?session=others');
    const noCode = await client.post('/account/sessions/sign-out', { session: 'others', password: TEST_PASSWORD });
    expect(noCode.status).toBe(400);
    expect(noCode.text).toContain('href="#code"');
    expect(await signedIn(other)).toBe(true);
    tick(31_000);
    const withCode = await client.post('/account/sessions/sign-out', { session: 'others', password: TEST_PASSWORD, code: phone.generate({ timestamp: clock.getTime() }) });
    expect(withCode.status).toBe(303);
    expect(await signedIn(other)).toBe(false);
    expect(await signedIn(client)).toBe(true);
  });

  it('V7.5.2 lists a person’s own sessions (when, and which browser, coarsely) and ends one or all of the others once the password is given again; nobody else’s', async () => {
    const signInWith = async (userAgent: string, email = 'qa-officer@northbridge.example') => {
      const client = t.client();
      await client.get('/sign-in');
      expect((await client.post('/sign-in', { email, password: TEST_PASSWORD }, { headers: { 'User-Agent': userAgent } })).status).toBe(303);
      return client;
    };
    const laptop = await signInWith('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0');
    const phone = await signInWith('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1');
    const tablet = await signInWith('Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36');
    const stranger = await signInWith('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'moderator@northbridge.example');

    const list = await laptop.get('/account/sessions');
    expect(list.status).toBe(200);
    for (const device of ['Firefox on Windows', 'Safari on iPhone', 'Chrome on Android']) expect(list.text).toContain(device);
    expect(list.text).toContain('This browser');
    // Only a description is kept, not the user-agent string; and nobody else's sessions are listed.
    expect(list.text).not.toContain('Gecko');
    expect(list.text).not.toContain('Safari on macOS');
    const ids = [...list.text.matchAll(/href="\/account\/sessions\/sign-out\?session=([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    const phoneRow = list.text.split('<tr').find((row) => row.includes('Safari on iPhone'))!;
    const phoneId = /session=([0-9a-f-]{36})/.exec(phoneRow)![1]!;

    // Ending one takes the password again; a wrong one ends nothing.
    const confirm = await laptop.get(`/account/sessions/sign-out?session=${phoneId}`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Sign out of Safari on iPhone');
    const wrong = await laptop.post('/account/sessions/sign-out', { session: phoneId, password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('href="#password"');
    expect(await signedIn(phone)).toBe(true);
    expect((await laptop.post('/account/sessions/sign-out', { session: phoneId, password: TEST_PASSWORD })).status).toBe(303);
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(tablet)).toBe(true);
    expect(await signedIn(laptop)).toBe(true);

    // Another person's session id, sent by the qa officer with her own password: it is not hers, so nothing ends.
    const strangerList = await stranger.get('/account/sessions');
    expect(strangerList.text).toContain('Safari on macOS');
    const rows = await queryRows<{ id: string }>(t.database.db, sql`select s.public_id as id from sessions s join users u on u.id = s.user_id where u.email = 'moderator@northbridge.example'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const { id } of rows) {
      await laptop.get('/account/sessions');
      const probe = await laptop.post('/account/sessions/sign-out', { session: id, password: TEST_PASSWORD });
      expect(probe.status).toBe(303);
      expect(probe.headers.location).toBe('/account/sessions?ended=0');
    }
    expect(await signedIn(stranger)).toBe(true);

    // Everywhere else: every other session of hers ends, this one stays.
    expect((await laptop.get('/account/sessions/sign-out?session=others')).text).toContain('Sign out everywhere else');
    expect((await laptop.post('/account/sessions/sign-out', { session: 'others', password: TEST_PASSWORD })).status).toBe(303);
    expect(await signedIn(tablet)).toBe(false);
    expect(await signedIn(laptop)).toBe(true);
    expect(await signedIn(stranger)).toBe(true);
    const after = await laptop.get('/account/sessions');
    expect(after.text).toContain('You are not signed in anywhere else');
  });

  it('V7.4.5 an administrator ends a person’s sessions by disabling the account; enabling it again does not bring them back', async () => {
    const person = await t.signInAs('moderator');
    const admin = await t.signInAs('admin');
    const id = t.council.people['moderator']!;
    await admin.get(`/admin/users/${id}`);
    await admin.post(`/admin/users/${id}/disable`);
    await admin.post(`/admin/users/${id}/enable`);
    expect(await signedIn(person)).toBe(false);
  });
});
