/**
 * The quarterly report as a tagged PDF, printed by Chromium from the report's own print page, so
 * the PDF has the page's headings, tables and chart descriptions as its structure (a tagged PDF
 * reads in order with a screen reader) and an outline of its headings. The page is self-contained
 * (its styles inline, charts as inline SVG); scripts are off and every network request refused,
 * so printing reaches nothing outside the page.
 */
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export class PrintingUnavailable extends Error {
  constructor() {
    super('PDF printing needs Chromium on the server (set CHROMIUM_PATH, or install Debian’s chromium).');
  }
}

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p)).find((p) => fs.existsSync(p));
}

export async function printPdf(html: string, footer: string): Promise<Buffer> {
  const executablePath = chromiumExecutable();
  if (!executablePath) throw new PrintingUnavailable();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    // The sandbox needs user namespaces, which many containers do not give; the page printed is
    // our own escaped HTML with scripts off and the network refused.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const escaped = footer.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    const pdf = await page.pdf({
      format: 'A4',
      tagged: true,
      outline: true,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between;font-family:Arial,sans-serif"><span>${escaped}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
