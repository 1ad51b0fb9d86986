/**
 * Demo audits over the last fifteen months for Northbridge's insight pages: enough completed,
 * moderated, self-assessed and themed audits that calibration has numbers, the rolling quarters
 * have a trend, the learning loop has later audits, and one auditor's generous grading shows up
 * as a grade-inflation flag. Children are NB-Q…; an inspection rehearsal round is drawn through
 * the real rehearsal service and its audits completed and moderated. Every name, grade and word
 * here is invented; the generator is seeded, so every load gives the same history.
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import type { Role } from '../platform/auth/roles.ts';
import { addDays, englandAndWalesCalendar, type IsoDate } from '../platform/calendar/index.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { userRoles, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { actionEvents, actions } from '../actions/schema.ts';
import { auditEvents, audits, auditThemes, disputes, familyFeedback, moderations, responses, rounds, themes } from '../audits/schema.ts';
import { formAreas } from '../audits/tool-form.ts';
import { seededRandom } from '../audits/programme/random.ts';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import { getAuditToolVersion, getPublishedVersion, syncBuiltInCatalogue } from '../standards/versions/service.ts';
import type { AuditTool } from '../standards/schema.ts';
import { startRehearsal } from '../insights/rehearsal.ts';
import type { DemoCouncil } from './northbridge.ts';

const TOOL = 'practice-audit-tool';

/** Team (demo key) → its workers and the case types it holds. */
const TEAMS: Record<string, { workers: string[]; caseTypes: string[]; manager: string }> = {
  'fst-north': { workers: ['practitioner', 'sw-2'], caseTypes: ['cp', 'cin'], manager: 'practice-manager' },
  'fst-south': { workers: ['sw-3'], caseTypes: ['cp', 'cin'], manager: 'pm-south' },
  assessment: { workers: ['sw-4'], caseTypes: ['cin'], manager: 'pm-assessment' },
  mash: { workers: ['sw-6'], caseTypes: ['cin'], manager: 'pm-mash' },
  cic: { workers: ['sw-5'], caseTypes: ['cla'], manager: 'pm-cic' },
  'leaving-care': { workers: ['pa-1'], caseTypes: ['care-leaver'], manager: 'pm-leaving' },
};
const AUDITORS = ['practice-manager', 'pm-south', 'pm-mash', 'pm-assessment', 'pm-cic', 'pm-leaving'];
/** Grades generously: moderators often lower her grades (the calibration page flags it). */
const GENEROUS = 'pm-assessment';

const FIRST = ['Alfie', 'Bea', 'Cody', 'Dara', 'Effie', 'Finn', 'Gwen', 'Hari', 'Ivy', 'Jago', 'Kit', 'Lula', 'Milo', 'Nia', 'Otto', 'Pip', 'Remy', 'Sana', 'Tobi', 'Uma', 'Wren', 'Zed'];
const LAST = ['Ashgrove', 'Brindle', 'Corrow', 'Dunstable', 'Elmsworth', 'Fairlie', 'Garside', 'Holloway', 'Inchley', 'Jessop', 'Kittering', 'Larkham'];

const SAID: Record<'good' | 'mixed' | 'poor', string[]> = {
  good: [
    'She listens to me and does what she says she will.',
    'We know what the plan is and why. That has never happened before.',
    'My worker came to my school play. I felt like someone cared.',
    'Things at home are calmer now and {first} is back at school every day.',
  ],
  mixed: [
    'The help is good when it comes, but we have had three different workers this year.',
    'I did not understand the meeting until my worker explained it afterwards.',
    'It is better than it was, but nobody told us the review date had changed.',
  ],
  poor: [
    'Nobody has asked {first} what he wants.',
    'We were promised a family group conference months ago and are still waiting.',
    'I only hear from social care when something has gone wrong.',
  ],
};
const NOT_SOUGHT = ['The family declined to give feedback.', 'The young person was in hospital at the time of the audit.', 'Parents could not be reached after three attempts.'];
const THEME_NOTES: Record<string, { strength: string; issue: string }> = {
  'The voice of the child and direct work': { strength: 'Direct work tools used well; the child’s words are quoted in the plan.', issue: 'The child’s views are summarised by adults, not recorded in their own words.' },
  'Report writing and case recording': { strength: 'Chronology up to date and case notes written for the child to read later.', issue: 'Case notes lag weeks behind visits; the chronology stops at the last review.' },
  'Management oversight and decision making, including supervision': { strength: 'Supervision notes set clear actions that are checked at the next session.', issue: 'No recorded management decision when the plan changed.' },
  'Care plans, SMARTer planning and the effectiveness of intervention': { strength: 'The plan is specific, timed and reviewed against what has changed for the child.', issue: 'Plan actions carried over unchanged from one review to the next: drift.' },
  'Partnership working and multi-agency meetings and reviews': { strength: 'School and health contribute to every core group and the minutes show it.', issue: 'Health did not attend core groups and nobody followed it up.' },
};
const ACTION_TEXT = [
  'Update the chronology to include the last six months of visits and school reports.',
  'Record the child’s wishes and feelings in their own words in the next plan review.',
  'Hold a core group within ten working days and refresh the plan’s actions and timescales.',
  'Manager to record the decision and rationale for the change of plan on the file.',
  'Invite health to the next core group and escalate if they do not attend.',
];

