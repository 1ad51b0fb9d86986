/**
 * OWASP ASVS 5.0, V15.3 Defensive Coding: mass assignment (fields a form does not have are
 * ignored), prototype pollution (keys named __proto__, constructor and prototype in form fields,
 * JSON bodies, query strings and the headers of uploaded extracts), and HTTP parameter pollution
 * (the same parameter twice), all through the HTTP surface.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFiles, waitForImport } from '../../src/cases/case-fixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { createTestApp, csrfFrom, type TestApp, type TestClient } from '../support/app.ts';
import { generateCouncil } from '../synthetic/council.ts';
import { ssdFiles } from '../synthetic/write-ssd.ts';
import { demoParams, fill, fingerprint, formFields, routesOf, type Route } from './support.ts';

const FORGED_ID = '11111111-1111-4111-8111-111111111111';
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Nothing reached Object.prototype: every object in the process would otherwise carry it. */
function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
}

describe('ASVS V15.3 defensive coding', () => {
  let t: TestApp;
  let admin: TestClient;
  let qa: TestClient;
  let manager: TestClient;
  let params: Record<string, string>;
  let routes: Route[];
  let otherOrganisation: string;
  /** Fields no form has, claiming what only the server decides: who, which council, which state. */
  let extras: Record<string, string>;

  const row = async (query: ReturnType<typeof sql>) => (await queryRows<Record<string, unknown>>(t.database.db, query))[0]!;
  /** The page's own form, changed and with extras added; fields the form really has are never overwritten by an extra. */
  const submit = async (client: TestClient, url: string, changes: Record<string, string>) => {
    const page = await client.get(url);
    expect(page.status, url).toBe(200);
    const fields = { ...formFields(page.text, url), ...changes };
    const added = Object.fromEntries(Object.entries(extras).filter(([name]) => !(name in fields)));
    return client.post(url, { ...fields, ...added }, { csrf: false });
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.signInAs('admin');
    qa = await t.signInAs('qa-officer');
    manager = await t.signInAs('practice-manager');
    params = await demoParams(t.database.db, t.council.organisationId);
    routes = routesOf(t.app);
    otherOrganisation = String((await row(sql`insert into organisations (name) values ('Othertown Council') returning id`)).id);
    extras = {
      id: FORGED_ID,
      organisationId: otherOrganisation,
      organisation_id: otherOrganisation,
      createdBy: t.council.people['senior-leader']!,
      created_by: t.council.people['senior-leader']!,
      signedOffBy: t.council.people['senior-leader']!,
      status: 'done',
      source: 'import',
      active: 'no',
      isAdmin: 'true',
      role: 'admin',
      passwordHash: 'forged',
      disabledAt: '2020-01-01',
      escalationLevel: '9',
      number: '999',
      createdAt: '2000-01-01',
    };
  });
  afterAll(async () => {
    await t.close();
  });

  it('V15.3.3 V8.2.3 ignores fields a create form does not have: a service, a case, an action and a theme belong to the creator’s council with the state the server gives', async () => {
    const service = await admin.post('/admin/services/new', { name: 'Probe service', leadUserId: '', ...extras });
    expect(service.status).toBe(303);
    expect(await row(sql`select organisation_id, id from services where name = 'Probe service'`)).toMatchObject({ organisation_id: t.council.organisationId });
    expect((await row(sql`select id from services where name = 'Probe service'`)).id).not.toBe(FORGED_ID);

    await qa.get('/cases/new');
    const child = await qa.post('/cases/new', {
      ...extras,
      childRef: 'PROBE-001',
      name: 'Probe Child',
      'dateOfBirth-day': '2',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2016',
      teamId: t.council.teams['fst-north']!,
      workerId: t.council.people['practitioner']!,
      caseType: 'cin',
      version: '7',
    });
    expect(child.status).toBe(303);
    expect(await row(sql`select organisation_id, source, version, (id = ${FORGED_ID}) as forged from children where child_ref = 'PROBE-001'`)).toEqual({
      organisation_id: t.council.organisationId,
      source: 'manual',
      version: 1,
      forged: false,
    });

    await manager.get('/actions/new');
    const action = await manager.post('/actions/new', {
      ...extras,
      what: 'Probe action: agree the written safety plan with both parents at the next home visit',
      ownerId: t.council.people['practitioner']!,
      'dueDate-day': '15',
      'dueDate-month': '12',
      'dueDate-year': '2026',
      smartChecked: 'yes',
      version: '5',
    });
    expect(action.status).toBe(303);
    expect(await row(sql`select organisation_id, status, created_by, signed_off_by, escalation_level, version, (id = ${FORGED_ID}) as forged from actions where what like 'Probe action:%'`)).toEqual({
      organisation_id: t.council.organisationId,
      status: 'open',
      created_by: t.council.people['practice-manager'],
      signed_off_by: null,
      escalation_level: 0,
      version: 1,
      forged: false,
    });

    await qa.get('/themes');
    expect((await qa.post('/themes', { ...extras, name: 'Probe theme', description: '' })).status).toBe(303);
    expect(await row(sql`select organisation_id, active from audit_themes_list where name = 'Probe theme'`)).toEqual({ organisation_id: t.council.organisationId, active: true });
  });

  it('V15.3.3 V8.2.3 ignores fields an edit form does not have: the council, the id, the version’s next step and the account’s state are the server’s', async () => {
    const before = await row(sql`select version, organisation_id from services where id = ${params.serviceId}`);
    expect((await submit(admin, `/admin/services/${params.serviceId}/edit`, { name: 'Probe service renamed' })).status).toBe(303);
    expect(await row(sql`select name, version, organisation_id from services where id = ${params.serviceId}`)).toEqual({ name: 'Probe service renamed', version: Number(before.version) + 1, organisation_id: t.council.organisationId });

    expect((await submit(admin, `/admin/teams/${params.teamId}/edit`, {})).status).toBe(303);
    expect(await row(sql`select organisation_id from teams where id = ${params.teamId}`)).toEqual({ organisation_id: t.council.organisationId });

    const user = await row(sql`select password_hash from users where id = ${params.userId}`);
    expect((await submit(admin, `/admin/users/${params.userId}/edit`, {})).status).toBe(303);
    expect(await row(sql`select organisation_id, password_hash, disabled_at from users where id = ${params.userId}`)).toEqual({
      organisation_id: t.council.organisationId,
      password_hash: user.password_hash,
      disabled_at: null,
    });

    expect((await submit(qa, `/programmes/${params.programmeId}/edit`, {})).status).toBe(303);
    expect(await row(sql`select organisation_id, active from audit_programmes where id = ${params.programmeId}`)).toEqual({ organisation_id: t.council.organisationId, active: true });
  });

  it('V15.3.3 V8.2.3 nobody gains a role or another council by posting one, to any route', async () => {
    const practitioner = await t.signInAs('practitioner');
    const roles = await fingerprint(t.database.db);
    for (const route of routes.filter((r) => r.method === 'POST' && r.pattern !== '/sign-out')) {
      const response = await practitioner.post(fill(route.pattern, params), { role: 'admin', roles: 'admin', isAdmin: 'true', organisationId: otherOrganisation });
      expect(response.status, route.pattern).toBeLessThan(500);
    }
    const after = await fingerprint(t.database.db);
    expect(after.user_roles).toBe(roles.user_roles);
    expect(after.users).toBe(roles.users);
    expect((await practitioner.get('/admin')).status).toBe(403);
  });

  it('V15.3.7 V15.3.5 answers the same parameter twice, or a list where one value belongs, without an error or a double save', async () => {
    const version = Number((await row(sql`select version from services where id = ${params.serviceId}`)).version);
    const page = await admin.get(`/admin/services/${params.serviceId}/edit`);
    const fields = formFields(page.text, `/admin/services/${params.serviceId}/edit`);
    const twice = await admin.post(`/admin/services/${params.serviceId}/edit`, { ...fields, name: ['First name', 'Second name'], version: [String(version), String(version - 1)] }, { csrf: false });
    expect([400, 409]).toContain(twice.status);
    expect(await row(sql`select version from services where id = ${params.serviceId}`)).toEqual({ version });

    const query = '?page=1&page=2&sort=a&sort=b&q=x&q=y&team=a&team=b&status=open&status=done&view=a&view=b&order=asc&order=desc&table=a&table=b';
    for (const route of routes.filter((r) => r.method === 'GET' && !r.pattern.startsWith('/assets'))) {
      const response = await qa.get(fill(route.pattern, params) + query);
      expect(response.status, route.pattern).toBeLessThan(500);
    }
  });

  it('V15.3.6 form fields, JSON bodies and query strings named __proto__, constructor or prototype pollute nothing and break nothing, on every route', async () => {
    const pollutingForm = 'polluted=0&__proto__[polluted]=1&__proto__.polluted=1&constructor[prototype][polluted]=1&prototype[polluted]=1&__proto__=1&constructor=1&prototype=1';
    const posts = routes.filter((r) => r.method === 'POST' && r.pattern !== '/sign-out');
    for (const route of posts) {
      const page = await qa.get('/');
      const token = csrfFrom(page.text)!;
      const url = fill(route.pattern, params);
      const cookie = `sightline=${qa.cookie('sightline')}`;
      const form = await request(t.app).post(url).set('Cookie', cookie).type('form').send(`${pollutingForm}&_csrf=${encodeURIComponent(token)}`);
      expect(form.status, `form ${route.pattern}`).toBeLessThan(500);
      const json = await request(t.app)
        .post(url)
        .set('Cookie', cookie)
        .set('Content-Type', 'application/json')
        .send(`{"_csrf":${JSON.stringify(token)},"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":1}}`);
      expect(json.status, `json ${route.pattern}`).toBeLessThan(500);
      expectNoPollution();
    }
    for (const route of routes.filter((r) => r.method === 'GET' && !r.pattern.startsWith('/assets'))) {
      const response = await qa.get(`${fill(route.pattern, params)}?${pollutingForm}`);
      expect(response.status, `query ${route.pattern}`).toBeLessThan(500);
    }
    expectNoPollution();
  });

  it('V15.3.6 V5.2.2 imports CSV and workbook extracts whose headers are __proto__, constructor or prototype without pollution: the file is imported or refused with a reason, never an error page', async () => {
    const council = generateCouncil({ seed: 7, children: 8, years: 1, asOf: '2026-03-31' });
    const files = [...ssdFiles(council, {})].filter(([name]) => name === 'ssd_person.csv' || name === 'ssd_department.csv').map(([name, content]) => {
      if (name !== 'ssd_person.csv') return { name, content };
      const [header, ...rows] = content.split('\n');
      return { name, content: [`${header},${POLLUTING_KEYS.join(',')}`, ...rows.map((r) => (r.trim() === '' ? r : `${r},{"polluted":1},x,y`))].join('\n') };
    });
    const csv = await waitForImport(qa, String((await uploadFiles(t.app, qa, files)).headers.location));
    expect(csv.status).toBe(200);
    expect(csv.text).not.toMatch(/Sorry, there is a problem/);
    expectNoPollution();

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('__proto__');
    sheet.addRow([...POLLUTING_KEYS, 'polluted']);
    sheet.addRow(['{"polluted":1}', 'x', 'y', '1']);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const xlsx = await waitForImport(qa, String((await uploadFiles(t.app, qa, [{ name: 'list.xlsx', content: bytes }])).headers.location));
    expect(xlsx.status).toBe(200);
    expect(xlsx.text).toMatch(/refused|not recognised|could not|does not/i);
    expectNoPollution();
  });
});
