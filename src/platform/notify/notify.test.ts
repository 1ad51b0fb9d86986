import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { notify, unreadCount } from './in-app.ts';

describe('in-app notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The council only: the demo's own notifications would change the counts this test reads.
    t = await createTestApp({ demo: 'council' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells each person once per event, however often the event is raised', async () => {
    const practitioner = t.council.people['practitioner']!;
    const manager = t.council.people['practice-manager']!;
    const notice = { organisationId: t.council.organisationId, userIds: [practitioner, manager, manager], kind: 'audit-allocated', title: 'An audit has been allocated', link: '/', dedupeKey: 'audit:1:allocated' };
    expect((await notify(t.database.db, notice)).sort()).toEqual([practitioner, manager].sort());
    expect(await notify(t.database.db, notice)).toEqual([]);
    expect(await unreadCount(t.database.db, practitioner)).toBe(1);
  });

  it('refuses links that leave Sightline', async () => {
    await expect(notify(t.database.db, { organisationId: t.council.organisationId, userIds: [t.council.people['iro']!], kind: 'x', title: 'x', link: 'https://evil.example', dedupeKey: 'x' })).rejects.toThrow(/inside Sightline/);
  });

  it('shows the unread count in the navigation, and opening one marks it read', async () => {
    const client = await t.signInAs('practitioner');
    const home = await client.get('/');
    expect(home.text).toMatch(/Notifications<span class="sl-count">1/);
    const page = await client.get('/notifications');
    const id = /action="\/notifications\/([0-9a-f-]+)\/read"/.exec(page.text)![1]!;
    const open = await client.post(`/notifications/${id}/read`);
    expect(open.status).toBe(303);
    expect(open.headers.location).toBe('/');
    expect(await unreadCount(t.database.db, t.council.people['practitioner']!)).toBe(0);
  });

  it('does not let one person read another\'s notification', async () => {
    await notify(t.database.db, { organisationId: t.council.organisationId, userIds: [t.council.people['moderator']!], kind: 'x', title: 'Private to the moderator', dedupeKey: 'private' });
    const moderator = await t.signInAs('moderator');
    const id = /action="\/notifications\/([0-9a-f-]+)\/read"/.exec((await moderator.get('/notifications')).text)![1]!;
    const other = await t.signInAs('iro');
    expect((await other.post(`/notifications/${id}/read`)).status).toBe(404);
    expect((await other.get('/notifications')).text).not.toContain('Private to the moderator');
  });
});
