/**
 * What the imported data says about an audit's criteria, and which children missed deadlines.
 *
 * `dataEvidenceFor` gives the audit form, beside each criterion that a timescale evidences, lines
 * such as "ICPC within 15 working days: yes, 3 March 2026". `childrenWithMissedDeadlines` lets the
 * QA team target a sample at cases where deadlines were missed.
 *
 * Which criterion a timescale evidences is our reading, set out below with the reason for each
 * link. We started from standards/mappings/outcome-measure-map.yaml (criterion → Ofsted measure)
 * and kept a link only where the criterion's own descriptors name the timeliness the measure
 * checks (e.g. practice audit tool 1.5 "thorough and timely" S47 enquiries, mapped there to
 * measure 3.13, and the ICPC deadline that closes the enquiry). Criteria about the quality of
 * work, rather than its timing, get no line: a deadline met says nothing about a good assessment.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { queryRows } from '../platform/db/client.ts';
import { addMonths, type IsoDate } from '../platform/calendar/iso-date.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { londonDate } from '../platform/calendar/london.ts';
import type { WorkingDayCalendar } from '../platform/calendar/working-day-calendar.ts';
import { formatDate } from '../platform/http/render.ts';
import { getAuditToolVersion } from '../standards/versions/service.ts';
import { measureLabel } from '../timeliness/measures.ts';
import { latestRun } from '../timeliness/store.ts';

interface CriterionLink {
  tool: string;
  /** "<area id>/<criterion id>", or "<area id>" for a tool graded by area (as the outcome-measure map writes them). */
  item: string;
  measures: string[];
  reasoning: string;
}

const CRITERION_MEASURES: readonly CriterionLink[] = [
  {
    tool: 'practice-audit-tool',
    item: '1/1.1',
    measures: ['swindon-11.1-strategy-3-working-days'],
    reasoning: 'Whether a strategy meeting was held is the criterion; the practice standard sets when (within 3 working days of the referral).',
  },
  {
    tool: 'practice-audit-tool',
    item: '1/1.5',
    measures: ['icpc-15wd'],
    reasoning: 'The Good descriptor asks for a timely S47 enquiry; its timeliness is measured nationally by the initial conference within 15 working days of the strategy discussion.',
  },
  {
    tool: 'practice-audit-tool',
    item: '4/4.6',
    measures: ['cla-health-assessment'],
    reasoning: "The child's health needs being identified and met: for a looked-after child, the statutory health assessment being up to date.",
  },
  {
    tool: 'practice-audit-tool',
    item: '5/5.1',
    measures: ['assessment-45wd'],
    reasoning: 'Holistic assessments that result in a plan of help: the assessment concluding within 45 working days (Working Together 2023).',
  },
  {
    tool: 'practice-audit-tool',
    item: '5/5.9',
    measures: ['assessment-45wd'],
    reasoning: "Managers authorising the next steps: the assessment's authorisation date is what the 45 working days are counted to.",
  },
  {
    tool: 'practice-audit-tool',
    item: '6-cin-cp/6.4',
    measures: ['cp-visit-10wd', 'swindon-4.3-cin-visit', 'swindon-13.15-first-rcpc'],
    reasoning: 'The descriptor asks that children are visited in line with their plan and that conferences are timely: statutory visits and the first review conference.',
  },
  {
    tool: 'practice-audit-tool',
    item: '6-cla/6.3',
    measures: ['cla-review', 'swindon-9.1-cla-first-visit'],
    reasoning: 'Care plans regularly reviewed and children visited in line with their plan: looked-after reviews on time (reg. 33) and the visit after a placement starts.',
  },
  {
    tool: 'practice-audit-tool',
    item: '6-cla/6.7',
    measures: ['cla-review'],
    reasoning: 'IROs enable timely plans: the looked-after reviews they chair being held on time.',
  },
  {
    tool: 'multi-agency-cp-audit-tool',
    item: '3',
    measures: ['swindon-11.1-strategy-3-working-days'],
    reasoning: 'The area asks for a strategy discussion held within timescales.',
  },
  {
    tool: 'multi-agency-cp-audit-tool',
    item: '4',
    measures: ['assessment-45wd', 'icpc-15wd'],
    reasoning: 'The assessment and S47 enquiry, and the decision to convene a conference: the assessment and ICPC deadlines.',
  },
  {
    tool: 'multi-agency-cp-audit-tool',
    item: '5',
    measures: ['cp-visit-10wd'],
    reasoning: 'The social worker visiting in accordance with the plan ("gaps in visiting" is Inadequate): visits at least every 10 working days.',
  },
  {
    tool: 'multi-agency-cp-audit-tool',
    item: '6',
    measures: ['swindon-13.15-first-rcpc'],
    reasoning: 'Review conferences held within timescales: the first review conference within 3 months of the ICPC.',
  },
  {
    tool: 'multi-agency-cp-audit-tool',
    item: '7',
    measures: ['cla-health-assessment'],
    reasoning: "Being healthy: for a looked-after child, the statutory health assessment being up to date.",
  },
];