async function actorFor(db: Db, organisationId: string, userId: string): Promise<Actor> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return { userId, organisationId, displayName: user!.displayName, email: user!.email, roles: roles.map((r) => r.role as Role), teamId: user!.teamId };
}

interface ItemGrades {
  areaId: string;
  criterionId: string;
  /** The case's real quality on this item, which a careful moderator sees. */
  truth: number;
  audit: number;
  self: number | null;
  moderated: number | null;
}

const clamp = (rank: number) => Math.min(4, Math.max(1, rank));

/**
 * One audit's grades by rank: the case's real quality around `level`, the auditor's view of it
 * (a generous auditor a grade better, often) and the practitioner's (a little kinder to
 * themselves). The moderator's are added if the audit is moderated.
 */
function gradeItems(tool: AuditTool, caseType: string, level: number, random: () => number, options: { generous: boolean; selfAssessed: boolean }): ItemGrades[] {
  const items: ItemGrades[] = [];
  for (const area of formAreas(tool, caseType)) {
    const areaLevel = clamp(level + (random() < 0.2 ? (random() < 0.6 ? -1 : 1) : 0));
    for (const item of area.items) {
      // The area as a whole is the area's level; its criteria vary around it.
      const truth = item.criterionId === '' ? areaLevel : clamp(areaLevel + (random() < 0.2 ? (random() < 0.5 ? -1 : 1) : 0));
      const audit = options.generous ? clamp(truth - 1) : random() < 0.06 ? clamp(truth + (random() < 0.5 ? -1 : 1)) : truth;
      const self = options.selfAssessed ? (random() < 0.35 ? clamp(audit - 1) : random() < 0.1 ? clamp(audit + 1) : audit) : null;
      items.push({ areaId: area.id, criterionId: item.criterionId, truth, audit, self, moderated: null });
    }
  }
  return items;
}

/** The proposal the tool makes: the lowest area grade (the highest rank) of the areas as a whole. */
function overall(items: ItemGrades[], pick: (i: ItemGrades) => number | null): number {
  return Math.max(...items.filter((i) => i.criterionId === '').map((i) => pick(i) ?? 1));
}

interface Completion {
  auditId: string;
  organisationId: string;
  tool: AuditTool;
  caseType: string;
  level: number;
  random: () => number;
  auditorId: string;
  practitionerId: string;
  moderatorId: string;
  managerId: string;
  submittedAt: Date;
  today: IsoDate;
  generous: boolean;
  selfAssessed: boolean;
  moderate: boolean;
  childFirstName: string;
  themeIds: Record<string, string>;
  taggedBy: string;
}

/** Rows for every table, written in a few bulk inserts at the end. */
class Batch {
  readonly children: Array<typeof children.$inferInsert> = [];
  readonly audits: Array<typeof audits.$inferInsert> = [];
  readonly responses: Array<typeof responses.$inferInsert> = [];
  readonly events: Array<typeof auditEvents.$inferInsert> = [];
  readonly moderations: Array<typeof moderations.$inferInsert> = [];
  readonly feedback: Array<typeof familyFeedback.$inferInsert> = [];
  readonly themes: Array<typeof auditThemes.$inferInsert> = [];
  readonly actions: Array<typeof actions.$inferInsert> = [];
  readonly actionEvents: Array<typeof actionEvents.$inferInsert> = [];

