/**
 * Demo actions for Northbridge, in every state: open, due soon (reminded), due today, overdue and
 * escalated to each level, done and waiting for sign-off, signed off, reopened and cancelled.
 * They are set and moved through the real services with dates in the past, and the chasing job is
 * run once, so the history, escalations and notifications are exactly what the product records.
 * The children (references NB-X…) and every word here are invented.
 */
import type { Db } from '../platform/db/client.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { londonDate } from '../platform/calendar/london.ts';
import type { IsoDate } from '../platform/calendar/index.ts';
import { children } from '../cases/schema.ts';
import { actorFor } from '../actions/acting-as.ts';
import { chaseActions } from '../actions/chasing.ts';
import { cancel, createAction, markDone, reopen, signOff } from '../actions/service.ts';
import type { DemoCouncil } from './northbridge.ts';

const CHILDREN = [
  { ref: 'NB-X001', name: 'Ollie Penhallow', dob: '2013-05-17', caseType: 'cin', team: 'fst-north', worker: 'practitioner' },
  { ref: 'NB-X002', name: 'Ruby Castleford', dob: '2018-09-03', caseType: 'cp', team: 'fst-north', worker: 'sw-2' },
  { ref: 'NB-X003', name: 'Jayden Oakridge', dob: '2011-12-22', caseType: 'cp', team: 'fst-south', worker: 'sw-3' },
  { ref: 'NB-X004', name: 'Esme Tollworth', dob: '2020-02-11', caseType: 'cin', team: 'assessment', worker: 'sw-4' },
] as const;

type ChildRef = (typeof CHILDREN)[number]['ref'];

interface DemoAction {
  child: ChildRef;
  owner: string;
  setBy: string;
  tool: string;
  what: string;
  /** Working days before today the action was agreed. */
  agreedAgo: number;
  /** Working days from today it is due (negative: overdue); omitted: the default deadline. */
  dueIn?: number;
  urgent?: boolean;
  then?: Array<{ move: 'done'; ago: number; evidence: string } | { move: 'sign-off'; ago: number; by: string; note?: string } | { move: 'reopen'; ago: number; by: string; reason: string; dueIn: number } | { move: 'cancel'; ago: number; by: string; reason: string }>;
}

