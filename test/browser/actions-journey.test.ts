/**
 * Actions in a real browser, axe on every page: a manager sets an action (and sees the SMART
 * warning), the owner finds it from the home page and marks it done with evidence, the line manager
 * signs it off from their sign-off list; lists are filtered, sorted and downloaded; the QA team's
 * settings and the administrators' closure days and background jobs pages. Then the owner's part
 * again with JavaScript turned off.
 */
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('actions in a browser', () => {
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

  async function signedIn(email: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, javaScriptEnabled: options.javaScriptEnabled ?? true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await signInPage(page, baseUrl, email);
    return page;
  }

  it('a manager sets an action, the owner marks it done with evidence, the line manager signs it off', async () => {
    const manager = await signedIn('practice-manager@northbridge.example');
    await manager.getByRole('link', { name: /^Actions/ }).first().click();
    await expectAccessible(manager);
    await manager.getByRole('button', { name: 'Set an action' }).click();
    await expectAccessible(manager);

    await manager.getByLabel('What must happen?').fill('Visit Amara’s new family at home as soon as possible');
    await manager.getByLabel('Who will do it?').selectOption({ label: 'Amara Okafor (Family support team north)' });
    await manager.getByRole('button', { name: 'Save action' }).click();
    // Seed 004 standard 4.2: warned, not refused.
    expect(await manager.textContent('#smart-warnings')).toContain('“as soon as possible”');
    await expectAccessible(manager);
    await manager.getByLabel('What must happen?').fill('Visit the family at home and agree the safety plan with both parents');
    await manager.getByLabel('Day').fill('3');
    await manager.getByLabel('Month').fill('2');
    await manager.getByLabel('Year').fill('2028');
    await manager.getByRole('button', { name: 'Save the action as it is' }).click();
    expect(await manager.textContent('h1')).toContain('Visit the family at home and agree the safety plan');
    await expectAccessible(manager);
    const actionUrl = manager.url();

    // The owner sees it from their home page, with a count in the navigation.
    const owner = await signedIn('practitioner@northbridge.example');
    expect(await owner.getByRole('link', { name: /^Actions/ }).first().textContent()).toMatch(/Actions\d+/);
    await expectAccessible(owner);
    await owner.getByRole('link', { name: /Your actions still to do/ }).click();
    await expectAccessible(owner);
    await owner.getByRole('link', { name: /Visit the family at home/ }).first().click();
    expect(owner.url()).toBe(actionUrl);
    await owner.getByRole('button', { name: 'Mark done' }).click();
    expect(await owner.textContent('.govuk-error-summary')).toContain('Say what was done');
    await expectAccessible(owner);
    await owner.getByLabel('What was done, and where is the evidence?').fill('Visited on 1 February; safety plan signed by both parents and saved to the case file.');
    await owner.getByRole('button', { name: 'Mark done' }).click();
    expect(await owner.textContent('main')).toContain('Done, awaiting sign-off');
    expect(await owner.getByRole('button', { name: 'Sign off' }).count()).toBe(0);
    await expectAccessible(owner);

    // The line manager finds it in their sign-off list and signs it off.
    await manager.goto(`${baseUrl}/actions?view=sign-off`);
    await expectAccessible(manager);
    await manager.getByRole('link', { name: /Visit the family at home/ }).click();
    expect(await manager.textContent('main')).toContain('safety plan signed by both parents');
    // The sign-off and reopen forms (with its date boxes) on one page.
    await expectAccessible(manager);
    await manager.getByLabel('Comment (optional)').fill('Thank you');
    await manager.getByRole('button', { name: 'Sign off' }).click();
    expect(await manager.textContent('.govuk-tag')).toContain('Signed off');
    expect(await manager.textContent('main')).toContain('Signed off: Thank you');
    await expectAccessible(manager);

    // Changing an open action (the demo's) and reopening are on pages of their own.
    await manager.goto(`${baseUrl}/actions?view=team&status=open`);
    await manager.getByRole('link', { name: /Update the chronology to include the last three months/ }).click();
    await manager.getByRole('link', { name: /Change what, who, when or how urgent/ }).click();
    await expectAccessible(manager);
    await manager.getByRole('button', { name: 'Save changes' }).click();
    expect(await manager.textContent('h1')).toContain('Update the chronology to include the last three months');
    await manager.context().close();
    await owner.context().close();
  });

  it('lists are filtered, sorted and downloaded', async () => {
    const qa = await signedIn('qa-officer@northbridge.example');
    await qa.goto(`${baseUrl}/actions?view=all`);
    await expectAccessible(qa);
    await qa.getByLabel('Due', { exact: true }).selectOption('overdue');
    await qa.getByRole('button', { name: 'Filter' }).click();
    expect(qa.url()).toContain('due=overdue');
    expect(await qa.locator('.govuk-tag--red').count()).toBeGreaterThan(0);
    await qa.getByRole('link', { name: /^Owner/ }).click();
    expect(qa.url()).toContain('sort=owner');
    expect(await qa.locator('th[aria-sort="ascending"]').textContent()).toContain('Owner');
    await expectAccessible(qa);

    const [download] = await Promise.all([qa.waitForEvent('download'), qa.getByRole('link', { name: /^CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^actions-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFReference,Action,Owner,Team,Child reference,Audit tool,Status,Priority,Due date,Working days overdue,Escalation level,Set on');
    expect(csv).toContain('NB-X003');
    const [excel] = await Promise.all([qa.waitForEvent('download'), qa.getByRole('link', { name: /^Excel/ }).click()]);
    expect(excel.suggestedFilename()).toMatch(/\.xlsx$/);

    // The QA team's settings.
    await qa.goto(`${baseUrl}/actions/settings`);
    await expectAccessible(qa);
    await qa.getByRole('link', { name: 'Change deadlines for Practice audit tool' }).click();
    await expectAccessible(qa);
    await qa.getByLabel('How many').first().fill('3');
    await qa.getByRole('button', { name: 'Save deadlines' }).click();
    expect(await qa.textContent('main')).toMatch(/Practice audit tool[\s\S]*3 working days/);
    await qa.context().close();
  });

  it('an administrator keeps closure days and sees the background jobs', async () => {
    const admin = await signedIn('admin@northbridge.example');
    await admin.getByRole('link', { name: 'Closure days' }).click();
    await expectAccessible(admin);
    await admin.getByRole('button', { name: 'Add closure day' }).click();
    expect(await admin.textContent('.govuk-error-summary')).toContain('Enter the date the council is closed');
    await expectAccessible(admin);
    await admin.getByLabel('Day').fill('29');
    await admin.getByLabel('Month').fill('12');
    await admin.getByLabel('Year').fill('2027');
    await admin.getByLabel('Reason').fill('Christmas closure');
    await admin.getByRole('button', { name: 'Add closure day' }).click();
    expect(await admin.textContent('table')).toContain('Christmas closure');
    await admin.getByRole('link', { name: /^Background jobs/ }).click();
    await expectAccessible(admin);
    await admin.context().close();
  });

  it('works without JavaScript: the owner marks an action done', async () => {
    const owner = await signedIn('practitioner@northbridge.example', { javaScriptEnabled: false });
    await owner.goto(`${baseUrl}/actions?view=mine&status=outstanding`);
    await owner.getByRole('link', { name: /Record Ollie’s wishes and feelings/ }).click();
    await owner.getByLabel('What was done, and where is the evidence?').fill('Direct work notes added to the assessment on the 20th.');
    await owner.getByRole('button', { name: 'Mark done' }).click();
    expect(await owner.textContent('main')).toContain('Done, awaiting sign-off');
    await owner.context().close();
  });
});
