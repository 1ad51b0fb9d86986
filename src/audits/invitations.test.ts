/**
 * Inviting multi-agency partners through the audit's pages: who may invite, what the partner then
 * sees (only their areas; the child's name only when shared), changing and withdrawing an
 * invitation, the errors a person is shown, and what the partner is told.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { accessLog } from '../platform/access-log/schema.ts';
import { notifications } from '../platform/notify/schema.ts';
import { emailMessages } from '../platform/notify/email/schema.ts';
import { userRoles, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { restrictChild } from '../restrictions/service.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { addDays } from '../platform/calendar/iso-date.ts';
import { auditEvents, auditInvitations, audits } from './schema.ts';
import { freshAudit, signInPerson, versionOn, type FreshAudit } from './test-fixtures.ts';

let t: TestApp;
const people = new Map<string, TestClient>();
async function as(key: string): Promise<TestClient> {
  if (!people.has(key)) people.set(key, await signInPerson(t, key));
  return people.get(key)!;
}
const id = (key: string) => t.council.people[key]!;

beforeAll(async () => {
  t = await createTestApp();
  // A second partner, from another agency, who signs in with the same test password as the first.
  const [jo] = await t.database.db.select().from(users).where(eq(users.id, id('partner')));
  const [other] = await t.database.db
    .insert(users)
    .values({ organisationId: t.council.organisationId, email: 'police.partner@northbridge.example', displayName: 'Sam Okoro', jobTitle: 'Detective sergeant (police partner)', passwordHash: jo!.passwordHash })
    .returning({ id: users.id });
  await t.database.db.insert(userRoles).values({ userId: other!.id, role: 'partner' });
  t.council.people['partner-2'] = other!.id;
});
afterAll(async () => {
  await t?.close();
});

const invite = (client: TestClient, audit: FreshAudit, fields: Record<string, string | string[]>) => client.post(`/audits/${audit.auditId}/partners`, fields);
const numbers = (audit: FreshAudit, ...at: number[]) => at.map((i) => String(audit.areas[i]!.number));
const areaTitle = (audit: FreshAudit, i: number) => `${audit.areas[i]!.position}. ${audit.areas[i]!.title}`;
const invitationsOf = (auditId: string) => t.database.db.select().from(auditInvitations).where(eq(auditInvitations.auditId, auditId));
const refsIn = (html: string) => [...html.matchAll(/>(NB-T\d+)</g)].map((m) => m[1]);

describe('inviting a partner', () => {
  it('shows the partner the audit with only the areas ticked, and not the child’s name unless shared', async () => {
    const audit = await freshAudit(t);
    const helen = await as('qa-officer');
    const page = await helen.get(`/audits/${audit.auditId}/partners`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Jo Whitfield');
    expect(page.text).toContain('partner@northbridge.example');
    expect(page.text).toContain('Named nurse for safeguarding (health partner)');
    // Only partner accounts are offered.
    const offered = [...page.text.matchAll(/name="partnerId" type="radio" value="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(offered).toEqual([id('partner'), id('partner-2')].sort());
    expect(page.text).toContain('Share the child’s details (name, date of birth, case type and legal status, chronology)');
    expect(page.text).not.toMatch(/name="shareChildDetails"[^>]*checked/);

    expect((await invite(helen, audit, { partnerId: id('partner'), areas: numbers(audit, 0, 1) })).status).toBe(303);
    const jo = await as('partner');
    expect(refsIn((await jo.get(`/audits?childRef=${audit.childRef}`)).text)).toEqual([audit.childRef]);
    const overview = await jo.get(`/audits/${audit.auditId}`);
    expect(overview.status).toBe(200);
    expect(overview.text).toContain(areaTitle(audit, 0));
    expect(overview.text).toContain(areaTitle(audit, 1));
    expect(overview.text).not.toContain(areaTitle(audit, 2));
    expect(overview.text).toContain(audit.childRef);
    expect(overview.text).not.toMatch(/Test Child \d+/);
    expect((await jo.get(`/audits/${audit.auditId}/areas/${audit.areas[2]!.number}`)).status).toBe(404);
    expect((await jo.get(`/audits/${audit.auditId}/areas/${audit.areas[1]!.number}`)).status).toBe(200);

    // The people who run the audit see who is invited, on the partners page and the audit's page.
    expect((await helen.get(`/audits/${audit.auditId}`)).text).toContain('Partners invited');
    const listed = (await helen.get(`/audits/${audit.auditId}/partners`)).text;
    expect(listed).toContain('Child’s details not shared');
    expect(listed).toContain(areaTitle(audit, 1));
    const timeline = (await helen.get(`/audits/${audit.auditId}/timeline`)).text;
    expect(timeline).toContain('Invited Jo Whitfield (multi-agency partner) to complete areas');
    const logged = await t.database.db
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.recordId, audit.auditId), eq(accessLog.userId, id('qa-officer')), eq(accessLog.action, 'update')));
    expect(logged).toHaveLength(1);
  });

  it('tells the partner in-app and by e-mail with the reference and a link, never the child’s name', async () => {
    const audit = await freshAudit(t);
    expect((await invite(await as('qa-officer'), audit, { partnerId: id('partner'), areas: numbers(audit, 0), shareChildDetails: 'yes' })).status).toBe(303);
    const notices = await t.database.db.select().from(notifications).where(and(eq(notifications.userId, id('partner')), eq(notifications.link, `/audits/${audit.auditId}`)));
    expect(notices).toHaveLength(1);
    const [email] = await t.database.db.select().from(emailMessages).where(and(eq(emailMessages.userId, id('partner')), eq(emailMessages.link, `/audits/${audit.auditId}`)));
    expect(email!.reference).toBe(audit.childRef);
    expect(email!.body).toContain(audit.childRef);
    const [{ name }] = (await t.database.db.select({ name: children.name }).from(children).where(eq(children.id, audit.childId))) as [{ name: string }];
    for (const text of [email!.subject, email!.body, notices[0]!.title, notices[0]!.body ?? '']) expect(text).not.toContain(name);
    // Sharing was ticked: the partner sees who the child is.
    expect((await (await as('partner')).get(`/audits/${audit.auditId}`)).text).toContain(name);
  });

  it('lets the auditor invite while stage 1 is open, and nobody else who sees the audit', async () => {
    const audit = await freshAudit(t);
    const fields = { partnerId: id('partner'), areas: numbers(audit, 0) };
    // Amara (the practitioner) and Tom (the team's manager) see the audit; partners do not run it.
    expect((await (await as('practitioner')).get(`/audits/${audit.auditId}/partners`)).status).toBe(403);
    expect((await invite(await as('practitioner'), audit, fields)).status).toBe(403);
    expect((await invite(await as('practice-manager'), audit, fields)).status).toBe(403);
    expect((await invite(await as('partner-2'), audit, fields)).status).toBe(404);
    expect((await invite(await as('partner'), audit, fields)).status).toBe(404);
    expect(await invitationsOf(audit.auditId)).toHaveLength(0);

    const lucy = await as('pm-south');
    expect((await lucy.get(`/audits/${audit.auditId}/partners`)).status).toBe(200);
    expect((await invite(lucy, audit, fields)).status).toBe(303);
    // Now invited, Jo sees the audit but still may not invite anyone, herself included.
    expect((await invite(await as('partner'), audit, { partnerId: id('partner-2'), areas: numbers(audit, 0) })).status).toBe(403);
    expect((await (await as('partner')).get(`/audits/${audit.auditId}/partners`)).status).toBe(403);
    expect((await invite(await as('partner-2'), audit, { partnerId: id('partner-2'), areas: numbers(audit, 0) })).status).toBe(404);

    // After submission the auditor's part is done: the QA team invites from then on.
    await t.database.db.update(audits).set({ status: 'submitted' }).where(eq(audits.id, audit.auditId));
    expect((await invite(lucy, audit, { partnerId: id('partner-2'), areas: numbers(audit, 0) })).status).toBe(403);
    expect((await invite(await as('qa-officer'), audit, { partnerId: id('partner-2'), areas: numbers(audit, 0) })).status).toBe(303);
    expect(await invitationsOf(audit.auditId)).toHaveLength(2);
  });

  it('names the field that is wrong: no areas, a person who is not a partner, an area not in the tool', async () => {
    const audit = await freshAudit(t);
    const helen = await as('qa-officer');
    const none = await invite(helen, audit, { partnerId: id('partner') });
    expect(none.status).toBe(400);
    expect(none.text).toContain('There is a problem');
    expect(none.text).toMatch(/href="#areas">Tick at least one area the partner is invited to complete/);

    const nobody = await invite(helen, audit, { areas: numbers(audit, 0) });
    expect(nobody.status).toBe(400);
    expect(nobody.text).toMatch(/href="#partnerId">Choose the partner to invite/);

    const staff = await invite(helen, audit, { partnerId: id('practitioner'), areas: numbers(audit, 0) });
    expect(staff.status).toBe(400);
    expect(staff.text).toMatch(/href="#partnerId">Choose a partner from the list: only multi-agency partner accounts can be invited/);
    // The form comes back as it was sent.
    expect(staff.text).toMatch(new RegExp(`value="${numbers(audit, 0)[0]}"[^>]*checked`));

    const outside = await invite(helen, audit, { partnerId: id('partner'), areas: ['999'] });
    expect(outside.status).toBe(400);
    expect(outside.text).toMatch(/href="#areas">Choose only areas of this audit’s tool/);
    expect(await invitationsOf(audit.auditId)).toHaveLength(0);
  });

  it('refuses invitations on a closed or cancelled audit', async () => {
    const audit = await freshAudit(t);
    const helen = await as('qa-officer');
    expect((await invite(helen, audit, { partnerId: id('partner'), areas: numbers(audit, 0) })).status).toBe(303);
    await t.database.db.update(audits).set({ status: 'cancelled' }).where(eq(audits.id, audit.auditId));
    const refused = await invite(helen, audit, { partnerId: id('partner-2'), areas: numbers(audit, 0) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('This audit is cancelled');
    expect((await invite(helen, audit, { partnerId: id('partner-2') })).status).toBe(409);
    const page = await helen.get(`/audits/${audit.auditId}/partners`);
    expect(page.text).toContain('partners can no longer be invited');
    expect(page.text).not.toContain('Invite the partner</button>');
    const change = await helen.get(`/audits/${audit.auditId}/partners/${id('partner')}`);
    expect((await helen.post(`/audits/${audit.auditId}/partners/${id('partner')}`, { version: '1', areas: numbers(audit, 1) })).status).toBe(409);
    // Removing access is always allowed to the QA team.
    expect(change.text).toContain('Withdraw the invitation');
    expect((await helen.post(`/audits/${audit.auditId}/partners/${id('partner')}/withdraw`)).status).toBe(303);
    expect(await invitationsOf(audit.auditId)).toHaveLength(0);
  });

  it('refuses a partner who could not see a restricted child', async () => {
    const audit = await freshAudit(t);
    const qa = { userId: id('qa-officer'), organisationId: t.council.organisationId, displayName: 'Helen Marsh', email: 'qa-officer@northbridge.example', roles: ['qa-officer' as const], teamId: null };
    await restrictChild(t.database.db, qa, audit.childId, { reason: 'staff-or-relative', note: null, lastDay: addDays(londonDate(new Date()), 30) }, new Date());
    const refused = await invite(await as('qa-officer'), audit, { partnerId: id('partner'), areas: numbers(audit, 0) });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/href="#partnerId">This child’s record is restricted and Jo Whitfield has not been granted access to it/);
    expect(await invitationsOf(audit.auditId)).toHaveLength(0);
  });
});

describe('changing and withdrawing an invitation', () => {
  it('changes the areas and the sharing at once, refusing a change made over someone else’s', async () => {
    const audit = await freshAudit(t);
    const helen = await as('qa-officer');
    await invite(helen, audit, { partnerId: id('partner'), areas: numbers(audit, 0) });
    const jo = await as('partner');
    expect((await jo.get(`/audits/${audit.auditId}/areas/${audit.areas[2]!.number}`)).status).toBe(404);

    const page = await helen.get(`/audits/${audit.auditId}/partners/${id('partner')}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`value="${numbers(audit, 0)[0]}"[^>]*checked`));
    const version = versionOn(page.text);
    expect((await helen.post(`/audits/${audit.auditId}/partners/${id('partner')}`, { version, areas: [] })).status).toBe(400);
    expect((await helen.post(`/audits/${audit.auditId}/partners/${id('partner')}`, { version, areas: numbers(audit, 2), shareChildDetails: 'yes' })).status).toBe(303);
    expect((await jo.get(`/audits/${audit.auditId}/areas/${audit.areas[2]!.number}`)).status).toBe(200);
    expect((await jo.get(`/audits/${audit.auditId}/areas/${audit.areas[0]!.number}`)).status).toBe(404);
    expect((await jo.get(`/audits/${audit.auditId}`)).text).toMatch(/Test Child \d+/);

    // The same page sent again, from before the change: refused, with the invitation as it now is.
    const stale = await helen.post(`/audits/${audit.auditId}/partners/${id('partner')}`, { version, areas: numbers(audit, 1) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed this invitation while you were editing');
    expect(stale.text).toMatch(new RegExp(`value="${numbers(audit, 2)[0]}"[^>]*checked`));

    // Inviting the same partner again changes their invitation: never two.
    expect((await invite(helen, audit, { partnerId: id('partner'), areas: numbers(audit, 0, 2) })).status).toBe(303);
    const [only, ...more] = await invitationsOf(audit.auditId);
    expect(more).toHaveLength(0);
    expect(only!.areaIds).toEqual([audit.areas[0]!.id, audit.areas[2]!.id]);
    expect(only!.shareChildDetails).toBe(false);
    const kinds = await t.database.db.select({ kind: auditEvents.kind }).from(auditEvents).where(eq(auditEvents.auditId, audit.auditId));
    expect(kinds.map((k) => k.kind).filter((k) => k.startsWith('partner-'))).toEqual(['partner-invited', 'partner-invitation-changed', 'partner-invitation-changed']);
    // Jo is told of each change, with the reference and the number of areas, never the name.
    const changed = await t.database.db.select().from(emailMessages).where(and(eq(emailMessages.userId, id('partner')), eq(emailMessages.kind, 'partner-invitation-changed'), eq(emailMessages.link, `/audits/${audit.auditId}`)));
    expect(changed.map((m) => m.body.match(/complete (\d+ areas?)/)?.[1])).toEqual(['1 area', '2 areas']);
    const [{ name }] = (await t.database.db.select({ name: children.name }).from(children).where(eq(children.id, audit.childId))) as [{ name: string }];
    for (const m of changed) {
      expect(m.body).toContain(audit.childRef);
      expect(`${m.subject} ${m.body}`).not.toContain(name);
    }
  });

  it('takes the audit away from the partner when withdrawn, tells her, and keeps the timeline', async () => {
    const audit = await freshAudit(t);
    const lucy = await as('pm-south');
    await invite(lucy, audit, { partnerId: id('partner'), areas: numbers(audit, 0) });
    const jo = await as('partner');
    expect((await jo.get(`/audits/${audit.auditId}`)).status).toBe(200);
    // Only the people who run the audit withdraw it: not the partner, not the practitioner.
    expect((await jo.post(`/audits/${audit.auditId}/partners/${id('partner')}/withdraw`)).status).toBe(403);
    expect((await (await as('practitioner')).post(`/audits/${audit.auditId}/partners/${id('partner')}/withdraw`)).status).toBe(403);

    expect((await lucy.post(`/audits/${audit.auditId}/partners/${id('partner')}/withdraw`)).status).toBe(303);
    expect((await jo.get(`/audits/${audit.auditId}`)).status).toBe(404);
    expect((await jo.get(`/audits/${audit.auditId}/areas/${audit.areas[0]!.number}`)).status).toBe(404);
    expect(refsIn((await jo.get(`/audits?childRef=${audit.childRef}`)).text)).toEqual([]);
    expect((await lucy.get(`/audits/${audit.auditId}/partners/${id('partner')}`)).status).toBe(404);
    const timeline = (await lucy.get(`/audits/${audit.auditId}/timeline`)).text;
    expect(timeline).toContain('Invited Jo Whitfield (multi-agency partner)');
    expect(timeline).toContain('Withdrew the invitation of Jo Whitfield (multi-agency partner)');
    // Jo is told, so the audit leaving her list is no mystery; the link is her list.
    const withdrawn = await t.database.db.select().from(notifications).where(and(eq(notifications.userId, id('partner')), like(notifications.dedupeKey, `partner-invitation-withdrawn:${audit.auditId}:%`)));
    expect(withdrawn.map((n) => n.title)).toEqual(['An invitation to a case audit was withdrawn']);
    const [mail] = await t.database.db.select().from(emailMessages).where(and(eq(emailMessages.userId, id('partner')), eq(emailMessages.kind, 'partner-invitation-withdrawn'), eq(emailMessages.reference, audit.childRef)));
    expect(mail!.link).toBe('/audits');
    expect(mail!.body).toContain(audit.childRef);
    expect(mail!.body).not.toContain(audit.auditId);

    // Invited again later, she is told again.
    await invite(lucy, audit, { partnerId: id('partner'), areas: numbers(audit, 1) });
    const told = await t.database.db.select().from(notifications).where(and(eq(notifications.userId, id('partner')), eq(notifications.link, `/audits/${audit.auditId}`)));
    expect(told).toHaveLength(2);
  });
});
