/**
 * A moderator in a real browser: the pool, claiming an audit, the reflective discussion, revising
 * a grade with its reason and completing the moderation; axe on every page. Opening an audit and
 * saving a draft works with JavaScript turned off.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('moderation in a browser', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp({ cookieSecure: true });
    ({ server, baseUrl } = await listen(t));
    browser = await launchBrowser(executablePath!);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await t?.close();
  });

  const signIn = (page: Page, email: string) => signInPage(page, baseUrl, email);

  it('works without JavaScript: a moderator opens an audit from the pool and saves a draft, which claims it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'moderator@northbridge.example');
    await page.goto(`${baseUrl}/moderation`);
    await page.getByRole('link', { name: 'NB-P101' }).click();
    await page.getByLabel('Reflective discussion').fill('Draft notes from the discussion.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    expect(await page.getByLabel('Reflective discussion').inputValue()).toBe('Draft notes from the discussion.');
    expect(await page.textContent('main')).toContain('Gareth Lloyd');
    await context.close();
  });

  it('a moderator claims an audit from the pool, revises a grade with a reason and completes the moderation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'moderator@northbridge.example');
    await page.getByRole('link', { name: /^Moderation/ }).click();
    expect(await page.textContent('h1')).toBe('Moderation');
    await expectAccessible(page);

    // Claimed without JavaScript above, it is now in the moderator's own list.
    expect(await page.locator('table', { hasText: 'Your moderations' }).textContent()).toContain('NB-P101');
    await page.getByRole('link', { name: 'NB-P101' }).click();
    await expectAccessible(page);
    expect(await page.getByLabel('Reflective discussion').inputValue()).toBe('Draft notes from the discussion.');

    await page.getByLabel('Reflective discussion').fill('We met with the worker and the auditor. The direct work is strong; the recording of the strategy discussion is missing.');
    for (const agree of await page.locator('input[type="radio"][value="agree"]').all()) await agree.check();
    await page.locator('#decision-0-2').check();
    await page.locator('#grade-0').selectOption('inadequate');
    await page.getByRole('button', { name: 'Complete moderation' }).click();
    // The reason is missing: the error summary says so and the typed discussion is kept.
    expect(await page.textContent('.govuk-error-summary')).toContain('Give the reason for revising');
    expect(await page.getByLabel('Reflective discussion').inputValue()).toContain('The direct work is strong');
    await expectAccessible(page);

    await page.locator('#reason-0').fill('No record of the strategy discussion for the May referral.');
    await page.getByRole('button', { name: 'Complete moderation' }).click();
    const main = await page.textContent('main');
    expect(main).toContain('Moderated');
    expect(main).toContain('Revised to Inadequate: No record of the strategy discussion for the May referral.');
    await expectAccessible(page);
    await context.close();
  }, 120_000);

});
