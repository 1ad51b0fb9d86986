/**
 * A real browser: signing in through the council's identity provider (a real OpenID Connect
 * provider on loopback), being refused, setting up an authenticator app, signing in with a code,
 * and an administrator's reset; axe on every Sightline page on the way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../src/app.ts';
import { loadDemoCouncil, type DemoCouncil } from '../../src/demo/northbridge.ts';
import { parseRoleMap } from '../../src/platform/auth/oidc/settings.ts';
import { TEST_PASSWORD } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('single sign-on and two-factor sign-in in a browser', () => {
  let database: TestDatabase;
  let council: DemoCouncil;
  let idp: TestIdentityProvider;
  let server: http.Server;
  let baseUrl: string;
  let browser: Browser;
  // The application's clock: moved on by hand so that a fresh authenticator code belongs to a new step.
  let clock = new Date();

  beforeAll(async () => {
    database = await createTestDatabase();
    council = await loadDemoCouncil(database.db, TEST_PASSWORD);
    // The redirect address needs the port, so the server listens before the application exists.
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
    idp = await startIdentityProvider({
      host: '127.0.0.1',
      redirectUris: [`${baseUrl}/sign-in/sso/callback`],
      people: {
        'helen.marsh': { sub: 'sub-helen', email: 'qa-officer@northbridge.example', password: 'idp password 1', groups: ['sg-qa'] },
        newcomer: { sub: 'sub-new', email: 'new.starter@northbridge.example', password: 'idp password 2', groups: ['sg-qa'] },
      },
    });
    const app = await buildWebApp({
      database,
      logger: pino({ level: 'silent' }),
      // Secure __Host- cookies, as in production: browsers accept them from http://localhost.
      cookieSecure: true,
      development: false,
      now: () => clock,
      identity: {
        localAccounts: true,
        oidc: {
          issuer: new URL(idp.issuer),
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          redirectUrl: new URL(`${baseUrl}/sign-in/sso/callback`),
          groupsClaim: 'groups',
          roleMap: parseRoleMap('sg-qa=qa-officer'),
        },
      },
    });
    handler = app;
    browser = await launchBrowser(executablePath!);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await idp?.close();
    await database?.close();
  });

  async function atProvider(page: Page, username: string, password: string) {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in through the council\'s provider, and refuses someone without a Sightline account', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await page.goto(`${baseUrl}/sign-in`);
    expect(await page.textContent('main')).toContain('multi-factor authentication is handled there');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign in with your council account' }).click();
    await expect.poll(() => page.url()).toContain(`${idp.issuer}/interaction/`);
    await atProvider(page, 'helen.marsh', 'idp password 1');
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
    expect(await page.textContent('h1')).toContain('Helen Marsh');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await context.close();

    const stranger = await browser.newContext();
    const strangerPage = await stranger.newPage();
    strangerPage.setDefaultTimeout(5_000);
    await strangerPage.goto(`${baseUrl}/sign-in`);
    await strangerPage.getByRole('button', { name: 'Sign in with your council account' }).click();
    await atProvider(strangerPage, 'newcomer', 'idp password 2');
    await expect.poll(() => strangerPage.url()).toContain('/sign-in/sso/callback');
    expect(await strangerPage.textContent('h1')).toContain('You cannot use Sightline yet');
    await expectAccessible(strangerPage);
    await stranger.close();
  });

  it('sets up an authenticator app, signs in with a code, and an administrator resets it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const signInWithPassword = async () => {
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('Email address').fill('practitioner@northbridge.example');
      await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    await signInWithPassword();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);

    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
    await expectAccessible(page);
    // The password again before the way of signing in changes (ASVS V7.5.1).
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/account/two-factor/setup`);
    await expectAccessible(page);
    await page.getByText('I cannot scan the QR code').click();
    const key = (await page.textContent('#totp-key'))!.replace(/\s/g, '');
    const code = (at: Date) => TOTP.generate({ secret: Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });

    await page.getByLabel('Code from your app').fill('12345');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Enter the 6-digit code');
    await expectAccessible(page);
    await page.getByLabel('Code from your app').fill(code(clock));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    expect(await page.textContent('h1')).toContain('Two-factor authentication is on');
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();

    clock = new Date(clock.getTime() + 30_000);
    await signInWithPassword();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/sign-in/two-factor`);
    await expectAccessible(page);
    await page.getByLabel('Enter the code from your authenticator app').fill('000000' === code(clock) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Enter a correct code');
    await expectAccessible(page);
    await page.getByLabel('Enter the code from your authenticator app').fill(code(clock));
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
    expect(await page.textContent('h1')).toContain('Amara Okafor');
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('link', { name: 'Manage two-factor authentication' }).click();
    expect(await page.textContent('main')).toContain('On since');
    await expectAccessible(page);
    // New recovery codes need the password and a code again.
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Get new recovery codes' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Enter the code from your authenticator app');
    await expectAccessible(page);
    clock = new Date(clock.getTime() + 30_000);
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByLabel('Code from your authenticator app').fill(code(clock));
    await page.getByRole('button', { name: 'Get new recovery codes' }).click();
    expect(await page.textContent('h1')).toContain('Your old recovery codes no longer work');
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The administrator finds it from the person's page and resets it.
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill('admin@northbridge.example');
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
    await page.goto(`${baseUrl}/admin/users/${council.people['practitioner']}`);
    await page.getByRole('link', { name: 'Two-factor authentication for Amara Okafor' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
    expect(await page.textContent('main')).toContain('Not set up');
    await expectAccessible(page);
    await context.close();
  });

  it('works without JavaScript: the code step is a plain form', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill('moderator@northbridge.example');
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
    await page.goto(`${baseUrl}/account/two-factor`);
    await page.getByLabel('Your password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    // Without JavaScript the details element still opens natively.
    await page.getByText('I cannot scan the QR code').click();
    const key = (await page.textContent('#totp-key'))!.replace(/\s/g, '');
    await page.getByLabel('Code from your app').fill(TOTP.generate({ secret: Secret.fromBase32(key), timestamp: clock.getTime() }));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    expect(await page.textContent('h1')).toContain('Two-factor authentication is on');
    await context.close();
  });
});