export interface EvidenceLine {
  measure: string;
  /** met, missed, overdue (not done and past due), due (not done, still in time). */
  status: 'met' | 'missed' | 'overdue' | 'due';
  text: string;
  dueDate: IsoDate;
  actualDate: IsoDate | null;
}

export interface StoredItem {
  measure: string;
  status: 'met' | 'missed' | 'overdue' | 'pending';
  anchorDate: IsoDate;
  dueDate: IsoDate;
  actualDate: IsoDate | null;
}

/** An item as it stands today: a stored "in time" that today is past its due date is overdue. */
export function statusToday(item: StoredItem, today: IsoDate): EvidenceLine['status'] {
  if (item.actualDate !== null) return item.status === 'missed' ? 'missed' : 'met';
  if (item.status === 'missed') return 'missed';
  return item.dueDate < today ? 'overdue' : 'due';
}

function late(calendar: WorkingDayCalendar, from: IsoDate, to: IsoDate): string {
  const days = calendar.workingDaysBetween(from, to);
  return `${days} working day${days === 1 ? '' : 's'}`;
}

/** "ICPC within 15 working days: yes, 3 March 2026", and so on for each status. */
function evidenceText(label: string, item: StoredItem, today: IsoDate, calendar: WorkingDayCalendar): string {
  const status = statusToday(item, today);
  const due = formatDate(item.dueDate);
  switch (status) {
    case 'met':
      return `${label}: yes, ${formatDate(item.actualDate)}`;
    case 'missed':
      return item.actualDate === null
        ? `${label}: no, not done before the case ended (due ${due})`
        : `${label}: no, ${formatDate(item.actualDate)} (due ${due}, ${late(calendar, item.dueDate, item.actualDate)} late)`;
    case 'overdue':
      return `${label}: not yet, due ${due} (${late(calendar, item.dueDate, today)} overdue)`;
    case 'due':
      // A keep-in-touch deadline that is in time: the visit or assessment before it was on time.
      return item.status === 'met' ? `${label}: in time, next due by ${due}` : `${label}: not yet due, due by ${due}`;
  }
}

async function childItems(db: Db, organisationId: string, childId: string): Promise<StoredItem[]> {
  return queryRows<StoredItem>(
    db,
    sql`select measure, status, to_char(anchor_date, 'YYYY-MM-DD') as "anchorDate", to_char(due_date, 'YYYY-MM-DD') as "dueDate",
               to_char(actual_date, 'YYYY-MM-DD') as "actualDate"
        from compliance_items where organisation_id = ${organisationId} and child_id = ${childId}
        order by due_date desc, anchor_date desc`,
  );
}

