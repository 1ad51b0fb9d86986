import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../../test/support/app.ts';
import { englandAndWalesCalendar } from '../../platform/calendar/index.ts';
import { londonDate } from '../../platform/calendar/london.ts';
import { notifications } from '../../platform/notify/schema.ts';
import { audits, disputes, disputeSteps, moderations, responses } from '../schema.ts';
import { auditOf, signInAsPerson } from '../programme/test-helpers.ts';
import { disputeRoutes } from './schema.ts';

describe('disputes about moderated grades', () => {
  let t: TestApp;
  let qa: TestClient;
  let moderator: TestClient;
  let practitioner: TestClient;
  const calendar = englandAndWalesCalendar();
  const today = londonDate(new Date());

  beforeAll(async () => {
    t = await createTestApp();
    qa = await t.signInAs('qa-officer');
    moderator = await t.signInAs('moderator');
    practitioner = await t.signInAs('practitioner');
  });
  afterAll(async () => {
    await t.close();
  });

  async function disputeOf(auditId: string) {
    const [row] = await t.database.db.select().from(disputes).where(eq(disputes.auditId, auditId)).orderBy(desc(disputes.raisedAt)).limit(1);
    return row!;
  }

  it('the practitioner challenges the moderated overall judgement; the moderator and auditor have five working days to meet', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    const form = await practitioner.get(`/moderation/${audit.id}/dispute`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('The overall judgement');
    const empty = await practitioner.post(`/moderation/${audit.id}/dispute`, {});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Select the grade you are challenging');
    expect(empty.text).toContain('Say why you disagree with the moderated grade');

    const raised = await practitioner.post(`/moderation/${audit.id}/dispute`, { grade: '', position: 'The direct work since March is on file now; Good stands.' });
    expect(raised.status).toBe(303);
    const dispute = await disputeOf(audit.id);
    expect(raised.headers.location).toBe(`/disputes/${dispute.id}`);
    expect(dispute).toMatchObject({ status: 'open', level: 0, areaId: '', criterionId: '', raisedBy: t.council.people['practitioner'], stepDueDate: calendar.addWorkingDays(today, 5) });
    const [route] = await t.database.db.select().from(disputeRoutes).where(eq(disputeRoutes.disputeId, dispute.id));
    expect(route!.chain.steps.map((s) => s.title)).toEqual(['QA lead', 'Head of service']);
    const [row] = await t.database.db.select().from(audits).where(eq(audits.id, audit.id));
    expect(row!.status).toBe('disputed');
    const told = await t.database.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.dedupeKey, `dispute-raised:${dispute.id}`));
    expect(told.map((n) => n.userId)).toContain(t.council.people['moderator']);

    const again = await practitioner.post(`/moderation/${audit.id}/dispute`, { grade: '', position: 'Again.' });
    expect(again.status).toBe(409);
  });

  it('only the auditor or the practitioner can challenge a grade', async () => {
    const audit = await auditOf(t.database.db, 'NB-P105');
    // The practitioner's own manager sees the audit but did not take part in it.
    expect((await (await t.signInAs('practice-manager')).get(`/moderation/${audit.id}/dispute`)).status).toBe(404);
    expect((await qa.get(`/moderation/${audit.id}/dispute`)).status).toBe(403);
    expect((await (await t.signInAs('partner')).get(`/moderation/${audit.id}/dispute`)).status).toBe(403);
  });

  it('the moderator records a position, then escalates to the QA lead, who has ten working days', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    const dispute = await disputeOf(audit.id);
    expect((await moderator.post(`/disputes/${dispute.id}/position`, { moderatorPosition: 'The file does not show it yet.' })).status).toBe(303);
    // Only the moderator states the moderator's position.
    expect((await practitioner.post(`/disputes/${dispute.id}/position`, { moderatorPosition: 'Not mine to say.' })).status).toBe(403);
    const noNote = await moderator.post(`/disputes/${dispute.id}/outcome`, { level: '0', decision: 'escalate' });
    expect(noNote.status).toBe(400);
    expect(noNote.text).toContain('Record what was decided and why');
    expect((await moderator.post(`/disputes/${dispute.id}/outcome`, { level: '0', decision: 'escalate', note: 'We met and could not agree.' })).status).toBe(303);
    const escalated = await disputeOf(audit.id);
    expect(escalated).toMatchObject({ level: 1, status: 'open', moderatorPosition: 'The file does not show it yet.', stepDueDate: calendar.addWorkingDays(today, 10) });
    const told = await t.database.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.dedupeKey, `dispute-escalated:${dispute.id}:1`));
    expect(told.map((n) => n.userId)).toEqual([t.council.people['qa-lead']]);
    const steps = await t.database.db.select().from(disputeSteps).where(eq(disputeSteps.disputeId, dispute.id));
    expect(steps.map((s) => s.kind).sort()).toEqual(['escalated', 'position', 'raised']);
    // A second decision on the level already left is refused, not applied twice.
    const late = await qa.post(`/disputes/${dispute.id}/outcome`, { level: '0', decision: 'escalate', note: 'From an old page.' });
    expect(late.status).toBe(409);
    expect((await disputeOf(audit.id)).level).toBe(1);
  });

  it('the QA lead resolves it with a revised grade: the audit is moderated again, the moderator’s own grade kept', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    const dispute = await disputeOf(audit.id);
    // The group manager is not the decider at this level.
    expect((await (await t.signInAs('group-manager')).post(`/disputes/${dispute.id}/outcome`, { level: '1', decision: 'resolve', resolvedGrade: 'good', note: 'x' })).status).toBe(403);
    const lead = await signInAsPerson(t, 'qa-lead');
    const page = await lead.get(`/disputes/${dispute.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Record the outcome: QA lead');
    const resolved = await lead.post(`/disputes/${dispute.id}/outcome`, { level: '1', decision: 'resolve', resolvedGrade: 'good', note: 'The recent direct work is now recorded; Good is supported.' });
    expect(resolved.status).toBe(303);
    expect(await disputeOf(audit.id)).toMatchObject({ status: 'resolved', outcome: 'revised', resolvedGrade: 'good', level: 1 });
    const [row] = await t.database.db.select().from(audits).where(eq(audits.id, audit.id));
    expect(row).toMatchObject({ status: 'moderated', moderatedGrade: 'good' });
    const [moderation] = await t.database.db.select().from(moderations).where(eq(moderations.auditId, audit.id));
    expect(moderation!.overallGrade).toBe('requires-improvement');
    expect((await practitioner.get(`/disputes/${dispute.id}`)).text).toContain('Resolved: Grade revised');
  });

  it('escalates to the head of the child’s service, who makes the final decision', async () => {
    const audit = await auditOf(t.database.db, 'NB-P104');
    const dispute = await disputeOf(audit.id);
    expect(dispute.level).toBe(1);
    const lead = await signInAsPerson(t, 'qa-lead');
    expect((await lead.post(`/disputes/${dispute.id}/outcome`, { level: '1', decision: 'escalate', note: 'This needs the service’s view of agreed visit changes.' })).status).toBe(303);
    // Children in care team → Children in care and care leavers service → its lead.
    expect((await (await t.signInAs('group-manager')).get(`/disputes/${dispute.id}`)).status).toBe(404);
    const head = await signInAsPerson(t, 'gm-care');
    const page = await head.get(`/disputes/${dispute.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Fiona Gallagher');
    expect(page.text).not.toContain('Not resolved: escalate to the next level');
    const beyond = await head.post(`/disputes/${dispute.id}/outcome`, { level: '2', decision: 'escalate', note: 'Further?' });
    expect(beyond.status).toBe(409);
    expect(beyond.text).toContain('Head of service is the last level');
    const [moderated] = await t.database.db.select().from(disputes).where(eq(disputes.id, dispute.id));
    const [moderatorsGrade] = await t.database.db
      .select({ grade: responses.grade })
      .from(responses)
      .where(and(eq(responses.auditId, audit.id), eq(responses.stage, 'moderation'), eq(responses.areaId, dispute.areaId), eq(responses.criterionId, dispute.criterionId)));
    const upheld = await head.post(`/disputes/${dispute.id}/outcome`, { level: '2', decision: 'resolve', resolvedGrade: moderatorsGrade!.grade!, note: 'Agreed visit changes need a recorded management decision.' });
    expect(upheld.status).toBe(303);
    expect(await disputeOf(audit.id)).toMatchObject({ status: 'resolved', outcome: 'upheld' });
    expect(moderated!.level).toBe(2);
    // Having decided, the head of service still sees the dispute they took part in.
    expect((await head.get('/disputes')).text).toContain('NB-P104');
  });

  it('counts disputes raised, resolved at each level, upheld and revised', async () => {
    const page = await qa.get('/disputes');
    // Other demo audits carry disputes of their own: the figures must match what the database holds.
    const all = await t.database.db.select().from(disputes);
    const count = (label: string, n: number) => expect(page.text).toContain(`${label}</dt><dd class="govuk-summary-list__value">${n}`);
    count('Raised', all.length);
    count('Open', all.filter((d) => d.status === 'open').length);
    count('Resolved at: QA lead', all.filter((d) => d.status === 'resolved' && d.level === 1).length);
    count('Resolved at: Head of service', all.filter((d) => d.status === 'resolved' && d.level === 2).length);
    count('Moderated grade upheld', all.filter((d) => d.outcome === 'upheld').length);
    count('Grade revised', all.filter((d) => d.outcome === 'revised').length);
    // Others see only the disputes they are part of, without the council's figures.
    const own = await practitioner.get('/disputes');
    expect(own.text).not.toContain('Outcomes');
    expect(own.text).toContain('NB-P102');
    expect(own.text).not.toContain('NB-P104');
  });

  it('uses a changed chain for new disputes, while disputes under way keep theirs', async () => {
    await qa.get('/disputes/chain');
    const bad = await qa.post('/disputes/chain', { version: '1', meetingWorkingDays: '0', 'title-1': 'QA lead' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter the working days for the meeting');
    expect(bad.text).toContain('Select who decides at level 1');
    const saved = await qa.post('/disputes/chain', { version: '1', meetingWorkingDays: '3', 'title-1': 'Principal manager', 'decider-1': 'role:senior-leader', 'days-1': '15' });
    expect(saved.status).toBe(303);
    const open = await disputeOf((await auditOf(t.database.db, 'NB-P103')).id);
    const [route] = await t.database.db.select().from(disputeRoutes).where(eq(disputeRoutes.disputeId, open.id));
    expect(route!.chain.steps[0]!.title).toBe('QA lead');
    const stale = await qa.post('/disputes/chain', { version: '1', meetingWorkingDays: '4', 'title-1': 'X', 'decider-1': 'service-lead', 'days-1': '5' });
    expect(stale.status).toBe(409);
  });
});
