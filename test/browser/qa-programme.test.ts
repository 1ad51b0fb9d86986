/**
 * The QA officer in a real browser: the audit programme, drawing and allocating a round, adding a
 * case by hand, the moderation share, the dispute chain, themes and the senior leadership list;
 * axe on every page. The draw and allocation also work with JavaScript turned off.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('the QA officer’s audit programme in a browser', () => {
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

  it('manages a programme, draws a round with its rules explained, and allocates it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');

    await page.getByRole('link', { name: 'Programme' }).click();
    expect(await page.textContent('h1')).toBe('Audit programme');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add a programme' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save programme' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Enter the programme’s name');
    await expectAccessible(page);
    await page.getByLabel('Name', { exact: true }).fill('Pre-birth assessments');
    await page.getByLabel('Audit tool').selectOption({ label: 'Practice audit tool' });
    await page.getByLabel('Quarterly').check();
    await page.getByLabel('Owner').selectOption({ label: 'Helen Marsh' });
    await page.getByLabel('Tom Hadley').check();
    await page.getByLabel('Lucy Brennan').check();
    await page.getByLabel('Cases in each round').fill('3');
    await page.getByRole('button', { name: 'Save programme' }).click();
    expect(await page.textContent('h1')).toContain('Pre-birth assessments');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Change programme' }).click();
    await expectAccessible(page);

    await page.goto(`${baseUrl}/programmes`);
    await page.getByRole('link', { name: 'Monthly collaborative audits' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Draw a round' }).click();
    await expectAccessible(page);
    expect(await page.textContent('main')).toContain('Never from the auditor’s own team');
    await page.getByLabel('Stratified').check();
    await page.getByLabel('Team', { exact: true }).check();
    await page.getByLabel('Number of cases').fill('4');
    await page.getByText('Repeat an earlier draw').click();
    await page.getByLabel('Seed (optional)').fill('browser-round');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Draw the cases' }).click();
    expect(page.url()).toMatch(/\/rounds\/[0-9a-f-]{36}$/);
    expect(await page.textContent('main')).toContain('chooses the same cases in the same order');
    expect(await page.textContent('main')).toContain('One open audit per case');
    await expectAccessible(page);

    await page.getByRole('button', { name: /Allocate \d+ audits?/ }).click();
    expect(await page.textContent('main')).toContain('Each auditor and each child’s worker has been notified');
    await expectAccessible(page);
    await context.close();
  }, 120_000);

  it('adds a case by hand, with errors explained, then the case is there to be drawn', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');
    await page.goto(`${baseUrl}/programmes`);
    await page.getByRole('button', { name: 'Add a case by hand' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add case' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Enter the child reference');
    await expectAccessible(page);
    await page.getByLabel('Child reference').fill('NB-B777');
    await page.getByLabel('Full name').fill('Hazel Brightwater');
    await page.getByLabel('Day').fill('3');
    await page.getByLabel('Month').fill('11');
    await page.getByLabel('Year').fill('2015');
    await page.getByLabel('Team').selectOption({ label: 'Children in care team' });
    await page.getByLabel('Allocated worker').selectOption({ label: 'Ellie Hughes (Children in care team)' });
    await page.getByLabel('Looked after').check();
    await page.getByRole('button', { name: 'Add case' }).click();
    expect(await page.textContent('h1')).toContain('Case added');
    expect(await page.textContent('main')).toContain('Hazel Brightwater');
    await expectAccessible(page);
    await context.close();
  });

  it('sets the moderation share and the dispute chain, tags themes and chooses a case for senior leaders', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');

    await page.getByRole('link', { name: 'Moderation' }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change the moderation share' }).click();
    await expectAccessible(page);
    await page.getByLabel('Share of the other audits moderated at random').fill('30');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.textContent('main')).toContain('30% of the others are drawn at random');

    await page.getByRole('link', { name: 'Disputes' }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change the dispute chain' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save the dispute chain' }).click();
    expect(await page.textContent('h1')).toBe('Disputes');

    await page.getByRole('link', { name: 'Themes' }).click();
    await expectAccessible(page);
    await page.getByLabel('Theme', { exact: true }).fill('Life-story work');
    await page.getByRole('button', { name: 'Add theme' }).click();
    await page.getByRole('link', { name: 'Life-story work' }).click();
    await expectAccessible(page);

    await page.goto(`${baseUrl}/themes`);
    await page.getByRole('link', { name: 'NB-P104' }).click();
    await expectAccessible(page);
    await page.getByLabel('Theme', { exact: true }).selectOption({ label: 'Life-story work' });
    await page.getByLabel('Strength').check();
    await page.getByLabel('Note (optional)').fill('Life-story book started with the carer.');
    await page.getByRole('button', { name: 'Tag the audit' }).click();
    expect(await page.textContent('main')).toContain('Life-story book started with the carer.');
    await page.getByLabel('Why present this case (optional)').fill('Shows the dispute process at work.');
    await page.getByRole('button', { name: 'Present to the senior leadership team' }).click();
    expect(await page.textContent('main')).toContain('This case is chosen for presentation to the senior leadership team');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'SLT cases' }).click();
    expect(await page.textContent('main')).toContain('Shows the dispute process at work.');
    await expectAccessible(page);
    await context.close();
  }, 120_000);

  it('works without JavaScript: draw a round and allocate it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');
    await page.goto(`${baseUrl}/programmes`);
    await page.getByRole('link', { name: 'Weekly dip samples of open cases' }).click();
    await page.getByRole('button', { name: 'Draw a round' }).click();
    await page.getByLabel('Targeted').check();
    await page.getByLabel('Cases not audited for the longest').check();
    await page.getByLabel('Number of cases').fill('2');
    await page.getByRole('button', { name: 'Draw the cases' }).click();
    expect(await page.textContent('main')).toContain('Why targeted');
    await page.getByRole('button', { name: 'Allocate 2 audits' }).click();
    expect(await page.textContent('main')).toContain('Audits allocated');
    await context.close();
  });
});
