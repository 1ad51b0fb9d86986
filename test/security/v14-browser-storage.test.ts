/**
 * OWASP ASVS 5.0, V14.3 client-side data protection, in a real browser: after a QA officer has
 * looked through children's records, nothing of them is in localStorage, sessionStorage,
 * IndexedDB or cookies (only the session's own random tokens are); after signing out, the
 * session cookie is gone and going back shows no record.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/platform/db/client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { chromiumPath, launchBrowser, listen, signInPage } from '../support/browser.ts';
import { childrensPersonalData, demoParams, findPersonalData } from './support.ts';

const executablePath = chromiumPath();

/** Everything the page's origin keeps in the browser, as text. */
async function browserStorage(page: Page): Promise<string> {
  const stores = await page.evaluate(async () => {
    const dump = (s: Storage) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i)!, s.getItem(s.key(i)!)]));
    const databases = 'databases' in indexedDB ? await indexedDB.databases() : [];
    return { local: dump(localStorage), session: dump(sessionStorage), indexedDB: databases.map((d) => d.name) };
  });
  const cookies = await page.context().cookies();
  return JSON.stringify({ ...stores, cookies: cookies.map((c) => ({ name: c.name, value: c.value })) });
}

describe.skipIf(!executablePath)('ASVS V14.3 browser storage', () => {
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

  it('V14.3.3 V14.3.1 V7.4.1 keeps no personal data in browser storage during a journey through children’s records, and nothing of them after sign-out', async () => {
    const params = await demoParams(t.database.db, t.council.organisationId);
    const personal = await childrensPersonalData(t.database.db);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInPage(page, baseUrl, 'qa-officer@northbridge.example');

    const [named] = await queryRows<{ id: string }>(t.database.db, sql`select id from children where organisation_id = ${t.council.organisationId} and name is not null and date_of_birth is not null order by child_ref limit 1`);
    const child = `${baseUrl}/cases/${named!.id}`;
    for (const path of ['/cases', `/cases/${params.caseId}`, `/audits/${params.auditId}`, '/actions', '/timeliness/drift', '/insights']) {
      await page.goto(`${baseUrl}${path}`);
      expect(findPersonalData(await browserStorage(page), personal), `browser storage after ${path}`).toBeUndefined();
    }
    await page.goto(child);
    const shown = await page.textContent('main');
    expect(findPersonalData(shown ?? '', personal), 'the child’s page shows the child').toBeDefined();
    const storage = JSON.parse(await browserStorage(page)) as { local: object; session: object; indexedDB: string[]; cookies: Array<{ name: string; value: string }> };
    expect(storage.local).toEqual({});
    expect(storage.session).toEqual({});
    expect(storage.indexedDB).toEqual([]);
    // Only the session and pre-session tokens: random values, no data.
    for (const cookie of storage.cookies) {
      expect(cookie.name).toMatch(/^__Host-sightline(-pre)?$/);
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }

    await page.getByRole('button', { name: 'Sign out' }).click();
    // Wait for the sign-in page to finish loading: going back while the redirect is still
    // loading races Chromium's own navigation and detaches the page.
    await page.waitForURL(/\/sign-in/, { waitUntil: 'load' });
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__Host-sightline');
    await page.goBack({ waitUntil: 'load' });
    expect(findPersonalData((await page.textContent('body')) ?? '', personal), 'going back after sign-out shows a child').toBeUndefined();
    await context.close();
  });
});
