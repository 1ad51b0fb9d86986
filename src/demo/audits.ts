/**
 * Demo audits for Northbridge: children (references NB-A…) with collaborative audits in every
 * state of the cycle, from allocated to closed, on the three audit tools, with invented grades,
 * evidence, self-assessments, a safeguarding concern, actions, family feedback, learning,
 * moderation and a dispute. Every name and word here is made up.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { addDays, englandAndWalesCalendar, type IsoDate } from '../platform/calendar/index.ts';
import { children } from '../cases/schema.ts';
import { actionEvents, actions } from '../actions/schema.ts';
import {
  auditEvents,
  auditInvitations,
  audits,
  disputes,
  familyFeedback,
  moderations,
  reflectiveLearning,
  responses,
  safeguardingAlertRecipients,
  safeguardingAlerts,
  type AuditStatus,
} from '../audits/schema.ts';
import { safeguardingAlertNotes } from '../audits/stage-one/schema.ts';
import { recipientsForAudit } from '../audits/safeguarding.ts';
import { defaultDueDate, SEED_002_DUE_RULE } from '../actions/due-dates.ts';
import { computedGradeOf, isWorstGrade, workOutJudgement } from '../audits/judgement.ts';
import { formAreas, type FormArea, type ItemAnswer } from '../audits/tool-form.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import { getAuditToolVersion, syncBuiltInCatalogue } from '../standards/versions/service.ts';
import type { AuditTool } from '../standards/schema.ts';
import type { DemoCouncil } from './northbridge.ts';

/** A child with an audit allocated to an auditor, as the QA team's allocation would leave it. */
export interface Allocation {
  organisationId: string;
  childRef: string;
  childName: string;
  dateOfBirth: string;
  caseType: string;
  teamId: string;
  workerId: string | null;
  auditorId: string;
  toolId: string;
  toolVersion: number;
  dueDate: IsoDate;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  createdBy: string | null;
  multiAgency?: boolean;
}

/** Inserts the child (source 'manual') and its allocated audit; returns both ids. */
export async function allocateAudit(db: Db, a: Allocation): Promise<{ auditId: string; childId: string }> {
  const [child] = await db
    .insert(children)
    .values({ organisationId: a.organisationId, childRef: a.childRef, name: a.childName, dateOfBirth: a.dateOfBirth, caseType: a.caseType, teamId: a.teamId, workerId: a.workerId, source: 'manual' })
    .returning({ id: children.id });
  const [audit] = await db
    .insert(audits)
    .values({
      organisationId: a.organisationId,
      childId: child!.id,
      toolId: a.toolId,
      toolVersion: a.toolVersion,
      auditorId: a.auditorId,
      practitionerId: a.workerId,
      teamId: a.teamId,
      dueDate: a.dueDate,
      periodStart: a.periodStart,
      periodEnd: a.periodEnd,
      createdBy: a.createdBy,
      multiAgency: a.multiAgency ?? false,
    })
    .returning({ id: audits.id });
  return { auditId: audit!.id, childId: child!.id };
}

type Quality = 'strong' | 'mixed' | 'weak';

interface Plan {
  ref: string;
  name: string;
  dob: string;
  caseType: 'cin' | 'cp' | 'cla' | 'care-leaver';
  team: string;
  worker: string;
  auditor: string;
  tool: 'practice-audit-tool' | 'multi-agency-cp-audit-tool' | 'west-sussex-what-good-looks-like';
  status: AuditStatus;
  quality: Quality;
  /** Days ago the audit was allocated: later steps follow at fixed intervals. */
  allocatedDaysAgo: number;
  selfAssessed?: boolean;
  /** In progress: how many areas are finished. */
  areasDone?: number;
  concern?: { text: string; acknowledged: boolean };
  partnerAreas?: string[];
  moderation?: { because: 'inadequate' | 'random'; assigned: boolean; revise?: boolean };
  dispute?: boolean;
  /** The auditor departs from the computed grade, with a reason. */
  override?: string;
}

