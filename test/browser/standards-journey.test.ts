/**
 * The catalogue in a real browser: browse every kind of file, then a QA officer uploads a
 * revised tool, reviews the difference and publishes it; axe on every page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARDS_DIR } from '../../src/standards/built-in.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, expectAccessible, launchBrowser, listen, signInPage } from '../support/browser.ts';

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('standards catalogue in a browser', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp({ cookieSecure: true, demo: 'council' });
    ({ server, baseUrl } = await listen(t));
    browser = await launchBrowser(executablePath!);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await t?.close();
  });

  it('a QA officer browses the catalogue, uploads a revision and publishes it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInPage(page, baseUrl, 'qa-officer@northbridge.example');

    await page.getByRole('link', { name: 'Standards', exact: true }).click();
    await expectAccessible(page);
    for (const id of ['practice-audit-tool', 'multi-agency-cp-audit-tool', 'west-sussex-what-good-looks-like', 'swindon-quality-standards', 'ofsted-outcome-measures', 'outcome-measure-map', 'west-sussex-qa-framework', 'west-sussex-iro-footprint', 'west-sussex-scaling-to-ofsted-grade']) {
      await page.goto(`${baseUrl}/standards/${id}`);
      expect(await page.textContent('h1')).toBeTruthy();
      await expectAccessible(page);
    }
    await page.goto(`${baseUrl}/standards/practice-audit-tool/print`);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/standards/practice-audit-tool/versions`);
    await expectAccessible(page);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-upload-'));
    const file = path.join(dir, 'practice-audit-tool.yaml');
    const original = fs.readFileSync(path.join(STANDARDS_DIR, 'audit-tools/practice-audit-tool.yaml'), 'utf8');
    fs.writeFileSync(file, original.replace(/^version: 1$/m, 'version: 2').replace(/^title: .*$/m, 'title: Practice audit tool (revised)'));
    try {
      await page.goto(`${baseUrl}/admin/standards/upload`);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Upload as a draft' }).click();
      expect(await page.textContent('.govuk-error-summary')).toContain('Choose a YAML file');
      await expectAccessible(page);
      await page.getByLabel('YAML file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload as a draft' }).click();
      expect(page.url()).toBe(`${baseUrl}/admin/standards/practice-audit-tool/draft`);
      expect(await page.textContent('#changes')).toContain('Practice audit tool (revised)');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Publish version 2' }).click();
      expect(page.url()).toBe(`${baseUrl}/standards/practice-audit-tool`);
      expect(await page.textContent('h1')).toContain('Practice audit tool (revised)');
      await page.goto(`${baseUrl}/standards/practice-audit-tool?version=1`);
      expect(await page.textContent('main')).toContain('This is an earlier version');
      await expectAccessible(page);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await context.close();
    }
  }, 300_000);
});
