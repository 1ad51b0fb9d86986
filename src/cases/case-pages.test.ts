/**
 * Case pages over children and facts we construct: who sees which child, what the chronology and
 * open deadlines say, that every view is logged by id, and what the audit pre-fill says.
 *
 * Today is Monday 16 March 2026. Working days below are counted by hand (England and Wales: 25
 * and 26 December 2025 and 1 January 2026 are bank holidays).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/client.ts';
import { audits } from '../audits/schema.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { childrenWithMissedDeadlines, dataEvidenceFor } from './audit-evidence.ts';
import { seedCases } from './case-fixtures.ts';

const TODAY = '2026-03-16';

describe('case pages', () => {
  let t: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => new Date(`${TODAY}T10:00:00Z`) });
    const { teams, people } = t.council;
    ids = await seedCases(
      t.database.db,
      t.council.organisationId,
      [
        {
          childRef: 'NORTH-1',
          dateOfBirth: '2015-06-01',
          teamId: teams['fst-north'],
          workerId: people['practitioner'],
          facts: [
            { kind: 'assessment', startDate: '2025-11-03', authorisedDate: '2026-01-20' },
            { kind: 's47', strategyDate: '2025-12-01', icpcDate: '2025-12-19' },
            { kind: 'cp-plan', startDate: '2026-01-05', category: 'NEG' },
            { kind: 'cp-visit', date: '2026-01-09' },
            { kind: 'cp-visit', date: '2026-02-20', seenAlone: true },
          ],
        },
        { childRef: 'SOUTH-1', teamId: teams['fst-south'], workerId: people['sw-3'], facts: [{ kind: 'cp-plan', startDate: '2026-01-05' }] },
        // Allocated to the practitioner, but held by the children in care team.
        {
          childRef: 'CARE-1',
          dateOfBirth: '2012-02-02',
          teamId: teams['cic'],
          workerId: people['practitioner'],
          facts: [
            { kind: 'cla-episode', startDate: '2025-06-02', rne: 'S' },
            // The first review on time; the second, due 20 September 2025, never held.
            { kind: 'cla-review', date: '2025-06-20' },
          ],
        },
        { childRef: 'NOBODY-1', facts: [{ kind: 'referral', date: '2026-02-02' }] },
      ],
      TODAY,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const listed = (html: string) => [...html.matchAll(/href="\/cases\/[0-9a-f-]{36}">([^<]+)</g)].map((m) => m[1]).sort();

  it('lists for each person only the children of their teams and those allocated to them', async () => {
    expect(listed((await (await t.signInAs('practice-manager')).get('/cases')).text)).toEqual(['NORTH-1']);
    expect(listed((await (await t.signInAs('practitioner')).get('/cases')).text)).toEqual(['CARE-1', 'NORTH-1']);
    expect(listed((await (await t.signInAs('group-manager')).get('/cases')).text)).toEqual(['NORTH-1', 'SOUTH-1']);
    expect(listed((await (await t.signInAs('qa-officer')).get('/cases')).text)).toEqual(['CARE-1', 'NOBODY-1', 'NORTH-1', 'SOUTH-1']);
    expect((await (await t.signInAs('partner')).get('/cases')).status).toBe(403);
  });

  it('searches by the start of a child ID; nothing typed (or a script’s "null") is no filter, and what no ID can hold is said back, not searched', async () => {
    const qa = await t.signInAs('qa-officer');
    expect(listed((await qa.get('/cases?childRef=north')).text)).toEqual(['NORTH-1']);
    for (const nothing of ['', '%20%20', 'null', 'undefined', 'NULL']) {
      const page = await qa.get(`/cases?childRef=${nothing}`);
      expect(page.status, nothing).toBe(200);
      expect(listed(page.text), nothing).toEqual(['CARE-1', 'NOBODY-1', 'NORTH-1', 'SOUTH-1']);
      expect(page.text, nothing).not.toContain('govuk-error-summary');
    }
    for (const invalid of ["NB' OR '1'='1", 'NB%', '%_', 'x'.repeat(41), 'NB<script>']) {
      const page = await qa.get(`/cases?childRef=${encodeURIComponent(invalid)}`);
      expect(page.status, invalid).toBe(200);
      expect(page.text, invalid).toContain('href="#childRef"');
      expect(page.text, invalid).toContain('Enter the start of a child ID');
      // Shown back as typed (escaped), and the list is not narrowed by it.
      expect(listed(page.text), invalid).toEqual(['CARE-1', 'NOBODY-1', 'NORTH-1', 'SOUTH-1']);
      expect(page.text, invalid).not.toContain('<script>');
    }
  });

  it('refuses a child outside the person’s scope, and does not find another council’s or a made-up one', async () => {
    const manager = await t.signInAs('practice-manager');
    expect((await manager.get(`/cases/${ids['SOUTH-1']}`)).status).toBe(403);
    expect((await manager.get(`/cases/${ids['NOBODY-1']}`)).status).toBe(403);
    expect((await manager.get('/cases/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await manager.get('/cases/not-an-id')).status).toBe(404);
  });

  it('shows the chronology in order with the deadlines met and missed, and the open deadlines with how late', async () => {
    const page = await (await t.signInAs('practice-manager')).get(`/cases/${ids['NORTH-1']}`);
    expect(page.status).toBe(200);
    const text = page.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const order = [
      '3 November 2025 Assessment started',
      '1 December 2025 Strategy discussion',
      '19 December 2025 Initial child protection conference',
      '19 December 2025 Met ICPC within 15 working days Due 22 December 2025',
      '5 January 2026 Child protection plan started category NEG',
      '9 January 2026 Child protection visit',
      '20 January 2026 Assessment authorised',
      '20 January 2026 Missed Assessment authorised within 45 working days Due 8 January 2026',
      '20 February 2026 Child protection visit child seen alone',
    ];
    const positions = order.map((entry) => text.indexOf(entry));
    expect(positions.every((p) => p >= 0), JSON.stringify(order.filter((_, i) => positions[i]! < 0))).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The last visit was on 20 February: the next was due by 6 March, six working days ago.
    expect(text).toContain('Child protection visit within 10 working days 20 February 2026 6 March 2026 Overdue by 6 working days');
    expect(text).toContain('1 met, 1 missed');
  });

  it('logs every view of a child’s record by id, with no name or date of birth', async () => {
    const manager = await t.signInAs('practice-manager');
    await manager.get(`/cases/${ids['NORTH-1']}`);
    const rows = await queryRows<{ recordType: string; recordId: string; action: string; userId: string }>(
      t.database.db,
      sql`select record_type as "recordType", record_id as "recordId", action, user_id as "userId" from access_log where record_type = 'child' order by id`,
    );
    const mine = rows.filter((r) => r.userId === t.council.people['practice-manager']);
    expect(mine.at(-1)).toEqual({ recordType: 'child', recordId: ids['NORTH-1'], action: 'view', userId: t.council.people['practice-manager'] });
    // The refused views were not shown, so they are not logged as views.
    expect(rows.some((r) => r.recordId === ids['SOUTH-1'] && r.userId === t.council.people['practice-manager'])).toBe(false);
    const all = await queryRows<{ text: string }>(t.database.db, sql`select concat_ws(' ', record_type, record_id, action) as text from access_log`);
    for (const { text } of all) expect(text).not.toMatch(/NORTH-1|2015-06-01/);
  });

  it('says what the data shows beside the audit criteria the timescales evidence', async () => {
    const evidence = await dataEvidenceFor(t.database.db, t.council.organisationId, ids['NORTH-1']!, 'practice-audit-tool', 1, { today: TODAY, since: '2025-09-16' });
    expect(evidence['1/1.5']!.map((l) => l.text)).toEqual(['ICPC within 15 working days: yes, 19 December 2025']);
    expect(evidence['5/5.1']!.map((l) => l.text)).toEqual(['Assessment authorised within 45 working days: no, 20 January 2026 (due 8 January 2026, 8 working days late)']);
    expect(evidence['6-cin-cp/6.4']!.map((l) => l.text)).toContain('Child protection visit within 10 working days: not yet, due 6 March 2026 (6 working days overdue)');
    // Criteria about the quality of the work get no line.
    expect(evidence['4/4.1']).toBeUndefined();

    const multiAgency = await dataEvidenceFor(t.database.db, t.council.organisationId, ids['NORTH-1']!, 'multi-agency-cp-audit-tool', 1, { today: TODAY, since: '2025-09-16' });
    expect(multiAgency['4']!.map((l) => l.status).sort()).toEqual(['met', 'missed']);
    // Decided before the look-back period, so not what an audit of the last six months reads.
    const later = await dataEvidenceFor(t.database.db, t.council.organisationId, ids['NORTH-1']!, 'practice-audit-tool', 1, { today: TODAY, since: '2026-01-01' });
    expect(later['1/1.5']).toBeUndefined();
  });

  it('puts those lines beside the criteria on the audit form', async () => {
    const { people } = t.council;
    const [audit] = await t.database.db
      .insert(audits)
      .values({
        organisationId: t.council.organisationId,
        childId: ids['NORTH-1']!,
        toolId: 'practice-audit-tool',
        toolVersion: 1,
        status: 'in-progress',
        auditorId: people['practice-manager']!,
        practitionerId: people['practitioner']!,
        teamId: t.council.teams['fst-north']!,
        dueDate: '2026-03-31',
        periodStart: '2025-09-16',
        periodEnd: TODAY,
      })
      .returning({ id: audits.id });
    const page = await (await t.signInAs('practice-manager')).get(`/audits/${audit!.id}/areas/1`);
    expect(page.status).toBe(200);
    const text = page.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/S47 – timeliness and quality What the imported data says ICPC within 15 working days: yes, 19 December 2025/);
  });

  it('finds the children with missed or overdue deadlines for a targeted sample', async () => {
    const found = await childrenWithMissedDeadlines(t.database.db, t.council.organisationId, { since: '2025-09-16', today: TODAY });
    const byRef = Object.fromEntries(found.map((c) => [c.childRef, c]));
    expect(Object.keys(byRef).sort()).toEqual(['CARE-1', 'NORTH-1', 'SOUTH-1']);
    expect(byRef['NORTH-1']).toMatchObject({ missed: 1, overdue: 1, teamId: t.council.teams['fst-north'] });
    expect(byRef['NORTH-1']!.measures).toEqual(['assessment-45wd', 'cp-visit-10wd']);
    expect(byRef['CARE-1']).toMatchObject({ missed: 0, overdue: 1, measures: ['cla-review'] });
    // The missed assessment was due before this date, so only the overdue visit remains.
    const recent = await childrenWithMissedDeadlines(t.database.db, t.council.organisationId, { since: '2026-02-01', today: TODAY });
    expect(recent.find((c) => c.childRef === 'NORTH-1')).toMatchObject({ missed: 0, overdue: 1 });
  });
});