const PLANS: Plan[] = [
  // Waiting for the practitioner's self-assessment.
  { ref: 'NB-A001', name: 'Maisie Fenwold', dob: '2014-03-09', caseType: 'cin', team: 'fst-north', worker: 'practitioner', auditor: 'pm-south', tool: 'practice-audit-tool', status: 'allocated', quality: 'mixed', allocatedDaysAgo: 3 },
  { ref: 'NB-A002', name: 'Rio Ashcombe', dob: '2016-11-21', caseType: 'cp', team: 'fst-south', worker: 'sw-3', auditor: 'practice-manager', tool: 'practice-audit-tool', status: 'allocated', quality: 'mixed', allocatedDaysAgo: 5 },
  { ref: 'NB-A003', name: 'Lila Dunmore', dob: '2019-06-02', caseType: 'cla', team: 'cic', worker: 'sw-5', auditor: 'pm-assessment', tool: 'west-sussex-what-good-looks-like', status: 'allocated', quality: 'strong', allocatedDaysAgo: 2 },
  // Self-assessed, ready for the auditor to start.
  { ref: 'NB-A004', name: 'Theo Marchbank', dob: '2012-01-30', caseType: 'cin', team: 'fst-north', worker: 'practitioner', auditor: 'pm-cic', tool: 'practice-audit-tool', status: 'self-assessed', quality: 'strong', allocatedDaysAgo: 9, selfAssessed: true },
  { ref: 'NB-A005', name: 'Zara Holloway', dob: '2015-08-14', caseType: 'cp', team: 'assessment', worker: 'sw-4', auditor: 'practice-manager', tool: 'practice-audit-tool', status: 'self-assessed', quality: 'mixed', allocatedDaysAgo: 8, selfAssessed: true },
  // In progress: partly graded, one with a safeguarding concern waiting for the managers.
  {
    ref: 'NB-A006',
    name: 'Kai Brennock',
    dob: '2017-04-27',
    caseType: 'cp',
    team: 'fst-north',
    worker: 'practitioner',
    auditor: 'pm-south',
    tool: 'practice-audit-tool',
    status: 'in-progress',
    quality: 'weak',
    allocatedDaysAgo: 12,
    selfAssessed: true,
    areasDone: 3,
    concern: { text: 'The case file records two unexplained bruises seen by nursery staff last week. No strategy discussion has been held and the child has not been seen since. The child may be at risk now.', acknowledged: false },
  },
  { ref: 'NB-A007', name: 'Ellis Kerrigan', dob: '2011-09-05', caseType: 'cla', team: 'cic', worker: 'sw-5', auditor: 'practice-manager', tool: 'practice-audit-tool', status: 'in-progress', quality: 'mixed', allocatedDaysAgo: 14, selfAssessed: true, areasDone: 2 },
  { ref: 'NB-A008', name: 'Poppy Alderwick', dob: '2018-02-18', caseType: 'cp', team: 'fst-north', worker: 'sw-2', auditor: 'pm-south', tool: 'multi-agency-cp-audit-tool', status: 'in-progress', quality: 'mixed', allocatedDaysAgo: 15, areasDone: 4, partnerAreas: ['4', '5'] },
  { ref: 'NB-A009', name: 'Jasper Quennell', dob: '2013-12-11', caseType: 'cin', team: 'mash', worker: 'sw-6', auditor: 'pm-leaving', tool: 'west-sussex-what-good-looks-like', status: 'in-progress', quality: 'strong', allocatedDaysAgo: 10, areasDone: 3 },
  // Submitted, waiting for moderation selection.
  { ref: 'NB-A010', name: 'Amelie Strand', dob: '2010-07-23', caseType: 'care-leaver', team: 'leaving-care', worker: 'pa-1', auditor: 'pm-assessment', tool: 'practice-audit-tool', status: 'submitted', quality: 'strong', allocatedDaysAgo: 25, selfAssessed: true },
  { ref: 'NB-A011', name: 'Noah Pellow', dob: '2016-05-16', caseType: 'cp', team: 'fst-south', worker: 'sw-3', auditor: 'pm-mash', tool: 'multi-agency-cp-audit-tool', status: 'submitted', quality: 'weak', allocatedDaysAgo: 22, selfAssessed: true },
  { ref: 'NB-A012', name: 'Isla Treharne', dob: '2014-10-08', caseType: 'cin', team: 'assessment', worker: 'sw-4', auditor: 'pm-cic', tool: 'west-sussex-what-good-looks-like', status: 'submitted', quality: 'mixed', allocatedDaysAgo: 20, override: 'The indicators ticked are mostly at Good, but the plan has not been reviewed since the family moved and the child’s view is missing from the last two visits: Requires improvement is the fairer grade.' },
  // In moderation: one with the moderator, one waiting in the pool.
  { ref: 'NB-A013', name: 'Freddie Caldwell', dob: '2012-03-19', caseType: 'cp', team: 'fst-north', worker: 'sw-2', auditor: 'pm-cic', tool: 'practice-audit-tool', status: 'in-moderation', quality: 'weak', allocatedDaysAgo: 30, selfAssessed: true, moderation: { because: 'inadequate', assigned: true }, concern: { text: 'The child told the auditor’s evidence review (school report on file) that they are afraid to go home; this was not followed up. Escalated for an urgent visit.', acknowledged: true } },
  { ref: 'NB-A014', name: 'Hollie Varga', dob: '2017-01-07', caseType: 'cla', team: 'cic', worker: 'sw-5', auditor: 'pm-south', tool: 'practice-audit-tool', status: 'in-moderation', quality: 'mixed', allocatedDaysAgo: 28, selfAssessed: true, moderation: { because: 'random', assigned: false } },
  // Moderated: one agreed, one revised.
  { ref: 'NB-A015', name: 'Oscar Lindqvist', dob: '2011-04-12', caseType: 'cin', team: 'mash', worker: 'sw-6', auditor: 'practice-manager', tool: 'practice-audit-tool', status: 'moderated', quality: 'strong', allocatedDaysAgo: 45, selfAssessed: true, moderation: { because: 'random', assigned: true } },
  { ref: 'NB-A016', name: 'Ruby Okonjo', dob: '2015-09-29', caseType: 'cp', team: 'assessment', worker: 'sw-4', auditor: 'pm-leaving', tool: 'multi-agency-cp-audit-tool', status: 'moderated', quality: 'mixed', allocatedDaysAgo: 50, selfAssessed: true, moderation: { because: 'random', assigned: true, revise: true } },
  // Disputed: the auditor challenges the moderated grade.
  { ref: 'NB-A017', name: 'Finley Arkwright', dob: '2013-06-25', caseType: 'cla', team: 'cic', worker: 'sw-5', auditor: 'pm-mash', tool: 'practice-audit-tool', status: 'disputed', quality: 'mixed', allocatedDaysAgo: 55, selfAssessed: true, moderation: { because: 'random', assigned: true, revise: true }, dispute: true },
  // Closed: after moderation, or straight after submission when not sampled.
  { ref: 'NB-A018', name: 'Evie Saltmarsh', dob: '2012-12-02', caseType: 'cin', team: 'fst-south', worker: 'sw-3', auditor: 'pm-assessment', tool: 'practice-audit-tool', status: 'closed', quality: 'strong', allocatedDaysAgo: 80, selfAssessed: true, moderation: { because: 'random', assigned: true } },
  { ref: 'NB-A019', name: 'Leo Haverford', dob: '2009-02-14', caseType: 'care-leaver', team: 'leaving-care', worker: 'pa-1', auditor: 'pm-cic', tool: 'west-sussex-what-good-looks-like', status: 'closed', quality: 'mixed', allocatedDaysAgo: 75 },
  { ref: 'NB-A020', name: 'Mila Cranfield', dob: '2018-08-30', caseType: 'cp', team: 'fst-north', worker: 'practitioner', auditor: 'pm-mash', tool: 'practice-audit-tool', status: 'closed', quality: 'mixed', allocatedDaysAgo: 90, selfAssessed: true },
  { ref: 'NB-A021', name: 'Arlo Penhallow', dob: '2014-05-03', caseType: 'cp', team: 'mash', worker: 'sw-6', auditor: 'pm-south', tool: 'multi-agency-cp-audit-tool', status: 'closed', quality: 'strong', allocatedDaysAgo: 100, selfAssessed: true },
  { ref: 'NB-A022', name: 'Nell Whitcombe', dob: '2016-10-17', caseType: 'cla', team: 'cic', worker: 'sw-5', auditor: 'practice-manager', tool: 'practice-audit-tool', status: 'closed', quality: 'strong', allocatedDaysAgo: 110, selfAssessed: true, moderation: { because: 'random', assigned: true } },
  // Cancelled: the child's case closed before the audit.
  { ref: 'NB-A023', name: 'Caleb Rosewarne', dob: '2013-03-28', caseType: 'cin', team: 'assessment', worker: 'sw-4', auditor: 'pm-leaving', tool: 'practice-audit-tool', status: 'cancelled', quality: 'mixed', allocatedDaysAgo: 35 },
];

