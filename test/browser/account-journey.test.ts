/**
 * The account pages in a real browser, axe on each: from the navigation to "Your account", a
 * password changed (after one mistake shown in the error summary), the sessions listed and
 * another browser signed out once the password is given again. Then the same without JavaScript
 * (where axe, a script, cannot run).
 */
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('your account in a browser', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', cookieSecure: true });
    ({ server, baseUrl } = await listen(t));
    browser = await launchBrowser(executablePath!);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await t?.close();
  });

  async function signedIn(email: string, password: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
    return { context, page };
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`changes the password and signs another browser out${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const email = javaScriptEnabled ? 'qa-officer@northbridge.example' : 'moderator@northbridge.example';
      const newPassword = javaScriptEnabled ? 'pebbles under the old pier' : 'lanterns along the canal path';
      const other = await signedIn(email, TEST_PASSWORD);
      const { context, page } = await signedIn(email, TEST_PASSWORD, { javaScriptEnabled });
      // axe runs as a script in the page, so it checks the pages in the run with JavaScript on.
      const accessible = (p: Page) => (javaScriptEnabled ? expectAccessible(p) : Promise.resolve());

      await page.getByRole('link', { name: 'Your account' }).click();
      await expect.poll(() => page.url()).toBe(`${baseUrl}/account`);
      await accessible(page);

      await page.getByRole('link', { name: 'View your sessions' }).click();
      expect(await page.textContent('main')).toContain('This browser');
      await accessible(page);
      await page.getByRole('link', { name: /^Sign out/ }).first().click();
      await accessible(page);
      await page.getByRole('button', { name: 'Sign out this session' }).click();
      expect(await page.textContent('.govuk-error-summary')).toContain('Enter your password');
      await accessible(page);
      await page.getByLabel('Your password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign out this session' }).click();
      expect(await page.textContent('.govuk-notification-banner')).toContain('Signed out of 1 session');
      expect(await page.textContent('main')).toContain('You are not signed in anywhere else');
      await accessible(page);
      await other.page.goto(`${baseUrl}/`);
      await expect.poll(() => other.page.url()).toMatch(/\/sign-in/);
      await other.context.close();

      await page.getByRole('link', { name: 'Back' }).click();
      await page.getByRole('link', { name: 'Change your password' }).click();
      await accessible(page);
      await page.getByLabel('Current password').fill(TEST_PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill('password1234');
      await page.getByLabel('Confirm new password').fill('password1234');
      await page.getByRole('button', { name: 'Change password' }).click();
      expect(await page.textContent('.govuk-error-summary')).toContain('too common');
      await accessible(page);
      await page.getByLabel('Current password').fill(TEST_PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      expect(await page.textContent('.govuk-notification-banner')).toContain('Your password has been changed');
      await accessible(page);
      await context.close();
      await (await signedIn(email, newPassword)).context.close();
    });
  }
});
