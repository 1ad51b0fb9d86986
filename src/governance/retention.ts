/**
 * The retention schedule: each kind of record Sightline holds, how long it is kept and on what
 * basis, and the pure functions that turn a record's facts into the day it falls due for
 * disposal. A record is due on its disposal date: "kept until the 75th birthday" means disposed
 * of on that birthday, not the day before.
 *
 * The periods are the council's schedule, not Sightline's invention; each says where it comes
 * from so an information governance officer can check it. A council with a different schedule
 * changes this table (and its tests) in one place.
 */
import { isIsoDate, isLeapYear, type IsoDate } from '../platform/calendar/iso-date.ts';

export interface RetentionClass {
  label: string;
  /** The period in words, as the retention page shows it. */
  period: string;
  /** Where the rule comes from. */
  source: string;
  /** False: Sightline keeps these and does not dispose of them itself (see docs/DECISIONS.md). */
  disposedBySightline: boolean;
}

export const RETENTION_CLASSES = {
  'looked-after-child': {
    label: 'Child looked after, or a care leaver',
    period: 'Until the 75th birthday',
    source:
      'Care Planning, Placement and Case Review (England) Regulations 2010, regulation 50 (a looked-after child’s case record is kept until the 75th anniversary of their birth); Children’s Homes (England) Regulations 2015 (records kept until the 75th birthday); LGA / IRMS Retention Guidelines for Local Authorities, children’s social care.',
    disposedBySightline: true,
  },
  'adopted-child': {
    label: 'Child with an adoption plan or order',
    period: 'Until the 119th birthday (100 years from the latest day an adoption order can be made)',
    source:
      'Adoption Agencies Regulations 2005, regulation 41 (adoption case records kept for 100 years from the adoption order). Sightline does not hold the order’s date; an order cannot be made once the child is 19 (Adoption and Children Act 2002, s.47(9)), so 100 years from the 19th birthday is never earlier than the law asks.',
    disposedBySightline: true,
  },
  'child-in-need': {
    label: 'Child in need, child protection, early help or pre-birth',
    period: 'Until the 25th birthday; the 26th when the child was 17 or older at the last activity recorded',
    source: 'LGA / IRMS Retention Guidelines for Local Authorities, children’s social care case records (not looked after): until the 25th birthday, or the 26th if the young person was 17 when the case closed.',
    disposedBySightline: true,
  },
  'child-unclassified': {
    label: 'Child whose case type is not recorded',
    period: 'Until the 75th birthday',
    source: 'Without a case type Sightline cannot tell which rule applies, so it keeps the record for the longest children’s-record period short of adoption (the looked-after rule).',
    disposedBySightline: true,
  },
  audit: {
    label: 'Audit (grades, notes, judgements, moderation, disputes, family feedback, learning, safeguarding alerts)',
    period: '6 years after the audit was closed or cancelled, or with the child’s record if that is sooner',
    source: 'The council’s QA records schedule: the six-year limitation period (Limitation Act 1980, ss.2 and 5) used for audit and quality-assurance records in the LGA / IRMS Retention Guidelines for Local Authorities.',
    disposedBySightline: true,
  },
  action: {
    label: 'Action not agreed in an audit',
    period: '6 years after it was signed off or cancelled, or with the child’s record if that is sooner',
    source: 'As for audits: the six-year limitation period (Limitation Act 1980, ss.2 and 5). An action agreed in an audit goes with its audit.',
    disposedBySightline: true,
  },
  'import-problems': {
    label: 'An import’s problem report',
    period: '1 year after the import finished',
    source: 'Data minimisation (UK GDPR Article 5(1)(c) and (e)): the problems quote values from the council’s extract and are only needed to correct it. The import’s own record (who, when, file hashes) is kept.',
    disposedBySightline: true,
  },
  'access-log': {
    label: 'Access log',
    period: '7 years from the entry',
    source: 'The council’s audit-trail schedule (six-year limitation period plus the current year). Kept by Sightline and never disposed of by it: the log is append-only and evidence of who saw what (docs/DECISIONS.md).',
    disposedBySightline: false,
  },
} as const satisfies Record<string, RetentionClass>;
export type RetentionClassId = keyof typeof RETENTION_CLASSES;