const ACTIONS: DemoAction[] = [
  // Open, due in about four weeks (the default).
  { child: 'NB-X001', owner: 'practitioner', setBy: 'practice-manager', tool: 'practice-audit-tool', agreedAgo: 3, what: 'Update the chronology to include the last three months of contact, school reports and the health visitor’s notes.' },
  // Due soon: the owner has been reminded.
  { child: 'NB-X001', owner: 'practitioner', setBy: 'practice-manager', tool: 'practice-audit-tool', agreedAgo: 15, dueIn: 2, what: 'Record Ollie’s wishes and feelings from direct work in his own words on the child and family assessment.' },
  // Due today: owner and line manager told.
  { child: 'NB-X002', owner: 'sw-2', setBy: 'practice-manager', tool: 'multi-agency-cp-audit-tool', agreedAgo: 10, dueIn: 0, what: 'Send the core group minutes to every member within the week and check the school has received them.' },
  // Overdue by 6 working days: escalated to the group manager.
  { child: 'NB-X002', owner: 'sw-2', setBy: 'practice-manager', tool: 'multi-agency-cp-audit-tool', agreedAgo: 26, dueIn: -6, what: 'Complete the updated risk assessment with the police and health visitor, and share it with the conference chair.' },
  // Overdue by 11 working days, urgent: escalated to the QA lead.
  {
    child: 'NB-X003',
    owner: 'sw-3',
    setBy: 'pm-south',
    tool: 'multi-agency-cp-audit-tool',
    agreedAgo: 16,
    dueIn: -11,
    urgent: true,
    what: 'See Jayden alone at school and record what he says about the incidents at home before the strategy discussion.',
  },
  // Done, waiting for the line manager's sign-off.
  {
    child: 'NB-X001',
    owner: 'practitioner',
    setBy: 'practice-manager',
    tool: 'practice-audit-tool',
    agreedAgo: 12,
    dueIn: 3,
    what: 'Arrange a family network meeting with the grandparents to agree who can help with school runs.',
    then: [{ move: 'done', ago: 1, evidence: 'Meeting held on the 14th; grandmother will do Tuesday and Thursday school runs. Notes on the case file under meetings.' }],
  },
  // Signed off.
  {
    child: 'NB-X002',
    owner: 'sw-2',
    setBy: 'practice-manager',
    tool: 'practice-audit-tool',
    agreedAgo: 25,
    what: 'Refer Ruby’s mother to the domestic abuse support service and confirm the first appointment.',
    then: [
      { move: 'done', ago: 8, evidence: 'Referral accepted; first appointment attended on the 3rd. Confirmation email saved to the case file.' },
      { move: 'sign-off', ago: 7, by: 'practice-manager', note: 'Thank you, the appointment letter is on file.' },
    ],
  },
  // Reopened with a reason and a new date.
  {
    child: 'NB-X001',
    owner: 'practitioner',
    setBy: 'practice-manager',
    tool: 'practice-audit-tool',
    agreedAgo: 20,
    dueIn: -4,
    what: 'Revise the child in need plan so each action names who will do it and by when.',
    then: [
      { move: 'done', ago: 6, evidence: 'Plan revised and shared with the family.' },
      { move: 'reopen', ago: 2, by: 'practice-manager', reason: 'Two actions in the plan still say “ongoing”: give each a date, then mark it done again.', dueIn: 4 },
    ],
  },
  // Cancelled with a reason.
  {
    child: 'NB-X004',
    owner: 'sw-4',
    setBy: 'pm-assessment',
    tool: 'west-sussex-what-good-looks-like',
    agreedAgo: 9,
    what: 'Book an interpreter for the next home visit and check the family’s preferred language.',
    then: [{ move: 'cancel', ago: 4, by: 'pm-assessment', reason: 'The family confirmed they prefer English; no interpreter is needed.' }],
  },
];

/** 10am in London (9 or 10 UTC) on a date: a plausible time of day for each step. */
function morningOf(date: IsoDate): Date {
  return new Date(`${date}T09:30:00Z`);
}

export async function loadDemoActions(db: Db, council: DemoCouncil, now: Date = new Date()): Promise<void> {
  const calendar = await calendarFor(db, council.organisationId);
  const today = londonDate(now);
  const workingDay = (offset: number) => calendar.addWorkingDays(today, offset);
  const actor = (key: string) => actorFor(db, council.people[key]!);

  const childIds = new Map<string, string>();
  for (const c of CHILDREN) {
    const [row] = await db
      .insert(children)
      .values({ organisationId: council.organisationId, childRef: c.ref, name: c.name, dateOfBirth: c.dob, caseType: c.caseType, teamId: council.teams[c.team], workerId: council.people[c.worker], source: 'manual' })
      .returning({ id: children.id });
    childIds.set(c.ref, row!.id);
  }

  for (const plan of ACTIONS) {
    const created = await createAction(
      db,
      await actor(plan.setBy),
      {
        what: plan.what,
        ownerId: council.people[plan.owner]!,
        childId: childIds.get(plan.child),
        toolId: plan.tool,
        dueDate: plan.dueIn === undefined ? undefined : workingDay(plan.dueIn),
        safeguardingConcern: plan.urgent,
      },
      morningOf(workingDay(-plan.agreedAgo)),
    );
    let version = 1;
    for (const step of plan.then ?? []) {
      const at = morningOf(workingDay(-step.ago));
      if (step.move === 'done') await markDone(db, await actor(plan.owner), created.id, version, step.evidence, at);
      if (step.move === 'sign-off') await signOff(db, await actor(step.by), created.id, version, step.note, at);
      if (step.move === 'reopen') await reopen(db, await actor(step.by), created.id, version, { reason: step.reason, dueDate: workingDay(step.dueIn) }, at);
      if (step.move === 'cancel') await cancel(db, await actor(step.by), created.id, version, step.reason, at);
      version++;
    }
  }

  // What the scheduler would have sent by now: reminders and every escalation level reached.
  await chaseActions(db, now);
}
