/**
 * How long saving an area of the audit form takes, end to end through HTTP (in process): the
 * median and 95th percentile of 50 autosaves and of 50 full saves. Reported, not asserted (the
 * figures depend on the machine); each save must still succeed and move the version on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { auditRow, filledArea, freshAudit, signInPerson, startWithoutSelfAssessment, type FreshAudit } from './test-fixtures.ts';

const SAVES = 50;
let t: TestApp;
let auditor: TestClient;
let audit: FreshAudit;

beforeAll(async () => {
  t = await createTestApp();
  auditor = await signInPerson(t, 'pm-south');
  audit = await freshAudit(t);
  await startWithoutSelfAssessment(t, auditor, audit.auditId);
});
afterAll(async () => {
  await t?.close();
});

function summary(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${label} on ${t.database.engine}: median ${at(0.5)} ms, 95th percentile ${at(0.95)} ms over ${times.length} saves`;
}

describe('audit form save latency', () => {
  it('measures autosaves and full saves of the largest area', async () => {
    // The area with the most items: the heaviest save the form makes.
    const area = [...audit.areas].sort((a, b) => b.items.length - a.items.length)[0]!;
    const path = `/audits/${audit.auditId}/areas/${area.number}`;
    let version = (await auditRow(t, audit.auditId)).version;
    const autosave = async (words: string) => {
      const response = await auditor.post(path, filledArea(area, 'audit', 'good', String(version), words), { headers: { Accept: 'application/json' } });
      expect(response.body).toMatchObject({ saved: true, version: version + 1 });
      version += 1;
    };
    const fullSave = async (words: string) => {
      const response = await auditor.post(path, filledArea(area, 'audit', 'good', String(version), words));
      expect(response.status).toBe(303);
      version += 1;
    };
    // Warm up (compilation, connection pool, caches), then alternate the two kinds of save so
    // that neither is measured on a colder or busier process than the other.
    for (let i = 0; i < 5; i++) await autosave(`Warm-up ${i}`);
    const autosaves: number[] = [];
    const fullSaves: number[] = [];
    for (let i = 0; i < SAVES; i++) {
      let started = performance.now();
      await autosave(`Draft ${i}`);
      autosaves.push(performance.now() - started);
      started = performance.now();
      await fullSave(`Saved ${i}`);
      fullSaves.push(performance.now() - started);
    }
    expect((await auditRow(t, audit.auditId)).version).toBe(version);
    process.stdout.write(`${summary(`Autosave (${area.items.length} items)`, autosaves)}\n${summary('Full save', fullSaves)}\n`);
  });
});