/** Years in each dated rule, kept beside the words above so the two cannot drift apart unseen. */
const YEARS = { lookedAfter: 75, adoptionOrderLatest: 19, adoptionKept: 100, childInNeed: 25, childInNeedSeventeen: 26, records: 6, importProblems: 1 } as const;

/**
 * The day `date` is `years` years old. 29 February's anniversary in a common year is 1 March: a
 * person born on 29 February is not yet 75 on 28 February (Family Law Reform Act 1969 s.9, as
 * `ageOn` in the calendar reads it), and a record kept "6 years" is kept at least six whole years.
 */
export function anniversary(date: IsoDate, years: number): IsoDate {
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  if (!Number.isInteger(years) || years < 0) throw new RangeError(`years must be a whole number: ${years}`);
  const year = Number(date.slice(0, 4)) + years;
  const monthDay = date.slice(5);
  if (monthDay === '02-29' && !isLeapYear(year)) return `${String(year).padStart(4, '0')}-03-01`;
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

/** A disposal date, or why there is none yet (the record is then never disposed of automatically). */
export type DisposalDate = { retentionClass: RetentionClassId; date: IsoDate } | { retentionClass: RetentionClassId; date: null; why: string };

const LOOKED_AFTER = new Set(['cla', 'care-leaver']);
const CHILD_IN_NEED = new Set(['cin', 'cp', 'early-help', 'pre-birth']);

export function childRetentionClass(caseType: string | null): RetentionClassId {
  if (caseType === 'adoption') return 'adopted-child';
  if (caseType && LOOKED_AFTER.has(caseType)) return 'looked-after-child';
  if (caseType && CHILD_IN_NEED.has(caseType)) return 'child-in-need';
  return 'child-unclassified';
}

export interface ChildFacts {
  caseType: string | null;
  dateOfBirth: IsoDate | null;
  /** The latest day anything was recorded about the child (a fact, an audit), for the 17-or-older rule. */
  lastActivityOn: IsoDate | null;
}

/**
 * A child's disposal date. Without a date of birth there is no birthday to count from, and
 * guessing one could destroy a record early, so the record has no date and is listed for review.
 */
export function childDisposalDate(child: ChildFacts): DisposalDate {
  const retentionClass = childRetentionClass(child.caseType);
  if (!child.dateOfBirth) return { retentionClass, date: null, why: 'The date of birth is not recorded, so the retention period cannot be counted. Record it, or review the case by hand.' };
  switch (retentionClass) {
    case 'adopted-child':
      return { retentionClass, date: anniversary(child.dateOfBirth, YEARS.adoptionOrderLatest + YEARS.adoptionKept) };
    case 'child-in-need': {
      const seventeen = anniversary(child.dateOfBirth, 17);
      const lateCase = child.lastActivityOn !== null && child.lastActivityOn >= seventeen;
      return { retentionClass, date: anniversary(child.dateOfBirth, lateCase ? YEARS.childInNeedSeventeen : YEARS.childInNeed) };
    }
    default:
      // Looked after, and the unclassified child kept as long.
      return { retentionClass, date: anniversary(child.dateOfBirth, YEARS.lookedAfter) };
  }
}

/** An audit still under way has no disposal date: its period starts when it is closed or cancelled. */
export function auditDisposalDate(endedOn: IsoDate | null): DisposalDate {
  if (!endedOn) return { retentionClass: 'audit', date: null, why: 'The audit is still under way.' };
  return { retentionClass: 'audit', date: anniversary(endedOn, YEARS.records) };
}

export function actionDisposalDate(endedOn: IsoDate | null): DisposalDate {
  if (!endedOn) return { retentionClass: 'action', date: null, why: 'The action is still open.' };
  return { retentionClass: 'action', date: anniversary(endedOn, YEARS.records) };
}

export function importProblemsDisposalDate(finishedOn: IsoDate | null): DisposalDate {
  if (!finishedOn) return { retentionClass: 'import-problems', date: null, why: 'The import has not finished.' };
  return { retentionClass: 'import-problems', date: anniversary(finishedOn, YEARS.importProblems) };
}

/** Due on the disposal date itself and every day after it. */
export function isDue(disposal: DisposalDate, asOf: IsoDate): disposal is DisposalDate & { date: IsoDate } {
  return disposal.date !== null && disposal.date <= asOf;
}
