import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../../test/support/app.ts';
import { addMonths, englandAndWalesCalendar } from '../../platform/calendar/index.ts';
import { londonDate } from '../../platform/calendar/london.ts';
import { accessLog } from '../../platform/access-log/schema.ts';
import { notifications } from '../../platform/notify/schema.ts';
import { users } from '../../org/schema.ts';
import { children } from '../../cases/schema.ts';
import { getPublishedVersion } from '../../standards/versions/service.ts';
import { audits, programmes, rounds } from '../schema.ts';
import { allocateRound, type DrawRecord } from './rounds.ts';
import { actorOf } from './test-helpers.ts';
import { ConflictError } from '../../platform/http/errors.ts';

describe('the audit programme', () => {
  let t: TestApp;
  let qa: TestClient;
  let collaborative: string;
  const today = londonDate(new Date());
  const due = englandAndWalesCalendar().addWorkingDays(today, 15);
  const dueFields = { 'dueDate-day': String(Number(due.slice(8))), 'dueDate-month': String(Number(due.slice(5, 7))), 'dueDate-year': due.slice(0, 4) };

  beforeAll(async () => {
    t = await createTestApp();
    qa = await t.signInAs('qa-officer');
    const [row] = await t.database.db.select({ id: programmes.id }).from(programmes).where(eq(programmes.title, 'Monthly collaborative audits'));
    collaborative = row!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const practiceManagers = () => ['practice-manager', 'pm-south', 'pm-mash', 'pm-assessment', 'pm-cic', 'pm-leaving'].map((k) => t.council.people[k]!);

  async function draw(form: Record<string, string | string[]>): Promise<string> {
    await qa.get(`/programmes/${collaborative}/rounds/new`);
    const response = await qa.post(`/programmes/${collaborative}/rounds/new`, {
      title: 'Test round',
      method: 'random',
      sampleSize: '3',
      exclusionMonths: '12',
      auditorIds: practiceManagers(),
      ...dueFields,
      ...form,
    });
    expect(response.status, response.text.slice(0, 500)).toBe(303);
    return response.headers.location!.split('/').pop()!;
  }

  async function recordOf(roundId: string): Promise<DrawRecord> {
    const [round] = await t.database.db.select().from(rounds).where(eq(rounds.id, roundId));
    return round!.drawRecord as DrawRecord;
  }

  it('is for the QA team only', async () => {
    const practitioner = await t.signInAs('practitioner');
    expect((await practitioner.get('/programmes')).status).toBe(403);
    expect((await (await t.signInAs('moderator')).get(`/programmes/${collaborative}`)).status).toBe(403);
    const page = await qa.get('/programmes');
    for (const title of ['Monthly collaborative audits', 'Themed audit schedule', 'Quarterly multi-agency audits', 'Weekly dip samples of open cases']) expect(page.text).toContain(title);
  });

  it('adds a programme, saying what is wrong with each field and keeping what was typed', async () => {
    await qa.get('/programmes/new');
    const bad = await qa.post('/programmes/new', { title: '', sampleSize: 'six', 'startsOn-day': '31', 'startsOn-month': '2', 'startsOn-year': '2026', schedule: 'April: voice' });
    expect(bad.status).toBe(400);
    for (const message of [
      'Enter the programme’s name',
      'Select the audit tool',
      'Select how often the programme runs',
      'The start date must be a real date',
      'Select at least one auditor',
      'The number of cases in each round must be a whole number from 1 to 200',
      'Line 1 of the schedule must be a month and a theme',
    ]) {
      expect(bad.text).toContain(message);
    }
    expect(bad.text).toContain('href="#startsOn-day"');
    expect(bad.text).toContain('value="31"');

    const good = await qa.post('/programmes/new', {
      title: 'Care leavers’ pathway plans',
      activity: 'themed-audits',
      toolId: 'practice-audit-tool',
      cadence: 'quarterly',
      ownerId: t.council.people['qa-officer']!,
      'startsOn-day': '1',
      'startsOn-month': '4',
      'startsOn-year': '2026',
      auditorIds: [t.council.people['pm-cic']!, t.council.people['pm-south']!],
      caseTypes: 'care-leaver',
      sampleSize: '4',
      exclusionMonths: '6',
      dueInWorkingDays: '15',
      schedule: '2026-04: Pathway plans\n2026-07: Staying put',
    });
    expect(good.status).toBe(303);
    const page = await qa.get(good.headers.location!);
    expect(page.text).toContain('Care leavers’ pathway plans');
    expect(page.text).toContain('Kieran Doyle (Children in care team)');
    expect(page.text).toContain('Care leaver');
    expect(page.text).toContain('July 2026');
    expect(page.text).toContain('Staying put');
  });

  it('refuses a change made from an out-of-date page, keeping the typed text and showing what is saved', async () => {
    const edit = await qa.get(`/programmes/${collaborative}/edit`);
    const version = /name="version" value="(\d+)"/.exec(edit.text)![1]!;
    const form = {
      title: 'Monthly collaborative audits',
      activity: 'collaborative-service-audits',
      toolId: 'practice-audit-tool',
      cadence: 'monthly',
      ownerId: t.council.people['qa-officer']!,
      'startsOn-day': '1',
      'startsOn-month': '1',
      'startsOn-year': '2026',
      auditorIds: practiceManagers(),
      sampleSize: '7',
      exclusionMonths: '12',
      dueInWorkingDays: '20',
      active: 'yes',
      version,
    };
    expect((await qa.post(`/programmes/${collaborative}/edit`, form)).status).toBe(303);
    const stale = await qa.post(`/programmes/${collaborative}/edit`, { ...form, title: 'A title typed meanwhile', sampleSize: '9' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed this while you were editing');
    expect(stale.text).toContain('value="A title typed meanwhile"');
    expect(stale.text).toMatch(/Cases in each round<\/dt><dd class="govuk-summary-list__value">7</);
  });

  it('draws a round that explains its rules on screen and records every case considered', async () => {
    const roundId = await draw({ seed: 'explained' });
    const page = await qa.get(`/rounds/${roundId}`);
    expect(page.status).toBe(200);
    for (const rule of ['Never from the auditor’s own team', 'Not audited in the last 12 months', 'One open audit per case']) expect(page.text).toContain(rule);
    expect(page.text).toContain(`A case audited on or after`);
    expect(page.text).toContain('chooses the same cases in the same order');

    const record = await recordOf(roundId);
    // Every case, except a restricted record (never drawn: see docs/DECISIONS.md, restricted records).
    const all = await t.database.db.select({ id: children.id }).from(children).where(sql`not exists (select 1 from child_restrictions r where r.child_id = ${children.id} and r.lifted_at is null)`);
    expect(record.entries.map((e) => e.candidate.childId).sort()).toEqual(all.map((c) => c.id).sort());
    expect(record.entries.filter((e) => e.outcome === 'chosen')).toHaveLength(3);
    const withOpenAudit = record.entries.find((e) => e.candidate.childRef === 'NB-P101')!;
    expect(withOpenAudit.outcome).toBe('excluded');
    expect(withOpenAudit.rules).toContain('open-audit');
    const logged = await t.database.db.select().from(accessLog).where(and(eq(accessLog.recordType, 'audit-round'), eq(accessLog.recordId, roundId)));
    expect(logged.length).toBeGreaterThan(0);
  });

  it('draws the same cases again from the same seed', async () => {
    const first = await recordOf(await draw({ seed: 'same-seed', sampleSize: '5' }));
    const second = await recordOf(await draw({ seed: 'same-seed', sampleSize: '5' }));
    const chosen = (r: DrawRecord) => r.entries.filter((e) => e.outcome === 'chosen').map((e) => [e.position, e.candidate.childId]);
    expect(chosen(second)).toEqual(chosen(first));
  });

  it('allocates to auditors outside the child’s team, pinned to the current tool, and tells the auditor and the worker', async () => {
    const roundId = await draw({ seed: 'allocate-me', method: 'stratified', stratifyBy: 'caseType', sampleSize: '4' });
    const response = await qa.post(`/rounds/${roundId}/allocate`);
    expect(response.status).toBe(303);
    const created = await t.database.db.select({ audit: audits, child: children }).from(audits).innerJoin(children, eq(children.id, audits.childId)).where(eq(audits.roundId, roundId));
    expect(created).toHaveLength(4);
    const tool = await getPublishedVersion(t.database.db, t.council.organisationId, 'practice-audit-tool');
    const auditorTeams = new Map((await t.database.db.select({ id: users.id, teamId: users.teamId }).from(users)).map((u) => [u.id, u.teamId]));
    for (const { audit, child } of created) {
      expect(audit).toMatchObject({ status: 'allocated', toolId: 'practice-audit-tool', toolVersion: tool.version, practitionerId: child.workerId, teamId: child.teamId, dueDate: due, periodEnd: today, periodStart: addMonths(today, -6) });
      expect(auditorTeams.get(audit.auditorId)).not.toBe(child.teamId);
      const told = await t.database.db
        .select({ userId: notifications.userId })
        .from(notifications)
        .where(and(eq(notifications.link, `/audits/${audit.id}`), inArray(notifications.kind, ['audit-allocated'])));
      // Children imported without an allocated worker have nobody to tell but the auditor.
      expect(told.map((n) => n.userId).sort()).toEqual([audit.auditorId, child.workerId].filter((id) => id !== null).sort());
    }
    const page = await qa.get(`/rounds/${roundId}`);
    expect(page.text).toContain('Audits allocated');
    expect(page.text).not.toContain('Allocate 4 audits');
    for (const { audit } of created) {
      const logged = await t.database.db.select().from(accessLog).where(and(eq(accessLog.recordType, 'audit'), eq(accessLog.recordId, audit.id)));
      expect(logged.length).toBeGreaterThan(0);
    }
  });

  it('allocates a round once, and never opens a second audit of a case allocated since the draw', async () => {
    const a = await draw({ seed: 'twice' });
    const b = await draw({ seed: 'twice' });
    expect((await qa.post(`/rounds/${a}/allocate`)).status).toBe(303);
    const again = await qa.post(`/rounds/${a}/allocate`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('already been allocated');
    expect(await t.database.db.select().from(audits).where(eq(audits.roundId, a))).toHaveLength(3);

    expect((await qa.post(`/rounds/${b}/allocate`)).status).toBe(303);
    expect(await t.database.db.select().from(audits).where(eq(audits.roundId, b))).toHaveLength(0);
    const page = await qa.get(`/rounds/${b}`);
    expect(page.text.match(/An audit of this case was opened after the draw\./g)).toHaveLength(3);
  });

  it('allocates a round once when two people allocate it at the same moment', async () => {
    const roundId = await draw({ seed: 'race', sampleSize: '2' });
    const officer = await actorOf(t, 'qa-officer');
    const lead = await actorOf(t, 'qa-lead');
    const results = await Promise.allSettled([allocateRound(t.database.db, officer, roundId, today), allocateRound(t.database.db, lead, roundId, today)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(await t.database.db.select().from(audits).where(eq(audits.roundId, roundId))).toHaveLength(2);
  });

  it('targets the cases not audited for the longest, and says why each was picked', async () => {
    const roundId = await draw({ seed: 'targeted', method: 'targeted', target: 'longest-unaudited', sampleSize: '2' });
    const page = await qa.get(`/rounds/${roundId}`);
    expect(page.text).toContain('Why targeted');
    expect(page.text).toContain('Never audited');
  });

  it('refuses a round without a way to stratify, or due in the past', async () => {
    await qa.get(`/programmes/${collaborative}/rounds/new`);
    const response = await qa.post(`/programmes/${collaborative}/rounds/new`, {
      title: 'Bad round',
      method: 'stratified',
      sampleSize: '3',
      exclusionMonths: '12',
      auditorIds: practiceManagers(),
      'dueDate-day': '1',
      'dueDate-month': '1',
      'dueDate-year': '2020',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Select what to stratify by');
    const past = await qa.post(`/programmes/${collaborative}/rounds/new`, {
      title: 'Bad round',
      method: 'random',
      sampleSize: '3',
      exclusionMonths: '12',
      auditorIds: practiceManagers(),
      'dueDate-day': '1',
      'dueDate-month': '1',
      'dueDate-year': '2020',
    });
    expect(past.status).toBe(400);
    expect(past.text).toContain('The due date must be in the future');
    const stranger = await qa.post(`/programmes/${collaborative}/rounds/new`, { title: 'Bad round', method: 'random', sampleSize: '3', exclusionMonths: '12', auditorIds: '00000000-0000-4000-8000-000000000001', ...dueFields });
    expect(stranger.status).toBe(400);
    expect(stranger.text).toContain('Select auditors from the list');
  });
});