/** Each team's manager: the practitioners' line manager, who signs their actions off. */
const TEAM_MANAGER: Record<string, string> = {
  'fst-north': 'practice-manager',
  'fst-south': 'pm-south',
  assessment: 'pm-assessment',
  cic: 'pm-cic',
  'leaving-care': 'pm-leaving',
  mash: 'pm-mash',
};

const EVIDENCE = [
  'Case notes from the last three home visits record the child seen alone, with their views written in their own words.',
  'The chronology was updated after the core group meeting and shows the pattern of missed health appointments.',
  'Supervision records show the manager set clear actions with timescales and checked them at the next session.',
  'Strategy discussion minutes record police and health contributions and a clear rationale for the decision.',
  'The assessment draws on school and health information, but the father’s views are not recorded.',
  'Visits are within timescale, but the purpose of each visit is not linked to the plan.',
  'The plan has been reviewed twice; its actions are specific, but two have no named person.',
  'Direct work sheets (three houses) are on file and quoted in the assessment analysis.',
];
const WORKING_WELL = [
  'The child has a trusted relationship with the worker and says they feel listened to.',
  'Good communication with the school: attendance has risen since the plan started.',
  'Direct work tools are used well and the child’s words shape the plan.',
  'Management oversight is visible at each decision point.',
];
const WORRIES = [
  'The impact of the mother’s mental health on her parenting is not analysed.',
  'Drift between the last two reviews: actions were carried over without progress.',
  'The genogram is out of date and does not show the new partner in the household.',
  'Contingency planning is not clear if the current arrangement breaks down.',
];
const NEXT_STEPS = [
  'Update the genogram and chronology before the next review.',
  'Hold a core group meeting within ten working days to refresh the plan.',
  'Manager to review the contingency plan in supervision this month.',
  'Seek the father’s views and record them in the assessment.',
];
const REFLECTIONS = [
  'I think my direct work shows the child’s voice clearly, but my analysis could be sharper.',
  'Visits have been regular; I have not always linked them to the plan.',
  'The chronology needs updating: I know it is behind.',
  'Supervision has helped me keep the plan on track.',
];
const LEARNING: Record<string, string[]> = {
  auditor: ['Auditing a case from another team showed me how differently we record management decisions.', 'Looking at six months of work at once made the drift obvious in a way a single supervision does not.'],
  practitioner: ['Talking the case through with the auditor helped me see what a good analysis section looks like.', 'I will record why each visit happens and what it is for.'],
  moderator: ['The conversation was most useful where the auditor and worker disagreed about the plan.'],
};
const ACTIONS = [
  'Update the chronology and genogram with the events of the last six months.',
  'Hold a core group meeting and agree a refreshed, SMART plan with the family.',
  'See the child alone and record their wishes and feelings before the review.',
  'Manager to review the contingency plan in supervision and record the decision.',
];

