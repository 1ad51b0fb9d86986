/**
 * Demo records for the audit programme (Northbridge, invented): the programmes of seed 002's QA
 * activity table, cases added by hand (references NB-P…), a round drawn and allocated, another
 * drawn and waiting, moderations with revised grades, an open and an escalated dispute, and
 * themes tagged with one case chosen for the senior leadership team. Everything goes through the
 * same services the pages use, so the demo shows what they record. Every name here is made up.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import type { Role } from '../platform/auth/roles.ts';
import { addMonths, englandAndWalesCalendar, type IsoDate } from '../platform/calendar/index.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { userRoles, users } from '../org/schema.ts';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import { getAuditToolVersion, getPublishedVersion, syncBuiltInCatalogue } from '../standards/versions/service.ts';
import type { AuditTool } from '../standards/schema.ts';
import { auditEvents, audits, moderations, responses } from '../audits/schema.ts';
import { formAreas } from '../audits/tool-form.ts';
import { addCase } from '../cases/manual/service.ts';
import { createProgramme, type ProgrammeInput } from '../audits/programme/service.ts';
import { allocateRound, drawRound } from '../audits/programme/rounds.ts';
import { loadModeration, saveModeration } from '../audits/moderation/service.ts';
import type { ModerationForm } from '../audits/moderation/form.ts';
import { raiseDispute, recordOutcome, statePosition, updateChain } from '../audits/disputes/service.ts';
import { addTheme, closeAudit, markForSlt, tagAudit } from '../audits/themes/service.ts';
import type { DemoCouncil } from './northbridge.ts';

/**
 * Seed 002, "What activities will be quality assured?": the core areas of practice the annual
 * schedule measures. The themed schedule runs through them over twelve months.
 */
export const CORE_AREAS = [
  'Assessments of need, harm and risk',
  'Care plans, SMARTer planning and the effectiveness of intervention',
  'The voice of the child and direct work',
  'Relationships with children, families and their wider network',
  'Partnership working and multi-agency meetings and reviews',
  'Report writing and case recording',
  'Management oversight and decision making, including supervision',
] as const;

/** The twelve months from `startsOn`, each with a core area in turn. */
export function themedSchedule(startsOn: IsoDate): Array<{ month: string; theme: string }> {
  return Array.from({ length: 12 }, (_, i) => ({ month: addMonths(startsOn, i).slice(0, 7), theme: CORE_AREAS[i % CORE_AREAS.length]! }));
}

