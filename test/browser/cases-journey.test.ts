/**
 * A real browser: a QA officer imports an extract and watches it through to its result; a
 * practice manager works through drift and delay, the dip sample, a child's chronology and the
 * indicators. axe on every page; the import also without JavaScript.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createImport } from '../../src/cases/imports.ts';
import { caseImports } from '../../src/cases/schema.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';
import { generateCouncil } from '../synthetic/council.ts';
import { ssdFiles } from '../synthetic/write-ssd.ts';

const executablePath = chromiumPath();

/** A few SSD tables of a small invented council, with some broken rows to report. */
function extractFiles(seed: number) {
  const council = generateCouncil({ seed, children: 25, years: 2, asOf: '2026-03-31' });
  const wanted = new Set(['ssd_person.csv', 'ssd_contacts.csv', 'ssd_cin_episodes.csv', 'ssd_cin_assessments.csv', 'ssd_cp_plans.csv', 'ssd_cp_visits.csv']);
  return [...ssdFiles(council, { errorRate: 0.05 })].filter(([name]) => wanted.has(name)).map(([name, csv]) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) }));
}

describe.skipIf(!executablePath)('case data in a browser', () => {
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

  it('a QA officer imports an extract and watches it to its result', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');

    await page.getByRole('link', { name: 'Case data' }).click();
    expect(await page.textContent('h1')).toContain('Case data imports');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Import case data' }).click();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Import files' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Choose one or more extract files to import');
    await expectAccessible(page);

    await page.getByLabel('Extract files').setInputFiles(extractFiles(3));
    await page.getByRole('button', { name: 'Import files' }).click();
    await expect.poll(() => page.url()).toMatch(/\/case-data\/imports\/[0-9a-f-]{36}$/);
    // The page reloads itself while the import runs; the result replaces the progress.
    if ((await page.textContent('h1'))?.includes('in progress')) await expectAccessible(page);
    await expect.poll(() => page.textContent('h1'), { timeout: 30_000 }).toContain('Import result');
    expect(await page.textContent('main')).toContain('The extract was imported');
    expect(await page.textContent('main')).toContain('Rows rejected');
    await expectAccessible(page);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download all problems (CSV)' }).click();
    expect((await download).suggestedFilename()).toMatch(/^import-[0-9a-f-]{36}-problems\.csv$/);

    await page.getByRole('link', { name: 'Case data imports' }).click();
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);

    // An import part-way through saving, as another QA officer would find it.
    const running = await createImport(t.database.db, { organisationId: t.council.organisationId, importedBy: null, channel: 'command line', files: [{ fileName: 'ssd_person.csv', bytes: new Uint8Array([65]) }], now: new Date() });
    await t.database.db.update(caseImports).set({ status: 'running', stage: 'saving', rowsRead: 500, factsRead: 400, factsWritten: 200 }).where(eq(caseImports.id, running));
    // Without its reload, so that axe is not interrupted by the next one.
    await page.route(`${baseUrl}/case-data/imports/${running}`, async (route) => {
      const response = await route.fetch();
      expect(response.headers().refresh).toBe('2');
      const { refresh: _reload, ...headers } = response.headers();
      await route.fulfill({ response, headers });
    });
    await page.goto(`${baseUrl}/case-data/imports/${running}`);
    expect(await page.textContent('main')).toContain('Events saved');
    await expectAccessible(page);
    await t.database.db.update(caseImports).set({ status: 'failed', stage: 'done', failure: 'Stopped for the test.' }).where(eq(caseImports.id, running));
    await context.close();
  });

  it('imports without JavaScript: the result page arrives by itself', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');
    await page.goto(`${baseUrl}/case-data/imports/new`);
    await page.getByLabel('Extract files').setInputFiles(extractFiles(4));
    await page.getByRole('button', { name: 'Import files' }).click();
    await expect.poll(() => page.textContent('h1'), { timeout: 30_000 }).toContain('Import result');
    await context.close();
  });

  it('a practice manager checks drift and delay, the dip sample, a chronology and the indicators', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'practice-manager@northbridge.example');

    await page.getByRole('link', { name: 'Drift and delay' }).click();
    expect(await page.textContent('h1')).toBe('Drift and delay');
    await expectAccessible(page);
    await page.getByLabel('Team').selectOption({ label: 'Family support team north' });
    await page.getByRole('button', { name: 'Show' }).click();
    expect(page.url()).toContain('teamId=');
    await expectAccessible(page);

    await page.getByRole('link', { name: /Weekly dip sample/ }).click();
    expect(await page.textContent('h1')).toBe('Weekly dip sample');
    await expectAccessible(page);
    await page.locator('tbody a.govuk-link').first().click();
    expect(await page.textContent('h1')).toMatch(/^Child NB\d{6}/);
    expect(await page.textContent('main')).toContain('Chronology');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Cases' }).first().click();
    expect(await page.textContent('h1')).toBe('Cases');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Indicators' }).click();
    expect(await page.textContent('main')).toContain('Re-referrals within 12 months');
    await expectAccessible(page);
    await context.close();
  });
});