/** Deterministic choices, so every demo load reads the same. */
function picker(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]! };
}

const RANKS: Record<Quality, number[]> = { strong: [1, 2, 2, 2], mixed: [2, 2, 3, 3], weak: [3, 3, 4, 4] };

function gradeFor(tool: AuditTool, quality: Quality, rng: ReturnType<typeof picker>): string {
  const wanted = rng.pick(RANKS[quality]);
  const grades = tool.scale.grades;
  // Scales differ in length (Good, Requires improvement, Inadequate has three): keep within it.
  return (grades.find((g) => g.rank === wanted) ?? grades.at(-1)!).id;
}

/** Ticks that fit the area grade: most features at and below its level, few above. */
function ticksFor(tool: AuditTool, area: FormArea, grade: string, rng: ReturnType<typeof picker>): Record<string, number[]> {
  const rank = tool.scale.grades.find((g) => g.id === grade)!.rank;
  const evident: Record<string, number[]> = {};
  for (const group of area.featureGroups) {
    const level = tool.scale.grades.find((g) => g.id === group.grade)!.rank;
    const worst = level === tool.scale.grades.length;
    const share = worst ? (rank === level ? 0.6 : 0) : level === rank ? 0.85 : level > rank ? 1 : 0.3;
    evident[group.grade] = group.features.map((_, i) => i).filter(() => rng.next() < share);
  }
  return evident;
}

