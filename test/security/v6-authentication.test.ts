/**
 * OWASP ASVS 5.0, V6 Authentication, for local accounts (people who sign in through the
 * council's provider manage their password there): changing your own password, the password
 * rules for a person and for an administrator setting a first one, and guessing through the
 * change form slowed like sign-in. Through the HTTP surface, as a browser would.
 */
import { and, eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/demo/northbridge.ts';
import { notifications } from '../../src/platform/notify/schema.ts';
import { emailMessages } from '../../src/platform/notify/email/schema.ts';
import { users } from '../../src/org/schema.ts';
import { accessLog } from '../../src/platform/access-log/schema.ts';
import { createTestApp, TEST_PASSWORD, type TestApp, type TestClient } from '../support/app.ts';

const MINUTE = 60_000;
const emailOf = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.email;

describe('ASVS V6 authentication: passwords', () => {
  let t: TestApp;
  let clock = new Date('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });

  const change = async (client: TestClient, currentPassword: string, newPassword: string, confirmPassword = newPassword) => {
    await client.get('/account/password');
    return client.post('/account/password', { currentPassword, newPassword, confirmPassword });
  };
  const canSignIn = async (role: string, password: string) => (await t.client().signIn(emailOf(role), password)).status === 303;
  /** The error summary's link to the field, and the field's own message: where the person looks. */
  const problemAt = (html: string, field: string) => html.includes(`href="#${field}"`) && html.includes(`id="${field}-error"`);

  it('V6.2.2 V6.2.3 a person changes their own password, giving the current one and the new one twice; the old one then opens nothing', async () => {
    const client = await t.signInAs('practitioner');
    const account = await client.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('href="/account/password"');
    const page = await client.get('/account/password');
    // V6.2.6 V6.2.7: masked inputs a password manager can fill.
    expect(page.text).toMatch(/<input[^>]*id="currentPassword"[^>]*type="password"|<input[^>]*type="password"[^>]*id="currentPassword"/);
    expect(page.text).toContain('autocomplete="new-password"');
    expect(page.text).not.toMatch(/onpaste|autocomplete="off"/);

    const wrong = await change(client, 'not my password at all', 'lentil soup on tuesdays');
    expect(wrong.status).toBe(400);
    expect(problemAt(wrong.text, 'currentPassword')).toBe(true);
    const missing = await client.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: '', confirmPassword: '' });
    expect(missing.status).toBe(400);
    expect(problemAt(missing.text, 'newPassword')).toBe(true);
    const mismatch = await change(client, TEST_PASSWORD, 'lentil soup on tuesdays', 'lentil soup on wednesdays');
    expect(mismatch.status).toBe(400);
    expect(problemAt(mismatch.text, 'confirmPassword')).toBe(true);
    expect(await canSignIn('practitioner', TEST_PASSWORD)).toBe(true);

    const done = await change(client, TEST_PASSWORD, 'lentil soup on tuesdays');
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/account?changed=password');
    expect((await client.get('/account?changed=password')).text).toContain('Your password has been changed');
    expect(await canSignIn('practitioner', TEST_PASSWORD)).toBe(false);
    expect(await canSignIn('practitioner', 'lentil soup on tuesdays')).toBe(true);
  });

  it('V6.2.2 tells the person in Sightline and by email that their password changed, and the message holds no password', async () => {
    const client = await t.signInAs('iro');
    expect((await change(client, TEST_PASSWORD, 'otters hold hands asleep')).status).toBe(303);
    const [{ id: userId }] = (await t.database.db.select({ id: users.id }).from(users).where(eq(users.email, emailOf('iro')))) as [{ id: string }];
    const notices = await t.database.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.kind, 'password-changed')));
    expect(notices).toHaveLength(1);
    const mails = await t.database.db.select().from(emailMessages).where(and(eq(emailMessages.userId, userId), eq(emailMessages.kind, 'password-changed')));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.toAddress).toBe(emailOf('iro'));
    for (const text of [JSON.stringify(notices), JSON.stringify(mails)]) {
      expect(text).not.toContain('otters hold hands asleep');
      expect(text).not.toContain(TEST_PASSWORD);
    }
    expect((await client.get('/notifications')).text).toContain('Your Sightline password was changed');
  });

  it('V6.2.1 V6.2.5 V6.2.9 asks for 12 characters or more, of any kind, and takes long passphrases', async () => {
    const client = await t.signInAs('moderator');
    const short = await change(client, TEST_PASSWORD, 'tiny words');
    expect(short.status).toBe(400);
    expect(short.text).toContain('Enter a password of at least 12 characters');
    // No composition rules: lower-case words alone, or any script, are fine.
    const long = 'the quick harbour seal naps on warm granite while gulls argue overhead ü ß 🦭';
    expect([...long].length).toBeGreaterThan(64);
    expect((await change(client, TEST_PASSWORD, long)).status).toBe(303);
    expect(await canSignIn('moderator', long)).toBe(true);
  });

  it('V6.2.4 V6.2.11 V6.1.2 refuses common passwords (whole, padded with digits and symbols, or repeated) and ones resting on the person’s name, email, Sightline or the council', async () => {
    const client = await t.signInAs('senior-leader');
    for (const guessable of ['password1234', 'Password2026!', 'qwertyuiop123', '1qaz2wsx3edc', 'iloveyou iloveyou', 'abcabcabcabc']) {
      const refused = await change(client, TEST_PASSWORD, guessable);
      expect(refused.status, guessable).toBe(400);
      expect(refused.text, guessable).toContain('this one is too common');
      expect(problemAt(refused.text, 'newPassword'), guessable).toBe(true);
    }
    // Ruth Ellison, senior-leader@northbridge.example, at Northbridge Council.
    for (const personal of ['Northbridge2026!', 'Sightline 2026!!', 'RuthEllison2026', 'senior-leader-99!']) {
      const refused = await change(client, TEST_PASSWORD, personal);
      expect(refused.status, personal).toBe(400);
      expect(refused.text, personal).toContain('does not rest on your name');
    }
    expect(await canSignIn('senior-leader', TEST_PASSWORD)).toBe(true);
  });

  it('V6.2.8 checks a password exactly as typed: no trimming, no change of case', async () => {
    const client = await t.signInAs('group-manager');
    const spaced = '  Marmalade Cartwheel Orbit  ';
    expect((await change(client, TEST_PASSWORD, spaced)).status).toBe(303);
    expect(await canSignIn('group-manager', spaced)).toBe(true);
    expect(await canSignIn('group-manager', spaced.trim())).toBe(false);
    expect(await canSignIn('group-manager', spaced.toLowerCase())).toBe(false);
  });

  it('V6.2.4 V6.2.11 applies the same rules when an administrator sets a new person’s first password', async () => {
    const admin = await t.signInAs('admin');
    const form = (password: string) => ({ displayName: 'Imogen Testwell', email: 'imogen.testwell@northbridge.example', jobTitle: '', teamId: '', lineManagerId: '', roles: 'practitioner', password });
    for (const [password, message] of [
      ['short one', 'at least 12 characters'],
      ['password1234', 'too common'],
      ['Testwell2026!!', 'does not rest on'],
    ] as const) {
      await admin.get('/admin/users/new');
      const refused = await admin.post('/admin/users/new', form(password));
      expect(refused.status, password).toBe(400);
      expect(refused.text, password).toContain(message);
      expect(problemAt(refused.text, 'password'), password).toBe(true);
    }
    await admin.get('/admin/users/new');
    expect((await admin.post('/admin/users/new', form('velvet tractor in the orchard'))).status).toBe(303);
  });

  it('V6.3.1 slows guessing through the change form as at sign-in, counting both together, without locking the person out for good', async () => {
    const client = await t.signInAs('practice-manager');
    for (let i = 0; i < 5; i++) expect((await change(client, `wrong guess number ${i}`, 'heron stands in reeds')).status).toBe(400);
    const held = await change(client, TEST_PASSWORD, 'heron stands in reeds');
    expect(held.status).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect(problemAt(held.text, 'currentPassword')).toBe(true);
    // The same count holds at the sign-in door, from the same address.
    expect((await t.client().signIn(emailOf('practice-manager'), TEST_PASSWORD)).status).toBe(429);
    clock = new Date(clock.getTime() + 16 * MINUTE);
    expect((await change(client, TEST_PASSWORD, 'heron stands in reeds')).status).toBe(303);
  });
});

