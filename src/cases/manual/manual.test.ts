import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../../test/support/app.ts';
import { accessLog } from '../../platform/access-log/schema.ts';
import { children } from '../schema.ts';

describe('adding a case by hand', () => {
  let t: TestApp;
  let qa: TestClient;
  beforeAll(async () => {
    t = await createTestApp();
    qa = await t.signInAs('qa-officer');
  });
  afterAll(async () => {
    await t.close();
  });

  const valid = () => ({
    childRef: 'NB-T900',
    name: 'Wren Ashdown',
    'dateOfBirth-day': '14',
    'dateOfBirth-month': '2',
    'dateOfBirth-year': '2016',
    teamId: t.council.teams['cic']!,
    workerId: t.council.people['sw-5']!,
    caseType: 'cla',
  });

  it('is for QA officers (and administrators), not other staff', async () => {
    expect((await qa.get('/cases/new')).status).toBe(200);
    expect((await (await t.signInAs('admin')).get('/cases/new')).status).toBe(200);
    const practitioner = await t.signInAs('practitioner');
    expect((await practitioner.get('/cases/new')).status).toBe(403);
    expect((await practitioner.post('/cases/new', valid())).status).toBe(403);
  });

  it('says what is wrong with each field in an error summary', async () => {
    await qa.get('/cases/new');
    const response = await qa.post('/cases/new', { childRef: 'has spaces', name: '', 'dateOfBirth-day': '30', 'dateOfBirth-month': '2', 'dateOfBirth-year': '2016' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('There is a problem');
    for (const message of [
      'The child reference must only include letters, numbers, hyphens, full stops, underscores and slashes',
      'Enter the child’s full name',
      'The date of birth must be a real date',
      'Select the child’s team',
      'Select the child’s allocated worker',
      'Select the case type',
    ]) {
      expect(response.text).toContain(message);
    }
    expect(response.text).toContain('href="#dateOfBirth-day"');
    expect(response.text).toContain('value="has spaces"');
  });

  it('refuses a date of birth in the future, and a worker from another team', async () => {
    await qa.get('/cases/new');
    const future = await qa.post('/cases/new', { ...valid(), 'dateOfBirth-year': String(new Date().getUTCFullYear() + 1) });
    expect(future.status).toBe(400);
    expect(future.text).toContain('The date of birth must be today or in the past');
    const wrongTeam = await qa.post('/cases/new', { ...valid(), workerId: t.council.people['sw-3']! });
    expect(wrongTeam.status).toBe(400);
    expect(wrongTeam.text).toContain('Select a worker who is in the child’s team');
  });

  it('adds the case, shows it once with the view logged, and refuses the same reference again in any case', async () => {
    await qa.get('/cases/new');
    const response = await qa.post('/cases/new', valid());
    expect(response.status).toBe(303);
    const page = await qa.get(response.headers.location!);
    expect(page.text).toContain('Case added');
    expect(page.text).toContain('Wren Ashdown');
    expect(page.text).toContain('14 February 2016');
    expect(page.text).toContain('Looked after');
    const [child] = await t.database.db.select().from(children).where(eq(children.childRef, 'NB-T900'));
    expect(child).toMatchObject({ source: 'manual', caseType: 'cla', teamId: t.council.teams['cic'], workerId: t.council.people['sw-5'] });
    const logged = await t.database.db.select({ action: accessLog.action }).from(accessLog).where(and(eq(accessLog.recordType, 'child'), eq(accessLog.recordId, child!.id)));
    expect(logged.map((l) => l.action).sort()).toEqual(['create', 'view']);

    const again = await qa.post('/cases/new', { ...valid(), childRef: 'nb-t900', name: 'Someone Else' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('A case with this child reference already exists');
    expect(await t.database.db.select().from(children).where(eq(children.childRef, 'nb-t900'))).toHaveLength(0);
  });
});
