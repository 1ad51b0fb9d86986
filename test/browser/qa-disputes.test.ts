/**
 * A grading dispute in a real browser, as each person in turn: the practitioner challenges the
 * moderated judgement, the moderator records a position and escalates, the QA lead decides, and
 * the QA team sees the figures; axe on every page.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';
import { auditOf } from '../../src/audits/programme/test-helpers.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('a grading dispute in a browser', () => {
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

  async function as(email: string, walk: (page: Page) => Promise<void>, javaScriptEnabled = true) {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInPage(page, baseUrl, email);
    await walk(page);
    await context.close();
  }

  it('is raised by the practitioner, escalated by the moderator and decided by the QA lead', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    let disputeUrl = '';

    await as('practitioner@northbridge.example', async (page) => {
      await page.goto(`${baseUrl}/moderation/${audit.id}/dispute`);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Raise the dispute' }).click();
      expect(await page.textContent('.govuk-error-summary')).toContain('Select the grade you are challenging');
      await expectAccessible(page);
      await page.getByLabel('The overall judgement').check();
      await page.getByLabel('Why you disagree').fill('The direct work since March is recorded now; I think Good stands.');
      await page.getByRole('button', { name: 'Raise the dispute' }).click();
      expect(await page.textContent('h1')).toContain('Dispute about the audit of NB-P102');
      expect(await page.textContent('main')).toContain('Moderator and auditor meet');
      await expectAccessible(page);
      disputeUrl = page.url();
    });

    await as('moderator@northbridge.example', async (page) => {
      await page.getByRole('link', { name: 'Disputes' }).click();
      await expectAccessible(page);
      await page.getByRole('link', { name: 'NB-P102' }).click();
      expect(page.url()).toBe(disputeUrl);
      await page.getByLabel('Your position as moderator').fill('The recording caught up only after the moderation.');
      await page.getByRole('button', { name: 'Save your position' }).click();
      expect(await page.textContent('main')).toContain('The recording caught up only after the moderation.');
      await page.getByLabel('Not resolved: escalate to the next level').check();
      await page.getByLabel('What was discussed and decided').fill('We met and could not agree.');
      await page.getByRole('button', { name: 'Record the outcome' }).click();
      expect(await page.textContent('main')).toContain('QA lead');
      await expectAccessible(page);
    });

    await as('imran.siddiqui@northbridge.example', async (page) => {
      await page.goto(`${baseUrl}/disputes`);
      expect(await page.textContent('main')).toContain('Your decision');
      await page.goto(disputeUrl);
      await expectAccessible(page);
      await page.getByLabel('Resolved: the grade is agreed').check();
      await page.getByLabel('Grade agreed (if resolved)').selectOption({ label: 'Good' });
      await page.getByLabel('What was discussed and decided').fill('The file now shows the direct work: Good is supported.');
      await page.getByRole('button', { name: 'Record the outcome' }).click();
      expect(await page.textContent('main')).toContain('Resolved: Grade revised');
      await expectAccessible(page);
    });

    await as('qa-officer@northbridge.example', async (page) => {
      await page.getByRole('link', { name: 'Disputes' }).click();
      expect(await page.textContent('main')).toContain('Resolved at: QA lead');
      await expectAccessible(page);
    });
  }, 120_000);

  it('works without JavaScript: once resolved, a moderated grade of a criterion can be challenged again', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    await as(
      'practitioner@northbridge.example',
      async (page) => {
        await page.goto(`${baseUrl}/moderation/${audit.id}/dispute`);
        await page.locator('input[name="grade"]').nth(1).check();
        await page.getByLabel('Why you disagree').fill('The chronology was updated the week after the audit.');
        await page.getByRole('button', { name: 'Raise the dispute' }).click();
        expect(await page.textContent('h1')).toContain('Dispute about the audit of NB-P102');
        expect(await page.textContent('main')).toContain('The chronology was updated the week after the audit.');
      },
      false,
    );
  });
});