describe('ASVS V6.4 passwords an administrator sets: replaced at first sign-in, and resetting a forgotten one', () => {
  let t: TestApp;
  let clock = new Date('2026-03-02T09:00:00Z');
  const HOUR = 60 * MINUTE;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });

  let created = 0;
  /** An administrator adds a practitioner with a first password; returns the new person's e-mail. */
  const addPerson = async (password: string) => {
    const email = `first.password${++created}@northbridge.example`;
    const admin = await t.signInAs('admin');
    await admin.get('/admin/users/new');
    const response = await admin.post('/admin/users/new', { displayName: `Fern Holloway ${created}`, email, jobTitle: '', teamId: '', lineManagerId: '', roles: 'practitioner', password });
    expect(response.status).toBe(303);
    return email;
  };
  const changeTo = async (client: TestClient, currentPassword: string, newPassword: string) => {
    await client.get('/account/password');
    return client.post('/account/password', { currentPassword, newPassword, confirmPassword: newPassword });
  };
  const phone = (key: string, at: Date) => TOTP.generate({ secret: Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });

  it('V6.4.1 someone whose first password an administrator set must replace it at their first sign-in: every other page sends them to change it, and then they continue', async () => {
    const email = await addPerson('copper kettle on the hob');
    const fern = t.client();
    expect((await fern.signIn(email, 'copper kettle on the hob')).status).toBe(303);
    for (const path of ['/', '/audits', '/account', '/account/sessions', '/notifications']) {
      const sent = await fern.get(path);
      expect(sent.status, path).toBe(303);
      expect(sent.headers.location, path).toBe('/account/password');
    }
    // A form posted elsewhere (with a good CSRF token, from the one page they may open) is not acted on either.
    await fern.get('/account/password');
    const posted = await fern.post('/account/sessions/sign-out', { session: 'others' });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/account/password');

    const page = await fern.get('/account/password');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Your administrator gave you a temporary password');
    // The same rules as any change: the administrator's password is not kept.
    expect((await changeTo(fern, 'copper kettle on the hob', 'copper kettle on the hob')).status).toBe(400);
    expect((await changeTo(fern, 'copper kettle on the hob', 'lanterns over a quiet harbour')).status).toBe(303);
    expect((await fern.get('/')).status).toBe(200);
    expect((await fern.get('/account')).status).toBe(200);
    const [row] = await t.database.db.select({ expires: users.temporaryPasswordExpiresAt }).from(users).where(eq(users.email, email));
    expect(row!.expires).toBeNull();
  });

  it('V6.4.1 someone with a temporary password can still sign out, and is asked to change it again next time', async () => {
    const email = await addPerson('amber tide along the pier');
    const fern = t.client();
    await fern.signIn(email, 'amber tide along the pier');
    await fern.get('/account/password');
    const out = await fern.post('/sign-out');
    expect(out.headers.location).toBe('/sign-in?signed-out=1');
    expect((await fern.get('/account/password')).status).toBe(303);
    await fern.signIn(email, 'amber tide along the pier');
    expect((await fern.get('/')).headers.location).toBe('/account/password');
  });

  it('V6.4.1 V6.4.3 a temporary password not replaced within 72 hours stops working; only someone who types it right is told to ask their administrator', async () => {
    const email = await addPerson('willow basket by the gate');
    const fern = t.client();
    await fern.signIn(email, 'willow basket by the gate');
    clock = new Date(clock.getTime() + 72 * HOUR + MINUTE);
    // The session it opened ends with it.
    expect((await fern.get('/account/password')).headers.location).toMatch(/^\/sign-in/);
    const refused = await t.client().signIn(email, 'willow basket by the gate');
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Your temporary password has expired. Ask your Sightline administrator to reset your password.');
    const wrong = await t.client().signIn(email, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Enter a correct email address and password');
    expect(wrong.text).not.toContain('expired');
    // Demo and existing accounts carry no temporary password, so the passing time does not touch them.
    expect((await t.client().signIn(emailOf('practitioner'), TEST_PASSWORD)).status).toBe(303);
  });

  it('V6.4.3 an administrator resets a forgotten password: a temporary one shown once, the person signed out everywhere, their authenticator app still asked for, and their own password chosen at sign-in', async () => {
    const email = emailOf('qa-officer');
    const helenId = t.council.people['qa-officer']!;
    // Helen sets up an authenticator app.
    const helen = await t.signInAs('qa-officer');
    await helen.get('/account/two-factor');
    await helen.post('/account/two-factor/setup', { password: TEST_PASSWORD });
    const key = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec((await helen.get('/account/two-factor/setup')).text)![1]!.replace(/ /g, '');
    expect((await helen.post('/account/two-factor/setup/confirm', { code: phone(key, clock) })).text).toContain('recovery code');
    expect((await helen.get('/account')).status).toBe(200);

    const admin = await t.signInAs('admin');
    expect((await admin.get(`/admin/users/${helenId}`)).text).toContain(`/admin/users/${helenId}/password-reset`);
    const confirm = await admin.get(`/admin/users/${helenId}/password-reset`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('signed out everywhere');
    const done = await admin.post(`/admin/users/${helenId}/password-reset`);
    expect(done.status).toBe(200);
    const temporary = /<code[^>]*>([A-Za-z0-9-]+)<\/code>/.exec(done.text)![1]!;
    expect(temporary).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(done.text).toContain('This is the only time it is shown');
    // Shown once: the page does not show it again, the database holds only its hash, no e-mail carries it.
    expect((await admin.get(`/admin/users/${helenId}/password-reset`)).text).not.toContain(temporary);
    const [row] = await t.database.db.select({ hash: users.passwordHash, expires: users.temporaryPasswordExpiresAt }).from(users).where(eq(users.id, helenId));
    expect(row!.hash).not.toContain(temporary);
    expect(row!.expires!.getTime()).toBe(clock.getTime() + 72 * HOUR);
    const mail = await t.database.db.select().from(emailMessages);
    expect(JSON.stringify(mail)).not.toContain(temporary);
    const logged = await t.database.db.select().from(accessLog).where(and(eq(accessLog.recordType, 'user-password'), eq(accessLog.recordId, helenId)));
    expect(logged.map((l) => l.action)).toEqual(['update']);

    // Every session of hers ended; her old password opens nothing.
    expect((await helen.get('/account')).status).toBe(303);
    expect((await t.client().signIn(email, TEST_PASSWORD)).status).toBe(401);

    // The temporary password, then still the code from her app.
    clock = new Date(clock.getTime() + MINUTE);
    const back = t.client();
    await back.get('/sign-in');
    const signedIn = await back.post('/sign-in', { email, password: temporary });
    expect(signedIn.headers.location).toBe('/sign-in/two-factor');
    expect((await back.get('/')).headers.location).toMatch(/^\/sign-in/);
    await back.get('/sign-in/two-factor');
    expect((await back.post('/sign-in/two-factor', { code: phone(key, clock) })).status).toBe(303);
    expect((await back.get('/audits')).headers.location).toBe('/account/password');
    expect((await changeTo(back, temporary, 'gulls above the ferry port')).status).toBe(303);
    expect((await back.get('/audits')).status).toBe(200);
  });

  it('V6.4.3 refuses to reset the password of someone who signs in through the council’s provider, or the administrator’s own', async () => {
    const admin = await t.signInAs('admin');
    const sso = t.council.people['moderator']!;
    await t.database.db.update(users).set({ passwordHash: null }).where(eq(users.id, sso));
    const page = await admin.get(`/admin/users/${sso}/password-reset`);
    expect(page.text).toContain('signs in with their council account');
    expect(page.text).not.toContain('action="/admin/users/');
    const refused = await admin.post(`/admin/users/${sso}/password-reset`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('signs in with their council account');
    const [row] = await t.database.db.select({ hash: users.passwordHash, expires: users.temporaryPasswordExpiresAt }).from(users).where(eq(users.id, sso));
    expect(row).toEqual({ hash: null, expires: null });

    const own = await admin.post(`/admin/users/${t.council.people['admin']!}/password-reset`);
    expect(own.status).toBe(409);
    expect(own.text).toContain('You cannot reset your own password here');
  });
});
