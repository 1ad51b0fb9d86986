/**
 * Two sessions editing the same audit at the same moment: one save wins, the other is refused
 * with its words intact, and nothing is lost. On PostgreSQL the two requests run on separate
 * connections; one test holds the audit's row lock so both saves are truly in flight together.
 */
import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { responses } from './schema.ts';
import { auditRow, filledArea, freshAudit, signInPerson, startWithoutSelfAssessment, versionOn, type FreshAudit } from './test-fixtures.ts';

let t: TestApp;
let first: TestClient;
let second: TestClient;

beforeAll(async () => {
  t = await createTestApp();
  // The same auditor in two browsers (or a colleague's session on a shared audit).
  first = await signInPerson(t, 'pm-south');
  second = await signInPerson(t, 'pm-south');
});
afterAll(async () => {
  await t?.close();
});

async function startedAudit(): Promise<FreshAudit> {
  const audit = await freshAudit(t);
  await startWithoutSelfAssessment(t, first, audit.auditId);
  return audit;
}

async function savedEvidence(audit: FreshAudit, areaId: string): Promise<string | null> {
  const [row] = await t.database.db
    .select({ evidence: responses.evidence })
    .from(responses)
    .where(and(eq(responses.auditId, audit.auditId), eq(responses.stage, 'audit'), eq(responses.areaId, areaId), eq(responses.criterionId, '')));
  return row?.evidence ?? null;
}

function save(client: TestClient, audit: FreshAudit, version: string, words: string) {
  const area = audit.areas[0]!;
  return client.post(`/audits/${audit.auditId}/areas/${area.number}`, { ...filledArea(area, 'audit', 'good', version), 'i0-evidence': words });
}

describe(`two sessions saving one audit at once (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('lets one save win and gives the other the conflict screen with its text intact; nothing is lost', async () => {
    const audit = await startedAudit();
    const area = audit.areas[0]!;
    const [pageA, pageB] = await Promise.all([first.get(`/audits/${audit.auditId}/areas/${area.number}`), second.get(`/audits/${audit.auditId}/areas/${area.number}`)]);
    expect(versionOn(pageA.text)).toBe(versionOn(pageB.text));

    const words = { first: 'Evidence typed in the first session', second: 'Evidence typed in the second session' };
    const [a, b] = await Promise.all([save(first, audit, versionOn(pageA.text), words.first), save(second, audit, versionOn(pageB.text), words.second)]);
    expect([a.status, b.status].sort()).toEqual([303, 409]);
    const [winner, loser] = a.status === 303 ? (['first', 'second'] as const) : (['second', 'first'] as const);
    const refused = a.status === 409 ? a : b;

    expect(await savedEvidence(audit, area.id)).toBe(words[winner]);
    // The loser's words are still in their form, and the winner's are shown beside them.
    expect(refused.text).toContain('Someone else changed this audit while you were editing');
    expect(refused.text).toMatch(new RegExp(`<textarea[^>]*name="i0-evidence"[^>]*>${words[loser]}</textarea>`));
    expect(refused.text).toContain(words[winner]);

    // Saving again from the conflict screen is a deliberate choice, and it is kept.
    const again = await (loser === 'first' ? first : second).post(`/audits/${audit.auditId}/areas/${area.number}`, {
      ...filledArea(area, 'audit', 'good', versionOn(refused.text)),
      'i0-evidence': words[loser],
    });
    expect(again.status).toBe(303);
    expect(await savedEvidence(audit, area.id)).toBe(words[loser]);
  });

  it('never lets two autosaves from the same version both land', async () => {
    const audit = await startedAudit();
    const json = { headers: { Accept: 'application/json' } };
    const area = audit.areas[0]!;
    for (let round = 0; round < 10; round++) {
      const { version } = await auditRow(t, audit.auditId);
      const body = (who: string) => ({ version: String(version), 'i0-evidence': `${who} draft ${round}` });
      const [a, b] = await Promise.all([
        first.post(`/audits/${audit.auditId}/areas/${area.number}`, body('first'), json),
        second.post(`/audits/${audit.auditId}/areas/${area.number}`, body('second'), json),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const won = a.status === 200 ? 'first' : 'second';
      expect(await savedEvidence(audit, area.id)).toBe(`${won} draft ${round}`);
      expect((await auditRow(t, audit.auditId)).version).toBe(version + 1);
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('two saves held at the database together (PostgreSQL)', () => {
  it('refuses the second once the first commits, though both were waiting on the same row', async () => {
    const audit = await startedAudit();
    const { version } = await auditRow(t, audit.auditId);
    const blocker = new pg.Client({ connectionString: t.database.url });
    await blocker.connect();
    try {
      // Hold the audit's row so both saves reach the database and queue behind this lock.
      await blocker.query('begin');
      await blocker.query('select id from audits where id = $1 for update', [audit.auditId]);
      const both = Promise.all([save(first, audit, String(version), 'First, held'), save(second, audit, String(version), 'Second, held')]);
      await waitForWaiters(blocker, 2);
      await blocker.query('commit');
      const [a, b] = await both;
      expect([a.status, b.status].sort()).toEqual([303, 409]);
      expect(await savedEvidence(audit, audit.areas[0]!.id)).toBe(a.status === 303 ? 'First, held' : 'Second, held');
      expect((await auditRow(t, audit.auditId)).version).toBe(version + 1);
    } finally {
      await blocker.end();
    }
  });
});

/** Waits until this many other sessions are blocked on a lock (the two saves in flight). */
async function waitForWaiters(client: pg.Client, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
    if ((rows[0]?.n ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the saves never queued on the lock (wanted ${count} waiting)`);
}
