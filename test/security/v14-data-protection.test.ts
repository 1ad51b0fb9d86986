/**
 * OWASP ASVS 5.0, V14.2.1 and V14.3.2: no personal data in URLs. A crawl of the full demo as a
 * QA officer (who sees the whole council) and as a practitioner follows every link and GET form
 * on every page it reaches and reads every address a page holds (links, form actions, sources)
 * and every redirect: none may carry a child's name or date of birth, or a session token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/platform/auth/roles.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { childrensPersonalData, findPersonalData, type PersonalData } from './support.ts';

/** Pages of one shape (ids replaced) visited at most this often: breadth over repetition. */
const PER_SHAPE = 2;
const MAX_PAGES = 220;
const SKIP = /\/(export|print|pdf|xlsx)\b|\.(csv|xlsx|pdf|yaml)$|^\/sign-out|^\/assets\//;

const shapeOf = (url: string) => url.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id').replace(/\?.*$/, '?');

/** Every address in a page: links, form actions, sources. */
function addressesIn(html: string): string[] {
  return [...html.matchAll(/\b(?:href|action|src|formaction)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

describe('ASVS V14 data protection: addresses', () => {
  let t: TestApp;
  let personal: PersonalData;
  const totals = { pages: 0, addresses: 0 };

  beforeAll(async () => {
    t = await createTestApp();
    personal = await childrensPersonalData(t.database.db);
    expect(personal.names.length).toBeGreaterThan(50);
  });
  afterAll(async () => {
    console.info(`address crawl: ${totals.pages} pages, ${totals.addresses} addresses read`);
    await t.close();
  });

  for (const role of ['qa-officer', 'practitioner'] as Role[]) {
    it(`V14.2.1 puts no child’s name or date of birth, and no session token, in any address a ${role} meets in a crawl of every page they reach`, async () => {
      const client = await t.signInAs(role);
      const token = client.cookie('sightline')!;
      const queue = ['/'];
      const queued = new Set(queue);
      const shapes = new Map<string, number>();
      const found: string[] = [];
      let pages = 0;
      while (queue.length > 0 && pages < MAX_PAGES) {
        const url = queue.shift()!;
        const shape = shapeOf(url);
        if ((shapes.get(shape) ?? 0) >= PER_SHAPE) continue;
        shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
        const response = await client.get(url);
        pages++;
        const addresses = [...addressesIn(response.text ?? ''), ...(response.headers.location ? [String(response.headers.location)] : [])];
        totals.addresses += addresses.length;
        for (const address of addresses) {
          const leak = findPersonalData(address, personal);
          if (leak) found.push(`${url} links to an address holding ${leak.includes('-') || leak.includes('/') ? 'a date of birth' : 'a name'}: ${shapeOf(address)}`);
          if (address.includes(token)) found.push(`${url} puts the session token in an address`);
          if (!address.startsWith('/') || address.startsWith('//') || SKIP.test(address)) continue;
          const next = address.split('#')[0]!;
          if (next && !queued.has(next)) {
            queued.add(next);
            queue.push(next);
          }
        }
        // A GET form (search, filters) sent as it stands: its address is what the browser would show.
        for (const [, action] of (response.text ?? '').matchAll(/<form\b[^>]*method="get"[^>]*action="([^"]+)"/g)) {
          const next = `${action}?submitted=1`;
          if (!queued.has(next)) {
            queued.add(next);
            queue.push(next);
          }
        }
      }
      totals.pages += pages;
      expect(pages).toBeGreaterThan(40);
      expect(found).toEqual([]);
    });
  }
});