interface Filled {
  rows: Array<typeof responses.$inferInsert>;
  areaLevel: Map<string, ItemAnswer>;
}

function fillStage(tool: AuditTool, auditId: string, areas: FormArea[], stage: 'audit' | 'self-assessment', quality: Quality, rng: ReturnType<typeof picker>, userId: string, at: Date): Filled {
  const rows: Array<typeof responses.$inferInsert> = [];
  const areaLevel = new Map<string, ItemAnswer>();
  for (const area of areas) {
    for (const item of area.items) {
      const grade = gradeFor(tool, quality, rng);
      const answer: ItemAnswer = {
        grade,
        evidence: stage === 'audit' ? rng.pick(EVIDENCE) : null,
        workingWell: stage === 'audit' && item.index === 0 ? rng.pick(WORKING_WELL) : null,
        worries: stage === 'audit' && item.index === 0 ? rng.pick(WORRIES) : null,
        nextSteps: stage === 'audit' && item.index === 0 ? rng.pick(NEXT_STEPS) : null,
        reason: stage === 'self-assessment' ? rng.pick(REFLECTIONS) : null,
        featuresEvident: stage === 'audit' && item.index === 0 && area.featureGroups.length ? ticksFor(tool, area, grade, rng) : null,
      };
      if (item.index === 0) areaLevel.set(area.id, answer);
      rows.push({ auditId, stage, areaId: area.id, criterionId: item.criterionId, ...answer, updatedBy: userId, updatedAt: at });
    }
  }
  return { rows, areaLevel };
}

/** Judgement flags that fit the quality of the work (seed 003's questions). */
function flagsFor(tool: AuditTool, quality: Quality): Record<string, boolean> {
  if (tool.judgement.type !== 'rule-based') return {};
  const answers: Record<string, boolean> = {
    'significant-failure-affecting-safety': false,
    'significant-failings': quality === 'weak',
    'effectively-safeguarded': quality === 'strong',
    safeguarded: quality !== 'weak',
  };
  return Object.fromEntries(tool.judgement.flags.map((f) => [f.id, answers[f.id] ?? false]));
}

const ORDER: AuditStatus[] = ['allocated', 'self-assessed', 'in-progress', 'submitted', 'in-moderation', 'moderated', 'disputed', 'closed'];
const reached = (plan: Plan, status: AuditStatus) => plan.status !== 'cancelled' && ORDER.indexOf(plan.status) >= ORDER.indexOf(status);

export interface DemoAudits {
  /** Audit id by child reference (NB-A…). */
  audits: Record<string, string>;
}

