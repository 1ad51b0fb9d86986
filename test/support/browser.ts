/**
 * Debian's Chromium driven by playwright-core (no browser download), and axe on every page.
 * Without a Chromium the browser tests are skipped with the reason printed, except under CI,
 * where a missing browser fails the run.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import { TEST_PASSWORD } from './password.ts';

export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found && process.env.CI === 'true') {
    throw new Error('CI=true but no Chromium was found (set CHROMIUM_PATH or install Debian\'s chromium): browser tests cannot be skipped under CI.');
  }
  if (!found) console.warn('Browser tests skipped: no Chromium at CHROMIUM_PATH, /usr/bin/chromium or /usr/bin/chromium-browser.');
  return found;
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function listen(t: TestApp): Promise<{ server: Server; baseUrl: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, baseUrl: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/** WCAG 2.2 AA as axe checks it: zero violations, no rules excluded. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** Signs a demo account in through the sign-in form and waits for the home page. */
export async function signInPage(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
}
