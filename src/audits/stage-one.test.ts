/**
 * Stage 1 through HTTP, as each person uses it: lists, self-assessment, starting, grading,
 * conflicts, judgement, safeguarding, actions, feedback, learning, submission, the record, and
 * what partners see.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { accessLog } from '../platform/access-log/schema.ts';
import { notifications } from '../platform/notify/schema.ts';
import { emailMessages } from '../platform/notify/email/schema.ts';
import { queryRows } from '../platform/db/client.ts';
import { actions } from '../actions/schema.ts';
import { children } from '../cases/schema.ts';
import { audits, familyFeedback, reflectiveLearning, responses, safeguardingAlertRecipients, safeguardingAlerts } from './schema.ts';
import { auditRow, fillEveryArea, filledArea, freshAudit, signInPerson, startWithoutSelfAssessment, versionOn, type FreshAudit } from './test-fixtures.ts';

// Wednesday 1 April 2026: Good Friday (3 April) and Easter Monday (6 April) fall in the next week.
const NOW = new Date('2026-04-01T09:00:00Z');

let t: TestApp;
const people = new Map<string, TestClient>();
async function as(key: string): Promise<TestClient> {
  if (!people.has(key)) people.set(key, await signInPerson(t, key));
  return people.get(key)!;
}
const id = (key: string) => t.council.people[key]!;

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
});
afterAll(async () => {
  await t?.close();
});

async function demoAudit(ref: string): Promise<string> {
  const [row] = await t.database.db.select({ id: audits.id }).from(audits).innerJoin(children, eq(children.id, audits.childId)).where(eq(children.childRef, ref));
  return row!.id;
}

/** An audit the auditor has started (without a self-assessment), ready for grading. */
async function startedAudit(options: Parameters<typeof freshAudit>[1] = {}): Promise<FreshAudit> {
  const audit = await freshAudit(t, options);
  await startWithoutSelfAssessment(t, await as(options.auditor ?? 'pm-south'), audit.auditId);
  return audit;
}

async function confirmJudgement(client: TestClient, audit: FreshAudit, finalGrade: string, reason = '') {
  const { version } = await auditRow(t, audit.auditId);
  return client.post(`/audits/${audit.auditId}/judgement`, { version: String(version), intent: 'confirm', finalGrade, overrideReason: reason });
}