/**
 * Per criterion of the tool version (keyed "<area id>/<criterion id>", or the area id for a tool
 * graded by area), what the data says: the child's deadlines for the linked measures decided in
 * the look-back period (by default the six months before today, the period audits look at) and any
 * still open, latest first, at most `perMeasure` of each. Criteria with nothing to say are left out.
 *
 * It does not check who is asking: the audit service calls it for an audit the person may see.
 */
export async function dataEvidenceFor(
  db: Db,
  organisationId: string,
  childId: string,
  toolId: string,
  toolVersion: number,
  options: { today?: IsoDate; since?: IsoDate; perMeasure?: number } = {},
): Promise<Record<string, EvidenceLine[]>> {
  const today = options.today ?? londonDate(new Date());
  const since = options.since ?? addMonths(today, -6);
  const perMeasure = options.perMeasure ?? 3;
  const tool = await getAuditToolVersion(db, organisationId, toolId, toolVersion);
  const items = new Set(tool.areas.flatMap((area) => [area.id, ...area.criteria.map((c) => `${area.id}/${c.id}`)]));
  const links = CRITERION_MEASURES.filter((link) => link.tool === toolId && items.has(link.item));
  if (links.length === 0) return {};

  const [stored, run, calendar] = await Promise.all([childItems(db, organisationId, childId), latestRun(db, organisationId), calendarFor(db, organisationId)]);
  const titles = new Map((run?.measures ?? []).map((m) => [m.id, measureLabel(m)]));
  const evidence: Record<string, EvidenceLine[]> = {};
  for (const link of links) {
    const lines: EvidenceLine[] = [];
    for (const measure of link.measures) {
      const label = titles.get(measure);
      if (label === undefined) continue;
      const relevant = stored.filter((i) => i.measure === measure && (statusToday(i, today) === 'overdue' || statusToday(i, today) === 'due' || (i.actualDate ?? i.dueDate) >= since));
      for (const item of relevant.slice(0, perMeasure)) {
        lines.push({ measure, status: statusToday(item, today), text: evidenceText(label, item, today, calendar), dueDate: item.dueDate, actualDate: item.actualDate });
      }
    }
    if (lines.length > 0) evidence[link.item] = lines;
  }
  return evidence;
}

export interface ChildWithMissedDeadlines {
  childId: string;
  childRef: string;
  teamId: string | null;
  workerId: string | null;
  caseType: string | null;
  /** Deadlines missed (late, or never met before the case ended) with a due date since `since`. */
  missed: number;
  /** Deadlines not met and past due on the day asked. */
  overdue: number;
  measures: string[];
}

/**
 * Children with a deadline missed since `since`, or overdue on `today`: the pool a targeted audit
 * sample is drawn from. Most missed and overdue first. No capability check: the programme service
 * calls it for a QA officer it has already checked.
 */
export async function childrenWithMissedDeadlines(
  db: Db,
  organisationId: string,
  options: { since: IsoDate; today?: IsoDate },
): Promise<ChildWithMissedDeadlines[]> {
  const today = options.today ?? londonDate(new Date());
  const rows = await queryRows<ChildWithMissedDeadlines>(
    db,
    sql`select * from (
        select c.id as "childId", c.child_ref as "childRef", c.team_id as "teamId", c.worker_id as "workerId", c.case_type as "caseType",
               (count(*) filter (where i.status = 'missed'))::int as missed,
               (count(*) filter (where i.status <> 'missed' and i.actual_date is null and i.due_date < ${today}::date))::int as overdue,
               array_agg(distinct i.measure order by i.measure) as measures
        from compliance_items i join children c on c.id = i.child_id
        where i.organisation_id = ${organisationId}
          -- A restricted child is never drawn by the programme (see loadCandidates).
          and not exists (select 1 from child_restrictions r where r.child_id = c.id and r.lifted_at is null)
          and ((i.status = 'missed' and i.due_date >= ${options.since}::date)
               or (i.status <> 'missed' and i.actual_date is null and i.due_date < ${today}::date))
        group by c.id
      ) found
      order by missed + overdue desc, "childRef"`,
  );
  return rows;
}
