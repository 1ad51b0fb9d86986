/**
 * The collaborative audit in a real browser, each role in turn, with axe on every page: the
 * practitioner self-assesses; the auditor starts, grades every area (with autosave), raises a
 * safeguarding concern, agrees an action, records family feedback and learning, and submits; the
 * line manager sees the concern on their home page and acknowledges it; a senior leader reads
 * the record and timeline; the QA team invites a partner (without JavaScript), who sees only the
 * sections they were invited to. Then the audit form without JavaScript, and two sessions saving
 * at once.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../support/browser.ts';
import { freshAudit, signInPerson, startWithoutSelfAssessment, type FreshAudit } from '../../src/audits/test-fixtures.ts';

const executablePath = chromiumPath();
/** Each step of a journey is a real page load with axe: minutes, not seconds, on a busy machine. */
const JOURNEY_TIMEOUT = 240_000;

describe.skipIf(!executablePath)('the collaborative audit in a browser', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  let audit: FreshAudit;

  beforeAll(async () => {
    t = await createTestApp({ cookieSecure: true });
    ({ server, baseUrl } = await listen(t));
    browser = await launchBrowser(executablePath!);
    // Amara Okafor's child (Family support team north), allocated to Lucy Brennan to audit.
    audit = await freshAudit(t);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await t?.close();
  });

  async function signIn(email: string, options: { javaScript?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${baseUrl}/`);
    return page;
  }

  /** Grades every item on an area page `grade` and writes each text box. */
  async function fillArea(page: Page, grade: string, words: string): Promise<void> {
    for (const radio of await page.locator(`input[type="radio"][value="${grade}"]`).all()) await radio.check();
    for (const box of await page.locator('textarea').all()) await box.fill(words);
  }

  async function openAudit(page: Page, childRef: string): Promise<void> {
    await page.getByRole('link', { name: /^Audits/ }).click();
    await expectAccessible(page);
    await page.getByLabel('Child reference').fill(childRef);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: childRef, exact: true }).click();
    await expectAccessible(page);
  }

  it('the practitioner completes and submits a self-assessment', async () => {
    const page = await signIn('practitioner@northbridge.example');
    await expectAccessible(page);
    await openAudit(page, audit.childRef);
    await page.getByRole('link', { name: "Practitioner's self-assessment" }).click();
    await expectAccessible(page);
    for (const area of audit.areas) {
      await page.getByRole('link', { name: new RegExp(`^${area.position}\\. `) }).click();
      await expectAccessible(page);
      await fillArea(page, 'requires-improvement', `My reflection on area ${area.position}`);
      await page.getByRole('button', { name: 'Save and return to the task list' }).click();
      await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${baseUrl}/audits/${audit.auditId}/self-assessment`);
    }
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Submit your self-assessment' }).click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${baseUrl}/audits/${audit.auditId}`);
    expect(await page.textContent('main')).toContain('Self-assessed');
    await page.context().close();
  }, JOURNEY_TIMEOUT);

  it('the auditor grades every area, raises a concern, agrees an action, records feedback and learning, and submits', async () => {
    const page = await signIn('lucy.brennan@northbridge.example');
    await openAudit(page, audit.childRef);
    await page.getByRole('link', { name: 'Start the audit' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start the audit' }).click();
    expect(await page.textContent('h1')).toContain('In progress');

    // The self-assessment appears beside an item only after the auditor has saved a grade for it.
    const first = audit.areas[0]!;
    await page.getByRole('link', { name: new RegExp(`^${first.position}\\. `) }).click();
    await expectAccessible(page);
    expect(await page.textContent('main')).not.toContain(`My reflection on area ${first.position}`);
    // Autosave: a draft is saved a moment after typing, with no button pressed.
    await page.locator('textarea[name="i0-evidence"]').fill('Drafted while talking to the worker');
    await expect.poll(() => page.locator('[data-autosave-status]').textContent(), { timeout: 10_000 }).toContain('Draft saved at');
    await page.reload();
    expect(await page.locator('textarea[name="i0-evidence"]').inputValue()).toBe('Drafted while talking to the worker');
    await fillArea(page, 'good', 'Seen on the file');
    await page.getByRole('button', { name: 'Save and continue to the next area' }).click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(`/areas/${audit.areas[1]!.number}`);
    await page.goto(`${baseUrl}/audits/${audit.auditId}/areas/${first.number}`);
    expect(await page.textContent('main')).toContain(`My reflection on area ${first.position}`);
    await expectAccessible(page);

    for (const area of audit.areas.slice(1)) {
      await page.goto(`${baseUrl}/audits/${audit.auditId}/areas/${area.number}`);
      await fillArea(page, 'good', `Evidence for area ${area.position}`);
      await page.getByRole('button', { name: /^Save and (continue|return)/ }).first().click();
      await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain(`/areas/${area.number}`);
    }
    await page.goto(`${baseUrl}/audits/${audit.auditId}`);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Overall judgement' }).click();
    await expectAccessible(page);
    expect(await page.textContent('main')).toContain('lowest area grade: Good');
    await page.getByRole('button', { name: 'Confirm the overall judgement' }).click();
    expect(await page.textContent('main')).toContain('Completed: Good');

    await page.getByRole('link', { name: 'Safeguarding concerns' }).click();
    await expectAccessible(page);
    await page.getByLabel('What is the concern?').fill('The school reports the child has not been collected twice this week.');
    await page.getByRole('button', { name: 'Raise the concern now' }).click();
    expect(await page.textContent('main')).toContain('Not yet acknowledged');
    await expectAccessible(page);

    await page.goto(`${baseUrl}/audits/${audit.auditId}/actions`);
    await expectAccessible(page);
    await page.getByLabel('What needs to be done').fill('See the child at school and agree a collection plan with the family.');
    await page.getByRole('button', { name: 'Add the action' }).click();
    expect(await page.textContent('main')).toContain('Short deadline');
    await expectAccessible(page);

    await page.goto(`${baseUrl}/audits/${audit.auditId}/family-feedback`);
    await expectAccessible(page);
    await page.getByLabel('Yes').check();
    await page.getByLabel('A parent').check();
    await page.getByLabel('Phone call').check();
    await page.getByLabel('What they said').fill('The worker explains things and keeps her promises.');
    await page.getByLabel('4', { exact: true }).check();
    await page.getByRole('button', { name: 'Save the feedback' }).click();
    expect(await page.textContent('main')).toContain('4 out of 5');
    await expectAccessible(page);

    await page.goto(`${baseUrl}/audits/${audit.auditId}/learning`);
    await page.getByLabel('What did you learn from this audit?').fill('Reading another team’s files shows me what we take for granted.');
    await page.getByRole('button', { name: 'Save your learning' }).click();
    expect(await page.textContent('main')).toContain('what we take for granted');
    await expectAccessible(page);

    await page.goto(`${baseUrl}/audits/${audit.auditId}`);
    await page.getByRole('button', { name: 'Check and submit' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Submit stage 1' }).click();
    // Submission draws the audit for moderation at once, or closes it.
    expect(await page.textContent('h1')).toMatch(/In moderation|Closed/);
    await expectAccessible(page);
    await page.context().close();
  }, JOURNEY_TIMEOUT);

  it('the practitioner’s line manager sees the concern on their home page until they acknowledge it', async () => {
    const page = await signIn('practice-manager@northbridge.example');
    const concern = page.getByRole('link', { name: new RegExp(`Concern about ${audit.childRef}`) });
    expect(await concern.count()).toBe(1);
    await expectAccessible(page);
    await concern.click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Say what you have done or decided');
    await expectAccessible(page);
    await page.getByLabel('What have you done or decided?').fill('Spoke to the school and the worker; a visit is booked for tomorrow.');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    expect(await page.textContent('main')).toContain('a visit is booked for tomorrow');
    await page.goto(`${baseUrl}/`);
    expect(await page.getByRole('link', { name: new RegExp(`Concern about ${audit.childRef}`) }).count()).toBe(0);
    await page.context().close();

    // The group manager has not acknowledged yet, so it is still on their home page.
    const priya = await signIn('group-manager@northbridge.example');
    expect(await priya.getByRole('link', { name: new RegExp(`Concern about ${audit.childRef}`) }).count()).toBe(1);
    await priya.context().close();
  }, JOURNEY_TIMEOUT);

  it('a senior leader reads the audit, its printable record and its timeline', async () => {
    const page = await signIn('senior-leader@northbridge.example');
    // Every audit in the council, a page at a time.
    await page.goto(`${baseUrl}/audits?page=2`);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/audits?childRef=${audit.childRef}`);
    await expectAccessible(page);
    await page.getByRole('link', { name: audit.childRef, exact: true }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Printable record' }).click();
    await expectAccessible(page);
    const record = (await page.textContent('main'))!;
    expect(record).toContain('The school reports the child has not been collected');
    expect(record).toContain('My reflection on area 1');
    await expect.poll(() => page.getByRole('button', { name: 'Print this record' }).isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('link', { name: 'Timeline' }).click();
    await expectAccessible(page);
    expect(await page.textContent('main')).toContain('Raised a safeguarding concern; 2 managers told at once');
    // Every stage 1 page, read-only for someone overseeing rather than taking part.
    for (const path of [`areas/${audit.areas[0]!.number}`, 'judgement', 'safeguarding', 'actions', 'family-feedback', 'learning']) {
      await page.goto(`${baseUrl}/audits/${audit.auditId}/${path}`);
      expect(await page.locator('main form[method="post"]').count()).toBe(0);
      await expectAccessible(page);
    }
    await page.context().close();
  }, JOURNEY_TIMEOUT);

  it('a partner sees only the sections of the audit they were invited to', async () => {
    const page = await signIn('partner@northbridge.example');
    await openAudit(page, 'NB-A008');
    const main = (await page.textContent('main'))!;
    expect(main).toContain('Assessment/ S.47 Enquiry');
    expect(main).not.toContain('History of involvement');
    await page.getByRole('link', { name: '5. Planning and Implementing Plan' }).click();
    await expectAccessible(page);
    const response = await page.goto(page.url().replace(/\/areas\/5$/, '/areas/1'));
    expect(response?.status()).toBe(404);
    await expectAccessible(page);
    await page.context().close();
  }, JOURNEY_TIMEOUT);

  it('the QA team invites a partner without JavaScript; the partner sees only the areas ticked, not the child’s name', async () => {
    const invited = await freshAudit(t);
    const area = (i: number) => `${invited.areas[i]!.position}. ${invited.areas[i]!.title}`;
    // axe runs in the page, so the pages are checked with JavaScript; the form is then used without it.
    const qa = await signIn('qa-officer@northbridge.example');
    await qa.goto(`${baseUrl}/audits/${invited.auditId}`);
    expect(await qa.textContent('main')).toContain('No partners invited.');
    await qa.getByRole('link', { name: 'Invite a partner' }).click();
    await expectAccessible(qa);
    await qa.getByRole('button', { name: 'Invite the partner' }).click();
    expect(await qa.textContent('.govuk-error-summary')).toContain('Tick at least one area the partner is invited to complete');
    await expectAccessible(qa);

    const plain = await signIn('qa-officer@northbridge.example', { javaScript: false });
    await plain.goto(`${baseUrl}/audits/${invited.auditId}`);
    await plain.getByRole('link', { name: 'Invite a partner' }).click();
    await plain.getByRole('button', { name: 'Invite the partner' }).click();
    expect(await plain.textContent('.govuk-error-summary')).toContain('Choose the partner to invite');
    await plain.getByLabel('Jo Whitfield', { exact: true }).check();
    await plain.getByRole('checkbox', { name: area(0), exact: true }).check();
    expect(await plain.getByRole('checkbox', { name: /Share the child’s details/ }).isChecked()).toBe(false);
    await plain.getByRole('button', { name: 'Invite the partner' }).click();
    expect(plain.url()).toBe(`${baseUrl}/audits/${invited.auditId}/partners`);
    expect(await plain.textContent('main')).toContain('Child’s details not shared');
    await plain.context().close();

    await qa.goto(`${baseUrl}/audits/${invited.auditId}/partners`);
    await qa.getByRole('link', { name: 'Change the invitation of Jo Whitfield' }).click();
    await expectAccessible(qa);
    await qa.context().close();

    const jo = await signIn('partner@northbridge.example');
    await openAudit(jo, invited.childRef);
    const main = (await jo.textContent('main'))!;
    expect(main).toContain(area(0));
    expect(main).not.toContain(area(1));
    expect(main).not.toMatch(/Test Child \d+/);
    await jo.context().close();
  }, JOURNEY_TIMEOUT);

  it('works without JavaScript: start, grade an area and save it', async () => {
    const plain = await freshAudit(t);
    const page = await signIn('lucy.brennan@northbridge.example', { javaScript: false });
    await page.goto(`${baseUrl}/audits/${plain.auditId}/start`);
    await page.getByLabel('Why is the audit going ahead without the practitioner’s self-assessment?').fill('The worker is on leave; we agreed to go ahead.');
    await page.getByRole('button', { name: 'Start the audit' }).click();
    expect(await page.textContent('h1')).toContain('In progress');
    const area = plain.areas[0]!;
    await page.getByRole('link', { name: new RegExp(`^${area.position}\\. `) }).click();
    await fillArea(page, 'good', 'Typed without JavaScript');
    await page.getByRole('button', { name: 'Save and return to the task list' }).click();
    expect(page.url()).toBe(`${baseUrl}/audits/${plain.auditId}`);
    const row = page.locator('.govuk-task-list__item', { hasText: `${area.position}. ${area.title}` });
    expect(await row.textContent()).toContain('Completed');
    await page.context().close();
  }, JOURNEY_TIMEOUT);

  it('keeps the words of a session whose save came second, and says what changed', async () => {
    const shared = await freshAudit(t);
    await startWithoutSelfAssessment(t, await signInPerson(t, 'pm-south'), shared.auditId);
    const area = shared.areas[1]!;
    const url = `${baseUrl}/audits/${shared.auditId}/areas/${area.number}`;
    const [one, two] = [await signIn('lucy.brennan@northbridge.example', { javaScript: false }), await signIn('lucy.brennan@northbridge.example')];
    await one.goto(url);
    await two.goto(url);
    await one.locator('textarea[name="i0-evidence"]').fill('The first session’s words');
    await one.getByRole('button', { name: 'Save and return to the task list' }).click();
    // The second session's autosave is refused; it says so and keeps the text.
    await two.locator('textarea[name="i0-evidence"]').fill('The second session’s words');
    await expect.poll(() => two.locator('[data-autosave-status]').textContent(), { timeout: 10_000 }).toContain('Someone else has saved changes');
    await two.getByRole('button', { name: 'Save and return to the task list' }).click();
    expect(await two.textContent('.govuk-error-summary')).toContain('Someone else changed this audit while you were editing');
    expect(await two.locator('textarea[name="i0-evidence"]').inputValue()).toBe('The second session’s words');
    expect(await two.textContent('main')).toContain('The first session’s words');
    await expectAccessible(two);
    await one.context().close();
    await two.context().close();
  }, JOURNEY_TIMEOUT);
});
