import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../../test/support/app.ts';
import { notifications } from '../../platform/notify/schema.ts';
import { auditEvents, audits, moderations, responses } from '../schema.ts';
import { actorOf, auditOf, signInAsPerson, submittedAudit } from '../programme/test-helpers.ts';
import { claimModeration, selectForModeration } from './service.ts';

/** Every decision field on a moderation form, set to agree. */
function agreeAll(html: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const m of html.matchAll(/name="(decision-\d+)"/g)) form[m[1]!] = 'agree';
  return form;
}

function versionIn(html: string): string {
  return /name="version" value="(\d+)"/.exec(html)![1]!;
}

describe('moderation', () => {
  /** Runs the selection as the submitting auditor would, in its own transaction. */
  async function select(auditor: string, audit: Parameters<typeof selectForModeration>[2]) {
    const actor = await actorOf(t, auditor);
    return t.database.db.transaction((tx) => selectForModeration(tx, actor, audit));
  }

  let t: TestApp;
  let qa: TestClient;
  let moderator: TestClient;
  beforeAll(async () => {
    t = await createTestApp();
    qa = await t.signInAs('qa-officer');
    moderator = await t.signInAs('moderator');
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends every inadequate audit to the moderators’ pool, telling every moderator but the auditor', async () => {
    const audit = await submittedAudit(t, { ref: 'NB-T1', team: 'fst-south', worker: 'sw-3', auditor: 'pm-cic', finalGrade: 'inadequate' });
    const decision = await select('pm-cic', audit);
    expect(decision).toMatchObject({ selected: true, because: 'inadequate' });
    const [row] = await t.database.db.select().from(audits).where(eq(audits.id, audit.id));
    expect(row).toMatchObject({ status: 'in-moderation', moderationSelected: true, version: audit.version + 1 });
    const [moderation] = await t.database.db.select().from(moderations).where(eq(moderations.auditId, audit.id));
    expect(moderation).toMatchObject({ selectedBecause: 'inadequate', moderatorId: null });
    const told = await t.database.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.link, `/moderation/${audit.id}`));
    expect(told.map((n) => n.userId).sort()).toEqual([t.council.people['moderator']!, t.council.people['qa-lead']!].sort());
  });

  it('uses the council’s share: none at 0%, all at 100%, with the draw on the timeline', async () => {
    await qa.get('/moderation/settings');
    expect((await qa.post('/moderation/settings', { allInadequate: 'yes', randomPercent: '0', version: '0' })).status).toBe(303);
    const stale = await qa.post('/moderation/settings', { allInadequate: 'no', randomPercent: '50', version: '0' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed this');

    const closed = await submittedAudit(t, { ref: 'NB-T2', team: 'fst-south', worker: 'sw-3', auditor: 'pm-cic', finalGrade: 'good' });
    expect(await select('pm-cic', closed)).toMatchObject({ selected: false });
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.auditId, closed.id), eq(auditEvents.kind, 'close')));
    expect(event!.detail).toMatchObject({ moderation: 'not selected', share: { randomPercent: 0, seed: t.council.organisationId } });
    expect(typeof (event!.detail as { draw: unknown }).draw).toBe('number');

    expect((await qa.post('/moderation/settings', { allInadequate: 'yes', randomPercent: '100', version: '1' })).status).toBe(303);
    const drawn = await submittedAudit(t, { ref: 'NB-T3', team: 'fst-south', worker: 'sw-3', auditor: 'pm-cic', finalGrade: 'good' });
    expect(await select('pm-cic', drawn)).toMatchObject({ selected: true, because: 'random' });
    await qa.post('/moderation/settings', { allInadequate: 'yes', randomPercent: '25', version: '2' });
  });

  it('lets the QA team run the selection on every audit still waiting for it', async () => {
    await submittedAudit(t, { ref: 'NB-T4', team: 'mash', worker: 'sw-6', auditor: 'pm-cic', finalGrade: 'inadequate' });
    const waiting = await t.database.db.select({ id: audits.id, finalGrade: audits.finalGrade }).from(audits).where(eq(audits.status, 'submitted'));
    expect(waiting.length).toBeGreaterThan(1);
    const page = await qa.get('/moderation');
    expect(page.text).toContain(`${waiting.length} submitted audits waiting for the moderation selection`);
    expect((await qa.post('/moderation/process-submitted', {})).status).toBe(400);
    const done = await qa.post('/moderation/process-submitted', { process: 'submitted' });
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/\d+ audits? sent to moderation, \d+ closed without moderation/);
    const after = await t.database.db.select({ status: audits.status, finalGrade: audits.finalGrade }).from(audits).where(inArray(audits.id, waiting.map((w) => w.id)));
    for (const a of after) {
      expect(['in-moderation', 'closed']).toContain(a.status);
      if (a.finalGrade === 'inadequate') expect(a.status).toBe('in-moderation');
    }
  });

  it('keeps the pool to moderators and the QA team; only moderators moderate', async () => {
    const waiting = await auditOf(t.database.db, 'NB-P101');
    expect((await (await t.signInAs('practitioner')).get('/moderation')).status).toBe(403);
    expect((await (await t.signInAs('practice-manager')).get(`/moderation/${waiting.id}`)).status).toBe(403);
    expect((await qa.get(`/moderation/${waiting.id}`)).status).toBe(200);
    expect((await qa.post(`/moderation/${waiting.id}/claim`)).status).toBe(403);
    const pool = await moderator.get('/moderation');
    expect(pool.text).toContain('NB-P101');
  });

  it('a moderator claims an audit, revises a grade with a reason and completes, keeping the auditor’s grades', async () => {
    const audit = await auditOf(t.database.db, 'NB-P101');
    expect((await moderator.post(`/moderation/${audit.id}/claim`)).status).toBe(303);
    const [claimed] = await t.database.db.select().from(moderations).where(eq(moderations.auditId, audit.id));
    expect(claimed!.moderatorId).toBe(t.council.people['moderator']);

    // The QA lead is a moderator too, but a claimed audit is no longer theirs to take.
    const lead = await signInAsPerson(t, 'qa-lead');
    expect((await lead.post(`/moderation/${audit.id}/claim`)).status).toBe(403);

    const form = await moderator.get(`/moderation/${audit.id}`);
    expect(form.text).toContain('Reflective discussion');
    const auditRows = await t.database.db.select().from(responses).where(and(eq(responses.auditId, audit.id), eq(responses.stage, 'audit')));
    const first = /name="decision-0"/.test(form.text);
    expect(first).toBe(true);

    const noReason = await moderator.post(`/moderation/${audit.id}`, { version: versionIn(form.text), discussion: 'We talked.', 'decision-0': 'revise', 'grade-0': 'inadequate' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Give the reason for revising');
    expect(noReason.text).toContain('We talked.');

    const draft = await moderator.post(`/moderation/${audit.id}`, {
      version: versionIn(form.text),
      discussion: 'We talked through the plan with the worker.',
      'decision-0': 'revise',
      'grade-0': 'inadequate',
      'reason-0': 'No strategy discussion is recorded for the May referral.',
    });
    expect(draft.status).toBe(303);
    const moderated = await t.database.db.select().from(responses).where(and(eq(responses.auditId, audit.id), eq(responses.stage, 'moderation')));
    expect(moderated).toHaveLength(1);
    expect(moderated[0]).toMatchObject({ grade: 'inadequate', reason: 'No strategy discussion is recorded for the May referral.' });
    const original = auditRows.find((r) => r.areaId === moderated[0]!.areaId && r.criterionId === moderated[0]!.criterionId)!;
    const [still] = await t.database.db
      .select()
      .from(responses)
      .where(and(eq(responses.auditId, audit.id), eq(responses.stage, 'audit'), eq(responses.areaId, original.areaId), eq(responses.criterionId, original.criterionId)));
    expect(still!.grade).toBe(original.grade);

    const page = await moderator.get(`/moderation/${audit.id}`);
    const incomplete = await moderator.post(`/moderation/${audit.id}/complete`, { version: versionIn(page.text), discussion: '' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.text).toContain('Record the reflective discussion before completing the moderation');
    expect(incomplete.text).toContain('Select whether you agree with the overall judgement');

    const complete = await moderator.post(`/moderation/${audit.id}/complete`, {
      ...agreeAll(page.text),
      version: versionIn(page.text),
      discussion: 'We talked through the plan with the worker.',
      'decision-0': 'revise',
      'grade-0': 'inadequate',
      'reason-0': 'No strategy discussion is recorded for the May referral.',
      overallDecision: 'agree',
    });
    expect(complete.status).toBe(303);
    const [row] = await t.database.db.select().from(audits).where(eq(audits.id, audit.id));
    expect(row).toMatchObject({ status: 'moderated', moderatedGrade: audit.finalGrade });
    const [done] = await t.database.db.select().from(moderations).where(eq(moderations.auditId, audit.id));
    expect(done!.completedAt).not.toBeNull();
    expect(done!.reflectiveDiscussion).toBe('We talked through the plan with the worker.');
    const told = await t.database.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.dedupeKey, `moderation-complete:${audit.id}`));
    expect(told.map((n) => n.userId)).toEqual(expect.arrayContaining([audit.auditorId, audit.practitionerId]));

    const again = await moderator.post(`/moderation/${audit.id}/complete`, { ...agreeAll(page.text), version: String(row!.version), discussion: 'Again', overallDecision: 'agree' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('not in moderation any more');
  });

  it('refuses a save made from an out-of-date page, keeping the moderator’s words and showing what is saved', async () => {
    const audit = await submittedAudit(t, { ref: 'NB-T5', team: 'fst-south', worker: 'sw-3', auditor: 'pm-cic', finalGrade: 'inadequate' });
    await select('pm-cic', audit);
    const page = await moderator.get(`/moderation/${audit.id}`);
    const version = versionIn(page.text);
    expect((await moderator.post(`/moderation/${audit.id}`, { version, discussion: 'First words saved.' })).status).toBe(303);
    const stale = await moderator.post(`/moderation/${audit.id}`, { version, discussion: 'Words typed in another tab.' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed this while you were editing');
    expect(stale.text).toContain('Words typed in another tab.');
    expect(stale.text).toContain('First words saved.');
  });

  it('gives an audit to one moderator when two claim it at the same moment', async () => {
    const audit = await submittedAudit(t, { ref: 'NB-T7', team: 'fst-south', worker: 'sw-3', auditor: 'pm-cic', finalGrade: 'inadequate' });
    await select('pm-cic', audit);
    const [gareth, imran] = [await actorOf(t, 'moderator'), await actorOf(t, 'qa-lead')];
    const results = await Promise.allSettled([claimModeration(t.database.db, gareth, audit.id), claimModeration(t.database.db, imran, audit.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [row] = await t.database.db.select().from(moderations).where(eq(moderations.auditId, audit.id));
    const winner = results[0]!.status === 'fulfilled' ? gareth : imran;
    expect(row!.moderatorId).toBe(winner.userId);
  });

  it('never lets an auditor moderate their own audit', async () => {
    const audit = await submittedAudit(t, { ref: 'NB-T6', team: 'fst-south', worker: 'sw-3', auditor: 'qa-lead', finalGrade: 'inadequate' });
    await select('qa-lead', audit);
    const lead = await signInAsPerson(t, 'qa-lead');
    const page = await lead.get(`/moderation/${audit.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Claim this audit');
    expect((await lead.post(`/moderation/${audit.id}/claim`)).status).toBe(403);
  });
});