  async write(db: Db): Promise<void> {
    const chunks = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / 500) }, (_, i) => rows.slice(i * 500, i * 500 + 500));
    for (const rows of chunks(this.children)) await db.insert(children).values(rows);
    for (const rows of chunks(this.audits)) await db.insert(audits).values(rows);
    for (const rows of chunks(this.responses)) await db.insert(responses).values(rows);
    for (const rows of chunks(this.events)) await db.insert(auditEvents).values(rows);
    for (const rows of chunks(this.moderations)) await db.insert(moderations).values(rows);
    for (const rows of chunks(this.feedback)) await db.insert(familyFeedback).values(rows);
    for (const rows of chunks(this.themes)) await db.insert(auditThemes).values(rows);
    for (const rows of chunks(this.actions)) await db.insert(actions).values(rows);
    for (const rows of chunks(this.actionEvents)) await db.insert(actionEvents).values(rows);
  }
}

/**
 * Grades, moderates, themes and sets actions on an allocated audit, as its months would have;
 * returns what the audit row itself records.
 */
function complete(batch: Batch, c: Completion): Partial<typeof audits.$inferInsert> & { auditRank: number; moderatedRank: number | null } {
  const gradeOf = (rank: number) => c.tool.scale.grades.find((g) => g.rank === rank)!.id;
  // A generous auditor is generous about most cases, and about every area of them.
  const items = gradeItems(c.tool, c.caseType, c.level, c.random, { generous: c.generous && c.random() < 0.75, selfAssessed: c.selfAssessed });
  const auditRank = overall(items, (i) => i.audit);
  // Inadequate audits are always moderated (the council's share), others at random. The
  // moderator sees the real quality, give or take: what a generous auditor overstated comes down.
  const moderated = c.moderate || auditRank === 4;
  if (moderated) for (const i of items) i.moderated = c.random() < 0.1 ? clamp(i.truth + (c.random() < 0.5 ? -1 : 1)) : i.truth;
  const moderatedRank = moderated ? overall(items, (i) => i.moderated) : null;
  const at = (days: number) => new Date(c.submittedAt.getTime() + days * 86_400_000);
  const moderatedAt = at(8);

  for (const i of items) {
    batch.responses.push({ auditId: c.auditId, stage: 'audit', areaId: i.areaId, criterionId: i.criterionId, grade: gradeOf(i.audit), evidence: 'Evidence read on the case file and discussed with the worker.', updatedBy: c.auditorId, updatedAt: c.submittedAt });
    if (i.self !== null) batch.responses.push({ auditId: c.auditId, stage: 'self-assessment', areaId: i.areaId, criterionId: i.criterionId, grade: gradeOf(i.self), reason: 'My view before the audit.', updatedBy: c.practitionerId, updatedAt: at(-3) });
    if (i.moderated !== null) batch.responses.push({ auditId: c.auditId, stage: 'moderation', areaId: i.areaId, criterionId: i.criterionId, grade: gradeOf(i.moderated), reason: i.moderated === i.audit ? 'Agreed.' : 'The file does not show this.', updatedBy: c.moderatorId, updatedAt: moderatedAt });
  }
  if (c.selfAssessed) batch.events.push({ auditId: c.auditId, at: at(-3), actorId: c.practitionerId, kind: 'self-assess', detail: { from: 'allocated', to: 'self-assessed' } });
  batch.events.push({ auditId: c.auditId, at: at(-1), actorId: c.auditorId, kind: 'start', detail: { to: 'in-progress' } });
  batch.events.push({ auditId: c.auditId, at: c.submittedAt, actorId: c.auditorId, kind: 'submit', detail: { from: 'in-progress', to: 'submitted' } });
  if (moderated) {
    batch.events.push({ auditId: c.auditId, at: at(0.01), actorId: c.auditorId, kind: 'moderate', detail: { from: 'submitted', to: 'in-moderation', because: auditRank === 4 ? 'inadequate' : 'random' } });
    batch.events.push({ auditId: c.auditId, at: moderatedAt, actorId: c.moderatorId, kind: 'complete-moderation', detail: { from: 'in-moderation', to: 'moderated' } });
    batch.moderations.push({
      auditId: c.auditId,
      moderatorId: c.moderatorId,
      selectedBecause: auditRank === 4 ? 'inadequate' : 'random',
      assignedAt: at(1),
      reflectiveDiscussion: 'We talked through the evidence for each area with the auditor and the worker.',
      overallGrade: gradeOf(moderatedRank!),
      overallReason: moderatedRank === auditRank ? 'The grade stands.' : 'The lowest area grade, on the file as it stands.',
      completedAt: moderatedAt,
    });
  }
  const closedAt = moderated ? at(10) : at(0.02);
  batch.events.push({ auditId: c.auditId, at: closedAt, actorId: c.taggedBy, kind: 'close', detail: { to: 'closed' } });

  // Family feedback after most audits.
  const settled = moderatedRank ?? auditRank;
  if (c.random() < 0.7) {
    const tone = settled <= 2 ? 'good' : settled === 3 ? 'mixed' : 'poor';
    const respondents = c.caseType === 'cla' || c.caseType === 'care-leaver' ? ['child', 'carer'] : ['parent', 'child'];
    for (const respondent of respondents.slice(0, c.random() < 0.5 ? 1 : 2)) {
      const said = SAID[tone][Math.floor(c.random() * SAID[tone].length)]!.replace('{first}', c.childFirstName);
      const rating = Math.min(5, clamp(5 - settled + (c.random() < 0.3 ? 1 : 0)) + (c.random() < 0.5 ? 1 : 0));
      batch.feedback.push({ auditId: c.auditId, respondent, method: c.random() < 0.5 ? 'conversation' : 'phone', whatTheySaid: said, rating, recordedBy: c.auditorId, recordedAt: at(5) });
    }
  } else {
    batch.feedback.push({ auditId: c.auditId, notSoughtReason: NOT_SOUGHT[Math.floor(c.random() * NOT_SOUGHT.length)]!, recordedBy: c.auditorId, recordedAt: at(5) });
  }

  // Themes: what the QA team read across audits.
  const names = Object.keys(THEME_NOTES).filter((n) => c.themeIds[n]);
  for (const name of names.filter(() => c.random() < 0.3).slice(0, 2)) {
    const kind = settled <= 2 ? 'strength' : c.random() < 0.5 ? 'barrier' : 'recurring-issue';
    batch.themes.push({ auditId: c.auditId, themeId: c.themeIds[name]!, kind, note: kind === 'strength' ? THEME_NOTES[name]!.strength : THEME_NOTES[name]!.issue, taggedBy: c.taggedBy, taggedAt: at(12) });
  }

  // Actions when practice needs to improve: 5 working days when inadequate, otherwise four weeks.
  if (settled >= 3) {
    const calendar = englandAndWalesCalendar();
    const agreed = londonDate(c.submittedAt);
    for (let n = 0; n < (settled === 4 ? 2 : 1); n++) {
      const due = settled === 4 ? calendar.addWorkingDays(agreed, 5) : addDays(agreed, 28);
      const ageDays = (Date.parse(c.today) - Date.parse(due)) / 86_400_000;
      const outcome = ageDays > 20 ? (c.random() < 0.85 ? 'signed-off' : 'open') : ageDays > 0 ? (c.random() < 0.5 ? 'signed-off' : c.random() < 0.5 ? 'done' : 'open') : 'open';
      const doneAt = outcome === 'open' ? null : new Date(Date.parse(due) - (c.random() < 0.7 ? 2 : -6) * 86_400_000);
      const signedOffAt = outcome === 'signed-off' && doneAt ? new Date(doneAt.getTime() + 3 * 86_400_000) : null;
      const id = crypto.randomUUID();
      batch.actions.push({
        id,
        organisationId: c.organisationId,
        auditId: c.auditId,
        what: ACTION_TEXT[Math.floor(c.random() * ACTION_TEXT.length)]!,
        ownerId: c.practitionerId,
        dueDate: due,
        priority: settled === 4 ? 'urgent' : 'normal',
        status: outcome,
        toolId: TOOL,
        evidence: doneAt ? 'Done and recorded on the case file.' : null,
        createdBy: c.auditorId,
        createdAt: c.submittedAt,
        doneAt,
        signedOffBy: signedOffAt ? c.managerId : null,
        signedOffAt,
        updatedAt: signedOffAt ?? doneAt ?? c.submittedAt,
      });
      batch.actionEvents.push({ actionId: id, at: c.submittedAt, actorId: c.auditorId, kind: 'created', detail: { dueDate: due } });
      if (doneAt) batch.actionEvents.push({ actionId: id, at: doneAt, actorId: c.practitionerId, kind: 'done' });
      if (signedOffAt) batch.actionEvents.push({ actionId: id, at: signedOffAt, actorId: c.managerId, kind: 'signed-off' });
    }
  }
  return {
    auditRank,
    moderatedRank,
    status: 'closed',
    computedGrade: gradeOf(auditRank),
    finalGrade: gradeOf(auditRank),
    moderatedGrade: moderatedRank === null ? null : gradeOf(moderatedRank),
    moderationSelected: moderated,
    submittedAt: c.submittedAt,
    closedAt,
    noSelfAssessmentReason: c.selfAssessed ? null : 'The worker was on leave before the audit.',
  };
}