const CASES: Array<{ ref: string; name: string; dob: string; team: string; worker: string; caseType: 'cin' | 'cp' | 'cla' | 'care-leaver' }> = [
  { ref: 'NB-P001', name: 'Aiden Brackley', dob: '2013-02-11', team: 'fst-north', worker: 'practitioner', caseType: 'cin' },
  { ref: 'NB-P002', name: 'Bella Corran', dob: '2017-07-03', team: 'fst-north', worker: 'sw-2', caseType: 'cp' },
  { ref: 'NB-P003', name: 'Cian Delamere', dob: '2015-10-19', team: 'fst-south', worker: 'sw-3', caseType: 'cp' },
  { ref: 'NB-P004', name: 'Darcy Ellwood', dob: '2011-04-27', team: 'fst-south', worker: 'sw-3', caseType: 'cin' },
  { ref: 'NB-P005', name: 'Esme Farrant', dob: '2019-01-08', team: 'assessment', worker: 'sw-4', caseType: 'cin' },
  { ref: 'NB-P006', name: 'Felix Gorran', dob: '2016-06-14', team: 'assessment', worker: 'sw-4', caseType: 'cp' },
  { ref: 'NB-P007', name: 'Gracie Hebden', dob: '2012-09-30', team: 'cic', worker: 'sw-5', caseType: 'cla' },
  { ref: 'NB-P008', name: 'Harvey Ilsley', dob: '2014-12-05', team: 'cic', worker: 'sw-5', caseType: 'cla' },
  { ref: 'NB-P009', name: 'Ivy Jessop', dob: '2007-03-22', team: 'leaving-care', worker: 'pa-1', caseType: 'care-leaver' },
  { ref: 'NB-P010', name: 'Jude Kellaway', dob: '2006-08-16', team: 'leaving-care', worker: 'pa-1', caseType: 'care-leaver' },
  { ref: 'NB-P011', name: 'Kit Lomax', dob: '2018-05-29', team: 'mash', worker: 'sw-6', caseType: 'cin' },
  { ref: 'NB-P012', name: 'Lottie Marwood', dob: '2013-11-02', team: 'mash', worker: 'sw-6', caseType: 'cp' },
  { ref: 'NB-P013', name: 'Milo Northcott', dob: '2010-02-17', team: 'fst-north', worker: 'sw-2', caseType: 'cla' },
  { ref: 'NB-P014', name: 'Nia Oakden', dob: '2015-08-09', team: 'fst-south', worker: 'sw-3', caseType: 'cin' },
  { ref: 'NB-P015', name: 'Olly Pennock', dob: '2017-03-12', team: 'assessment', worker: 'sw-4', caseType: 'cin' },
  { ref: 'NB-P016', name: 'Pippa Quarrie', dob: '2011-06-24', team: 'cic', worker: 'sw-5', caseType: 'cla' },
  // For the moderation, dispute and stage 3 examples.
  { ref: 'NB-P101', name: 'Quinn Radley', dob: '2014-01-15', team: 'fst-south', worker: 'sw-3', caseType: 'cp' },
  { ref: 'NB-P102', name: 'Rosa Sedgwick', dob: '2016-04-21', team: 'fst-north', worker: 'practitioner', caseType: 'cin' },
  { ref: 'NB-P103', name: 'Sonny Tattersall', dob: '2012-07-07', team: 'fst-north', worker: 'practitioner', caseType: 'cp' },
  { ref: 'NB-P104', name: 'Tilly Upcott', dob: '2013-09-13', team: 'cic', worker: 'sw-5', caseType: 'cla' },
  { ref: 'NB-P105', name: 'Umar Vexley', dob: '2015-12-01', team: 'assessment', worker: 'sw-4', caseType: 'cin' },
];

const EVIDENCE = [
  'Visit records for the last four months show the child seen alone each time, with their words quoted.',
  'The chronology stops in the spring; the two moves since then are only in case notes.',
  'Supervision notes record the decision to step down and the reasons, signed by the manager.',
  'The plan names who does what, but three actions have no date.',
  'School, health and the family’s GP contributed to the assessment, and their views are weighed.',
  'The worker used a three-houses sheet with the child; it is on file and shaped the plan.',
];

/** Grades by rank pattern: most items at the middle of the scale, a few either side. */
const PATTERN = [2, 3, 2, 2, 3, 1, 2, 3];

async function actorFor(db: Db, organisationId: string, userId: string): Promise<Actor> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return { userId, organisationId, displayName: user!.displayName, email: user!.email, roles: roles.map((r) => r.role as Role), teamId: user!.teamId };
}

