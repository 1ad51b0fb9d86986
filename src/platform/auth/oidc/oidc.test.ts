/**
 * Single sign-on end to end: Sightline against a real OpenID Connect provider on loopback,
 * the whole redirect dance over HTTP with cookie-keeping clients on both sides.
 */
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../../app.ts';
import { loadDemoCouncil, type DemoCouncil } from '../../../demo/northbridge.ts';
import { userRoles, users } from '../../../org/schema.ts';
import { accessLog } from '../../access-log/schema.ts';
import { TEST_PASSWORD, TestClient } from '../../../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { ProviderBrowser, startIdentityProvider, type TestIdentityProvider } from '../../../../test/support/oidc-provider.ts';
import { parseRoleMap, type IdentitySettings } from './settings.ts';
import { oidcIdentities } from './schema.ts';

const CALLBACK = 'http://127.0.0.1:3000/sign-in/sso/callback';
const ROLE_MAP = 'sg-sightline-admins=admin,sg-qa=qa-officer,sg-practitioners=practitioner';

describe('single sign-on through the council\'s identity provider', () => {
  let database: TestDatabase;
  let council: DemoCouncil;
  let idp: TestIdentityProvider;
  let app: Express;
  let localOffApp: Express;

  const identity = (localAccounts: boolean): IdentitySettings => ({
    localAccounts,
    oidc: {
      issuer: new URL(idp.issuer),
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      redirectUrl: new URL(CALLBACK),
      groupsClaim: 'groups',
      roleMap: parseRoleMap(ROLE_MAP),
    },
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    council = await loadDemoCouncil(database.db, TEST_PASSWORD);
    idp = await startIdentityProvider({
      host: 'localhost',
      redirectUris: [CALLBACK],
      people: {
        'helen.marsh': { sub: 'sub-helen', email: 'qa-officer@northbridge.example', password: 'idp password 1', groups: ['sg-qa'] },
        'amara.okafor': { sub: 'sub-amara', email: 'Practitioner@Northbridge.example', password: 'idp password 2', groups: ['sg-practitioners'] },
        'chris.dale': { sub: 'sub-chris', email: 'admin@northbridge.example', password: 'idp password 3', groups: ['sg-sightline-admins'] },
        'samuel.brooks': { sub: 'sub-samuel', email: 'iro@northbridge.example', password: 'idp password 4', groups: [] },
        'tom.hadley': { sub: 'sub-tom', email: 'practice-manager@northbridge.example', password: 'idp password 5', groups: ['sg-everyone'] },
        'newcomer': { sub: 'sub-new', email: 'new.starter@northbridge.example', password: 'idp password 6', groups: ['sg-qa'] },
        'gareth.lloyd': { sub: 'sub-gareth', email: 'moderator@northbridge.example', password: 'idp password 7', groups: ['sg-qa'] },
        'unverified': { sub: 'sub-unverified', email: 'senior-leader@northbridge.example', password: 'idp password 8', groups: ['sg-qa'], emailVerified: false },
      },
    });
    const build = (localAccounts: boolean) =>
      buildWebApp({ database, logger: pino({ level: 'silent' }), cookieSecure: false, development: false, identity: identity(localAccounts) });
    app = await build(true);
    localOffApp = await build(false);
  });
  afterAll(async () => {
    await idp?.close();
    await database?.close();
  });

  const roleRows = (userId: string) =>
    database.db.select({ role: userRoles.role, active: userRoles.active }).from(userRoles).where(eq(userRoles.userId, userId));
  const activeRoles = async (userId: string) => (await roleRows(userId)).filter((r) => r.active).map((r) => r.role).sort();

  /** Sightline's sign-in button, then the provider, then back: the response to the callback. */
  async function ssoSignIn(client: TestClient, login: string, options: { returnTo?: string } = {}) {
    const start = await client.get(`/sign-in/sso${options.returnTo === undefined ? '' : `?return-to=${encodeURIComponent(options.returnTo)}`}`);
    expect(start.status).toBe(303);
    const person = idp.directory.get(login)!;
    const callback = await new ProviderBrowser(idp.issuer).signIn(start.headers.location!, login, person.password);
    expect(callback.startsWith(`${CALLBACK}?`)).toBe(true);
    const url = new URL(callback);
    return { response: await client.get(`${url.pathname}${url.search}`), callbackPath: `${url.pathname}${url.search}`, authorizationUrl: new URL(start.headers.location!) };
  }

  it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const start = await new TestClient(app).get('/sign-in/sso');
    const url = new URL(start.headers.location!);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
  });

  it('signs a person in through the provider, with a new session, linked identity and an access-log entry', async () => {
    const client = new TestClient(app);
    await client.get('/sign-in');
    const { response } = await ssoSignIn(client, 'helen.marsh');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(client.cookie('sightline')).toBeDefined();
    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Helen Marsh');

    const [{ id: helen }] = (await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'qa-officer@northbridge.example'))) as [{ id: string }];
    const [link] = await database.db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, helen));
    expect(link).toMatchObject({ issuer: idp.issuer, subject: 'sub-helen' });
    const log = await database.db.select().from(accessLog).where(and(eq(accessLog.action, 'sign-in'), eq(accessLog.recordId, helen)));
    expect(log.length).toBeGreaterThan(0);
    expect(JSON.stringify(log)).not.toContain('@northbridge.example');
  });

  it('matches by the linked subject once linked, so a changed e-mail at the provider still finds the person', async () => {
    const person = idp.directory.get('helen.marsh')!;
    person.email = 'helen.marsh.renamed@northbridge.example';
    try {
      const client = new TestClient(app);
      const { response } = await ssoSignIn(client, 'helen.marsh');
      expect(response.status).toBe(303);
      expect((await client.get('/')).text).toContain('Helen Marsh');
    } finally {
      person.email = 'qa-officer@northbridge.example';
    }
  });

  it('refuses someone whose e-mail belongs to an account already linked to another identity', async () => {
    // Gareth's account is linked to his own subject first...
    expect((await ssoSignIn(new TestClient(app), 'gareth.lloyd')).response.status).toBe(303);
    // ...then a different identity at the provider turns up with his address.
    idp.directory.set('impostor', { sub: 'sub-impostor', email: 'moderator@northbridge.example', password: 'idp password 9', groups: ['sg-qa'] });
    const client = new TestClient(app);
    const { response } = await ssoSignIn(client, 'impostor');
    expect(response.status).toBe(403);
    expect(response.text).toContain('linked to a different council account');
    expect(client.cookie('sightline')).toBeUndefined();
  });

  it('returns to the page asked for, and never to another site', async () => {
    const client = new TestClient(app);
    expect((await ssoSignIn(client, 'chris.dale', { returnTo: '/admin/users' })).response.headers.location).toBe('/admin/users');
    for (const hostile of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example', '/.//evil.example', 'javascript:alert(1)', '/sign-in/sso']) {
      const { response } = await ssoSignIn(new TestClient(app), 'chris.dale', { returnTo: hostile });
      expect(response.status).toBe(303);
      const location = response.headers.location!;
      expect(new URL(location, 'https://sightline.test').origin, hostile).toBe('https://sightline.test');
      expect(location.startsWith('//')).toBe(false);
    }
  });

  it('grants the roles the groups map to, takes away mapped roles when a group is left, and keeps roles granted in Sightline', async () => {
    const amara = council.people['practitioner']!;
    // An administrator granted an IRO role in Sightline: no group maps to it, so it is Sightline's.
    await database.db.insert(userRoles).values({ userId: amara, role: 'iro' });
    const person = idp.directory.get('amara.okafor')!;

    person.groups = ['sg-practitioners', 'sg-qa'];
    expect((await ssoSignIn(new TestClient(app), 'amara.okafor')).response.status).toBe(303);
    expect(await activeRoles(amara)).toEqual(['iro', 'practitioner', 'qa-officer']);
    const roleLog = await database.db.select().from(accessLog).where(and(eq(accessLog.recordType, 'user-roles'), eq(accessLog.recordId, amara)));
    expect(roleLog).toHaveLength(1);

    person.groups = ['sg-practitioners'];
    const client = new TestClient(app);
    expect((await ssoSignIn(client, 'amara.okafor')).response.status).toBe(303);
    expect(await activeRoles(amara)).toEqual(['iro', 'practitioner']);
    // The QA pages follow at once: the capability is gone with the role.
    expect((await client.get('/admin/standards/upload')).status).toBe(403);
  });

  it('refuses a bad state, a callback in another browser, and a replayed callback; none gets a session', async () => {
    const client = new TestClient(app);
    const start = await client.get('/sign-in/sso');
    const callback = new URL(await new ProviderBrowser(idp.issuer).signIn(start.headers.location!, 'chris.dale', 'idp password 3'));
    const tampered = new URLSearchParams(callback.search);
    tampered.set('state', 'not-the-state-we-sent');
    const bad = await client.get(`${callback.pathname}?${tampered}`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Signing in did not finish');
    expect(client.cookie('sightline')).toBeUndefined();

    // The attempt was spent by the bad try: the genuine callback cannot be replayed after it.
    expect((await client.get(`${callback.pathname}${callback.search}`)).status).toBe(400);

    const { callbackPath } = await ssoSignIn(new TestClient(app), 'chris.dale');
    const elsewhere = new TestClient(app);
    expect((await elsewhere.get(callbackPath)).status).toBe(400);
    expect(elsewhere.cookie('sightline')).toBeUndefined();
  });

  it('refuses an authorisation code delivered into another browser\'s sign-in (PKCE and nonce bind the code to its browser)', async () => {
    const victim = new TestClient(app);
    const victimStart = await victim.get('/sign-in/sso');
    const victimCallback = new URL(await new ProviderBrowser(idp.issuer).signIn(victimStart.headers.location!, 'chris.dale', 'idp password 3'));
    const attacker = new TestClient(app);
    const attackerStart = new URL((await attacker.get('/sign-in/sso')).headers.location!);
    const injected = new URLSearchParams(victimCallback.search);
    injected.set('state', attackerStart.searchParams.get('state')!);
    const response = await attacker.get(`${victimCallback.pathname}?${injected}`);
    expect(response.status).toBe(400);
    expect(attacker.cookie('sightline')).toBeUndefined();
  });

  it('refuses a person with no Sightline account, without creating one', async () => {
    const before = await database.db.select({ id: users.id }).from(users);
    const { response } = await ssoSignIn(new TestClient(app), 'newcomer');
    expect(response.status).toBe(403);
    expect(response.text).toContain('There is no Sightline account for you');
    expect(await database.db.select({ id: users.id }).from(users)).toHaveLength(before.length);
  });

  it('does not match by an e-mail address the provider says is unverified', async () => {
    const { response } = await ssoSignIn(new TestClient(app), 'unverified');
    expect(response.status).toBe(403);
    expect(response.text).toContain('did not give Sightline your email address');
  });

  it('refuses a disabled account', async () => {
    const admin = council.people['admin']!;
    await database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, admin));
    try {
      const client = new TestClient(app);
      const { response } = await ssoSignIn(client, 'chris.dale');
      expect(response.status).toBe(403);
      expect(response.text).toContain('Your Sightline account is disabled');
      expect(client.cookie('sightline')).toBeUndefined();
    } finally {
      await database.db.update(users).set({ disabledAt: null }).where(eq(users.id, admin));
    }
  });

  it('refuses someone whose groups map to no role, after taking away the mapped role they held', async () => {
    const tom = council.people['practice-manager']!;
    // Tom was a practitioner by group; now his only group maps to nothing.
    await database.db.update(userRoles).set({ active: false }).where(eq(userRoles.userId, tom));
    await database.db.insert(userRoles).values({ userId: tom, role: 'practitioner' }).onConflictDoUpdate({ target: [userRoles.userId, userRoles.role], set: { active: true } });
    const client = new TestClient(app);
    const { response } = await ssoSignIn(client, 'tom.hadley');
    expect(response.status).toBe(403);
    expect(response.text).toContain('does not give you a role in Sightline');
    expect(client.cookie('sightline')).toBeUndefined();
    expect(await activeRoles(tom)).toEqual([]);
  });

  it('lets in someone with no mapped group who holds a role that only Sightline manages', async () => {
    // Samuel is an IRO: no group maps to the IRO role, so his Sightline grant stands.
    const client = new TestClient(app);
    const { response } = await ssoSignIn(client, 'samuel.brooks');
    expect(response.status).toBe(303);
    expect(await activeRoles(council.people['iro']!)).toEqual(['iro']);
  });

  it('shows a refusal when the person cancels at the provider', async () => {
    const client = new TestClient(app);
    const start = await client.get('/sign-in/sso');
    const back = new URL(await new ProviderBrowser(idp.issuer).cancel(start.headers.location!));
    expect(back.searchParams.get('error')).toBe('access_denied');
    const response = await client.get(`${back.pathname}${back.search}`);
    expect(response.status).toBe(401);
    expect(client.cookie('sightline')).toBeUndefined();
  });

  it('says on the sign-in page that the provider asks for the second step', async () => {
    const page = await new TestClient(app).get('/sign-in');
    expect(page.text).toContain('Sign in with your council account');
    expect(page.text).toContain('multi-factor authentication is handled there');
    expect(page.text).toContain('name="password"');
  });

  it('refuses local sign-in when local accounts are turned off, and shows only the council sign-in', async () => {
    const client = new TestClient(localOffApp);
    const page = await client.get('/sign-in');
    expect(page.text).toContain('Sign in with your council account');
    expect(page.text).not.toContain('name="password"');
    const response = await client.post('/sign-in', { email: 'admin@northbridge.example', password: TEST_PASSWORD });
    expect(response.status).toBe(403);
    expect(client.cookie('sightline')).toBeUndefined();
    // The council sign-in still works.
    expect((await ssoSignIn(new TestClient(localOffApp), 'chris.dale')).response.status).toBe(303);
  });

  it('answers 503 when the provider cannot be reached, and local accounts still work', async () => {
    const unreachable = await buildWebApp({
      database,
      logger: pino({ level: 'silent' }),
      cookieSecure: false,
      development: false,
      identity: { ...identity(true), oidc: { ...identity(true).oidc!, issuer: new URL('http://127.0.0.1:9/') } },
    });
    const client = new TestClient(unreachable);
    const response = await client.get('/sign-in/sso');
    expect(response.status).toBe(503);
    expect(response.text).toContain('cannot be reached');
    expect((await client.signIn('qa-officer@northbridge.example', TEST_PASSWORD)).status).toBe(303);
  });
});

describe('single sign-on switched off', () => {
  it('has no SSO pages and no SSO button', async () => {
    const database = await createTestDatabase();
    try {
      const app = await buildWebApp({ database, logger: pino({ level: 'silent' }), cookieSecure: false, development: false });
      const client = new TestClient(app);
      expect((await client.get('/sign-in/sso')).status).toBe(404);
      expect((await client.get('/sign-in/sso/callback?code=x&state=y')).status).toBe(404);
      expect((await client.get('/sign-in')).text).not.toContain('council account');
    } finally {
      await database.close();
    }
  });
});
