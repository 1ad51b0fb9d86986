/**
 * The insight pages end to end, on a council with only the records inserted here, so every
 * figure can be worked out by hand: the numbers in the downloads, who sees which teams, the
 * audits behind a figure narrowed to what the viewer may open, no child identifiers anywhere in
 * aggregate output, formula injection neutralised, and the report's three formats.
 */
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { chromiumPath } from '../../test/support/browser.ts';
import { children } from '../cases/schema.ts';
import { actions } from '../actions/schema.ts';
import { auditEvents, audits, auditThemes, familyFeedback, moderations, responses, themes } from '../audits/schema.ts';
import { complianceItems } from '../timeliness/schema.ts';
import type { Role } from '../platform/auth/roles.ts';

const NOW = new Date('2026-06-15T10:00:00Z');
const PERIOD = 'from=2026-01&to=2026-06';
const CHILD_NAME = 'Zebedee Quartermaine';
const CHILD_DOB = '2014-02-03';
const CHILD_REF = 'NB-T001';

let t: TestApp;
const clients = new Map<Role, TestClient>();
const ids: Record<string, string> = {};

interface AuditSpec {
  key: string;
  ref: string;
  team: string;
  auditor: string;
  worker: string;
  submitted: string;
  tool?: string;
  final: string;
  /** The moderator's overall grade; the moderation is complete. */
  moderated?: string;
  moderator?: string;
  /** [area, criterion, auditor's grade, moderator's grade?, self-assessed grade?] */
  items?: Array<[string, string, string, string?, string?]>;
  caseType?: string;
  name?: string;
  dob?: string;
}

async function insertAudit(s: AuditSpec): Promise<string> {
  const db = t.database.db;
  const person = (key: string) => t.council.people[key]!;
  const [child] = await db
    .insert(children)
    .values({ organisationId: t.council.organisationId, childRef: s.ref, name: s.name ?? `Child ${s.ref}`, dateOfBirth: s.dob ?? '2015-01-01', caseType: s.caseType ?? 'cin', teamId: t.council.teams[s.team]!, workerId: person(s.worker), source: 'manual' })
    .returning({ id: children.id });
  const submittedAt = new Date(`${s.submitted}T10:00:00Z`);
  const [audit] = await db
    .insert(audits)
    .values({
      organisationId: t.council.organisationId,
      childId: child!.id,
      toolId: s.tool ?? 'practice-audit-tool',
      toolVersion: 1,
      status: 'closed',
      auditorId: person(s.auditor),
      practitionerId: person(s.worker),
      teamId: t.council.teams[s.team]!,
      dueDate: s.submitted,
      periodStart: '2025-10-01',
      periodEnd: s.submitted,
      finalGrade: s.final,
      moderatedGrade: s.moderated ?? null,
      submittedAt,
    })
    .returning({ id: audits.id });
  const auditId = audit!.id;
  if (s.moderated) {
    await db.insert(moderations).values({ auditId, moderatorId: person(s.moderator ?? 'moderator'), selectedBecause: 'random', overallGrade: s.moderated, completedAt: new Date(submittedAt.getTime() + 86_400_000) });
  }
  for (const [area, criterion, grade, moderatedGrade, selfGrade] of s.items ?? []) {
    await db.insert(responses).values({ auditId, stage: 'audit', areaId: area, criterionId: criterion, grade });
    if (moderatedGrade) await db.insert(responses).values({ auditId, stage: 'moderation', areaId: area, criterionId: criterion, grade: moderatedGrade });
    if (selfGrade) await db.insert(responses).values({ auditId, stage: 'self-assessment', areaId: area, criterionId: criterion, grade: selfGrade });
  }
  if ((s.items ?? []).some((i) => i[4])) await db.insert(auditEvents).values({ auditId, actorId: person(s.worker), kind: 'self-assess' });
  ids[s.key] = auditId;
  return auditId;
}

function csvRows(text: string): string[][] {
  return parse(text, { bom: true }) as string[][];
}

