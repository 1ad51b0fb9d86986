/**
 * A real browser: the data protection officer answers a subject access request (errors, the
 * redaction step, a preview, the download), reviews retention and places a legal hold; the QA
 * team reads the access log. axe on every page; the request also works with JavaScript off.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('information governance in a browser', { timeout: 180_000 }, () => {
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

  it('the officer records a request, chooses redactions, previews and downloads the bundle', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'admin@northbridge.example');
    await page.getByRole('link', { name: 'Information governance' }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Subject access requests' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start a request' }).click();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Record the request' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Choose whether the request is about a child or a member of staff');
    await expectAccessible(page);
    await page.getByLabel('A child').check();
    await page.getByLabel('Child reference').fill('NB-A006');
    await page.getByLabel('A parent or carer with parental responsibility').check();
    await page.getByLabel('Day').fill('2');
    await page.getByLabel('Month').fill('11');
    await page.getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Record the request' }).click();
    expect(await page.textContent('h1')).toMatch(/Subject access request SAR-\d+/);
    expect(page.url()).not.toContain('NB-A006');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Preview the bundle' }).click();
    expect(await page.textContent('#preview')).toBe('Preview');
    expect(await page.content()).toContain('[Staff member 1]');
    await expectAccessible(page);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Produce and download the bundle' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^subject-access-sar-\d+\.zip$/);
    const zip = await JSZip.loadAsync(fs.readFileSync((await download.path())!));
    const htmlName = Object.keys(zip.files).find((n) => n.endsWith('.html'))!;
    const html = await zip.files[htmlName]!.async('string');

    // The bundle's document, opened on its own, is accessible too.
    const offline = await context.newPage();
    await offline.setContent(html);
    expect(await offline.textContent('h1')).toContain('NB-A006');
    await expectAccessible(offline);

    await page.reload();
    expect(await page.textContent('main')).toContain('Bundles produced');
    await context.close();
  });

  it('the officer reviews retention and places a legal hold', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'admin@northbridge.example');
    await page.goto(`${baseUrl}/governance/retention`);
    expect(await page.textContent('h1')).toBe('Retention and disposal');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Dispose of the records due' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Confirm that the records due today may be destroyed');
    await expectAccessible(page);

    await page.goto(`${baseUrl}/governance/holds`);
    await page.getByRole('button', { name: 'Place a legal hold' }).click();
    await expectAccessible(page);
    await page.getByLabel('A child’s record, with everything about the child').check();
    await page.getByLabel('Child reference').fill('NB-P001');
    await page.getByLabel('Why must it be kept?').fill('Complaint under investigation');
    await page.getByRole('button', { name: 'Place the hold' }).click();
    expect(await page.textContent('main')).toContain('Complaint under investigation');
    await expectAccessible(page);
    await page.getByRole('link', { name: /The child’s record/ }).first().click();
    await expectAccessible(page);
    await context.close();
  });

  it('the QA team reads the access log for a child', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'qa-officer@northbridge.example');
    await page.getByRole('link', { name: 'Access log' }).click();
    await expectAccessible(page);
    await page.getByLabel('By child').check();
    await page.getByLabel('Child reference').fill('NB-A006');
    await page.getByRole('button', { name: 'Show the report' }).click();
    expect(page.url()).toContain('childRef=NB-A006');
    expect(await page.textContent('h2')).toMatch(/entries for child NB-A006/);
    await expectAccessible(page);
    await context.close();
  });

  it('works without JavaScript: the request form and the bundle download', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, 'admin@northbridge.example');
    await page.goto(`${baseUrl}/governance/subject-access/new`);
    await page.getByLabel('A member of staff').check();
    await page.getByLabel('Their work e-mail address').fill('practitioner@northbridge.example');
    await page.getByLabel('The person the information is about').check();
    await page.getByLabel('Day').fill('20');
    await page.getByLabel('Month').fill('11');
    await page.getByLabel('Year').fill('2026');
    await page.getByRole('button', { name: 'Record the request' }).click();
    expect(await page.textContent('h1')).toMatch(/Subject access request SAR-\d+/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Produce and download the bundle' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    await context.close();
  });
});