export interface DemoInsights {
  audits: string[];
  rehearsalRoundId: string;
}

export async function loadDemoInsights(db: Db, council: DemoCouncil): Promise<DemoInsights> {
  const builtIn = await loadBuiltInCatalogue();
  await syncBuiltInCatalogue(db, builtIn.catalogue, builtIn.sources);
  const orgId = council.organisationId;
  const person = (key: string) => council.people[key]!;
  const random = seededRandom('northbridge-insights');
  const now = new Date();
  const today = londonDate(now);
  const version = (await getPublishedVersion(db, orgId, TOOL)).version;
  const tool = await getAuditToolVersion(db, orgId, TOOL, version);

  const themeRows = await db.select({ id: themes.id, name: themes.name }).from(themes).where(eq(themes.organisationId, orgId));
  const themeIds: Record<string, string> = Object.fromEntries(themeRows.map((t) => [t.name, t.id]));
  for (const name of Object.keys(THEME_NOTES)) {
    if (themeIds[name]) continue;
    const [row] = await db.insert(themes).values({ organisationId: orgId, name }).returning({ id: themes.id });
    themeIds[name] = row!.id;
  }

  const batch = new Batch();
  const outcomes: Array<{ auditId: string; auditor: string; audit: number; moderated: number | null; submittedAt: Date }> = [];
  const teamKeys = Object.keys(TEAMS);
  let n = 0;
  // Fifteen months back to last month, three or four audits a month, quality improving slowly.
  for (let monthsAgo = 15; monthsAgo >= 1; monthsAgo--) {
    const perMonth = 3 + (monthsAgo % 2);
    for (let k = 0; k < perMonth; k++) {
      n++;
      const teamKey = teamKeys[n % teamKeys.length]!;
      const team = TEAMS[teamKey]!;
      const worker = team.workers[n % team.workers.length]!;
      const caseType = team.caseTypes[n % team.caseTypes.length]!;
      const auditors = AUDITORS.filter((a) => team.manager !== a);
      // The generous auditor audits more than her share, so the flag has something to rest on.
      const auditor = random() < 0.3 && team.manager !== GENEROUS ? GENEROUS : auditors[Math.floor(random() * auditors.length)]!;
      const first = FIRST[n % FIRST.length]!;
      const childId = crypto.randomUUID();
      const auditId = crypto.randomUUID();
      batch.children.push({
        id: childId,
        organisationId: orgId,
        childRef: `NB-Q${String(n).padStart(3, '0')}`,
        name: `${first} ${LAST[(n * 7) % LAST.length]}`,
        dateOfBirth: addDays(today, -Math.floor((2 + random() * 14) * 365)),
        caseType,
        teamId: council.teams[teamKey]!,
        workerId: person(worker),
        source: 'manual',
      });
      const submittedAt = new Date(now.getTime() - (monthsAgo * 30.4 - k * 6 - 3) * 86_400_000);
      const allocatedAt = new Date(submittedAt.getTime() - 21 * 86_400_000);
      const allocatedOn = londonDate(allocatedAt);
      batch.events.push({ auditId, at: allocatedAt, actorId: person('qa-officer'), kind: 'allocated', detail: { auditorId: person(auditor) } });
      // Practice improves over the months: fewer cases around Requires improvement and below.
      const level = clamp(Math.round(2.55 - (15 - monthsAgo) * 0.04 + (random() - 0.5) * 1.4));
      const { auditRank, moderatedRank, ...completed } = complete(batch, {
        auditId,
        organisationId: orgId,
        tool,
        caseType,
        level,
        random,
        auditorId: person(auditor),
        practitionerId: person(worker),
        moderatorId: person(n % 3 === 0 ? 'qa-lead' : 'moderator'),
        managerId: person(team.manager),
        submittedAt,
        today,
        generous: auditor === GENEROUS,
        selfAssessed: random() < 0.75,
        moderate: random() < (auditor === GENEROUS ? 0.7 : 0.45),
        childFirstName: first,
        themeIds,
        taggedBy: person('qa-officer'),
      });
      batch.audits.push({
        id: auditId,
        organisationId: orgId,
        childId,
        toolId: TOOL,
        toolVersion: version,
        auditorId: person(auditor),
        practitionerId: person(worker),
        teamId: council.teams[teamKey]!,
        dueDate: addDays(allocatedOn, 28),
        periodStart: addDays(allocatedOn, -182),
        periodEnd: allocatedOn,
        createdBy: person('qa-officer'),
        createdAt: allocatedAt,
        ...completed,
      });
      outcomes.push({ auditId, auditor, audit: auditRank, moderated: moderatedRank, submittedAt });
    }
  }
  // One moderated case a quarter for the senior leadership team.
  outcomes.filter((o) => o.moderated !== null).forEach((o, i) => {
    if (i % 6 === 0) batch.audits.find((a) => a.id === o.auditId)!.markedForSlt = true;
  });
  await batch.write(db);

  // Two disputes about lowered grades, both resolved: one grade upheld, one revised.
  const gradeOf = (rank: number) => tool.scale.grades.find((g) => g.rank === rank)!.id;
  const lowered = outcomes.filter((o) => o.moderated !== null && o.moderated > o.audit).slice(0, 2);
  for (const [i, o] of lowered.entries()) {
    const upheld = i === 0;
    const raisedAt = new Date(o.submittedAt.getTime() + 11 * 86_400_000);
    await db.insert(disputes).values({
      auditId: o.auditId,
      raisedBy: person(o.auditor),
      raisedAt,
      raiserPosition: 'The moderated grade does not reflect the work done since the last review.',
      moderatorPosition: 'The record does not yet show that work.',
      status: 'resolved',
      level: upheld ? 0 : 1,
      stepDueDate: londonDate(new Date(raisedAt.getTime() + 7 * 86_400_000)),
      outcome: upheld ? 'upheld' : 'revised',
      resolvedGrade: gradeOf(upheld ? o.moderated! : o.audit),
      resolvedAt: new Date(raisedAt.getTime() + 6 * 86_400_000),
    });
  }

  const rehearsalRoundId = await demoRehearsal(db, council, tool, themeIds, today, random);
  return { audits: outcomes.map((o) => o.auditId), rehearsalRoundId };
}