describe('my audits', () => {
  it('lists a practitioner’s own children, an auditor’s allocations and team, and everything for senior leaders', async () => {
    // The stage 1 demo's children (NB-A…); other demos may add audits of their own, even on these children.
    const refs = (html: string) => [...new Set([...html.matchAll(/>(NB-A\d{3})</g)].map((m) => m[1]))].sort();
    const list = async (key: string, query = 'childRef=NB-A') => refs((await (await as(key)).get(`/audits?${query}`)).text);
    expect(await list('practitioner')).toEqual(['NB-A001', 'NB-A004', 'NB-A006', 'NB-A020']);
    // Tom Hadley audits NB-A002, A005, A007, A015, A022 and manages Family support team north; the
    // demo's programme round may also give him one of these children to audit (its draw is seeded,
    // but over the candidates in the order of their ids, which differ from one database to the next).
    const drawnForHim = await queryRows<{ ref: string }>(
      t.database.db,
      sql`select c.child_ref as ref from audits a join children c on c.id = a.child_id where a.round_id is not null and a.auditor_id = ${id('practice-manager')}::uuid and c.child_ref like 'NB-A%'`,
    );
    const stageOne = ['NB-A001', 'NB-A002', 'NB-A004', 'NB-A005', 'NB-A006', 'NB-A007', 'NB-A008', 'NB-A013', 'NB-A015', 'NB-A020', 'NB-A022'];
    expect(await list('practice-manager')).toEqual([...new Set([...stageOne, ...drawnForHim.map((r) => r.ref)])].sort());
    expect(await list('partner')).toEqual(['NB-A008']);
    expect(await list('senior-leader')).toHaveLength(23);
    expect(await list('iro')).toEqual([]);
  });

  it('filters by status, team, tool and child reference, a page at a time', async () => {
    const refs = (html: string) => [...new Set([...html.matchAll(/>(NB-A\d{3})</g)].map((m) => m[1]))].sort();
    const qa = await as('qa-officer');
    // NB-A018–A022 are closed in the demo; a submitted one may be closed too when the moderation
    // draw at submission passed it by, so the list must match what the database holds.
    const closed = await queryRows<{ ref: string }>(
      t.database.db,
      sql`select distinct c.child_ref as ref from audits a join children c on c.id = a.child_id where a.status = 'closed' and c.child_ref like 'NB-A%'`,
    );
    expect(closed.map((r) => r.ref)).toEqual(expect.arrayContaining(['NB-A018', 'NB-A019', 'NB-A020', 'NB-A021', 'NB-A022']));
    expect(refs((await qa.get('/audits?status=closed&childRef=NB-A')).text)).toEqual(closed.map((r) => r.ref).sort());
    // The demo's programme round may also have drawn one of these children (see the test above).
    const drawnInCic = await queryRows<{ ref: string }>(
      t.database.db,
      sql`select c.child_ref as ref from audits a join children c on c.id = a.child_id
          where a.round_id is not null and a.team_id = ${t.council.teams.cic}::uuid and a.tool_id = 'practice-audit-tool' and c.child_ref like 'NB-A%'`,
    );
    const stageOneInCic = ['NB-A007', 'NB-A014', 'NB-A017', 'NB-A022'];
    expect(refs((await qa.get(`/audits?teamId=${t.council.teams.cic}&toolId=practice-audit-tool&childRef=NB-A`)).text)).toEqual(
      [...new Set([...stageOneInCic, ...drawnInCic.map((r) => r.ref)])].sort(),
    );
    // Any part of the reference, in any case; the person's own % and _ are not wildcards.
    expect(refs((await qa.get('/audits?childRef=a006')).text)).toEqual(['NB-A006']);
    expect(refs((await qa.get('/audits?childRef=NB-A00_')).text)).toEqual([]);

    const ids = (html: string) => [...html.matchAll(/href="\/audits\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const [counted] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audits`);
    const n = counted!.n;
    const first = await qa.get('/audits');
    expect(ids(first.text)).toHaveLength(Math.min(n, 50));
    if (n > 50) {
      const next = /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
      const second = await qa.get(next);
      expect(second.status).toBe(200);
      expect(ids(second.text).some((id) => ids(first.text).includes(id))).toBe(false);
    }
  });

  it('counts in the navigation the audits waiting on the person', async () => {
    const count = (html: string) => /href="\/audits">\s*Audits(?:<span class="sl-count">(\d+))?/.exec(html)?.[1] ?? '0';
    // Waiting: a self-assessment to do, an allocation to start or finish, a partner's sections under way.
    const waiting = async (key: string) => {
      const [row] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from audits a where (a.practitioner_id = ${id(key)} and a.status = 'allocated')
              or (a.auditor_id = ${id(key)} and a.status in ('allocated', 'self-assessed', 'in-progress'))
              or (a.status = 'in-progress' and exists (select 1 from audit_invitations i where i.audit_id = a.id and i.user_id = ${id(key)}))`,
      );
      return String(row!.n);
    };
    for (const key of ['practitioner', 'pm-south', 'partner']) {
      const expected = await waiting(key);
      expect(Number(expected)).toBeGreaterThan(0);
      expect(count((await (await as(key)).get('/')).text)).toBe(expected);
    }
    expect(count((await (await as('senior-leader')).get('/')).text)).toBe('0');
  });
});

describe('the practitioner’s self-assessment', () => {
  it('is saved area by area, submitted once complete, tells the auditor, and then stays as it was', async () => {
    const audit = await freshAudit(t);
    const amara = await as('practitioner');
    expect((await amara.get(`/audits/${audit.auditId}/self-assessment`)).status).toBe(200);
    expect((await (await as('practice-manager')).get(`/audits/${audit.auditId}/self-assessment`)).status).toBe(403);

    const first = audit.areas[0]!;
    const page = await amara.get(`/audits/${audit.auditId}/self-assessment/${first.number}`);
    expect(page.status).toBe(200);
    expect((await amara.post(`/audits/${audit.auditId}/self-assessment/${first.number}`, { version: versionOn(page.text), 'i1-grade': 'good' })).status).toBe(303);
    const early = await amara.post(`/audits/${audit.auditId}/self-assessment`, { version: String((await auditRow(t, audit.auditId)).version) });
    expect(early.status).toBe(409);
    expect((await auditRow(t, audit.auditId)).status).toBe('allocated');

    await fillEveryArea(t, amara, audit, 'self-assessment', 'good');
    const submitted = await amara.post(`/audits/${audit.auditId}/self-assessment`, { version: String((await auditRow(t, audit.auditId)).version) });
    expect(submitted.status).toBe(303);
    expect((await auditRow(t, audit.auditId)).status).toBe('self-assessed');
    const told = await t.database.db.select().from(notifications).where(and(eq(notifications.kind, 'audit-self-assessed'), eq(notifications.link, `/audits/${audit.auditId}`)));
    expect(told.map((n) => n.userId)).toEqual([id('pm-south')]);

    const late = await amara.post(`/audits/${audit.auditId}/self-assessment/${first.number}`, filledArea(first, 'self-assessment', 'inadequate', String((await auditRow(t, audit.auditId)).version)));
    expect(late.status).toBe(409);
    const [kept] = await t.database.db.select().from(responses).where(and(eq(responses.auditId, audit.auditId), eq(responses.stage, 'self-assessment'), eq(responses.areaId, first.id), eq(responses.criterionId, '')));
    expect(kept!.grade).toBe('good');
  });

  it('is shown to the auditor item by item, only once they have saved their own grade for the item', async () => {
    const audit = await freshAudit(t);
    const amara = await as('practitioner');
    await fillEveryArea(t, amara, audit, 'self-assessment', 'requires-improvement');
    await amara.post(`/audits/${audit.auditId}/self-assessment`, { version: String((await auditRow(t, audit.auditId)).version) });
    const lucy = await as('pm-south');
    const start = await lucy.get(`/audits/${audit.auditId}/start`);
    expect(start.text).not.toContain('Why is the audit going ahead without');
    expect((await lucy.post(`/audits/${audit.auditId}/start`, { version: versionOn(start.text), 'periodStart-day': '1', 'periodStart-month': '10', 'periodStart-year': '2025', 'periodEnd-day': '31', 'periodEnd-month': '3', 'periodEnd-year': '2026' })).status).toBe(303);

    const area = audit.areas[0]!;
    const [c1, c2] = [area.items[1]!, area.items[2]!];
    const before = await lucy.get(`/audits/${audit.auditId}/areas/${area.number}`);
    expect(before.text).not.toContain(`Reflection on ${c1.title}`);
    expect(before.text).toContain('appears here once you have saved your own grade');
    expect((await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, { version: versionOn(before.text), [`i${c1.index}-grade`]: 'good' })).status).toBe(303);
    const after = await lucy.get(`/audits/${audit.auditId}/areas/${area.number}`);
    expect(after.text).toContain(`Reflection on ${c1.title}`);
    expect(after.text).not.toContain(`Reflection on ${c2.title}`);
    // The printable record follows the same rule for the auditor; a manager sees it all.
    const record = await lucy.get(`/audits/${audit.auditId}/record`);
    expect(record.text).toContain(`Reflection on ${c1.title}`);
    expect(record.text).not.toContain(`Reflection on ${c2.title}`);
    expect((await (await as('practice-manager')).get(`/audits/${audit.auditId}/record`)).text).toContain(`Reflection on ${c2.title}`);
  });
});

describe('starting the audit and moving it on', () => {
  it('needs a reason to start without a self-assessment, and defaults the period to the last six months', async () => {
    const audit = await freshAudit(t);
    const lucy = await as('pm-south');
    const page = await lucy.get(`/audits/${audit.auditId}/start`);
    // Six months up to 1 April 2026.
    expect(page.text).toMatch(/name="periodStart-day"[^>]*value="1"/);
    expect(page.text).toMatch(/name="periodStart-month"[^>]*value="10"/);
    expect(page.text).toMatch(/name="periodEnd-month"[^>]*value="4"/);
    const base = { version: versionOn(page.text), 'periodStart-day': '1', 'periodStart-month': '10', 'periodStart-year': '2025', 'periodEnd-day': '1', 'periodEnd-month': '4', 'periodEnd-year': '2026' };
    const refused = await lucy.post(`/audits/${audit.auditId}/start`, base);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Say why the audit is going ahead without');
    expect((await auditRow(t, audit.auditId)).status).toBe('allocated');
    expect((await lucy.post(`/audits/${audit.auditId}/start`, { ...base, 'periodEnd-month': '5', noSelfAssessmentReason: 'Leave' })).status).toBe(400);
    expect((await (await as('practice-manager')).post(`/audits/${audit.auditId}/start`, { ...base, noSelfAssessmentReason: 'Leave' })).status).toBe(403);
    expect((await lucy.post(`/audits/${audit.auditId}/start`, { ...base, noSelfAssessmentReason: 'The practitioner is on leave.' })).status).toBe(303);
    const row = await auditRow(t, audit.auditId);
    expect(row).toMatchObject({ status: 'in-progress', noSelfAssessmentReason: 'The practitioner is on leave.', periodStart: '2025-10-01', periodEnd: '2026-04-01' });
  });

  it('refuses moves the lifecycle does not allow', async () => {
    const audit = await freshAudit(t);
    const lucy = await as('pm-south');
    const v = async () => String((await auditRow(t, audit.auditId)).version);
    const area = audit.areas[0]!;
    expect((await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, filledArea(area, 'audit', 'good', await v()))).status).toBe(409);
    expect((await lucy.post(`/audits/${audit.auditId}/submit`, { version: await v() })).status).toBe(409);
    const started = await startedAudit();
    expect((await lucy.post(`/audits/${started.auditId}/start`, { version: String((await auditRow(t, started.auditId)).version), 'periodStart-day': '1', 'periodStart-month': '10', 'periodStart-year': '2025', 'periodEnd-day': '1', 'periodEnd-month': '3', 'periodEnd-year': '2026', noSelfAssessmentReason: 'Again' })).status).toBe(409);
    // Submitting before every area and the judgement are done is refused with what is missing.
    const early = await lucy.post(`/audits/${started.auditId}/submit`, { version: String((await auditRow(t, started.auditId)).version) });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Complete area 1');
    expect((await auditRow(t, started.auditId)).status).toBe('in-progress');
    // The self-assessment closes once the audit has started.
    expect((await (await as('practitioner')).post(`/audits/${started.auditId}/self-assessment/1`, filledArea(area, 'self-assessment', 'good', String((await auditRow(t, started.auditId)).version)))).status).toBe(409);
  });
});

describe('saving the audit form', () => {
  it('refuses a save against an older version with a conflict screen that keeps the text and shows what changed', async () => {
    const audit = await startedAudit();
    const area = audit.areas[1]!;
    const first = await signInPerson(t, 'pm-south');
    const second = await signInPerson(t, 'pm-south');
    const [pageA, pageB] = [await first.get(`/audits/${audit.auditId}/areas/${area.number}`), await second.get(`/audits/${audit.auditId}/areas/${area.number}`)];
    expect((await first.post(`/audits/${audit.auditId}/areas/${area.number}`, { ...filledArea(area, 'audit', 'good', versionOn(pageA.text)), 'i0-evidence': 'Words from the first session' })).status).toBe(303);
    const stale = await second.post(`/audits/${audit.auditId}/areas/${area.number}`, { ...filledArea(area, 'audit', 'inadequate', versionOn(pageB.text)), 'i0-evidence': 'Words from the second session' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed this audit while you were editing');
    // Their words are in the form, the other session's beside them, and the save that won is named.
    expect(stale.text).toMatch(/<textarea[^>]*name="i0-evidence"[^>]*>Words from the second session<\/textarea>/);
    expect(stale.text).toContain('Words from the first session');
    expect(stale.text).toContain(`Saved area ${area.position}: ${area.title}`);
    const saved = async () => (await t.database.db.select().from(responses).where(and(eq(responses.auditId, audit.auditId), eq(responses.stage, 'audit'), eq(responses.areaId, area.id), eq(responses.criterionId, ''))))[0]!;
    expect((await saved()).evidence).toBe('Words from the first session');
    // Saving again from the conflict screen replaces the saved version on purpose.
    const again = await second.post(`/audits/${audit.auditId}/areas/${area.number}`, { ...filledArea(area, 'audit', 'inadequate', versionOn(stale.text)), 'i0-evidence': 'Words from the second session' });
    expect(again.status).toBe(303);
    expect((await saved()).evidence).toBe('Words from the second session');
  });

  it('autosaves drafts as JSON, carrying the version forward, and refuses a stale autosave', async () => {
    const audit = await startedAudit();
    const lucy = await as('pm-south');
    const area = audit.areas[2]!;
    const page = await lucy.get(`/audits/${audit.auditId}/areas/${area.number}`);
    expect(page.text).toContain('data-autosave');
    const version = versionOn(page.text);
    const json = { headers: { Accept: 'application/json' } };
    const draft = await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, { version, 'i0-evidence': 'Half a thought' }, json);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ saved: true, version: Number(version) + 1 });
    const next = await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, { version: String(draft.body.version), 'i0-evidence': 'A whole thought' }, json);
    expect(next.body).toMatchObject({ saved: true });
    const stale = await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, { version, 'i0-evidence': 'An old tab' }, json);
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ saved: false, conflict: true });
    const invalid = await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, { version: String(next.body.version), 'i0-grade': 'splendid' }, json);
    expect(invalid.status).toBe(400);
    expect((await auditRow(t, audit.auditId)).version).toBe(next.body.version);
  });

  it('lets only the auditor edit; everyone else with sight of the audit reads it', async () => {
    const audit = await startedAudit();
    const area = audit.areas[0]!;
    const body = filledArea(area, 'audit', 'good', String((await auditRow(t, audit.auditId)).version));
    expect((await (await as('practice-manager')).post(`/audits/${audit.auditId}/areas/${area.number}`, body)).status).toBe(403);
    expect((await (await as('qa-officer')).post(`/audits/${audit.auditId}/areas/${area.number}`, body)).status).toBe(403);
    expect((await (await as('iro')).post(`/audits/${audit.auditId}/areas/${area.number}`, body)).status).toBe(404);
    const read = await (await as('practice-manager')).get(`/audits/${audit.auditId}/areas/${area.number}`);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('<form method="post" action="/audits');
  });
});

describe('the overall judgement', () => {
  it('keeps the computed and the final grade, and needs a reason to differ', async () => {
    const audit = await startedAudit();
    const lucy = await as('pm-south');
    expect((await confirmJudgement(lucy, audit, 'good')).status).toBe(400);
    await fillEveryArea(t, lucy, audit, 'audit', 'good');
    const page = await lucy.get(`/audits/${audit.auditId}/judgement`);
    expect(page.text).toContain('lowest area grade: Good');
    const unexplained = await confirmJudgement(lucy, audit, 'requires-improvement');
    expect(unexplained.status).toBe(400);
    expect(unexplained.text).toContain('Give the reason for a judgement other than Good');
    expect((await confirmJudgement(lucy, audit, 'requires-improvement', 'Drift in the plan since January.')).status).toBe(303);
    expect(await auditRow(t, audit.auditId)).toMatchObject({ computedGrade: 'good', finalGrade: 'requires-improvement', overrideReason: 'Drift in the plan since January.' });
    expect((await lucy.get(`/audits/${audit.auditId}/timeline`)).text).toContain('in place of Good worked out by the tool');

    // Changing a grade afterwards sends the judgement back to the auditor before submission.
    const area = audit.areas[3]!;
    await lucy.post(`/audits/${audit.auditId}/areas/${area.number}`, filledArea(area, 'audit', 'inadequate', String((await auditRow(t, audit.auditId)).version)));
    const submit = await lucy.get(`/audits/${audit.auditId}/submit`);
    expect(submit.text).toContain('Confirm the overall judgement again');
  });

  it('asks a rule-based tool’s questions and works the grade out from them', async () => {
    const audit = await startedAudit({ tool: 'multi-agency-cp-audit-tool' });
    const lucy = await as('pm-south');
    await fillEveryArea(t, lucy, audit, 'audit', 'good');
    const questions = { version: String((await auditRow(t, audit.auditId)).version), intent: 'questions', 'flag-significant-failure-affecting-safety': 'yes', 'flag-significant-failings': 'no', 'flag-effectively-safeguarded': 'no', 'flag-safeguarded': 'yes' };
    expect((await lucy.post(`/audits/${audit.auditId}/judgement`, questions)).status).toBe(303);
    const page = await lucy.get(`/audits/${audit.auditId}/judgement`);
    expect(page.text).toContain('Inadequate: applies');
    expect((await confirmJudgement(lucy, audit, 'inadequate')).status).toBe(303);
    expect(await auditRow(t, audit.auditId)).toMatchObject({ computedGrade: 'inadequate', finalGrade: 'inadequate', overrideReason: null });
  });
});

describe('a safeguarding concern', () => {
  it('alerts exactly the practitioner’s line manager and group manager, shortens the actions, and stays until each acknowledges', async () => {
    const audit = await startedAudit();
    const lucy = await as('pm-south');
    // An action agreed before the concern, with the normal deadline (4 weeks from 1 April 2026).
    const agreed = await lucy.post(`/audits/${audit.auditId}/actions`, { what: 'Update the chronology', ownerId: id('practitioner'), 'dueDate-day': '29', 'dueDate-month': '4', 'dueDate-year': '2026' });
    expect(agreed.status).toBe(303);

    expect((await lucy.post(`/audits/${audit.auditId}/safeguarding`, { concern: ' ' })).status).toBe(400);
    expect((await (await as('practice-manager')).post(`/audits/${audit.auditId}/safeguarding`, { concern: 'Worried' })).status).toBe(403);
    expect((await lucy.post(`/audits/${audit.auditId}/safeguarding`, { concern: 'Unexplained injury recorded; child not seen since.' })).status).toBe(303);

    const [alert] = await t.database.db.select().from(safeguardingAlerts).where(eq(safeguardingAlerts.auditId, audit.auditId));
    const recipients = await t.database.db.select().from(safeguardingAlertRecipients).where(eq(safeguardingAlertRecipients.alertId, alert!.id));
    expect(recipients.map((r) => [r.userId, r.relationship]).sort()).toEqual(
      [
        [id('practice-manager'), 'line-manager'],
        [id('group-manager'), 'group-manager'],
      ].sort(),
    );
    const told = await t.database.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.dedupeKey, `safeguarding-alert:${alert!.id}`));
    expect(told.map((n) => n.userId).sort()).toEqual([id('practice-manager'), id('group-manager')].sort());
    const emailed = await t.database.db.select({ userId: emailMessages.userId, body: emailMessages.body }).from(emailMessages).where(eq(emailMessages.dedupeKey, `safeguarding-alert:${alert!.id}`));
    expect(emailed.map((e) => e.userId).sort()).toEqual([id('practice-manager'), id('group-manager')].sort());
    // The e-mail names the child by reference only, and carries none of the auditor's words.
    expect(emailed[0]!.body).toContain(audit.childRef);
    expect(emailed[0]!.body).not.toContain('Unexplained injury');
    expect((await auditRow(t, audit.auditId)).safeguardingConcern).toBe(true);
    // 5 working days from Wednesday 1 April 2026, over Good Friday and Easter Monday.
    const [action] = await t.database.db.select().from(actions).where(eq(actions.auditId, audit.auditId));
    expect(action).toMatchObject({ dueDate: '2026-04-10', priority: 'urgent' });

    const link = `/safeguarding-alerts/${alert!.id}`;
    const homeShows = async (key: string) => (await (await as(key)).get('/')).text.includes(link);
    expect(await homeShows('practice-manager')).toBe(true);
    expect(await homeShows('group-manager')).toBe(true);
    for (const key of ['pm-south', 'gm-front', 'senior-leader', 'qa-officer', 'practitioner']) expect(await homeShows(key)).toBe(false);

    const tom = await as('practice-manager');
    const blank = await tom.post(`${link}/acknowledge`, { acknowledgement: '' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('Say what you have done or decided');
    expect((await (await as('qa-officer')).post(`${link}/acknowledge`, { acknowledgement: 'Seen' })).status).toBe(403);
    expect((await tom.post(`${link}/acknowledge`, { acknowledgement: 'Visited today with the worker; strategy discussion booked.' })).status).toBe(303);
    expect(await homeShows('practice-manager')).toBe(false);
    expect(await homeShows('group-manager')).toBe(true);
    expect((await tom.post(`${link}/acknowledge`, { acknowledgement: 'Again' })).status).toBe(409);
    expect((await lucy.post(`${link}/notes`, { note: 'Strategy discussion held.' })).status).toBe(303);
    const page = await tom.get(link);
    expect(page.text).toContain('Visited today with the worker');
    expect(page.text).toContain('Strategy discussion held.');
    expect((await (await as('iro')).get(link)).status).toBe(404);
  });

  it('cannot be cleared, even by a direct change to the database', async () => {
    const auditId = await demoAudit('NB-A006');
    const db = t.database.db;
    await expect(db.update(audits).set({ safeguardingConcern: false }).where(eq(audits.id, auditId))).rejects.toThrow();
    await expect(db.delete(safeguardingAlerts).where(eq(safeguardingAlerts.auditId, auditId))).rejects.toThrow();
    const [alert] = await db.select().from(safeguardingAlerts).where(eq(safeguardingAlerts.auditId, auditId));
    await expect(db.update(safeguardingAlerts).set({ concern: 'nothing' }).where(eq(safeguardingAlerts.id, alert!.id))).rejects.toThrow();
    await expect(db.delete(safeguardingAlertRecipients).where(eq(safeguardingAlertRecipients.alertId, alert!.id))).rejects.toThrow();
    // Acknowledging needs a note, and an acknowledgement once given cannot be taken back.
    await expect(queryRows(db, sql`update safeguarding_alert_recipients set acknowledged_at = now() where alert_id = ${alert!.id}`)).rejects.toThrow();
    const acknowledged = await demoAudit('NB-A013');
    const [old] = await db.select().from(safeguardingAlerts).where(eq(safeguardingAlerts.auditId, acknowledged));
    await expect(queryRows(db, sql`update safeguarding_alert_recipients set acknowledged_at = null, acknowledgement = null where alert_id = ${old!.id}`)).rejects.toThrow();
    expect((await auditRow(t, auditId)).safeguardingConcern).toBe(true);
  });
});

describe('actions agreed in the audit', () => {
  it('become open actions on the child with the 4-week deadline, or 5 working days when the judgement is inadequate', async () => {
    const audit = await startedAudit();
    const lucy = await as('pm-south');
    const page = await lucy.get(`/audits/${audit.auditId}/actions`);
    // 4 weeks from 1 April 2026.
    expect(page.text).toMatch(/name="dueDate-day"[^>]*value="29"/);
    expect(page.text).toContain('by 29 April 2026');
    expect((await lucy.post(`/audits/${audit.auditId}/actions`, { what: '', ownerId: id('practitioner'), 'dueDate-day': '29', 'dueDate-month': '4', 'dueDate-year': '2026' })).status).toBe(400);
    expect((await lucy.post(`/audits/${audit.auditId}/actions`, { what: 'See the child alone', ownerId: id('gm-care'), 'dueDate-day': '29', 'dueDate-month': '4', 'dueDate-year': '2026' })).status).toBe(400);
    expect((await lucy.post(`/audits/${audit.auditId}/actions`, { what: 'See the child alone', ownerId: id('practitioner'), 'dueDate-day': '29', 'dueDate-month': '4', 'dueDate-year': '2026' })).status).toBe(303);
    const [action] = await t.database.db.select().from(actions).where(eq(actions.auditId, audit.auditId));
    expect(action).toMatchObject({ what: 'See the child alone', ownerId: id('practitioner'), childId: audit.childId, dueDate: '2026-04-29', status: 'open', priority: 'normal' });

    await fillEveryArea(t, lucy, audit, 'audit', 'inadequate');
    expect((await confirmJudgement(lucy, audit, 'inadequate')).status).toBe(303);
    const urgent = await lucy.get(`/audits/${audit.auditId}/actions`);
    expect(urgent.text).toContain('by 10 April 2026 at the latest');
    const late = await lucy.post(`/audits/${audit.auditId}/actions`, { what: 'Review the plan', ownerId: id('practitioner'), 'dueDate-day': '13', 'dueDate-month': '4', 'dueDate-year': '2026' });
    expect(late.status).toBe(400);
    expect(late.text).toContain('no later than');
    // The action agreed before the judgement came forward to the short deadline.
    const [moved] = await t.database.db.select().from(actions).where(eq(actions.id, action!.id));
    expect(moved).toMatchObject({ dueDate: '2026-04-10', priority: 'urgent' });
  });
});

describe('family feedback and learning', () => {
  it('records who said what and how, or why feedback was not sought', async () => {
    const audit = await startedAudit();
    const lucy = await as('pm-south');
    const empty = await lucy.post(`/audits/${audit.auditId}/family-feedback`, {});
    expect(empty.status).toBe(400);
    expect((await lucy.post(`/audits/${audit.auditId}/family-feedback`, { sought: 'yes', respondent: 'parent', method: 'phone' })).status).toBe(400);
    expect((await lucy.post(`/audits/${audit.auditId}/family-feedback`, { sought: 'yes', respondent: 'parent', method: 'phone', whatTheySaid: 'The worker listens.', rating: '4' })).status).toBe(303);
    expect((await (await as('practitioner')).post(`/audits/${audit.auditId}/family-feedback`, { sought: 'no', notSoughtReason: 'The child is in hospital this week.' })).status).toBe(303);
    expect((await (await as('practice-manager')).post(`/audits/${audit.auditId}/family-feedback`, { sought: 'no', notSoughtReason: 'x' })).status).toBe(403);
    const rows = await t.database.db.select().from(familyFeedback).where(eq(familyFeedback.auditId, audit.auditId));
    expect(rows.map((r) => [r.respondent, r.method, r.rating, r.notSoughtReason]).sort()).toEqual(
      [
        ['parent', 'phone', 4, null],
        [null, null, null, 'The child is in hospital this week.'],
      ].sort(),
    );
  });

  it('keeps each participant’s learning in their own words', async () => {
    const audit = await startedAudit();
    for (const [key, words] of [
      ['pm-south', 'Auditing another team shows me our own habits.'],
      ['practitioner', 'I will record my analysis.'],
      ['practice-manager', 'Supervision notes need dates.'],
    ] as const) {
      expect((await (await as(key)).post(`/audits/${audit.auditId}/learning`, { learning: words })).status).toBe(303);
    }
    expect((await (await as('qa-officer')).post(`/audits/${audit.auditId}/learning`, { learning: 'Not mine to say' })).status).toBe(403);
    expect((await (await as('practitioner')).post(`/audits/${audit.auditId}/learning`, { learning: '' })).status).toBe(400);
    const rows = await t.database.db.select().from(reflectiveLearning).where(eq(reflectiveLearning.auditId, audit.auditId));
    expect(Object.fromEntries(rows.map((r) => [r.participation, r.learning]))).toEqual({
      auditor: 'Auditing another team shows me our own habits.',
      practitioner: 'I will record my analysis.',
      manager: 'Supervision notes need dates.',
    });
  });
});

describe('submitting stage 1', () => {
  it('locks the audit, records when, and sends it to moderation (telling the pool, not the auditor) or closes it', async () => {
    const audit = await startedAudit({ auditor: 'qa-lead' });
    const imran = await as('qa-lead');
    await fillEveryArea(t, imran, audit, 'audit', 'good');
    expect((await confirmJudgement(imran, audit, 'good')).status).toBe(303);
    expect((await (await as('practice-manager')).post(`/audits/${audit.auditId}/submit`, { version: String((await auditRow(t, audit.auditId)).version) })).status).toBe(403);
    expect((await imran.post(`/audits/${audit.auditId}/submit`, { version: String((await auditRow(t, audit.auditId)).version) })).status).toBe(303);
    const row = await auditRow(t, audit.auditId);
    // Submission runs stage 2's selection at once: a good audit is moderated only if drawn.
    expect(['in-moderation', 'closed']).toContain(row.status);
    expect(row.submittedAt?.toISOString()).toBe(NOW.toISOString());
    const told = await t.database.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.dedupeKey, `moderation-waiting:${audit.auditId}`));
    // Gareth Lloyd is the only other moderator: Imran Siddiqui audited it himself.
    expect(told.map((n) => n.userId)).toEqual(row.status === 'in-moderation' ? [id('moderator')] : []);
    const area = audit.areas[0]!;
    expect((await imran.post(`/audits/${audit.auditId}/areas/${area.number}`, filledArea(area, 'audit', 'inadequate', String(row.version)))).status).toBe(409);
    expect((await confirmJudgement(imran, audit, 'inadequate', 'Changed my mind')).status).toBe(409);
    // Feedback often comes after the audit, so it can still be added.
    expect((await imran.post(`/audits/${audit.auditId}/family-feedback`, { sought: 'no', notSoughtReason: 'Family moved away.' })).status).toBe(303);
  });
});

describe('the record, the timeline and the access log', () => {
  it('prints the whole audit for the child’s file, logs every view, and keeps partners to their sections', async () => {
    const auditId = await demoAudit('NB-A015');
    const tom = await as('practice-manager');
    const record = await tom.get(`/audits/${auditId}/record`);
    expect(record.status).toBe(200);
    for (const heading of ['Case audit record', 'Overall judgement', 'Safeguarding concerns', 'Actions agreed', 'Family feedback', 'Reflective learning', 'Moderation (stage 2)', 'Timeline']) expect(record.text).toContain(heading);
    expect(record.text).toContain('Oscar Lindqvist');
    const timeline = await tom.get(`/audits/${auditId}/timeline`);
    expect(timeline.text).toContain('Submitted stage 1; moderators told');
    const logged = await t.database.db
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.recordType, 'audit'), eq(accessLog.recordId, auditId), eq(accessLog.userId, id('practice-manager')), eq(accessLog.action, 'view')));
    expect(logged.length).toBe(2);
  });

  it('shows an invited partner only the areas they were invited to, and lets them complete those', async () => {
    const auditId = await demoAudit('NB-A008');
    const jo = await as('partner');
    const overview = await jo.get(`/audits/${auditId}`);
    expect(overview.status).toBe(200);
    expect(overview.text).toContain('4. Assessment/ S.47 Enquiry');
    expect(overview.text).toContain('5. Planning and Implementing Plan');
    expect(overview.text).not.toContain('History of involvement');
    expect(overview.text).not.toContain('Practitioner&#39;s self-assessment');
    expect((await jo.get(`/audits/${auditId}/areas/1`)).status).toBe(404);
    const page = await jo.get(`/audits/${auditId}/areas/4`);
    expect(page.status).toBe(200);
    expect((await jo.post(`/audits/${auditId}/areas/4`, { version: versionOn(page.text), 'i0-evidence': 'Health visitor saw the child twice.' })).status).toBe(303);
    for (const path of ['record', 'timeline', 'judgement', 'safeguarding', 'actions', 'family-feedback', 'learning']) expect((await jo.get(`/audits/${auditId}/${path}`)).status).toBe(403);
    expect((await jo.get(`/audits/${await demoAudit('NB-A006')}`)).status).toBe(404);
  });
});