async function download(client: TestClient, path: string): Promise<request.Response> {
  return request(t.app)
    .get(path)
    .set('Cookie', `sightline=${client.cookie('sightline')}`)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
}

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW, demo: 'council' });
  const db = t.database.db;
  const person = (key: string) => t.council.people[key]!;

  // Family support team north, March: good; good lowered by the moderator to requires
  // improvement; requires improvement. Items make the calibration table worked out by hand.
  await insertAudit({
    key: 'north1',
    ref: CHILD_REF,
    name: CHILD_NAME,
    dob: CHILD_DOB,
    team: 'fst-north',
    auditor: 'pm-south',
    worker: 'practitioner',
    submitted: '2026-03-10',
    final: 'good',
    moderated: 'good',
    items: [
      ['1', '1.1', 'good', 'good', 'outstanding'],
      ['1', '1.2', 'good', 'requires-improvement', 'good'],
      ['1', '', 'requires-improvement', 'requires-improvement', 'good'],
      ['2', '2.1', 'outstanding', 'good', 'good'],
    ],
  });
  await insertAudit({
    key: 'north2',
    ref: 'NB-T002',
    team: 'fst-north',
    auditor: 'pm-south',
    worker: 'sw-2',
    submitted: '2026-03-20',
    final: 'good',
    moderated: 'requires-improvement',
    items: [
      ['1', '1.1', 'good', 'good'],
      ['1', '1.2', 'requires-improvement', 'requires-improvement'],
      ['1', '', 'inadequate', 'inadequate'],
      ['2', '2.1', 'good', 'requires-improvement'],
    ],
  });
  await insertAudit({ key: 'north3', ref: 'NB-T003', team: 'fst-north', auditor: 'pm-mash', worker: 'practitioner', submitted: '2026-03-25', final: 'requires-improvement', items: [['1', '1.2', 'good']] });
  // Family support team south, April: inadequate, outstanding; audited by Tom Hadley.
  await insertAudit({ key: 'south1', ref: 'NB-T004', team: 'fst-south', auditor: 'practice-manager', worker: 'sw-3', submitted: '2026-04-08', final: 'inadequate', caseType: 'cp' });
  await insertAudit({ key: 'south2', ref: 'NB-T005', team: 'fst-south', auditor: 'practice-manager', worker: 'sw-3', submitted: '2026-04-20', final: 'outstanding', caseType: 'cp' });
  // Children in care, May, on the multi-agency tool (Adequate sits with Requires improvement).
  await insertAudit({ key: 'cic1', ref: 'NB-T006', team: 'cic', auditor: 'pm-mash', worker: 'sw-5', submitted: '2026-05-05', tool: 'multi-agency-cp-audit-tool', final: 'adequate', caseType: 'cla' });
  // Before the period: not counted.
  await insertAudit({ key: 'old', ref: 'NB-T007', team: 'fst-north', auditor: 'pm-south', worker: 'practitioner', submitted: '2025-06-01', final: 'inadequate' });

  // Family feedback: two ratings after north1 (one quoting the child's name and date of birth, one
  // written like a spreadsheet formula), none sought after north2.
  await db.insert(familyFeedback).values([
    { auditId: ids.north1!, respondent: 'parent', method: 'phone', rating: 4, whatTheySaid: `${CHILD_NAME.split(' ')[0]} is happier since the visits, born ${CHILD_DOB.split('-').reverse().join('/')}.`, recordedBy: person('pm-south') },
    { auditId: ids.north1!, respondent: 'child', method: 'conversation', rating: 5, whatTheySaid: '=HYPERLINK("http://evil.example","click")', recordedBy: person('pm-south') },
    { auditId: ids.north2!, notSoughtReason: 'The family moved away.', recordedBy: person('pm-south') },
    { auditId: ids.south1!, respondent: 'parent', method: 'phone', rating: 1, whatTheySaid: 'Nobody calls us back.', recordedBy: person('practice-manager') },
  ]);

  // A theme found as a recurring issue in March (with actions), and the team audited again in May.
  const [theme] = await db.insert(themes).values({ organisationId: t.council.organisationId, name: 'Chronologies' }).returning({ id: themes.id });
  ids.theme = theme!.id;
  await db.insert(auditThemes).values([
    { auditId: ids.north3!, themeId: theme!.id, kind: 'recurring-issue', note: 'No chronology since NB-T009 was born on 12/01/2015.', taggedBy: person('qa-officer') },
    { auditId: ids.north1!, themeId: theme!.id, kind: 'strength', note: `${CHILD_REF} has a full chronology; ${CHILD_NAME} helped write it.`, taggedBy: person('qa-officer') },
  ]);
  // December 2025, before the period most tests look at: an auditor whose grades moderators lowered
  // every time, and one whose grades they agreed every time.
  for (let i = 0; i < 6; i++) await insertAudit({ key: `gm${i}`, ref: `NB-U${i}`, team: 'cic', auditor: 'pm-leaving', worker: 'sw-5', submitted: `2025-12-1${i}`, final: 'good', moderated: 'requires-improvement' });
  for (let i = 0; i < 5; i++) await insertAudit({ key: `om${i}`, ref: `NB-V${i}`, team: 'assessment', auditor: 'pm-mash', worker: 'sw-4', submitted: `2025-12-1${i}`, final: 'good', moderated: 'good' });
  await insertAudit({ key: 'north4', ref: 'NB-T008', team: 'fst-north', auditor: 'pm-mash', worker: 'sw-2', submitted: '2026-05-20', final: 'good' });

  // Actions from north3 (Family support team north): overdue, open and not yet due, done, and two
  // signed off after 10 and 4 days (median 7).
  const action = (what: string, status: 'open' | 'done' | 'signed-off', due: string, created: string, signedOff?: string) => ({
    organisationId: t.council.organisationId,
    auditId: ids.north3!,
    what,
    ownerId: person('practitioner'),
    dueDate: due,
    status,
    createdAt: new Date(`${created}T09:00:00Z`),
    doneAt: status === 'open' ? null : new Date(`${signedOff ?? created}T09:00:00Z`),
    signedOffAt: signedOff && status === 'signed-off' ? new Date(`${signedOff}T15:00:00Z`) : null,
  });
  await db
    .insert(actions)
    .values([
      action('Overdue one', 'open', '2026-04-30', '2026-03-26'),
      action('Not yet due', 'open', '2026-07-30', '2026-03-26'),
      action('Done, not signed off', 'done', '2026-06-30', '2026-03-26'),
      action('Signed off after ten days', 'signed-off', '2026-04-30', '2026-03-26', '2026-04-05'),
      action('Signed off after four days', 'signed-off', '2026-04-30', '2026-03-26', '2026-03-30'),
    ]);

  // Deadlines for the north team's children: 3 met, 1 late, 1 overdue today, 1 still to come.
  const item = (status: 'met' | 'missed' | 'pending', due: string, actual: string | null) => ({
    organisationId: t.council.organisationId,
    childId: '',
    measure: 'assessment-45wd',
    status,
    anchorDate: '2026-01-01',
    dueDate: due,
    actualDate: actual,
    asOf: '2026-06-01',
  });
  const [north] = await db.select({ id: children.id }).from(children).where(sql`${children.childRef} = ${CHILD_REF}`);
  await db.insert(complianceItems).values(
    [item('met', '2026-02-10', '2026-02-01'), item('met', '2026-03-10', '2026-03-01'), item('met', '2026-04-10', '2026-04-01'), item('missed', '2026-04-20', '2026-04-25'), item('pending', '2026-06-05', null), item('pending', '2026-06-25', null)].map(
      (i) => ({ ...i, childId: north!.id }),
    ),
  );

  for (const role of ['qa-officer', 'practice-manager', 'group-manager', 'moderator', 'senior-leader', 'practitioner'] as const) clients.set(role, await t.signInAs(role));
});