/** An inspection rehearsal drawn three weeks ago through the real service, every audit now moderated. */
async function demoRehearsal(db: Db, council: DemoCouncil, tool: AuditTool, themeIds: Record<string, string>, today: IsoDate, random: () => number): Promise<string> {
  const person = (key: string) => council.people[key]!;
  const qa = await actorFor(db, council.organisationId, person('qa-officer'));
  const { roundId } = await startRehearsal(db, qa, { title: 'Autumn rehearsal', toolId: TOOL, caseTypes: ['cin', 'cp', 'cla', 'care-leaver'], sampleSize: 8, auditorIds: AUDITORS.map(person), dueInWorkingDays: 15 }, today);
  const drawnAt = new Date(Date.now() - 21 * 86_400_000);
  await db.update(rounds).set({ drawnAt }).where(eq(rounds.id, roundId));
  const allocated = await db
    .select({ id: audits.id, auditorId: audits.auditorId, practitionerId: audits.practitionerId, teamId: audits.teamId, caseType: children.caseType, name: children.name })
    .from(audits)
    .innerJoin(children, eq(children.id, audits.childId))
    .where(eq(audits.roundId, roundId));
  const managerOf = new Map(Object.entries(TEAMS).map(([key, t]) => [council.teams[key]!, person(t.manager)]));
  const batch = new Batch();
  const updates: Array<{ id: string; values: Partial<typeof audits.$inferInsert> }> = [];
  for (const [i, a] of allocated.entries()) {
    const { auditRank: _a, moderatedRank: _m, ...completed } = complete(batch, {
      auditId: a.id,
      organisationId: council.organisationId,
      tool,
      caseType: a.caseType ?? 'cin',
      level: clamp(Math.round(2.2 + (random() - 0.5) * 1.4)),
      random,
      auditorId: a.auditorId,
      practitionerId: a.practitionerId ?? person('practitioner'),
      moderatorId: person(i % 2 === 0 ? 'moderator' : 'qa-lead'),
      managerId: (a.teamId && managerOf.get(a.teamId)) ?? person('practice-manager'),
      submittedAt: new Date(drawnAt.getTime() + (10 + i) * 86_400_000),
      today,
      generous: a.auditorId === person(GENEROUS),
      selfAssessed: true,
      moderate: true,
      childFirstName: (a.name ?? 'The child').split(' ')[0]!,
      themeIds,
      taggedBy: person('qa-officer'),
    });
    updates.push({ id: a.id, values: { ...completed, createdAt: drawnAt } });
  }
  for (const u of updates) await db.update(audits).set(u.values).where(eq(audits.id, u.id));
  await batch.write(db);
  return roundId;
}
