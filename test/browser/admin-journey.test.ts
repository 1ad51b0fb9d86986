/**
 * A real browser: sign in, move through the administration pages, sign out; axe on every page.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('administration in a browser', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    // Secure __Host- cookies, as in production: browsers accept them from http://localhost.
    t = await createTestApp({ cookieSecure: true });
    ({ server, baseUrl } = await listen(t));
    browser = await launchBrowser(executablePath!);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await t?.close();
  });

  async function signIn(page: Page, email: string, options = { axe: true }) {
    await page.goto(`${baseUrl}/sign-in`);
    // axe runs as a script in the page, so it cannot check a page with JavaScript turned off.
    if (options.axe) await expectAccessible(page);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
  }

  it('an administrator signs in, manages users, teams and services, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await signIn(page, 'admin@northbridge.example');
    expect(await page.textContent('h1')).toContain('Welcome, Chris Dale');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Administration' }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Users' }).click();
    await expectAccessible(page);
    await page.getByLabel('Role').selectOption('practitioner');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(page.url()).toContain('role=practitioner');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add a user' }).click();
    await page.getByRole('button', { name: 'Save user' }).click();
    // The error summary takes focus and links to each field.
    expect(await page.textContent('.govuk-error-summary')).toContain('Enter the full name');
    await expectAccessible(page);
    await page.getByLabel('Full name').fill('Morgan Lee');
    await page.getByLabel('Email address').fill('morgan.lee@northbridge.example');
    await page.getByLabel('Team (optional)').selectOption({ label: 'Children in care team (Children in care and care leavers)' });
    await page.getByLabel('Line manager (optional)').selectOption({ label: 'Kieran Doyle' });
    await page.getByLabel('Practitioner').check();
    await page.getByLabel('Initial password').fill('another long password');
    await page.getByRole('button', { name: 'Save user' }).click();
    expect(await page.textContent('h1')).toContain('Morgan Lee');
    await expectAccessible(page);

    // A forgotten password: the administrator confirms, then sees a temporary one once.
    await page.getByRole('link', { name: 'Reset password for Morgan Lee' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Reset password' }).click();
    expect(await page.textContent('h1')).toContain('Password reset');
    const temporary = (await page.textContent('#temporary-password code'))!.trim();
    await expectAccessible(page);
    // Morgan signs in with it and is asked for a password of their own before anything else.
    const morgan = await browser.newContext();
    const morganPage = await morgan.newPage();
    await morganPage.goto(`${baseUrl}/sign-in`);
    await morganPage.getByLabel('Email address').fill('morgan.lee@northbridge.example');
    await morganPage.getByLabel('Password', { exact: true }).fill(temporary);
    await morganPage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => morganPage.url()).toBe(`${baseUrl}/account/password`);
    expect(await morganPage.textContent('main')).toContain('Your administrator gave you a temporary password');
    await expectAccessible(morganPage);
    await morganPage.getByLabel('Temporary password').fill(temporary);
    await morganPage.getByLabel('New password', { exact: true }).fill('kestrel over the meadow');
    await morganPage.getByLabel('Confirm new password').fill('kestrel over the meadow');
    await morganPage.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => morganPage.url()).toBe(`${baseUrl}/account?changed=password`);
    await morgan.close();

    await page.getByRole('link', { name: 'Back to Morgan Lee' }).click();
    await page.getByRole('button', { name: 'Change details' }).click();
    await expectAccessible(page);
    await page.getByLabel('Job title (optional)').fill('Social worker');
    await page.getByRole('button', { name: 'Save user' }).click();
    expect(await page.textContent('.govuk-summary-list')).toContain('Social worker');

    await page.getByRole('button', { name: 'Disable account' }).click();
    expect(await page.textContent('.govuk-summary-list')).toContain('Disabled');

    await page.goto(`${baseUrl}/admin/teams`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add a team' }).click();
    await expectAccessible(page);
    await page.getByLabel('Team name').fill('Disabled children team');
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Children in care and care leavers' });
    await page.getByRole('button', { name: 'Save team' }).click();
    expect(await page.textContent('main')).toContain('Disabled children team');

    await page.goto(`${baseUrl}/admin/services`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change Front door and assessment' }).click();
    await expectAccessible(page);

    await page.goto(`${baseUrl}/teams`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Family support team north' }).click();
    await expectAccessible(page);

    await page.goto(`${baseUrl}/no-such-page`);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.textContent('main')).toContain('You have signed out');
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin`);
    // Sent to sign in, to come back to the page asked for.
    expect(page.url()).toBe(`${baseUrl}/sign-in?return-to=%2Fadmin`);
    await context.close();
  });

  it('works without JavaScript: sign in and add a service', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await signIn(page, 'admin@northbridge.example', { axe: false });
    await page.goto(`${baseUrl}/admin/services/new`);
    await page.getByLabel('Service name').fill('Youth justice');
    await page.getByRole('button', { name: 'Save service' }).click();
    expect(await page.textContent('main')).toContain('Youth justice');
    await context.close();
  });

  it('a practitioner sees their home page and team, but not administration', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await signIn(page, 'practitioner@northbridge.example');
    await expectAccessible(page);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Family support team north' }).first().click();
    await expectAccessible(page);
    const response = await page.goto(`${baseUrl}/admin/users`);
    expect(response?.status()).toBe(403);
    await expectAccessible(page);
    await context.close();
  });
});