afterAll(async () => {
  await t.close();
});

const TEAM_NAMES: Record<string, string> = { 'fst-north': 'Family support team north', 'fst-south': 'Family support team south', cic: 'Children in care team' };
const team = (key: string) => TEAM_NAMES[key]!;

describe('practice quality figures', () => {
  it('counts the settled grades by team, month and rolling quarter as worked out by hand', async () => {
    const qa = clients.get('qa-officer')!;
    const byTeam = csvRows((await qa.get(`/insights/practice-quality/export?${PERIOD}&table=by-team&format=csv`)).text);
    expect(byTeam[0]).toEqual(['Team', 'Service', 'Audits', 'Outstanding', 'Good', 'Adequate / Requires Improvement', 'Inadequate', 'Good or better']);
    // North: good, good→RI (moderated), RI, good (May) = 2 good of 4. South: inadequate, outstanding. CIC: adequate.
    expect(byTeam.slice(1)).toEqual([
      [team('cic'), 'Children in care and care leavers', '1', '0', '0', '1', '0', '0'],
      [team('fst-north'), 'Safeguarding and family support', '4', '0', '2', '2', '0', '50'],
      [team('fst-south'), 'Safeguarding and family support', '2', '1', '0', '0', '1', '50'],
    ]);
    const rolling = csvRows((await qa.get(`/insights/practice-quality/export?${PERIOD}&table=rolling&format=csv`)).text);
    // March 1 of 3 good or better; April 1 of 2; May 1 of 2. Rolling: March 1/3, April 2/5, May 3/7.
    expect(rolling.slice(3, 6).map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['March 2026', '3', '33.3', '33.3'],
      ['April 2026', '2', '50', '40'],
      ['May 2026', '2', '50', '42.9'],
    ]);
  });

  it('lists each inadequate audit with what happened next, without naming the child', async () => {
    const page = await clients.get('qa-officer')!.get(`/insights/practice-quality?${PERIOD}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Not audited again yet');
    expect(page.text).toContain(`href="/audits/${ids.south1}"`);
  });

  it('keeps a practice manager to their own team, in the figures and in the filters', async () => {
    const tom = clients.get('practice-manager')!;
    const byTeam = csvRows((await tom.get(`/insights/practice-quality/export?${PERIOD}&team=${t.council.teams['fst-south']}&table=by-team&format=csv`)).text);
    expect(byTeam.slice(1).map((r) => r[0])).toEqual([team('fst-north')]);
    const page = await tom.get(`/insights/practice-quality?${PERIOD}`);
    expect(page.text).not.toContain(team('fst-south'));
  });
});

describe('the audits behind a figure', () => {
  it('opens only audits the viewer may see, whatever the link asks for', async () => {
    const tom = clients.get('practice-manager')!;
    // Tom audited both south audits, but his figures cover his own team: the south filter is ignored.
    const list = await tom.get(`/insights/audits?${PERIOD}&team=${t.council.teams['fst-south']}`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('NB-T002');
    expect(list.text).not.toContain('NB-T004');
    expect(list.text).not.toContain('NB-T006');
  });

  it('tells a moderator how many audits a council-wide figure rests on, and lists only theirs', async () => {
    // Both moderated audits were moderated by the demo moderator; the QA lead moderated none.
    await t.database.db.execute(sql`update audit_moderations set moderator_id = ${t.council.people['qa-lead']} where audit_id = ${ids.north1}`);
    const list = await clients.get('moderator')!.get(`/insights/audits?${PERIOD}&moderation=any`);
    expect(list.text).toMatch(/rests on 2 audits\.\s+You may open 1 of them/);
    expect(list.text).toContain('NB-T002');
    expect(list.text).not.toContain(CHILD_REF);
    await t.database.db.execute(sql`update audit_moderations set moderator_id = ${t.council.people['moderator']} where audit_id = ${ids.north1}`);
  });

  it('links a count to exactly the audits it counts', async () => {
    const qa = clients.get('qa-officer')!;
    // Requires improvement or Adequate (rank 3): north2 (moderated), north3, cic1.
    const list = await qa.get(`/insights/audits?${PERIOD}&rank=3`);
    expect(list.text).toMatch(/rests on 3 audits/);
    for (const ref of ['NB-T002', 'NB-T003', 'NB-T006']) expect(list.text).toContain(ref);
  });
});

describe('calibration', () => {
  it('computes agreement, weighted kappa and shift on the pairs, as worked out by hand', async () => {
    /*
     * Pam South's (pm-south's) moderated items, auditor → moderator by rank:
     *   north1: 2→2, 2→3, 3→3, 1→2        north2: 2→2, 3→3, 4→4, 2→3
     * Table rows (auditor) × columns (moderator): (1,2) 1; (2,2) 2; (2,3) 2; (3,3) 2; (4,4) 1; n = 8.
     * Agreement 5/8 = 62.5%. Lowered 3, raised 0. Mean shift −3/8 = −0.375.
     * Row totals 1, 4, 2, 1; column totals 0, 3, 4, 1.
     * Linear: observed Σ|i−j|n = 3; expected Σ|i−j| r c / n = (1·14 + 4·6 + 2·4 + 1·10)/8 = 56/8 = 7;
     *   κ = 1 − 3/7 = 4/7 ≈ 0.57.
     * Quadratic: observed 3; expected (1·28 + 4·8 + 2·4 + 1·16)/8 = 84/8 = 10.5; κ = 1 − 3/10.5 = 5/7 ≈ 0.71.
     */
    const rows = csvRows((await clients.get('moderator')!.get(`/insights/calibration/export?${PERIOD}&table=by-auditor&format=csv`)).text);
    expect(rows[0]).toEqual(['Auditor', 'Moderated audits', 'Items compared', 'Same grade', 'Weighted kappa (linear)', 'Weighted kappa (quadratic)', 'Mean grade shift', 'Graded lower', 'Graded higher']);
    expect(rows.slice(1)).toEqual([['Lucy Brennan', '2', '8', '62.5', '0.57', '0.71', '-0.38', '3', '0']]);
  });

  it('compares submitted self-assessments with the audit the same way', async () => {
    // north1's self-assessment → audit: 1→2, 2→2, 2→3, 2→1: one agreed of four.
    const rows = csvRows((await clients.get('qa-officer')!.get(`/insights/calibration/export?${PERIOD}&table=self-by-team&format=csv`)).text);
    expect(rows.slice(1)).toEqual([[team('fst-north'), '4', '25', expect.any(String), expect.any(String), '-0.25', '2', '1']]);
  });

  it('flags an auditor whose overall grades moderators lower more often than chance', async () => {
    // December 2025 adds Grace Mensah's six audits, every one lowered, and Olu Adeyemi's five, none.
    const rows = csvRows((await clients.get('qa-officer')!.get(`/insights/calibration/export?from=2025-12&to=2026-06&table=inflation&format=csv`)).text);
    const row = (who: string) => rows.find((r) => r[0] === who)!;
    // Council: 13 moderated audits, 7 lowered (north2 and Grace's six). P(X ≥ 6 | 6, 7/13) = (7/13)^6 ≈ 0.024.
    expect(row('Grace Mensah').slice(2, 8)).toEqual(['6', '6', '100', '53.8', String(Number(((7 / 13) ** 6).toFixed(3))), 'Flagged: lowered more often than chance would give']);
    expect(row('Olu Adeyemi').slice(2, 4)).toEqual(['5', '0']);
    expect(row('Olu Adeyemi')[7]).toBe('Within what chance would give');
    expect(row('Lucy Brennan')[7]).toBe('Too few to test (under 5)');
  });
});

describe('timeliness, actions and voice', () => {
  it('counts deadlines met on time against today, beside the same team’s audit grades', async () => {
    const rows = csvRows((await clients.get('group-manager')!.get(`/insights/timeliness/export?${PERIOD}&table=by-team&format=csv`)).text);
    // Due in the period: 3 met, 1 late, 1 overdue today (5 June), 1 still to come (25 June).
    expect(rows.find((r) => r[0] === team('fst-north'))).toEqual([team('fst-north'), '5', '3', '1', '1', '60', '4', '50']);
  });

  it('counts actions by where they stand, with the median days to sign-off', async () => {
    const rows = csvRows((await clients.get('practice-manager')!.get(`/insights/actions/export?${PERIOD}&table=by-team&format=csv`)).text);
    // Five set; two still to do (one overdue); one awaiting sign-off; two signed off (10 and 4 days: median 7), both done by the due date.
    expect(rows.slice(1)).toEqual([[team('fst-north'), '5', '2', '1', '1', '2', '100', '7']]);
  });

  it('counts feedback sought and ratings, and quotes families without the child’s identifiers', async () => {
    const qa = clients.get('qa-officer')!;
    const ratings = csvRows((await qa.get(`/insights/voice/export?${PERIOD}&table=ratings&format=csv`)).text);
    expect(ratings.slice(1).map((r) => r[1])).toEqual(['1', '0', '0', '1', '1']);
    const quotes = await qa.get(`/insights/voice/export?${PERIOD}&table=what-families-said&format=csv`);
    expect(quotes.text).toContain('[the child] is happier since the visits, born [date of birth].');
    // A quote written like a formula is exported as text.
    expect(quotes.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(quotes.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});

describe('themes and the Ofsted evidence', () => {
  it('follows a theme to its actions and the team’s later audits', async () => {
    const rows = csvRows((await clients.get('qa-officer')!.get(`/insights/themes/export?${PERIOD}&table=learning-loop&format=csv`)).text);
    // north3 (requires improvement) with 5 actions, 2 signed off, 1 overdue; north4 (good) came later.
    expect(rows.slice(1)).toEqual([['Chronologies', '1', '0', '5', '2', '1', '1', '100', '0']]);
  });

  it('shows the grades of the criteria mapped to each outcome measure', async () => {
    const rows = csvRows((await clients.get('senior-leader')!.get(`/insights/evidence/export?${PERIOD}&table=area-2-criteria&format=csv`)).text);
    // Criterion 1.2 is mapped to 3.20 and 3.25; graded in north1 (RI after moderation), north2 (RI), north3 (good).
    const row = rows.find((r) => r[0]!.startsWith('3.20: Practice audit tool, 1.2'))!;
    expect(row.slice(1, 4)).toEqual(['3', '33.3', '0']);
  });
});

describe('no child identifiers in aggregate output', () => {
  const identifiers = [CHILD_NAME, 'Zebedee', 'Quartermaine', CHILD_DOB, '03/02/2014', CHILD_REF];
  const pages = ['practice-quality', 'timeliness', 'actions', 'voice', 'calibration', 'evidence', 'themes'];

  it('on every dashboard, in every table download, and in the quarterly report', async () => {
    const qa = clients.get('qa-officer')!;
    const texts: string[] = [];
    // The evidence page shows one judgement area in full at a time: each is read.
    const views = [...pages.map((p) => `${p}?${PERIOD}`), ...[2, 3, 4].map((a) => `evidence?${PERIOD}&area=${a}`)];
    for (const view of views) {
      const page = await qa.get(`/insights/${view}`);
      expect(page.status).toBe(200);
      texts.push(page.text);
      const p = view.slice(0, view.indexOf('?'));
      for (const id of [...page.text.matchAll(/table=([a-z0-9-.]+)&amp;format=csv/g)].map((m) => m[1]!)) texts.push((await qa.get(`/insights/${p}/export?${PERIOD}&table=${id}&format=csv`)).text);
    }
    const report = await qa.get('/insights/report?quarter=2026-01');
    texts.push(report.text);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(qa, '/insights/report/xlsx?quarter=2026-01')).body as ExcelJS.Buffer);
    workbook.eachSheet((sheet) => sheet.eachRow((row) => texts.push(JSON.stringify(row.values))));
    for (const text of texts) for (const id of [...identifiers, 'NB-T009', '12/01/2015']) expect(text.includes(id) ? text.slice(Math.max(0, text.indexOf(id) - 200), text.indexOf(id) + 100) : '').toBe('');
    // The redaction is what removed them: the quote and the theme note are there.
    expect(texts.join('\n')).toContain('[the child] has a full chronology; [the child] helped write it.');
    expect(texts.join('\n')).toContain('No chronology since [reference] was born on [date].');
  });
});

describe('the quarterly report', () => {
  it('is a page, a workbook with its tables, and a tagged PDF, each a download where it is a file', async () => {
    const leader = clients.get('senior-leader')!;
    const page = await leader.get('/insights/report?quarter=2026-04&audience=performance-board');
    expect(page.status).toBe(200);
    expect(page.text).toContain('For the performance board: April to June 2026 (quarter 1 of 2026 to 2027)');

    const xlsx = await download(leader, '/insights/report/xlsx?quarter=2026-04&audience=slt');
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="quality-assurance-report-2026-04-slt.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ExcelJS.Buffer);
    const names = workbook.worksheets.map((w) => w.name);
    expect(names[0]).toBe('Summary');
    expect(names).toContain('Audits by team and grade');
    const sheet = workbook.getWorksheet('Audits by team and grade')!;
    // April to June: south (inadequate, outstanding), cic (adequate), north4 (good).
    const rows = sheet.getSheetValues().slice(3).map((r) => (r as unknown[]).slice(1, 4));
    expect(rows).toEqual([
      [team('cic'), 'Children in care and care leavers', 1],
      [team('fst-north'), 'Safeguarding and family support', 1],
      [team('fst-south'), 'Safeguarding and family support', 2],
    ]);
    expect(workbook.getWorksheet('What children and families said')!.getRow(3).getCell(1).value).toBe('Nobody calls us back.');
  });

  it.runIf(chromiumPath())('prints a tagged PDF', async () => {
    const pdf = await download(clients.get('qa-officer')!, '/insights/report/pdf?quarter=2026-01&audience=smt');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="quality-assurance-report-2026-01-smt.pdf"');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.includes('/StructTreeRoot') || bytes.includes('/MarkInfo')).toBe(true);
  }, 60_000);

  it('is not for practitioners, and a download must name a table that exists', async () => {
    expect((await clients.get('practitioner')!.get('/insights/report')).status).toBe(403);
    expect((await clients.get('qa-officer')!.get('/insights/report/export?quarter=2026-01&table=nothing&format=csv')).status).toBe(404);
  });
});

// Last: the rehearsal's audits, completed in June, would change the figures the tests above count.
describe('inspection rehearsal', () => {
  it('draws a round by case type, allocates it, and reports how the grades held up under moderation', async () => {
    const qa = clients.get('qa-officer')!;
    const auditors = ['practice-manager', 'pm-south', 'pm-mash', 'pm-cic'].map((k) => t.council.people[k]!);
    const started = await qa.post('/insights/rehearsal', { title: 'Summer', toolId: 'practice-audit-tool', caseTypes: ['cin', 'cp'], sampleSize: '4', auditorIds: auditors, dueInWorkingDays: '10' });
    expect(started.status).toBe(303);
    const roundId = started.headers.location!.split('/').pop()!;
    const allocated = await t.database.db.select({ id: audits.id }).from(audits).where(sql`${audits.roundId} = ${roundId}`);
    expect(allocated).toHaveLength(4);
    // Three audited and moderated: one grade held, two lowered; the fourth not moderated yet.
    const outcomes: Array<[string, string | null]> = [
      ['good', 'good'],
      ['good', 'requires-improvement'],
      ['requires-improvement', 'inadequate'],
      ['good', null],
    ];
    for (const [i, [final, moderated]] of outcomes.entries()) {
      const id = allocated[i]!.id;
      await t.database.db.execute(sql`update audits set status = 'closed', final_grade = ${final}, moderated_grade = ${moderated}, submitted_at = ${NOW} where id = ${id}`);
      if (moderated) await t.database.db.insert(moderations).values({ auditId: id, moderatorId: t.council.people['moderator']!, selectedBecause: 'random', overallGrade: moderated, completedAt: NOW });
    }
    const page = await clients.get('moderator')!.get(`/insights/rehearsal/${roundId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('4 audits allocated, 4 submitted, 3 moderated');
    const rows = csvRows((await qa.get(`/insights/rehearsal/${roundId}/export?table=by-case-type&format=csv`)).text);
    const totals = rows.slice(1).reduce((sum, r) => sum.map((n, i) => n + Number(r[i + 1])), [0, 0, 0, 0, 0, 0]);
    // Audits, submitted, moderated, held, lowered, raised.
    expect(totals).toEqual([4, 4, 3, 1, 2, 0]);
  });
});
