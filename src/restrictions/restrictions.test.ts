/**
 * Restricting a record through its pages, grants that expire (and the warning before), and the
 * emergency break-glass view: reason required, logged, the QA lead told, open only for its window.
 * The clock is the app's own (`now`), moved forward as the test needs.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/client.ts';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { BREAK_GLASS_MINUTES } from './service.ts';
import { WARN_DAYS, warnOfExpiringGrants } from './expiry-job.ts';

const START = new Date('2026-11-02T10:00:00Z');
const REF = 'NB-T900';

describe('restricted records', () => {
  let t: TestApp;
  let clock = START;
  let childId: string;
  let qa: TestClient;

  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(t.database.db, query);
  const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000);
  const dateFields = (prefix: string, iso: string) => ({ [`${prefix}-day`]: String(Number(iso.slice(8))), [`${prefix}-month`]: String(Number(iso.slice(5, 7))), [`${prefix}-year`]: iso.slice(0, 4) });
  const version = async () => (await rows<{ version: number }>(sql`select version from child_restrictions where child_id = ${childId} and lifted_at is null`))[0]!.version;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => clock });
    const [child] = await rows<{ id: string }>(
      sql`insert into children (organisation_id, child_ref, name, source, team_id, worker_id, case_type)
          values (${t.council.organisationId}, ${REF}, 'Synthetic Child', 'manual', ${t.council.teams['fst-north']!}, ${t.council.people['practitioner']!}, 'cin') returning id`,
    );
    childId = child!.id;
    qa = await t.signInAs('qa-officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a restriction without a reason or last day, saying what is wrong and where', async () => {
    await qa.get(`/cases/${childId}/restriction`);
    const response = await qa.post(`/cases/${childId}/restriction`, { note: 'x' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('There is a problem');
    expect(response.text).toContain('href="#reason"');
    expect(response.text).toContain('Select why the record is restricted');
    expect(response.text).toContain('Enter the last day of access');
  });

  it('restricts the record: the person restricting it keeps sight of it; the team loses it', async () => {
    const practitioner = await t.signInAs('practitioner');
    expect((await practitioner.get(`/cases/${childId}`)).status).toBe(200);
    await qa.get(`/cases/${childId}/restriction`);
    const response = await qa.post(`/cases/${childId}/restriction`, { reason: 'staff-or-relative', note: 'A relative works in the team', ...dateFields('lastDay', '2026-11-30') });
    expect(response.status).toBe(303);
    expect((await qa.get(`/cases/${childId}`)).text).toContain('This record is restricted');
    expect((await practitioner.get(`/cases/${childId}`)).status).toBe(404);
    const search = await practitioner.get(`/cases?childRef=${REF}`);
    expect(search.text).toContain('0 children');
    expect(search.text).not.toContain(childId);
  });

  it('refuses a change sent from an out-of-date page', async () => {
    await qa.get(`/cases/${childId}/restriction`);
    const stale = await qa.post(`/cases/${childId}/restriction/grants`, { userId: t.council.people['practitioner']!, ...dateFields('lastDay', '2026-11-20'), version: String((await version()) - 1 || 99) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone changed this restriction');
  });

  it('grants access until a last day; past it the grant stops working, with no job needed', async () => {
    await qa.get(`/cases/${childId}/restriction`);
    const granted = await qa.post(`/cases/${childId}/restriction/grants`, { userId: t.council.people['practitioner']!, ...dateFields('lastDay', '2026-11-20'), version: String(await version()) });
    expect(granted.status).toBe(303);
    const practitioner = await t.signInAs('practitioner');
    expect((await practitioner.get(`/cases/${childId}`)).status).toBe(200);
    // The last day, late in the evening London time: still open.
    clock = new Date('2026-11-20T23:30:00Z');
    expect((await (await t.signInAs('practitioner')).get(`/cases/${childId}`)).status).toBe(200);
    clock = new Date('2026-11-21T00:00:01Z');
    const later = await t.signInAs('practitioner');
    expect((await later.get(`/cases/${childId}`)).status).toBe(404);
    expect((await later.get('/cases')).text).not.toContain(REF);
    clock = START;
  });

  it(`warns the person granted and the restriction's owner ${WARN_DAYS} days before, once`, async () => {
    const told = async () =>
      rows<{ user_id: string }>(sql`select user_id from notifications where kind = 'restriction-grant-expiring' order by user_id`);
    await warnOfExpiringGrants(t.database.db, new Date('2026-11-10T09:00:00Z'));
    expect(await told()).toEqual([]);
    await warnOfExpiringGrants(t.database.db, new Date('2026-11-14T09:00:00Z'));
    const first = (await told()).map((r) => r.user_id);
    expect(first).toEqual([t.council.people['practitioner']!, t.council.people['qa-officer']!].sort());
    // Run again the next day: nobody is told twice (the owner's own grant, to 30 November, is not yet due a warning).
    await warnOfExpiringGrants(t.database.db, new Date('2026-11-15T09:00:00Z'));
    expect((await told()).map((r) => r.user_id)).toEqual(first);
    const [mail] = await rows<{ body: string; subject: string }>(sql`select body, subject from email_messages where kind = 'restriction-grant-expiring' limit 1`);
    expect(`${mail!.subject} ${mail!.body}`).not.toContain(REF);
    expect(`${mail!.subject} ${mail!.body}`).not.toContain('Synthetic Child');
  });

  it('lets only the named roles break the glass, with a reason, for a limited time, reported to the QA lead', async () => {
    // Not a break-glass role.
    const iro = await t.signInAs('iro');
    expect((await iro.get(`/cases/${childId}/break-glass`)).status).toBe(403);

    const manager = await t.signInAs('group-manager');
    expect((await manager.get(`/cases/${childId}`)).status).toBe(404);
    expect((await manager.get(`/cases/${childId}/break-glass`)).status).toBe(200);
    const noReason = await manager.post(`/cases/${childId}/break-glass`, { reason: 'urgent' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('at least 20 characters');
    expect((await manager.get(`/cases/${childId}`)).status).toBe(404);

    const opened = await manager.post(`/cases/${childId}/break-glass`, { reason: 'Police called out of hours about a missing child on this case' });
    expect(opened.status).toBe(303);
    expect((await manager.get(`/cases/${childId}`)).status).toBe(200);
    const [logged] = await rows<{ n: number }>(sql`select count(*)::int as n from access_log where action = 'break-glass' and record_id = ${childId} and user_id = ${t.council.people['group-manager']!}`);
    expect(logged!.n).toBe(1);
    const leads = await rows<{ user_id: string; title: string }>(sql`select user_id, title from notifications where kind = 'break-glass'`);
    expect(leads.map((l) => l.user_id)).toEqual([t.council.people['qa-lead']!]);
    const [mail] = await rows<{ body: string; reference: string; link: string }>(sql`select body, reference, link from email_messages where kind = 'break-glass'`);
    expect(mail!.link).toBe('/restrictions/break-glass');
    expect(mail!.reference).toMatch(/^BG-/);
    expect(`${mail!.body} ${leads[0]!.title}`).not.toContain(REF);

    // The QA lead's report: who, when and why; the child's reference only for those who may see it.
    const report = await qa.get('/restrictions/break-glass');
    expect(report.text).toContain('Police called out of hours');
    expect(report.text).toContain('Priya Raman');
    expect(report.text).toContain(REF);

    clock = at(BREAK_GLASS_MINUTES - 1);
    expect((await (await t.signInAs('group-manager')).get(`/cases/${childId}`)).status).toBe(200);
    clock = at(BREAK_GLASS_MINUTES + 1);
    expect((await (await t.signInAs('group-manager')).get(`/cases/${childId}`)).status).toBe(404);
    clock = START;
  });

  it('lifts the restriction: the team sees the child again and the history stays', async () => {
    await qa.get(`/cases/${childId}/restriction`);
    const lifted = await qa.post(`/cases/${childId}/restriction/lift`, { version: String(await version()) });
    expect(lifted.status).toBe(303);
    const practice = await t.signInAs('practice-manager');
    expect((await practice.get(`/cases/${childId}`)).status).toBe(200);
    const [history] = await rows<{ n: number }>(sql`select count(*)::int as n from child_restrictions where child_id = ${childId} and lifted_at is not null`);
    expect(history!.n).toBe(1);
  });
});
