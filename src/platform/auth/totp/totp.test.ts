import crypto from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp, type TestClient } from '../../../../test/support/app.ts';
import { accessLog } from '../../access-log/schema.ts';
import { emailMessages } from '../../notify/email/schema.ts';
import { notifications } from '../../notify/schema.ts';
import { users } from '../../../org/schema.ts';
import type { Actor } from '../actor.ts';
import { hashRecoveryCode, keyForReading, matchingStep, newRecoveryCodes, newSecret, normaliseRecoveryCode, otpauthUri } from './codes.ts';
import { openSecret, sealSecret } from './sealing.ts';
import { beginSetup, TwoFactorStateError } from './service.ts';
import { totpCredentials, totpRecoveryCodes } from './schema.ts';

/** What the person's phone shows at `at`. */
const phone = (key: string, at: Date) => TOTP.generate({ secret: Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });

describe('TOTP codes', () => {
  const secret = newSecret();
  const at = new Date('2026-11-25T10:00:10Z');

  it('accepts the code for now and for one step either side, and nothing further', () => {
    const step = matchingStep(secret, phone(secret, at), at)!;
    expect(step).toBe(Math.floor(at.getTime() / 30_000));
    expect(matchingStep(secret, phone(secret, new Date(at.getTime() - 30_000)), at)).toBe(step - 1);
    expect(matchingStep(secret, phone(secret, new Date(at.getTime() + 30_000)), at)).toBe(step + 1);
    expect(matchingStep(secret, phone(secret, new Date(at.getTime() - 90_000)), at)).toBeUndefined();
    expect(matchingStep(newSecret(), phone(secret, at), at)).toBeUndefined();
    expect(matchingStep(secret, 'abcdef', at)).toBeUndefined();
  });

  it('accepts a code typed with a space in the middle', () => {
    const code = phone(secret, at);
    expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at)).toBeDefined();
  });

  it('puts the secret, issuer and account in the set-up address, and shows the key in fours', () => {
    const uri = new URL(otpauthUri(secret, 'amara@northbridge.example'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Sightline');
    expect(keyForReading(secret).replace(/ /g, '')).toBe(secret);
    expect(keyForReading(secret).split(' ').every((group) => group.length <= 4)).toBe(true);
  });

  it('makes ten different recovery codes that match however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    const code = codes[0]!;
    expect(hashRecoveryCode(` ${code.toUpperCase()} `)).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(normaliseRecoveryCode(code))).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(codes[1]!)).not.toBe(hashRecoveryCode(code));
  });

  it('seals secrets so that only the right key and the right user open them', () => {
    const key = crypto.randomBytes(32);
    const sealed = sealSecret(key, 'user-a', secret);
    expect(sealed).not.toContain(secret);
    expect(openSecret(key, 'user-a', sealed)).toBe(secret);
    expect(() => openSecret(key, 'user-b', sealed)).toThrow();
    expect(() => openSecret(crypto.randomBytes(32), 'user-a', sealed)).toThrow();
    const [format, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret(key, 'user-a', [format, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });
});

describe('two-factor sign-in for local accounts', () => {
  let t: TestApp;
  let clock = new Date('2026-11-25T09:00:05Z');
  const email = 'practitioner@northbridge.example';
  let key: string;
  let recoveryCodes: string[];

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });

  const tick = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };
  const amara = () => t.council.people['practitioner']!;

  /** Password first; the response is the redirect to the code step. */
  async function password(client: TestClient) {
    await client.get('/sign-in');
    const response = await client.post('/sign-in', { email, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return response;
  }

  it('sets up an authenticator app: QR code and key shown only to the session setting it up, confirmed by a first code, recovery codes shown once', async () => {
    const client = await t.signInAs('practitioner');
    expect((await client.get('/account/two-factor')).text).toContain('Set up an authenticator app');
    // The password first (ASVS V7.5.1): without it, or with a wrong one, nothing starts.
    expect((await client.post('/account/two-factor/setup')).status).toBe(400);
    expect((await client.post('/account/two-factor/setup', { password: 'not the password' })).status).toBe(400);
    expect((await client.get('/account/two-factor/setup')).status).toBe(303);
    expect((await client.post('/account/two-factor/setup', { password: TEST_PASSWORD })).headers.location).toBe('/account/two-factor/setup');
    const setup = await client.get('/account/two-factor/setup');
    expect(setup.status).toBe(200);
    expect(setup.text).toMatch(/<svg role="img" aria-label="QR code for your authenticator app"[^>]*>/);
    key = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(setup.text)![1]!.replace(/ /g, '');

    // Another session of the same account (perhaps whoever else knows the password) is shown
    // neither the key nor a way to confirm it.
    const elsewhere = await t.signInAs('practitioner');
    const page = await elsewhere.get('/account/two-factor');
    expect(page.text).toContain('Set up an authenticator app');
    expect(page.text).not.toContain('Continue setting up');
    expect((await elsewhere.get('/account/two-factor/setup')).status).toBe(303);
    const stolen = await elsewhere.post('/account/two-factor/setup/confirm', { code: phone(key, clock) });
    expect(stolen.status).toBe(303);
    expect(stolen.text).not.toMatch(/recovery-codes/);
    const [waiting] = await t.database.db.select({ confirmedAt: totpCredentials.confirmedAt }).from(totpCredentials).where(eq(totpCredentials.userId, amara()));
    expect(waiting!.confirmedAt).toBeNull();
    expect((await client.get('/account/two-factor')).text).toContain('Continue setting up');

    const wrong = await client.post('/account/two-factor/setup/confirm', { code: phone(key, new Date(clock.getTime() + 120_000)) });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('The code is not right');

    const confirmed = await client.post('/account/two-factor/setup/confirm', { code: phone(key, clock) });
    expect(confirmed.status).toBe(200);
    recoveryCodes = [...confirmed.text.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(recoveryCodes).toHaveLength(10);

    // Never shown again: the set-up page is gone and the database holds only the sealed secret and hashes.
    expect((await client.get('/account/two-factor/setup')).status).toBe(303);
    const status = await client.get('/account/two-factor');
    expect(status.text).toContain('On since');
    expect(status.text).not.toContain(key);
    const [stored] = await t.database.db.select().from(totpCredentials).where(eq(totpCredentials.userId, amara()));
    expect(stored!.secretSealed).not.toContain(key);
    const codes = await t.database.db.select().from(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, amara()));
    expect(JSON.stringify(codes)).not.toContain(recoveryCodes[0]!);
    const log = await t.database.db.select().from(accessLog).where(eq(accessLog.recordType, 'user-two-factor'));
    expect(log.map((l) => l.action)).toEqual(['create']);
  });

  it('asks for the code after the password; until then there is no session', async () => {
    tick(60);
    const client = t.client();
    const response = await password(client);
    expect(response.headers.location).toBe('/sign-in/two-factor');
    expect(client.cookie('sightline')).toBeUndefined();
    expect(client.cookie('sightline-second-factor')).toBeDefined();
    // The half-signed-in state opens nothing but the code form.
    expect((await client.get('/')).status).toBe(303);
    expect((await client.get('/account/two-factor')).status).toBe(303);
    expect((await client.get('/sign-in/two-factor')).status).toBe(200);

    const signedIn = await client.post('/sign-in/two-factor', { code: phone(key, clock) });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/');
    expect(client.cookie('sightline-second-factor')).toBeUndefined();
    expect((await client.get('/')).text).toContain('Amara Okafor');
  });

  it('refuses a wrong code and a code already used, and gives no session for either', async () => {
    tick(30);
    const first = t.client();
    await password(first);
    const code = phone(key, clock);
    expect((await first.post('/sign-in/two-factor', { code: code === '000000' ? '111111' : '000000' })).status).toBe(401);
    expect(first.cookie('sightline')).toBeUndefined();
    expect((await first.post('/sign-in/two-factor', { code })).status).toBe(303);

    // Someone who saw the code over the shoulder, within the same 30 seconds, with the password too.
    const replay = t.client();
    await password(replay);
    const refused = await replay.post('/sign-in/two-factor', { code });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('codes can be used only once');
    expect(replay.cookie('sightline')).toBeUndefined();
    // An earlier code is no better once a later one was used.
    expect((await replay.post('/sign-in/two-factor', { code: phone(key, new Date(clock.getTime() - 30_000)) })).status).toBe(401);
    // The next step's code works.
    tick(30);
    expect((await replay.post('/sign-in/two-factor', { code: phone(key, clock) })).status).toBe(303);
  });

  it('accepts each recovery code once, then sends the person to see how many are left', async () => {
    tick(30);
    const client = t.client();
    await password(client);
    const used = await client.post('/sign-in/two-factor', { code: recoveryCodes[0]!.toUpperCase() });
    expect(used.status).toBe(303);
    expect(used.headers.location).toBe('/account/two-factor');
    expect((await client.get('/account/two-factor')).text).toMatch(/Recovery codes left[\s\S]*?9/);

    const again = t.client();
    await password(again);
    expect((await again.post('/sign-in/two-factor', { code: recoveryCodes[0]! })).status).toBe(401);
    expect((await again.post('/sign-in/two-factor', { code: recoveryCodes[1]! })).status).toBe(303);
  });

  it('gives new recovery codes after the password and a code: the old ones stop working, the new ones work once, and the person is told', async () => {
    tick(30);
    const client = t.client();
    await password(client);
    expect((await client.post('/sign-in/two-factor', { code: recoveryCodes[2]! })).status).toBe(303);
    expect((await client.get('/account/two-factor')).text).toContain('Get new recovery codes');

    expect((await client.post('/account/two-factor/recovery-codes')).status).toBe(400);
    const wrong = await client.post('/account/two-factor/recovery-codes', { password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Your password is not right');
    const [before] = await t.database.db.select({ n: count() }).from(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, amara()));
    expect(before!.n).toBe(10);

    const noCode = await client.post('/account/two-factor/recovery-codes', { password: TEST_PASSWORD });
    expect(noCode.status).toBe(400);
    expect(noCode.text).toContain('Enter the code from your authenticator app, or a recovery code');
    const replaced = await client.post('/account/two-factor/recovery-codes', { password: TEST_PASSWORD, code: phone(key, clock) });
    expect(replaced.status).toBe(200);
    expect(replaced.text).toContain('Your old recovery codes no longer work');
    const fresh = [...replaced.text.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[3]!);
    expect((await client.get('/account/two-factor')).text).toMatch(/Recovery codes left\s*<\/dt>\s*<dd[^>]*>\s*10\s*</);
    const notices = await t.database.db.select().from(notifications).where(and(eq(notifications.userId, amara()), eq(notifications.kind, 'recovery-codes-replaced')));
    expect(notices).toHaveLength(1);
    const mails = await t.database.db.select().from(emailMessages).where(and(eq(emailMessages.userId, amara()), eq(emailMessages.kind, 'recovery-codes-replaced')));
    expect(mails).toHaveLength(1);
    const log = await t.database.db.select().from(accessLog).where(and(eq(accessLog.recordType, 'user-two-factor'), eq(accessLog.action, 'update')));
    expect(log.map((e) => e.recordId)).toEqual([amara()]);

    const old = t.client();
    await password(old);
    expect((await old.post('/sign-in/two-factor', { code: recoveryCodes[3]! })).status).toBe(401);
    expect((await old.post('/sign-in/two-factor', { code: fresh[0]! })).status).toBe(303);
  });

  it('ends the code step after five minutes', async () => {
    tick(30);
    const client = t.client();
    await password(client);
    tick(5 * 60 + 1);
    const late = await client.post('/sign-in/two-factor', { code: phone(key, clock) });
    expect(late.status).toBe(401);
    expect(late.text).toContain('Signing in took too long');
    expect(client.cookie('sightline')).toBeUndefined();
  });

  it('throttles wrong codes like wrong passwords: even the right code waits once throttled', async () => {
    tick(60);
    const client = t.client();
    await password(client);
    const right = phone(key, clock);
    const wrong = right === '123456' ? '654321' : '123456';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await client.post('/sign-in/two-factor', { code: wrong })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const held = await client.post('/sign-in/two-factor', { code: right });
    expect(held.status).toBe(429);
    expect(held.headers['retry-after']).toBeDefined();
    // After the wait, the right code is accepted.
    tick(Number(held.headers['retry-after']));
    const fresh = t.client();
    await password(fresh);
    expect((await fresh.post('/sign-in/two-factor', { code: phone(key, clock) })).status).toBe(303);
  });

  it('lets an administrator reset it: the person then signs in with their password and can set it up again', async () => {
    tick(60);
    const admin = await t.signInAs('admin');
    const page = await admin.get(`/admin/users/${amara()}/two-factor`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('On since');
    expect((await admin.post(`/admin/users/${amara()}/two-factor/reset`)).status).toBe(303);
    expect((await admin.get(`/admin/users/${amara()}/two-factor`)).text).toContain('Not set up');

    const client = t.client();
    const response = await password(client);
    expect(response.headers.location).toBe('/');
    expect(client.cookie('sightline')).toBeDefined();
    expect((await client.get('/account/two-factor')).text).toContain('Set up an authenticator app');
    const log = await t.database.db.select().from(accessLog).where(eq(accessLog.recordType, 'user-two-factor'));
    expect(log.map((l) => l.action)).toEqual(['create', 'update', 'disable']);
  });

  it('has nothing to set up for someone who signs in through the council\'s provider', async () => {
    const [partner] = await t.database.db.update(users).set({ passwordHash: null }).where(eq(users.email, 'partner@northbridge.example')).returning();
    const actor: Actor = { userId: partner!.id, organisationId: partner!.organisationId, displayName: partner!.displayName, email: partner!.email, roles: ['partner'], teamId: null };
    await expect(beginSetup(t.database.db, actor, crypto.randomBytes(32), 'a session token')).rejects.toBeInstanceOf(TwoFactorStateError);
  });
});
