/**
 * The drift and delay dashboard, the dip sample and the indicators, over facts we construct. The
 * deadlines are computed as of Tuesday 10 March 2026 and the pages are read on Monday 16 March, so
 * a visit that was in time then and is late now must show as overdue. Working days are counted
 * by hand below each child.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/client.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { seedCases } from '../cases/case-fixtures.ts';
import { driftDashboard, dipSample } from './dashboards.ts';
import type { Actor } from '../platform/auth/actor.ts';

const COMPUTED = '2026-03-10';
const TODAY = '2026-03-16';

describe('drift and delay', () => {
  let t: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => new Date(`${TODAY}T10:00:00Z`) });
    const { teams, people } = t.council;
    ids = await seedCases(
      t.database.db,
      t.council.organisationId,
      [
        // Last visit Friday 20 February: due Friday 6 March; on the 16th, 6 working days late.
        { childRef: 'A', teamId: teams['fst-north'], workerId: people['practitioner'], facts: [{ kind: 'cp-plan', startDate: '2026-01-05' }, { kind: 'cp-visit', date: '2026-02-20' }] },
        // Plan from Monday 9 March, no visit yet: due Monday 23 March, 5 working days ahead.
        { childRef: 'B', teamId: teams['fst-north'], workerId: people['sw-2'], facts: [{ kind: 'cp-plan', startDate: '2026-03-09' }] },
        // No visit since the plan began on 5 January: due 19 January, 40 working days late; an
        // assessment from 5 January not authorised: due 9 March, 5 working days late.
        {
          childRef: 'C',
          teamId: teams['fst-south'],
          workerId: people['sw-3'],
          facts: [{ kind: 'cp-plan', startDate: '2026-01-05' }, { kind: 'assessment', startDate: '2026-01-05' }],
        },
        // Last visit Friday 27 February: due Friday 13 March, in time on the 10th, 1 working day late on the 16th.
        { childRef: 'E', teamId: teams['fst-north'], workerId: people['sw-2'], facts: [{ kind: 'cp-plan', startDate: '2026-02-02' }, { kind: 'cp-visit', date: '2026-02-27' }] },
        // Closed: a plan that ended, and two assessments (1 April → 1 May on time; 1 May → 1 September late).
        {
          childRef: 'D',
          teamId: teams['fst-north'],
          workerId: people['practitioner'],
          facts: [
            { kind: 'cp-plan', startDate: '2025-01-06', endDate: '2025-06-30' },
            { kind: 'cp-visit', date: '2025-06-20' },
            { kind: 'assessment', startDate: '2025-04-01', authorisedDate: '2025-05-01' },
            { kind: 'assessment', startDate: '2025-05-01', authorisedDate: '2025-09-01' },
          ],
        },
      ],
      COMPUTED,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const actor = (role: 'qa-officer' | 'practice-manager'): Actor => ({
    userId: t.council.people[role]!,
    organisationId: t.council.organisationId,
    displayName: role,
    email: `${role}@northbridge.example`,
    roles: [role],
    teamId: role === 'practice-manager' ? t.council.teams['fst-north']! : t.council.teams['qa-team']!,
  });

  it('counts overdue and due-soon deadlines by team and worker, judged against today', async () => {
    const manager = await driftDashboard(t.database.db, actor('practice-manager'), { today: TODAY });
    expect(manager.totals).toEqual({ overdue: 2, dueSoon: 1 });
    expect(manager.dueSoonUntil).toBe('2026-03-23');
    expect(manager.byTeam).toEqual([{ id: t.council.teams['fst-north'], name: 'Family support team north', overdue: 2, dueSoon: 1 }]);
    expect(manager.byWorker.map((w) => [w.name, w.overdue, w.dueSoon])).toEqual([
      ['Ben Carter', 1, 1],
      ['Amara Okafor', 1, 0],
    ]);
    expect(manager.overdue.map((r) => [r.childRef, r.dueDate, r.workingDays])).toEqual([
      ['A', '2026-03-06', 6],
      ['E', '2026-03-13', 1],
    ]);
    expect(manager.dueSoon.map((r) => [r.childRef, r.label, r.dueDate, r.workingDays])).toEqual([['B', 'Child protection visit within 10 working days', '2026-03-23', 5]]);

    const qa = await driftDashboard(t.database.db, actor('qa-officer'), { today: TODAY });
    expect(qa.totals).toEqual({ overdue: 4, dueSoon: 1 });
    expect(qa.overdue.map((r) => [r.childRef, r.measure, r.workingDays])).toEqual([
      ['C', 'cp-visit-10wd', 40],
      ['A', 'cp-visit-10wd', 6],
      ['C', 'assessment-45wd', 5],
      ['E', 'cp-visit-10wd', 1],
    ]);
    const south = await driftDashboard(t.database.db, actor('qa-officer'), { today: TODAY, teamId: t.council.teams['fst-south'] });
    expect(south.totals).toEqual({ overdue: 2, dueSoon: 0 });
    // A manager asking for a team outside their scope sees nothing of it.
    const outside = await driftDashboard(t.database.db, actor('practice-manager'), { today: TODAY, teamId: t.council.teams['fst-south'] });
    expect(outside.totals).toEqual({ overdue: 0, dueSoon: 0 });
  });

  it('orders the dip sample by the most overdue deadlines, then the longest overdue, leaving closed cases out', async () => {
    const manager = await dipSample(t.database.db, actor('practice-manager'), { today: TODAY });
    expect(manager.rows.map((r) => [r.childRef, r.overdue, r.mostLate, r.nextDue])).toEqual([
      ['A', 1, 6, null],
      ['E', 1, 1, null],
      ['B', 0, 0, '2026-03-23'],
    ]);
    expect(manager.total).toBe(3);
    const qa = await dipSample(t.database.db, actor('qa-officer'), { today: TODAY });
    expect(qa.rows.map((r) => r.childRef)).toEqual(['C', 'A', 'E', 'B']);
  });

  it('shows the dashboards to a manager and logs each view', async () => {
    const manager = await t.signInAs('practice-manager');
    const drift = await manager.get('/timeliness/drift');
    expect(drift.status).toBe(200);
    const text = drift.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('2 overdue');
    expect(text).toContain('A Child protection visit within 10 working days 6 March 2026 6 working days');
    expect(text).not.toMatch(/\bC Child protection visit/);
    const sample = await manager.get('/timeliness/dip-sample');
    expect(sample.status).toBe(200);
    expect([...sample.text.matchAll(/href="\/cases\/([0-9a-f-]{36})"/g)].map((m) => m[1])).toEqual([ids['A'], ids['E'], ids['B']]);
    const logged = await queryRows<{ recordType: string }>(
      t.database.db,
      sql`select record_type as "recordType" from access_log where user_id = ${t.council.people['practice-manager']} and action = 'view' order by id`,
    );
    expect(logged.map((r) => r.recordType)).toEqual(expect.arrayContaining(['drift-dashboard', 'dip-sample']));
  });

  it('shows the national indicators with their definitions and sources', async () => {
    const page = await (await t.signInAs('senior-leader')).get('/timeliness/indicators');
    const text = page.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    for (const title of [
      'Re-referrals within 12 months',
      'Assessments completed within 45 working days',
      'Initial child protection conferences within 15 working days',
      'Child protection plans lasting 2 years or more',
      'Child protection plans for a second or subsequent time',
      'Looked-after children with 3 or more placements in the year',
    ]) {
      expect(text).toContain(title);
    }
    expect(text).toContain('Source: DfE, Children in need statistics');
    // The year to 10 March 2026: D's two assessments, one on time.
    expect(text).toMatch(/Assessments completed within 45 working days .*? 50% 1 of 2/);
    expect(text).toContain('The year to 10 March 2026');
    expect(text).toContain('The DfE year 1 April 2024 to 31 March 2025');
  });

  it('works the deadlines out again on request, for the QA team only', async () => {
    const qa = await t.signInAs('qa-officer');
    await qa.get('/timeliness/indicators');
    const response = await qa.post('/timeliness/recompute');
    expect(response.status).toBe(303);
    const [run] = await queryRows<{ asOf: string; trigger: string }>(
      t.database.db,
      sql`select to_char(as_of, 'YYYY-MM-DD') as "asOf", trigger from compliance_runs order by computed_at desc limit 1`,
    );
    expect(run).toEqual({ asOf: TODAY, trigger: 'on demand' });
    const manager = await t.signInAs('practice-manager');
    await manager.get('/timeliness/indicators');
    expect((await manager.post('/timeliness/recompute')).status).toBe(403);
  });
});