/** An audit whose stage 1 is finished and which waits in the moderation pool. */
async function auditInModeration(
  db: Db,
  tool: AuditTool,
  toolVersion: number,
  c: { childId: string; teamId: string; workerId: string; caseType: string },
  auditorId: string,
  qaId: string,
  organisationId: string,
  today: IsoDate,
  finalGrade: string,
): Promise<string> {
  const calendar = englandAndWalesCalendar();
  const started = addMonths(today, -1);
  const [audit] = await db
    .insert(audits)
    .values({
      organisationId,
      childId: c.childId,
      toolId: tool.id,
      toolVersion,
      status: 'in-moderation',
      auditorId,
      practitionerId: c.workerId,
      teamId: c.teamId,
      dueDate: calendar.addWorkingDays(started, 20),
      periodStart: addMonths(started, -6),
      periodEnd: started,
      computedGrade: finalGrade,
      finalGrade,
      moderationSelected: true,
      version: 5,
      createdBy: qaId,
      submittedAt: new Date(`${calendar.addWorkingDays(started, 10)}T15:00:00Z`),
    })
    .returning({ id: audits.id });
  const auditId = audit!.id;
  const rows: Array<typeof responses.$inferInsert> = [];
  let n = 0;
  for (const area of formAreas(tool, c.caseType)) {
    for (const item of area.items) {
      const rank = PATTERN[n % PATTERN.length]!;
      rows.push({
        auditId,
        stage: 'audit',
        areaId: area.id,
        criterionId: item.criterionId,
        grade: (tool.scale.grades.find((g) => g.rank === rank) ?? tool.scale.grades.at(-1)!).id,
        evidence: EVIDENCE[n % EVIDENCE.length]!,
        workingWell: item.index === 0 ? 'The child trusts the worker and the school feels involved.' : null,
        worries: item.index === 0 ? 'Recording lags behind the work, so the file undersells it.' : null,
        nextSteps: item.index === 0 ? 'Bring the chronology up to date before the next review.' : null,
        updatedBy: auditorId,
      });
      n++;
    }
  }
  await db.insert(responses).values(rows);
  const at = (days: number) => new Date(`${calendar.addWorkingDays(started, days)}T10:00:00Z`);
  await db.insert(auditEvents).values([
    { auditId, actorId: qaId, kind: 'allocated', at: at(-10), detail: { version: 1 } },
    { auditId, actorId: auditorId, kind: 'start', at: at(0), detail: { from: 'allocated', to: 'in-progress', version: 2 } },
    { auditId, actorId: auditorId, kind: 'judgement-confirmed', at: at(9), detail: { finalGrade, version: 3 } },
    { auditId, actorId: auditorId, kind: 'submit', at: at(10), detail: { from: 'in-progress', to: 'submitted', version: 4 } },
    { auditId, actorId: auditorId, kind: 'moderate', at: at(10), detail: { from: 'submitted', to: 'in-moderation', because: 'random', version: 5 } },
  ]);
  await db.insert(moderations).values({ auditId, selectedBecause: 'random', assignedAt: at(10) });
  return auditId;
}

/** Completes a moderation through the moderation service: agrees most grades, revises `revise` of them. */
async function moderate(db: Db, moderator: Actor, auditId: string, options: { revise: number; overall: string | null }): Promise<void> {
  const record = await loadModeration(db, moderator, auditId);
  const grades = record.tool.scale.grades;
  const worse = (id: string) => (grades.find((g) => g.rank === grades.find((x) => x.id === id)!.rank + 1) ?? grades.find((g) => g.id === id)!).id;
  let revised = 0;
  const form: ModerationForm = {
    discussion:
      'We met for an hour with the worker and the auditor. The worker talked through the direct work, which is better than the file shows; we agreed the recording must catch up, and that the plan needs dates against every action.',
    items: record.items.map((item) => {
      const revise = revised < options.revise && item.criterionId !== '' && worse(item.grade) !== item.grade;
      if (revise) revised++;
      return revise
        ? { areaId: item.areaId, criterionId: item.criterionId, decision: 'revise' as const, grade: worse(item.grade), reason: 'The evidence on file does not yet show this grade: the actions have no dates and two visits were late.' }
        : { areaId: item.areaId, criterionId: item.criterionId, decision: 'agree' as const, grade: item.grade, reason: null };
    }),
    overall: options.overall
      ? { decision: 'revise', grade: options.overall, reason: 'Taking the revised grades together, the case is not yet at the grade the auditor gave.' }
      : { decision: 'agree', grade: record.audit.finalGrade!, reason: 'The evidence supports the auditor’s judgement.' },
  };
  await saveModeration(db, moderator, auditId, record.audit.version, form, { complete: true });
}

export interface DemoProgramme {
  programmes: Record<'collaborative' | 'themed' | 'multiAgency' | 'dipSample', string>;
  rounds: { allocated: string; drawn: string };
  /** Audit ids of the moderation examples, by child reference. */
  audits: Record<string, string>;
  children: Record<string, string>;
  disputes: { open: string; escalated: string };
  themes: Record<string, string>;
}

