/**
 * The insight pages in a real browser: every page and the quarterly report axe-clean, filters
 * kept in the URL, a figure opened to the audits behind it, and the pages working without
 * JavaScript.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('insights in a browser', () => {
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

  it('a QA officer moves through every insight page, filters, and opens the audits behind a figure', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, 'qa-officer@northbridge.example');
    await page.getByRole('link', { name: 'Insights' }).first().click();
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Practice quality' }).click();
    await expectAccessible(page);
    // Every chart has a title and description, and the same figures in a table.
    const charts = await page.locator('svg[role="img"]').count();
    expect(charts).toBeGreaterThan(0);
    expect(await page.locator('svg[role="img"] title').count()).toBe(charts);
    expect(await page.locator('svg[role="img"] desc').count()).toBe(charts);

    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Children in care team' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(page.url()).toContain(`team=${t.council.teams['cic']}`);
    await expectAccessible(page);
    // The filter travels with the links to the other pages.
    expect(await page.getByRole('link', { name: 'Timeliness' }).getAttribute('href')).toContain(`team=${t.council.teams['cic']}`);

    await page.locator('#table-by-team a').first().click();
    expect(page.url()).toContain('/insights/audits?');
    expect(await page.textContent('h1')).toContain('Audits behind a figure');
    await expectAccessible(page);

    for (const name of ['Timeliness', 'Actions', 'Voice of the child and family', 'Calibration', 'Ofsted evidence', 'Themes and the learning loop', 'Inspection rehearsal', 'Quarterly QA report']) {
      await page.getByRole('navigation', { name: 'Insights' }).getByRole('link', { name }).click();
      expect(await page.textContent('h1')).toBeTruthy();
      await expectAccessible(page);
    }
    await context.close();
  }, 240_000);

  it('the quarterly report is accessible for each audience, and the rehearsal report too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, 'senior-leader@northbridge.example');
    await page.goto(`${baseUrl}/insights/report`);
    await page.getByLabel('For', { exact: true }).selectOption({ label: 'Senior leadership team' });
    await page.getByRole('button', { name: 'Show the report' }).click();
    expect(page.url()).toContain('audience=slt');
    expect(await page.textContent('main')).toContain('For the senior leadership team');
    await expectAccessible(page);
    await page.goto(`${baseUrl}/insights/rehearsal`);
    await expectAccessible(page);
    const first = page.locator('main table a').first();
    if ((await first.count()) > 0) {
      await first.click();
      await expectAccessible(page);
    }
    await context.close();
  }, 120_000);

  it('a QA officer runs an inspection rehearsal without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, 'qa-officer@northbridge.example');
    await page.goto(`${baseUrl}/insights/rehearsal`);
    await page.getByLabel('Name of the rehearsal').fill('Browser rehearsal');
    await page.getByLabel('Number of cases').fill('4');
    await page.getByRole('button', { name: 'Draw and allocate the rehearsal' }).click();
    expect(await page.textContent('h1')).toContain('Browser rehearsal');
    expect(await page.textContent('main')).toContain('4 audits allocated');
    await context.close();
  });

  it('a practice manager sees only the dashboards for their own team', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, 'practice-manager@northbridge.example');
    await page.goto(`${baseUrl}/insights`);
    await expectAccessible(page);
    const links = await page.locator('main h2 a').allTextContents();
    expect(links).toEqual(['Practice quality', 'Timeliness', 'Actions', 'Voice of the child and family']);
    await page.getByRole('link', { name: 'Practice quality' }).click();
    const teams = await page.getByLabel('Team', { exact: true }).locator('option').allTextContents();
    expect(teams).toEqual(['All teams', 'Family support team north']);
    await expectAccessible(page);
    await context.close();
  }, 120_000);
});
