import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { accessLog } from '../platform/access-log/schema.ts';
import { actions } from './schema.ts';

/** Wednesday 25 November 2026, 10am in London. */
const NOW = new Date('2026-11-25T10:00:00Z');

function actionIdFrom(location: string | undefined): string {
  const id = /^\/actions\/([0-9a-f-]{36})$/.exec(location ?? '')?.[1];
  if (!id) throw new Error(`not an action page: ${location}`);
  return id;
}

describe('action pages', () => {
  let t: TestApp;
  let manager: TestClient;
  let practitioner: TestClient;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => NOW });
    manager = await t.signInAs('practice-manager');
    practitioner = await t.signInAs('practitioner');
  });
  afterAll(async () => {
    await t.close();
  });

  const setAction = async (form: Record<string, string>) => {
    await manager.get('/actions/new');
    return manager.post('/actions/new', { ownerId: t.council.people['practitioner']!, ...form });
  };

  it('warns about a vague action and a missing date, then saves it as it is on the second press', async () => {
    const first = await setAction({ what: 'Keep in touch with the school, ongoing' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Check the action is SMART');
    expect(first.text).toContain('“ongoing”');
    expect(first.text).toContain('no due date');
    expect(first.text).toContain('name="smartChecked" value="yes"');
    // The text typed is kept.
    expect(first.text).toContain('Keep in touch with the school, ongoing');
    const second = await manager.post('/actions/new', { ownerId: t.council.people['practitioner']!, what: 'Keep in touch with the school, ongoing', smartChecked: 'yes' });
    expect(second.status).toBe(303);
    const id = actionIdFrom(second.headers.location);
    const [row] = await t.database.db.select().from(actions).where(eq(actions.id, id));
    // 4 weeks from Wednesday 25 November 2026.
    expect(row!.dueDate).toBe('2026-12-23');
  });

  it('refuses an impossible date with the GOV.UK message, linked to the day box', async () => {
    const response = await setAction({ what: 'Review the plan with the family', 'dueDate-day': '31', 'dueDate-month': '2', 'dueDate-year': '2027' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('The due date must be a real date');
    expect(response.text).toContain('href="#dueDate-day"');
  });

  it('takes an action from setting to sign-off: the owner marks it done with evidence, the line manager signs it off', async () => {
    const created = await setAction({ what: 'Complete the direct work sessions with the child', 'dueDate-day': '4', 'dueDate-month': '12', 'dueDate-year': '2026' });
    expect(created.status).toBe(303);
    const id = actionIdFrom(created.headers.location);

    const page = await practitioner.get(`/actions/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Mark this action done');
    expect(page.text).not.toContain('>Sign off<');
    const missing = await practitioner.post(`/actions/${id}/done`, { version: '1', evidence: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Say what was done');
    expect((await practitioner.post(`/actions/${id}/done`, { version: '1', evidence: 'Four sessions held; notes on the case file' })).status).toBe(303);

    // The owner cannot sign off their own action, even by posting the form.
    expect((await practitioner.post(`/actions/${id}/sign-off`, { version: '2' })).status).toBe(403);
    const managerPage = await manager.get(`/actions/${id}`);
    expect(managerPage.text).toContain('Four sessions held; notes on the case file');
    expect((await manager.post(`/actions/${id}/sign-off`, { version: '2', note: 'Thank you' })).status).toBe(303);
    const done = await practitioner.get(`/actions/${id}`);
    expect(done.text).toContain('Signed off');
    expect(done.text).toContain('Signed off: Thank you');

    const logged = await t.database.db.select().from(accessLog).where(eq(accessLog.recordId, id));
    expect(logged.map((l) => l.action)).toEqual(expect.arrayContaining(['create', 'view', 'update']));
  });

  it('shows a conflict, keeping what the person wrote, when someone else moved the action first', async () => {
    const created = await setAction({ what: 'Arrange a family network meeting', 'dueDate-day': '10', 'dueDate-month': '12', 'dueDate-year': '2026' });
    const id = actionIdFrom(created.headers.location);
    await manager.get(`/actions/${id}/edit`);
    expect((await manager.post(`/actions/${id}/edit`, { version: '1', what: 'Arrange a family network meeting with the grandparents', ownerId: t.council.people['practitioner']!, priority: 'normal', 'dueDate-day': '10', 'dueDate-month': '12', 'dueDate-year': '2026' })).status).toBe(303);
    const stale = await practitioner.post(`/actions/${id}/done`, { version: '1', evidence: 'Meeting held on 3 December' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed this action');
    expect(stale.text).toContain('Meeting held on 3 December');
    expect(stale.text).toContain('name="version" value="2"');
  });

  it('lists, filters and sorts, and exports the same list as CSV and Excel with formulas neutralised', async () => {
    const created = await setAction({ what: '=HYPERLINK("http://evil.example","click")', smartChecked: 'yes', 'dueDate-day': '1', 'dueDate-month': '12', 'dueDate-year': '2026' });
    expect(created.status).toBe(303);

    const mine = await practitioner.get('/actions?view=mine&status=outstanding&sort=due&order=asc');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('=HYPERLINK');
    expect(mine.text).toMatch(/aria-sort="ascending"[^>]*><a[^>]*>Due/);
    expect(mine.text).not.toContain('Complete the direct work sessions');

    const csv = await practitioner.get('/actions/export.csv?view=mine&status=outstanding');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="actions-2026-11-25.csv"');
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(csv.text).not.toContain('Complete the direct work sessions');

    const xlsx = await request(t.app)
      .get('/actions/export.xlsx?view=mine&status=outstanding')
      .set('Cookie', `sightline=${practitioner.cookie('sightline')}`)
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="actions-2026-11-25.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Actions')!;
    const cells = sheet.getColumn(2).values.filter((v): v is string => typeof v === 'string');
    expect(cells).toContain(`'=HYPERLINK("http://evil.example","click")`);
    expect(sheet.getRow(1).getCell(1).value).toBe('Reference');
  });

  it('lets the QA team change a tool’s default deadlines, and nobody else', async () => {
    const qa = await t.signInAs('qa-officer');
    expect((await manager.get('/actions/settings')).status).toBe(403);
    const page = await qa.get('/actions/settings/tools/practice-audit-tool');
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="5"');
    const bad = await qa.post('/actions/settings/tools/practice-audit-tool', { urgentAmount: 'soon', urgentUnit: 'working-days', normalAmount: '20', normalUnit: 'working-days', version: '0' });
    expect(bad.status).toBe(400);
    expect((await qa.post('/actions/settings/tools/practice-audit-tool', { urgentAmount: '3', urgentUnit: 'working-days', normalAmount: '20', normalUnit: 'working-days', version: '0' })).status).toBe(303);
    // A second officer working from the same page (version 0) is told, not overwritten.
    const stale = await qa.post('/actions/settings/tools/practice-audit-tool', { urgentAmount: '4', urgentUnit: 'working-days', normalAmount: '20', normalUnit: 'working-days', version: '0' });
    expect(stale.status).toBe(409);
    expect((await qa.get('/actions/settings')).text).toMatch(/Practice audit tool[\s\S]*?3 working days[\s\S]*?20 working days/);
    const chasing = await qa.post('/actions/settings/chasing', { version: '0', reminderWorkingDays: '3', level1Days: '0', level1Tell: ['owner', 'line-manager'], level2Days: '2', level2Tell: 'group-manager', level3Days: '1', level3Tell: 'qa-lead' });
    expect(chasing.status).toBe(400);
    expect(chasing.text).toContain('Each level must come more working days after the due date than the one before');
  });

  it('counts what needs the person in the navigation, and shows it on their home page', async () => {
    const home = await practitioner.get('/');
    expect(home.text).toMatch(/Actions<span class="sl-count">\d+/);
    expect(home.text).toContain('Overdue and due this week');
    const managerHome = await manager.get('/');
    expect(managerHome.text).toContain('Awaiting your sign-off: 0');
  });
});