export async function loadDemoProgramme(db: Db, council: DemoCouncil): Promise<DemoProgramme> {
  const builtIn = await loadBuiltInCatalogue();
  await syncBuiltInCatalogue(db, builtIn.catalogue, builtIn.sources);
  const orgId = council.organisationId;
  const person = (key: string) => council.people[key]!;
  const today = londonDate(new Date());
  const startsOn = `${today.slice(0, 7)}-01`;
  const qa = await actorFor(db, orgId, person('qa-officer'));
  const moderator = await actorFor(db, orgId, person('moderator'));
  const practiceManagers = ['practice-manager', 'pm-south', 'pm-mash', 'pm-assessment', 'pm-cic', 'pm-leaving'].map(person);

  const base = { ownerId: person('qa-officer'), startsOn, caseTypes: [], exclusionMonths: 12, schedule: [] } satisfies Partial<ProgrammeInput>;
  const programmes = {
    collaborative: await createProgramme(db, qa, {
      ...base,
      title: 'Monthly collaborative audits',
      activity: 'collaborative-service-audits',
      toolId: 'practice-audit-tool',
      cadence: 'monthly',
      auditorIds: practiceManagers,
      sampleSize: 6,
      dueInWorkingDays: 20,
    }),
    themed: await createProgramme(db, qa, {
      ...base,
      title: 'Themed audit schedule',
      activity: 'themed-audits',
      toolId: 'practice-audit-tool',
      cadence: 'monthly',
      auditorIds: [person('group-manager'), person('gm-front'), person('gm-care'), person('qa-lead')],
      sampleSize: 4,
      dueInWorkingDays: 20,
      schedule: themedSchedule(startsOn),
    }),
    multiAgency: await createProgramme(db, qa, {
      ...base,
      title: 'Quarterly multi-agency audits',
      activity: 'multi-agency-audits',
      toolId: 'multi-agency-cp-audit-tool',
      cadence: 'quarterly',
      ownerId: person('qa-lead'),
      auditorIds: [person('group-manager'), person('gm-front'), person('gm-care')],
      caseTypes: ['cp'],
      sampleSize: 3,
      dueInWorkingDays: 30,
    }),
    dipSample: await createProgramme(db, qa, {
      ...base,
      title: 'Weekly dip samples of open cases',
      activity: 'dip-sample',
      toolId: 'west-sussex-what-good-looks-like',
      cadence: 'weekly',
      auditorIds: practiceManagers,
      sampleSize: 6,
      exclusionMonths: 0,
      dueInWorkingDays: 5,
    }),
  };

  const childIds: Record<string, string> = {};
  for (const c of CASES) {
    childIds[c.ref] = await addCase(db, qa, { childRef: c.ref, name: c.name, dateOfBirth: c.dob, teamId: council.teams[c.team]!, workerId: person(c.worker), caseType: c.caseType }, today);
  }

  // Stage 2 and 3 examples first, so the rounds below see them as open audits and leave them out.
  const tool = await getPublishedVersion(db, orgId, 'practice-audit-tool');
  const practiceTool = await getAuditToolVersion(db, orgId, 'practice-audit-tool', tool.version);
  const example = async (ref: string, auditor: string, finalGrade: string) => {
    const c = CASES.find((x) => x.ref === ref)!;
    return auditInModeration(
      db,
      practiceTool,
      tool.version,
      { childId: childIds[ref]!, teamId: council.teams[c.team]!, workerId: person(c.worker), caseType: c.caseType },
      person(auditor),
      person('qa-officer'),
      orgId,
      today,
      finalGrade,
    );
  };
  const auditIds: Record<string, string> = {
    'NB-P101': await example('NB-P101', 'pm-cic', 'requires-improvement'),
    'NB-P102': await example('NB-P102', 'pm-assessment', 'good'),
    'NB-P103': await example('NB-P103', 'pm-south', 'good'),
    'NB-P104': await example('NB-P104', 'practice-manager', 'requires-improvement'),
    'NB-P105': await example('NB-P105', 'pm-mash', 'good'),
  };
  await moderate(db, moderator, auditIds['NB-P102']!, { revise: 2, overall: 'requires-improvement' });
  await moderate(db, moderator, auditIds['NB-P103']!, { revise: 1, overall: 'requires-improvement' });
  await moderate(db, moderator, auditIds['NB-P104']!, { revise: 2, overall: null });
  await moderate(db, moderator, auditIds['NB-P105']!, { revise: 0, overall: null });

  // The council names its QA lead for the first level of the chain (the default is any QA officer).
  await updateChain(db, qa, 0, {
    meetingWorkingDays: 5,
    steps: [
      { title: 'QA lead', decider: { kind: 'user', userId: person('qa-lead') }, workingDays: 10 },
      { title: 'Head of service', decider: { kind: 'service-lead' }, workingDays: 10 },
    ],
  });
  const practitioner = await actorFor(db, orgId, person('practitioner'));
  const openDispute = await raiseDispute(
    db,
    practitioner,
    auditIds['NB-P103']!,
    { grade: '', position: 'The moderated judgement does not take account of the direct work in the last two months, which the school and the child’s own words confirm. I think Good still stands.' },
    today,
  );
  await statePosition(db, moderator, openDispute, 'The direct work is real but is not yet on the file; until it is, the judgement has to rest on what the record shows.');
  const auditorOf104 = await actorFor(db, orgId, person('practice-manager'));
  const revisedItem = (await loadModeration(db, qa, auditIds['NB-P104']!)).items.find((i) => i.moderatedGrade !== i.grade)!;
  const escalated = await raiseDispute(
    db,
    auditorOf104,
    auditIds['NB-P104']!,
    { grade: `${revisedItem.areaId}|${revisedItem.criterionId}`, position: 'The late visits were agreed with the carer and recorded in the placement plan; they should not lower this grade.' },
    today,
  );
  await statePosition(db, moderator, escalated, 'Agreed changes to visits still need a manager’s decision on the file, and there is none.');
  await recordOutcome(db, moderator, escalated, { level: 0, decision: 'escalate', note: 'We met and could not agree whether an agreement with the carer, not recorded as a management decision, is enough. Escalated to the QA lead.' }, today);

  const themeIds: Record<string, string> = {};
  for (const name of [...CORE_AREAS, 'Family feedback sought and used', 'Drift and delay']) themeIds[name] = await addTheme(db, qa, { name, description: null });
  const closing = auditIds['NB-P105']!;
  await tagAudit(db, qa, closing, { themeId: themeIds['The voice of the child and direct work']!, kind: 'strength', note: 'Direct work with the child is creative and shapes the plan.' });
  await tagAudit(db, qa, closing, { themeId: themeIds['Report writing and case recording']!, kind: 'recurring-issue', note: 'The file lags behind the practice, as in most audits this quarter.' });
  await tagAudit(db, qa, closing, { themeId: themeIds['Partnership working and multi-agency meetings and reviews']!, kind: 'barrier', note: 'Health did not attend the last two core groups.' });
  await tagAudit(db, qa, auditIds['NB-P102']!, { themeId: themeIds['Report writing and case recording']!, kind: 'recurring-issue', note: null });
  const [state] = await db.select({ version: audits.version }).from(audits).where(eq(audits.id, closing));
  await markForSlt(db, qa, closing, state!.version, true, 'Shows what direct work can do, and how the file can hide it.');
  await closeAudit(db, qa, closing, state!.version + 1);

  const calendar = englandAndWalesCalendar();
  const allocated = await drawRound(
    db,
    qa,
    programmes.collaborative,
    {
      title: `Monthly collaborative audits: ${new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date())}`,
      method: 'stratified',
      stratifyBy: 'service',
      sampleSize: 6,
      exclusionMonths: 12,
      seed: 'northbridge-demo',
      auditorIds: practiceManagers,
      dueDate: calendar.addWorkingDays(today, 20),
    },
    today,
  );
  await allocateRound(db, qa, allocated, today);
  const drawn = await drawRound(
    db,
    qa,
    programmes.themed,
    {
      title: `Themed audit: ${CORE_AREAS[0]}`,
      method: 'targeted',
      target: 'longest-unaudited',
      sampleSize: 4,
      exclusionMonths: 12,
      seed: 'themed-demo',
      auditorIds: [person('group-manager'), person('gm-front'), person('gm-care'), person('qa-lead')],
      dueDate: calendar.addWorkingDays(today, 20),
    },
    today,
  );
  return {
    programmes,
    rounds: { allocated, drawn },
    audits: auditIds,
    children: childIds,
    disputes: { open: openDispute, escalated },
    themes: themeIds,
  };
}
