/**
 * Reminders and escalations as the scheduler runs them: a clock moved day by day across weekends
 * and bank holidays, the jobs run (twice, to prove nothing is sent twice), and e-mail delivered
 * through a real SMTP conversation with a server on the loopback interface.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { bodyOf, headerOf, startSmtpServer, type TestSmtpServer } from '../../test/support/smtp.ts';
import { children } from '../cases/schema.ts';
import { createEmailTransport, type EmailTransport } from '../platform/notify/email/transport.ts';
import { backgroundJobs } from '../platform/jobs/background.ts';
import { runJobsOnce } from '../platform/jobs/runner.ts';
import { notifications } from '../platform/notify/schema.ts';
import { actorFor } from './acting-as.ts';
import { createAction, markDone } from './service.ts';
import { actionChases, actionEvents, actions } from './schema.ts';

const at = (isoDate: string) => new Date(`${isoDate}T08:00:00Z`);

describe('chasing actions', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let transport: EmailTransport;
  let clock = at('2026-12-01');
  const people: Record<string, { id: string; email: string }> = {};

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council' });
    smtp = await startSmtpServer();
    transport = createEmailTransport({ transport: 'smtp', url: smtp.url, from: 'Sightline <sightline@northbridge.example>' });
    for (const key of ['practitioner', 'practice-manager', 'group-manager', 'qa-lead', 'qa-officer', 'sw-2']) {
      const actor = await actorFor(t.database.db, t.council.people[key]!);
      people[key] = { id: actor.userId, email: actor.email };
    }
  });
  afterAll(async () => {
    await transport?.close();
    await smtp?.close();
    await t?.close();
  });

  const db = () => t.database.db;
  const run = () => runJobsOnce(backgroundJobs(transport, 'https://sightline.northbridge.example'), { db: db(), now: () => clock });
  /** Runs the jobs twice at `isoDate`, and returns the e-mail the second run added (none, it must be). */
  const day = async (isoDate: string) => {
    clock = at(isoDate);
    const before = smtp.received.length;
    const results = await run();
    expect(results.every((r) => r.status === 'succeeded')).toBe(true);
    const afterFirst = smtp.received.length;
    await run();
    expect(smtp.received.length, `a second run on ${isoDate} sent e-mail again`).toBe(afterFirst);
    return smtp.received.slice(before, afterFirst);
  };
  const mailTo = (mail: ReturnType<typeof smtp.received.slice>, key: string) => mail.filter((m) => m.to.includes(people[key]!.email));

  it('reminds, then escalates up the line on the right working days, each step once', async () => {
    const [child] = await db()
      .insert(children)
      .values({ organisationId: t.council.organisationId, childRef: 'NB-C042', name: 'Robin Testchild', source: 'manual', teamId: t.council.teams['fst-north'] })
      .returning({ id: children.id });
    const manager = await actorFor(db(), people['practice-manager']!.id);
    // Due Tuesday 8 December 2026.
    const { id, reference } = await createAction(db(), manager, { what: 'Robin Testchild to be seen alone', ownerId: people['practitioner']!.id, childId: child!.id, dueDate: '2026-12-08' }, at('2026-12-01'));

    // The assignment e-mail goes out on the first run; nothing else is due yet.
    const first = await day('2026-12-01');
    expect(first).toHaveLength(1);
    expect(mailTo(first, 'practitioner')).toHaveLength(1);
    expect(await day('2026-12-03')).toEqual([]);

    // Friday 4th: 2 working days before the due date, the owner is reminded.
    const reminder = await day('2026-12-04');
    expect(reminder).toHaveLength(1);
    expect(headerOf(reminder[0]!, 'Subject')).toBe(`Reminder: action ${reference} is due 8 December 2026`);
    // The weekend adds nothing.
    expect(await day('2026-12-05')).toEqual([]);
    expect(await day('2026-12-07')).toEqual([]);

    // The due date: owner and line manager.
    const dueDay = await day('2026-12-08');
    expect(dueDay.flatMap((m) => m.to).sort()).toEqual([people['practitioner']!.email, people['practice-manager']!.email].sort());

    // 5 working days overdue is Tuesday 15th: the group manager, not before.
    expect(await day('2026-12-14')).toEqual([]);
    const level2 = await day('2026-12-15');
    expect(level2.flatMap((m) => m.to)).toEqual([people['group-manager']!.email]);

    // 10 working days overdue is Tuesday 22nd: the QA lead (the senior QA officer, not the officer they manage).
    expect(await day('2026-12-21')).toEqual([]);
    const level3 = await day('2026-12-22');
    expect(level3.flatMap((m) => m.to)).toEqual([people['qa-lead']!.email]);

    const steps = await db().select().from(actionChases).where(eq(actionChases.actionId, id));
    expect(steps.map((s) => [s.chaseKey, s.forDate]).sort()).toEqual([
      ['escalation:2026-12-08:1', '2026-12-08'],
      ['escalation:2026-12-08:2', '2026-12-15'],
      ['escalation:2026-12-08:3', '2026-12-22'],
      ['reminder:2026-12-08:2', '2026-12-04'],
    ]);
    const [row] = await db().select().from(actions).where(eq(actions.id, id));
    expect(row!.escalationLevel).toBe(3);
    const events = await db().select().from(actionEvents).where(eq(actionEvents.actionId, id));
    expect(events.filter((e) => e.kind === 'escalated')).toHaveLength(3);
    expect(events.filter((e) => e.kind === 'reminded')).toHaveLength(1);

    // In-app too, once each.
    const escalatedNotices = await db().select().from(notifications).where(and(eq(notifications.kind, 'action-escalated'), eq(notifications.link, `/actions/${id}`)));
    expect(escalatedNotices).toHaveLength(4);
  });

  it('sends the e-mail through a real SMTP conversation, with a link and a reference but never the child’s name', async () => {
    const mail = smtp.received[0]!;
    expect(mail.commands).toEqual(['EHLO', 'MAIL FROM:<sightline@northbridge.example>', `RCPT TO:<${people['practitioner']!.email}>`, 'DATA']);
    for (const message of smtp.received) {
      const text = message.raw + bodyOf(message);
      expect(text).not.toMatch(/Robin|Testchild|seen alone|NB-C042/);
      expect(bodyOf(message)).toMatch(/Open it in Sightline: https:\/\/sightline\.northbridge\.example\/actions\/[0-9a-f-]{36}/);
      expect(bodyOf(message)).toMatch(/Reference: A-\d+/);
    }
  });

  it('counts working days over Christmas: level 2 for an action due on Friday 18 December comes on the 29th', async () => {
    const manager = await actorFor(db(), people['practice-manager']!.id);
    const { id } = await createAction(db(), manager, { what: 'Share the updated plan with the family', ownerId: people['sw-2']!.id, dueDate: '2026-12-18' }, at('2026-12-14'));
    await day('2026-12-18');
    // 21, 22, 23, 24 are four working days; 25 and 28 are bank holidays; 29 is the fifth.
    expect(await day('2026-12-24')).toEqual([]);
    expect(await day('2026-12-28')).toEqual([]);
    const level2 = await day('2026-12-29');
    expect(level2.flatMap((m) => m.to)).toEqual([people['group-manager']!.email]);
    const [row] = await db().select().from(actions).where(eq(actions.id, id));
    expect(row!.escalationLevel).toBe(2);
  });

  it('stops chasing an action once it is done', async () => {
    const manager = await actorFor(db(), people['practice-manager']!.id);
    const owner = await actorFor(db(), people['sw-2']!.id);
    clock = at('2027-01-04');
    const { id, reference } = await createAction(db(), manager, { what: 'Update the chronology', ownerId: owner.userId, dueDate: '2027-01-06' }, clock);
    const about = (mail: Awaited<ReturnType<typeof day>>) => mail.filter((m) => headerOf(m, 'Subject')?.includes(`${reference} `)).map((m) => headerOf(m, 'Subject'));
    expect(about(await day('2027-01-04')).sort()).toEqual([`Action ${reference} has been given to you, due 6 January 2027`, `Reminder: action ${reference} is due 6 January 2027`]);
    await markDone(db(), owner, id, 1, 'Chronology updated on 5 January', at('2027-01-05'));
    // Only the line manager's request to sign it off; no escalation.
    expect(about(await day('2027-01-06'))).toEqual([`Action ${reference} is done and awaits your sign-off`]);
    expect(about(await day('2027-01-13'))).toEqual([]);
    expect((await db().select().from(actionChases).where(eq(actionChases.actionId, id))).map((c) => c.kind)).toEqual(['reminder']);
  });
});