export async function loadDemoAudits(db: Db, council: DemoCouncil): Promise<DemoAudits> {
  // The demo loads before the web application syncs the catalogue; audits need their tools.
  const builtIn = await loadBuiltInCatalogue();
  await syncBuiltInCatalogue(db, builtIn.catalogue, builtIn.sources);
  const orgId = council.organisationId;
  const person = (key: string) => council.people[key]!;
  const tools = new Map<string, AuditTool>();
  for (const id of new Set(PLANS.map((p) => p.tool))) tools.set(id, await getAuditToolVersion(db, orgId, id, 1));
  const calendar = englandAndWalesCalendar();
  const today = londonDate(new Date());
  const ids: Record<string, string> = {};

  await db.transaction(async (tx) => {
    for (const [n, plan] of PLANS.entries()) {
      const rng = picker(n * 7919 + 17);
      const tool = tools.get(plan.tool)!;
      const day = (offset: number): IsoDate => addDays(today, offset - plan.allocatedDaysAgo);
      const time = (offset: number, hour = 10): Date => new Date(`${day(offset)}T${String(hour).padStart(2, '0')}:00:00Z`);
      const auditorId = person(plan.auditor);
      const workerId = person(plan.worker);
      const { auditId, childId } = await allocateAudit(tx, {
        organisationId: orgId,
        childRef: plan.ref,
        childName: plan.name,
        dateOfBirth: plan.dob,
        caseType: plan.caseType,
        teamId: council.teams[plan.team]!,
        workerId,
        auditorId,
        toolId: plan.tool,
        toolVersion: tool.version,
        dueDate: calendar.addWorkingDays(day(0), 20),
        periodStart: addDays(day(0), -182),
        periodEnd: day(0),
        createdBy: person('qa-officer'),
        multiAgency: tool.multiAgency,
      });
      ids[plan.ref] = auditId;
      const areas = formAreas(tool, plan.caseType);
      let version = 1;
      const events: Array<typeof auditEvents.$inferInsert> = [{ auditId, actorId: person('qa-officer'), kind: 'allocated', detail: { version }, at: time(0, 9) }];
      const event = (kind: string, actorId: string, at: Date, detail: Record<string, unknown> = {}, bumps = true) => {
        if (bumps) version += 1;
        events.push({ auditId, actorId, kind, at, detail: bumps ? { ...detail, version } : detail });
      };
      const changes: Partial<typeof audits.$inferInsert> = {};

      if (plan.selfAssessed) {
        const self = fillStage(tool, auditId, areas, 'self-assessment', plan.quality === 'weak' ? 'mixed' : plan.quality, rng, workerId, time(2));
        await tx.insert(responses).values(self.rows);
        event('self-assess', workerId, time(3), { from: 'allocated', to: 'self-assessed' });
      }
      if (plan.status === 'cancelled') {
        event('cancel', person('qa-officer'), time(4), { from: 'allocated', to: 'cancelled', reason: 'The case closed before the audit.' });
      }

      if (reached(plan, 'in-progress')) {
        const started = time(5);
        changes.periodStart = addDays(day(5), -182);
        changes.periodEnd = day(5);
        if (!plan.selfAssessed) changes.noSelfAssessmentReason = 'The practitioner was on leave in the week before the audit; we agreed to go ahead together.';
        event('start', auditorId, started, { from: plan.selfAssessed ? 'self-assessed' : 'allocated', to: 'in-progress', withoutSelfAssessment: !plan.selfAssessed });
        const done = plan.status === 'in-progress' ? areas.slice(0, plan.areasDone ?? 0) : areas;
        const audit = fillStage(tool, auditId, done, 'audit', plan.quality, rng, auditorId, started);
        if (audit.rows.length) await tx.insert(responses).values(audit.rows);
        for (const area of done) event('area-saved', auditorId, time(5, 11), { area: area.id, autosave: false });
        if (plan.status === 'in-progress' && areas[done.length]) {
          // The next area started but not finished, as a draft is left.
          const next = areas[done.length]!;
          await tx.insert(responses).values({ auditId, stage: 'audit', areaId: next.id, criterionId: next.items[1]?.criterionId ?? '', grade: null, evidence: rng.pick(EVIDENCE), updatedBy: auditorId, updatedAt: time(5, 12) });
          event('area-saved', auditorId, time(5, 12), { area: next.id, autosave: true });
        }
        if (plan.partnerAreas) {
          await tx.insert(auditInvitations).values({ auditId, userId: person('partner'), areaIds: plan.partnerAreas, invitedBy: person('qa-officer'), invitedAt: time(4) });
          event('partner-invited', person('qa-officer'), time(4), { areas: plan.partnerAreas }, false);
        }

        if (plan.concern) {
          const recipients = await recipientsForAudit(tx, { organisationId: orgId, teamId: council.teams[plan.team]!, practitionerId: workerId });
          const [alert] = await tx
            .insert(safeguardingAlerts)
            .values({ organisationId: orgId, auditId, childId, raisedBy: auditorId, raisedAt: time(5, 11), concern: plan.concern.text })
            .returning({ id: safeguardingAlerts.id });
          await tx.insert(safeguardingAlertRecipients).values(
            recipients.map((r) => ({
              alertId: alert!.id,
              userId: r.userId,
              relationship: r.relationship,
              ...(plan.concern!.acknowledged ? { acknowledgedAt: time(6, 9), acknowledgement: 'Visited the child with the practitioner the same day; a strategy discussion is booked and the plan updated.' } : {}),
            })),
          );
          if (plan.concern.acknowledged) {
            await tx.insert(safeguardingAlertNotes).values({ alertId: alert!.id, authorId: workerId, note: 'Strategy discussion held; section 47 enquiry started. The child is staying with their grandmother meanwhile.', at: time(8) });
          }
          changes.safeguardingConcern = true;
          event('safeguarding-raised', auditorId, time(5, 11), { alertId: alert!.id, recipients: recipients.map((r) => r.userId) }, false);
          if (plan.concern.acknowledged) for (const r of recipients) event('safeguarding-acknowledged', r.userId, time(6, 9), { alertId: alert!.id }, false);
        }
      }

      if (reached(plan, 'submitted')) {
        const inputs = { flags: flagsFor(tool, plan.quality), notApplicable: [] as string[] };
        const areaLevel = new Map(areas.map((a) => [a.id, undefined as ItemAnswer | undefined]));
        const saved = await tx.select().from(responses).where(eq(responses.auditId, auditId));
        for (const row of saved) {
          if (row.stage === 'audit' && row.criterionId === '') {
            areaLevel.set(row.areaId, { grade: row.grade, evidence: row.evidence, workingWell: null, worries: null, nextSteps: null, reason: null, featuresEvident: row.featuresEvident as Record<string, number[]> | null });
          }
        }
        const basis = workOutJudgement(tool, areas, areaLevel, inputs);
        const computed = computedGradeOf(basis);
        const grades = [...areaLevel.values()].map((a) => a?.grade).filter((g): g is string => Boolean(g));
        const mostCommon = grades.sort((a, b) => grades.filter((g) => g === b).length - grades.filter((g) => g === a).length)[0]!;
        const overridden = plan.override ? tool.scale.grades.find((g) => g.rank === (tool.scale.grades.find((x) => x.id === (computed ?? mostCommon))!.rank + 1))?.id : undefined;
        const finalGrade = overridden ?? computed ?? mostCommon;
        Object.assign(changes, {
          judgementInputs: inputs,
          computedGrade: computed,
          finalGrade,
          overrideReason: plan.override ?? (computed === null ? 'Most areas show this grade, and the evidence across the file supports it.' : null),
          submittedAt: time(6, 15),
        });
        event('judgement-confirmed', auditorId, time(6, 14), { computedGrade: computed, finalGrade, overridden: computed !== null && computed !== finalGrade });

        const urgent = Boolean(plan.concern) || isWorstGrade(tool, finalGrade);
        const due = defaultDueDate(day(6), { safeguardingConcern: urgent }, SEED_002_DUE_RULE, calendar);
        const count = plan.quality === 'strong' ? 1 : 2;
        for (let i = 0; i < count; i++) {
          const closed = plan.status === 'closed';
          const [action] = await tx
            .insert(actions)
            .values({
              organisationId: orgId,
              childId,
              auditId,
              toolId: plan.tool,
              what: ACTIONS[(n + i) % ACTIONS.length]!,
              ownerId: workerId,
              dueDate: due,
              priority: urgent ? 'urgent' : 'normal',
              status: closed ? 'signed-off' : 'open',
              evidence: closed ? 'Done and recorded on the child’s file.' : null,
              createdBy: auditorId,
              createdAt: time(6, 13),
              ...(closed ? { doneAt: time(20), signedOffAt: time(21), signedOffBy: person(TEAM_MANAGER[plan.team]!) } : {}),
            })
            .returning({ id: actions.id });
          await tx.insert(actionEvents).values([
            { actionId: action!.id, actorId: auditorId, kind: 'created', at: time(6, 13), detail: { auditId, dueDate: due, priority: urgent ? 'urgent' : 'normal' } },
            ...(closed
              ? [
                  { actionId: action!.id, actorId: workerId, kind: 'done', at: time(20), detail: {} },
                  { actionId: action!.id, actorId: person(TEAM_MANAGER[plan.team]!), kind: 'signed-off', at: time(21), detail: {} },
                ]
              : []),
          ]);
          event('action-agreed', auditorId, time(6, 13), { actionId: action!.id, dueDate: due, urgent }, false);
        }
        event('submit', auditorId, time(6, 15), { from: 'in-progress', to: 'submitted' });

        await tx.insert(familyFeedback).values(
          plan.quality === 'weak'
            ? { auditId, notSoughtReason: 'The family asked for time after the strategy discussion; the worker will ask again at the next visit.', recordedBy: auditorId, recordedAt: time(7) }
            : { auditId, respondent: n % 2 ? 'parent' : 'child', method: n % 2 ? 'phone' : 'face-to-face', whatTheySaid: n % 2 ? 'Mum said the worker listens and explains things, but meetings are often rearranged.' : 'They said their worker is "alright" and they like the visits to the park.', rating: n % 2 ? 4 : 5, recordedBy: auditorId, recordedAt: time(7) },
        );
        event('family-feedback', auditorId, time(7), { sought: plan.quality !== 'weak' }, false);
        await tx.insert(reflectiveLearning).values([
          { auditId, userId: auditorId, participation: 'auditor', learning: rng.pick(LEARNING.auditor!), recordedAt: time(6, 16) },
          { auditId, userId: workerId, participation: 'practitioner', learning: rng.pick(LEARNING.practitioner!), recordedAt: time(7, 11) },
        ]);
        event('learning-recorded', auditorId, time(6, 16), { participation: 'auditor' }, false);
        event('learning-recorded', workerId, time(7, 11), { participation: 'practitioner' }, false);

        if (plan.moderation && reached(plan, 'in-moderation')) {
          const moderatorId = plan.moderation.assigned ? person('moderator') : null;
          const complete = reached(plan, 'moderated');
          const revised = plan.moderation.revise ? tool.scale.grades.find((g) => g.rank === tool.scale.grades.find((x) => x.id === finalGrade)!.rank + 1)?.id ?? finalGrade : finalGrade;
          await tx.insert(moderations).values({
            auditId,
            moderatorId,
            selectedBecause: plan.moderation.because,
            assignedAt: time(8),
            ...(complete
              ? {
                  reflectiveDiscussion: 'We talked through the plan with the worker and the auditor. The worker described the direct work in more detail than the file shows; we agreed the recording needs to catch up with the practice.',
                  overallGrade: revised,
                  overallReason: revised === finalGrade ? 'The evidence supports the auditor’s grades.' : 'The plan lacks a contingency and two visits were late: the file does not yet show the grade the auditor gave.',
                  completedAt: time(12),
                }
              : {}),
          });
          event('moderate', person('qa-officer'), time(8), { from: 'submitted', to: 'in-moderation', selectedBecause: plan.moderation.because });
          if (complete) {
            await tx.insert(responses).values(
              areas.map((a) => ({
                auditId,
                stage: 'moderation' as const,
                areaId: a.id,
                criterionId: '',
                grade: revised === finalGrade ? areaLevel.get(a.id)?.grade ?? null : revised,
                reason: revised === finalGrade ? 'Agreed.' : 'Revised after the reflective discussion.',
                updatedBy: person('moderator'),
                updatedAt: time(12),
              })),
            );
            changes.moderatedGrade = revised;
            events.push({ auditId, actorId: person('moderator'), kind: 'learning-recorded', at: time(12, 11), detail: { participation: 'moderator' } });
            await tx.insert(reflectiveLearning).values({ auditId, userId: person('moderator'), participation: 'moderator', learning: LEARNING.moderator![0]!, recordedAt: time(12, 11) });
            event('complete-moderation', person('moderator'), time(12), { from: 'in-moderation', to: 'moderated', moderatedGrade: revised });
          }
          changes.moderationSelected = true;
        }
        if (plan.dispute) {
          await tx.insert(disputes).values({
            auditId,
            raisedBy: auditorId,
            raisedAt: time(14),
            raiserPosition: 'The moderated grade does not weigh the improvement in the last two months, which the child’s school confirms.',
            moderatorPosition: 'The improvement is recent and not yet recorded in the plan; the grade should stand until it is.',
            status: 'open',
            level: 0,
            stepDueDate: calendar.addWorkingDays(day(14), 10),
          });
          event('dispute', auditorId, time(14), { from: 'moderated', to: 'disputed' });
        }
        if (plan.status === 'closed') {
          event('close', person('qa-officer'), time(plan.moderation ? 24 : 10), { from: plan.moderation ? 'moderated' : 'submitted', to: 'closed' });
          changes.closedAt = time(plan.moderation ? 24 : 10);
        }
      }

      await tx.insert(auditEvents).values(events);
      await tx
        .update(audits)
        .set({ ...changes, status: plan.status, version })
        .where(eq(audits.id, auditId));
    }
  });
  return { audits: ids };
}
