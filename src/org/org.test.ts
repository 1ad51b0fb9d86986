import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../test/support/app.ts';
import { accessLog } from '../platform/access-log/schema.ts';
import { users } from './schema.ts';

describe('organisation administration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a user with roles, team and line manager, who can then sign in and must first replace the password the administrator set', async () => {
    const admin = await t.signInAs('admin');
    await admin.get('/admin/users/new');
    const response = await admin.post('/admin/users/new', {
      displayName: 'Robin Ashby',
      email: 'Robin.Ashby@northbridge.example',
      jobTitle: 'Social worker',
      teamId: t.council.teams['fst-south']!,
      lineManagerId: t.council.people['pm-south']!,
      roles: ['practitioner', 'iro'],
      password: 'a long enough password',
    });
    expect(response.status).toBe(303);
    const page = await admin.get(response.headers.location!);
    expect(page.text).toContain('Robin Ashby');
    expect(page.text).toContain('robin.ashby@northbridge.example');
    expect(page.text).toContain('Family support team south');
    expect(page.text).toContain('Lucy Brennan');
    expect(page.text).toMatch(/Practitioner, IRO \/ CP chair/);

    const robin = t.client();
    expect((await robin.signIn('robin.ashby@northbridge.example', 'a long enough password')).status).toBe(303);
    expect((await robin.get('/')).headers.location).toBe('/account/password');
    await robin.get('/account/password');
    const changed = await robin.post('/account/password', { currentPassword: 'a long enough password', newPassword: 'sparrows under the eaves', confirmPassword: 'sparrows under the eaves' });
    expect(changed.status).toBe(303);
    expect((await robin.get('/')).status).toBe(200);
  });

  it('says what is wrong with each field, and keeps what was typed', async () => {
    const admin = await t.signInAs('admin');
    await admin.get('/admin/users/new');
    const response = await admin.post('/admin/users/new', { displayName: 'Kept Name', email: 'not-an-email', password: 'short', jobTitle: '' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('There is a problem');
    expect(response.text).toContain('Enter an email address in the correct format');
    expect(response.text).toContain('Select at least one role');
    expect(response.text).toContain('at least 12 characters');
    expect(response.text).toContain('value="Kept Name"');
    expect(response.text).not.toContain('value="short"');
  });

  it('refuses a second account with the same e-mail', async () => {
    const admin = await t.signInAs('admin');
    await admin.get('/admin/users/new');
    const response = await admin.post('/admin/users/new', {
      displayName: 'Duplicate',
      email: 'PRACTITIONER@northbridge.example',
      jobTitle: '',
      roles: 'practitioner',
      password: 'a long enough password',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Another account already uses this email address');
  });

  it('never lets two administrators silently overwrite each other', async () => {
    const first = await t.signInAs('admin');
    const second = await t.signInAs('admin');
    const id = t.council.people['sw-3']!;
    const formA = await first.get(`/admin/users/${id}/edit`);
    await second.get(`/admin/users/${id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(formA.text)![1]!;
    const base = { email: 'chloe.ferris@northbridge.example', jobTitle: 'Social worker', teamId: t.council.teams['fst-south']!, lineManagerId: t.council.people['pm-south']!, roles: 'practitioner', version };

    expect((await first.post(`/admin/users/${id}/edit`, { ...base, displayName: 'Chloe Ferris-Hart' })).status).toBe(303);
    const conflict = await second.post(`/admin/users/${id}/edit`, { ...base, displayName: 'Chloe F. Ferris' });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain('Someone else changed this while you were editing');
    expect(conflict.text).toContain('Chloe Ferris-Hart'); // what is saved now
    expect(conflict.text).toContain('value="Chloe F. Ferris"'); // what this user typed, kept
    const [stored] = await t.database.db.select({ displayName: users.displayName }).from(users).where(eq(users.id, id));
    expect(stored?.displayName).toBe('Chloe Ferris-Hart');

    // Saving again from the conflict page (which carries the new version) succeeds.
    const newVersion = /name="version" value="(\d+)"/.exec(conflict.text)![1]!;
    expect((await second.post(`/admin/users/${id}/edit`, { ...base, version: newVersion, displayName: 'Chloe F. Ferris' })).status).toBe(303);
  });

  it('disabling a user ends their sessions at once and stops them signing in', async () => {
    const victim = t.client();
    await victim.signIn('dev.patel@northbridge.example', TEST_PASSWORD);
    expect((await victim.get('/')).status).toBe(200);

    const admin = await t.signInAs('admin');
    const id = t.council.people['sw-4']!;
    await admin.get(`/admin/users/${id}`);
    expect((await admin.post(`/admin/users/${id}/disable`)).status).toBe(303);

    expect((await victim.get('/')).status).toBe(303);
    expect((await t.client().signIn('dev.patel@northbridge.example', TEST_PASSWORD)).status).toBe(401);

    await admin.post(`/admin/users/${id}/enable`);
    expect((await t.client().signIn('dev.patel@northbridge.example', TEST_PASSWORD)).status).toBe(303);
    const log = await t.database.db.select().from(accessLog).where(and(eq(accessLog.recordId, id), eq(accessLog.action, 'disable')));
    expect(log).toHaveLength(1);
  });

  it('stops an administrator disabling themselves or dropping their own admin role', async () => {
    const admin = await t.signInAs('admin');
    const id = t.council.people['admin']!;
    await admin.get(`/admin/users/${id}`);
    expect((await admin.post(`/admin/users/${id}/disable`)).status).toBe(403);
    const form = await admin.get(`/admin/users/${id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
    const response = await admin.post(`/admin/users/${id}/edit`, { displayName: 'Chris Dale', email: 'admin@northbridge.example', jobTitle: '', roles: 'practitioner', version });
    expect(response.status).toBe(400);
    expect(response.text).toContain('You cannot remove your own administrator role');
  });

  it('refuses a line-management loop', async () => {
    const admin = await t.signInAs('admin');
    const manager = t.council.people['practice-manager']!;
    const form = await admin.get(`/admin/users/${manager}/edit`);
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
    // Tom manages Amara; making Amara Tom's manager would be a loop.
    const response = await admin.post(`/admin/users/${manager}/edit`, {
      displayName: 'Tom Hadley',
      email: 'practice-manager@northbridge.example',
      jobTitle: 'Practice manager',
      teamId: t.council.teams['fst-north']!,
      lineManagerId: t.council.people['practitioner']!,
      roles: 'practice-manager',
      version,
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('cannot be managed by themselves or by someone they manage');
  });

  it('creates and renames services and teams, refusing duplicate names', async () => {
    const admin = await t.signInAs('admin');
    await admin.get('/admin/services/new');
    expect((await admin.post('/admin/services/new', { name: 'Early help', leadUserId: '' })).status).toBe(303);
    const dup = await admin.post('/admin/services/new', { name: 'early help', leadUserId: '' });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('A service called early help already exists');

    const services = await admin.get('/admin/services');
    expect(services.text).toContain('Early help');
    const serviceId = /href="\/admin\/services\/([0-9a-f-]+)\/edit">Change<span class="govuk-visually-hidden"> Early help/.exec(services.text)![1]!;
    await admin.get('/admin/teams/new');
    expect((await admin.post('/admin/teams/new', { name: 'Early help hub', serviceId, managerUserId: '' })).status).toBe(303);
    expect((await admin.get('/teams')).text).toContain('Early help hub');
  });

  it('shows a practice manager their own team but not another team', async () => {
    const manager = await t.signInAs('practice-manager');
    expect((await manager.get(`/teams/${t.council.teams['fst-north']}`)).status).toBe(200);
    expect((await manager.get(`/teams/${t.council.teams['cic']}`)).status).toBe(403);
    expect((await manager.get('/teams/not-a-uuid')).status).toBe(404);
  });
});
