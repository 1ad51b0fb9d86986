/**
 * Ofsted's Annex A: the child-level lists a council hands inspectors (ILACS), as a workbook with
 * one sheet per list or as one CSV per list. Each list is recognised by its column headings, with
 * the sheet or file name only breaking ties, because councils rename sheets and reword headings
 * ("Age" or "Age of Child (Years)", curly quotes, doubled brackets). Annex A holds only the latest
 * visit, review and health assessment for each child; the SSD extract carries the full history.
 *
 * Lists: 1 contacts, 2 early help, 3 referrals, 4 assessments, 5 section 47 enquiries and ICPCs,
 * 6 children in need, 7 child protection, 8 children looked after, 9 care leavers, 10 adoption,
 * 11 adopters (not about children, so not imported).
 */
import { z } from 'zod';
import type { CaseFact, FactSource, ParsedExtract } from '../facts.ts';
import {
  childId,
  code,
  codeMatching,
  codedAnswer,
  date,
  gender,
  integer,
  lenient,
  requiredDate,
  text,
  yesNo,
  type Settled,
} from './cells.ts';
import { defined, ExtractBuilder } from './extract-builder.ts';
import { matchScore, readTable, recogniseTable, type SheetRows, type TableSpec } from './table.ts';
import { ABUSE_CATEGORY, ETHNICITY, isBlank } from './values.ts';

const dates = { serials: true } as const;

/** Headings every list about children shares. */
const childColumns = {
  child: ['Child Unique ID', 'Child ID', 'Unique Child ID', 'Child Unique Identifier', 'LA Child ID', 'Child Identifier'],
  gender: ['Gender', 'Sex'],
  ethnicity: ['Ethnicity', 'Ethnic Origin'],
  dob: ['Date of Birth', 'DOB'],
  disability: ['Does the Child have a Disability', 'Disability', 'Child has a Disability'],
  team: ['Allocated Team', 'Team'],
  worker: ['Allocated Worker', 'Allocated Social Worker', 'Worker'],
} as const;

const childIgnored = ['Age', 'Age of Child (Years)', 'Age of Child', 'Age (Years)', 'Age in Years'];

const childFields = {
  child: childId,
  gender: lenient(gender),
  ethnicity: lenient(code(ETHNICITY, 'ethnicity code')),
  dob: date(dates),
  disability: lenient(yesNo),
  team: lenient(text()),
  worker: lenient(text()),
};

type ChildRow = {
  child: string;
  gender?: string | undefined;
  ethnicity?: string | undefined;
  dob?: string | undefined;
  disability?: boolean | undefined;
  team?: string | undefined;
  worker?: string | undefined;
};

function notBefore(earlier: string, later: string, what: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const start = value[earlier];
    const end = value[later];
    if (typeof start === 'string' && typeof end === 'string' && end < start) {
      ctx.addIssue({ code: 'custom', path: [later], message: `${what} (${end}) is before the start (${start})` });
    }
  };
}

/** What reading the lists builds up besides facts: the latest date seen stands in for the extract date. */
interface Reading {
  builder: ExtractBuilder;
  latestDate: string | undefined;
  placementCounts: { childId: string; source: FactSource; count: number }[];
}

interface ListHandler {
  spec: TableSpec;
  read(sheet: SheetRows, reading: Reading): void;
}

function list<Out extends Record<string, unknown>>(
  spec: TableSpec<Out>,
  facts: (row: Settled<Out>, source: FactSource, reading: Reading) => CaseFact[],
): ListHandler {
  return {
    spec: spec as unknown as TableSpec,
    read(sheet, reading) {
      for (const { row, data } of readTable(spec, sheet, reading.builder.problems)) {
        const source = reading.builder.source(sheet.file, sheet.sheet ?? spec.name, row);
        // Every list's schema spreads `childFields`, so its settled row carries these.
        const child = data as unknown as ChildRow;
        reading.builder.child(
          child.child,
          defined({
            dateOfBirth: child.dob,
            gender: child.gender,
            ethnicity: child.ethnicity,
            disability: child.disability,
            team: child.team,
            worker: child.worker,
          }),
          source,
          'Date of Birth',
        );
        for (const fact of facts(data, source, reading)) {
          reading.builder.fact(fact);
          for (const value of Object.values(fact)) {
            if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && (reading.latestDate === undefined || value > reading.latestDate)) {
              reading.latestDate = value;
            }
          }
        }
      }
    },
  };
}

const contacts = list(
  {
    name: 'List 1',
    columns: { ...childColumns, date: ['Date of Contact', 'Contact Date'], source: ['Contact Source', 'Source of Contact'] },
    identifying: ['child', 'date'],
    ignored: childIgnored,
    row: z.object({ ...childFields, date: requiredDate(dates, 'the date of contact'), source: lenient(codedAnswer()) }),
  },
  (row, source) => [defined({ kind: 'contact' as const, childId: row.child, source, date: row.date, contactSource: row.source })],
);

const earlyHelp = list(
  {
    name: 'List 2',
    columns: {
      ...childColumns,
      start: ['Assessment start date', 'Early help assessment start date'],
      end: ['Assessment completion date', 'Early help assessment completion date'],
    },
    identifying: ['child', 'start'],
    ignored: [...childIgnored, 'Organisation completing assessment'],
    row: z
      .object({ ...childFields, start: requiredDate(dates, 'the assessment start date'), end: date(dates) })
      .superRefine(notBefore('start', 'end', 'the completion date')),
  },
  (row, source) => [defined({ kind: 'early-help' as const, childId: row.child, source, startDate: row.start, endDate: row.end })],
);

const referrals = list(
  {
    name: 'List 3',
    columns: {
      ...childColumns,
      date: ['Date of Referral', 'Referral Date'],
      source: ['Referral Source', 'Source of Referral'],
      nfa: ['Referral NFA?', 'Referral NFA', 'Was the Referral NFA'],
    },
    identifying: ['child', 'date'],
    ignored: [...childIgnored, 'Number of Referrals in Last 12 Months'],
    row: z.object({ ...childFields, date: requiredDate(dates, 'the date of referral'), source: lenient(codedAnswer()), nfa: lenient(yesNo) }),
  },
  (row, source) => [defined({ kind: 'referral' as const, childId: row.child, source, date: row.date, nfa: row.nfa, referralSource: row.source })],
);

const assessments = list(
  {
    name: 'List 4',
    columns: {
      ...childColumns,
      start: ['Continuous Assessment Start Date', 'Assessment Start Date (Continuous)'],
      seen: ['Child Seen During Continuous Assessment', 'Child Seen During Assessment'],
      authorised: ['Continuous Assessment Date of Authorisation', 'Date of Authorisation', 'Assessment Authorisation Date'],
    },
    identifying: ['child', 'start'],
    ignored: [...childIgnored, "Was the child assessed as requiring LA children's social care support?"],
    row: z
      .object({ ...childFields, start: requiredDate(dates, 'the assessment start date'), seen: lenient(yesNo), authorised: date(dates) })
      .superRefine(notBefore('start', 'authorised', 'the authorisation date')),
  },
  (row, source) => [
    defined({ kind: 'assessment' as const, childId: row.child, source, startDate: row.start, authorisedDate: row.authorised, childSeen: row.seen }),
  ],
);

const enquiries = list(
  {
    name: 'List 5',
    columns: {
      ...childColumns,
      strategy: ['Strategy discussion initiating Section 47 Enquiry Start Date', 'Section 47 Enquiry Start Date', 'S47 Start Date'],
      notRequired: ['Was an Initial Child Protection Conference deemed unnecessary?', 'ICPC deemed unnecessary'],
      icpc: ['Date of Initial Child Protection Conference', 'ICPC Date', 'Date of ICPC'],
      plan: ['Did the Initial Child Protection Conference Result in a Child Protection Plan', 'Did the ICPC result in a CP plan'],
    },
    identifying: ['child', 'strategy'],
    ignored: [...childIgnored, 'Number of Section 47 Enquiries in the last 12 months', 'Number of ICPCs in the last 12 months'],
    row: z
      .object({
        ...childFields,
        strategy: requiredDate(dates, 'the strategy discussion date'),
        notRequired: lenient(yesNo),
        icpc: date(dates),
        plan: lenient(yesNo),
      })
      .superRefine(notBefore('strategy', 'icpc', 'the conference date')),
  },
  (row, source) => [
    defined({
      kind: 's47' as const,
      childId: row.child,
      source,
      strategyDate: row.strategy,
      s47StartDate: row.strategy,
      icpcDate: row.icpc,
      icpcNotRequired: row.notRequired,
      icpcResultedInPlan: row.plan,
    }),
  ],
);

const childrenInNeed = list(
  {
    name: 'List 6',
    columns: {
      ...childColumns,
      start: ['CIN Start Date', 'Child in Need Start Date'],
      need: ['Primary Need Code', 'Primary Need'],
      lastSeen: ['Date Child Was Last Seen', 'Date Child Last Seen'],
      closure: ['CIN Closure Date', 'Child in Need Closure Date'],
      reason: ['Reason for Closure', 'Closure Reason'],
      status: ['Case Status'],
    },
    identifying: ['child', 'start'],
    ignored: childIgnored,
    row: z
      .object({
        ...childFields,
        start: date(dates),
        need: lenient(codeMatching(/^N[0-9]$/, 'primary need code (N0–N9)')),
        lastSeen: date(dates),
        closure: date(dates),
        reason: lenient(codeMatching(/^RC[1-9]$/, 'reason for closure (RC1–RC9)')),
        status: lenient(codedAnswer()),
      })
      .superRefine(notBefore('start', 'closure', 'the closure date')),
  },
  (row, source) => {
    const facts: CaseFact[] = [];
    if (row.start !== undefined) {
      facts.push(
        defined({
          kind: 'cin-episode' as const,
          childId: row.child,
          source,
          startDate: row.start,
          endDate: row.closure,
          primaryNeed: row.need,
          closureReason: row.reason,
          caseStatus: row.status,
        }),
      );
    }
    if (row.lastSeen !== undefined) facts.push({ kind: 'cin-visit', childId: row.child, source, date: row.lastSeen, seen: true });
    return facts;
  },
);

const protection = list(
  {
    name: 'List 7',
    columns: {
      ...childColumns,
      start: ['Child Protection Plan Start Date', 'CP Plan Start Date'],
      initial: ['Initial Category of Abuse'],
      latest: ['Latest Category of Abuse'],
      visit: ['Date of the Last Statutory Visit', 'Date of Last Statutory Visit'],
      alone: ['Was the Child Seen Alone?', 'Child Seen Alone'],
      review: ['Date of latest review conference', 'Date of Last Review Conference'],
      end: ['Child Protection Plan End Date', 'CP Plan End Date'],
      previous: ['Number of Previous Child Protection Plans', 'Number of Previous CP Plans'],
    },
    identifying: ['child', 'start'],
    ignored: [...childIgnored, 'Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)'],
    row: z
      .object({
        ...childFields,
        start: requiredDate(dates, 'the plan start date'),
        initial: lenient(code(ABUSE_CATEGORY, 'category of abuse')),
        latest: lenient(code(ABUSE_CATEGORY, 'category of abuse')),
        visit: date(dates),
        alone: lenient(yesNo),
        review: date(dates),
        end: date(dates),
        previous: lenient(integer),
      })
      .superRefine(notBefore('start', 'end', 'the plan end date')),
  },
  (row, source) => {
    const facts: CaseFact[] = [
      defined({
        kind: 'cp-plan' as const,
        childId: row.child,
        source,
        startDate: row.start,
        endDate: row.end,
        category: row.initial,
        latestCategory: row.latest,
        previousPlans: row.previous,
      }),
    ];
    if (row.visit !== undefined) facts.push(defined({ kind: 'cp-visit' as const, childId: row.child, source, date: row.visit, seenAlone: row.alone }));
    if (row.review !== undefined) facts.push({ kind: 'cp-review', childId: row.child, source, date: row.review });
    return facts;
  },
);

const LEGAL_STATUSES = /^(C1|C2|D1|E1|J1|J2|J3|L1|L2|L3|V2|V3|V4)$/;

const lookedAfter = list(
  {
    name: 'List 8',
    columns: {
      ...childColumns,
      uasc: ['Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)', 'UASC'],
      start: ['Date Started to be Looked After', 'Date Started Being Looked After'],
      legal: ["Child's Legal Status", 'Legal Status'],
      review: ['Date of Latest Statutory Review', 'Date of Last Statutory Review'],
      visit: ['Date of Last Social Work Visit'],
      health: ['Date of Last Health Assessment'],
      placements: ['Number of Placements in the Last 12 months'],
      ceased: ['Date Ceased to be Looked After'],
      reason: ['Reason Ceased to be Looked After'],
      placement: ['Placement Type'],
    },
    identifying: ['child', 'start'],
    ignored: [
      ...childIgnored,
      "Child's Category of Need",
      'Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)',
      'Start date of current legal status',
      'What is the permanence plan for this child?',
      'Date of Last IRO Visit / Contact to the Child',
      'Date of Last Dental Check',
      'Start Date of Most Recent Placement',
      'Placement Provider',
      'Placement postcode',
      'URN of Placement',
      'Placement Location',
      'LA of Placement',
      "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
      "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
      'Was the child offered a Return Interview after their last missing episode (Y/N)?',
      'Did the child accept a Return Interview after their last missing episode (Y/N)?',
    ],
    row: z
      .object({
        ...childFields,
        uasc: lenient(yesNo),
        start: requiredDate(dates, 'the date started to be looked after'),
        legal: lenient(codeMatching(LEGAL_STATUSES, 'legal status')),
        review: date(dates),
        visit: date(dates),
        health: date(dates),
        placements: lenient(integer),
        ceased: date(dates),
        reason: lenient(codeMatching(/^E\d{1,2}[AB]?$/, 'reason ceased to be looked after')),
        placement: lenient(codeMatching(/^[A-Z]\d{1,2}$/, 'placement type')),
      })
      .superRefine(notBefore('start', 'ceased', 'the date ceased')),
  },
  (row, source, reading) => {
    const childKey = row.child;
    if (row.uasc !== undefined) reading.builder.child(childKey, { uasc: row.uasc }, source);
    // Annex A gives the current period of care as one episode; its start is by definition a new period.
    const facts: CaseFact[] = [
      defined({
        kind: 'cla-episode' as const,
        childId: childKey,
        source,
        startDate: row.start,
        endDate: row.ceased,
        rne: 'S',
        legalStatus: row.legal,
        placement: row.placement,
        reasonEnded: row.ceased === undefined ? undefined : row.reason,
      }),
    ];
    if (row.review !== undefined) facts.push({ kind: 'cla-review', childId: childKey, source, date: row.review });
    if (row.visit !== undefined) facts.push({ kind: 'cla-visit', childId: childKey, source, date: row.visit });
    if (row.health !== undefined) facts.push({ kind: 'health-assessment', childId: childKey, source, date: row.health });
    if (row.placements !== undefined) reading.placementCounts.push({ childId: childKey, source, count: row.placements });
    return facts;
  },
);

const careLeavers = list(
  {
    name: 'List 9',
    columns: {
      ...childColumns,
      eligibility: ['Eligibility Category', 'Care Leaver Eligibility Category'],
      inTouch: ['LA in Touch'],
      accommodation: ['Type of Accommodation'],
      activity: ['Activity Status', 'Main Activity'],
      contact: ['Latest Date of Contact', 'Date of Latest Contact', 'Date of Last Contact'],
      pathway: ['Latest Pathway Plan Review Date', 'Date of Latest Pathway Plan Review'],
      adviser: ['Allocated Personal Advisor', 'Allocated Personal Adviser'],
      uasc: ['UASC/formerly UASC', 'UASC or formerly UASC', 'UASC'],
    },
    identifying: ['child', 'eligibility'],
    ignored: [...childIgnored, 'Suitability of Accommodation'],
    row: z.object({
      ...childFields,
      accommodation: lenient(codedAnswer()),
      activity: lenient(codedAnswer()),
      contact: date(dates),
      pathway: date(dates),
      adviser: lenient(text()),
      uasc: lenient(yesNo),
    }),
  },
  (row, source, reading) => {
    const details = defined({ worker: row.worker ?? row.adviser, uasc: row.uasc });
    if (Object.keys(details).length > 0) reading.builder.child(row.child, details, source);
    const facts: CaseFact[] = [];
    if (row.contact !== undefined) {
      facts.push(
        defined({ kind: 'care-leaver-contact' as const, childId: row.child, source, date: row.contact, accommodation: row.accommodation, activity: row.activity }),
      );
    }
    if (row.pathway !== undefined) facts.push({ kind: 'pathway-plan-review', childId: row.child, source, date: row.pathway });
    return facts;
  },
);

const adoption = list(
  {
    name: 'List 10',
    columns: {
      ...childColumns,
      decision: ['Date of Decision that Child Should be Placed for Adoption'],
      placementOrder: ['Date of Placement Order'],
      matched: ['Date of Matching Child and Prospective Adopters'],
      placed: ['Date Placed for Adoption'],
      order: ['Date of Adoption Order'],
      reversed: ['Date of Decision that Child Should No Longer be Placed for Adoption'],
    },
    identifying: ['child', 'decision'],
    ignored: [
      ...childIgnored,
      'Family identifier',
      'Date the Child Entered Care',
      'Reason Why Child No Longer Placed for Adoption',
      'Date the child was placed for fostering in FFA or concurrent planning placement',
    ],
    row: z.object({
      ...childFields,
      decision: date(dates),
      placementOrder: date(dates),
      matched: date(dates),
      placed: date(dates),
      order: date(dates),
      reversed: date(dates),
    }),
  },
  (row, source) => {
    const milestones = defined({
      decisionDate: row.decision,
      placementOrderDate: row.placementOrder,
      matchedDate: row.matched,
      placedDate: row.placed,
      orderDate: row.order,
      decisionReversedDate: row.reversed,
    });
    return Object.keys(milestones).length === 0 ? [] : [{ kind: 'adoption', childId: row.child, source, ...milestones }];
  },
);

const LISTS: readonly ListHandler[] = [contacts, earlyHelp, referrals, assessments, enquiries, childrenInNeed, protection, lookedAfter, careLeavers, adoption];

/** List 11 is about prospective adopters, not children: recognised so it is reported, never imported. */
const adopters: TableSpec = {
  name: 'List 11',
  columns: { adopter: ['Individual adopter identifier'], family: ['Family identifier'] },
  identifying: ['adopter'],
  row: z.object({}),
};

const ANNEX_A_LISTS: readonly TableSpec[] = [...LISTS.map((entry) => entry.spec), adopters];

/** The list a sheet or file holds, by its headings; its name ("List 4", "list4.csv") only breaks ties. */
export function recogniseAnnexAList(headers: readonly unknown[], name?: string): TableSpec | undefined {
  const byHeadings = recogniseTable(ANNEX_A_LISTS, headers);
  if (byHeadings !== undefined) return byHeadings;
  const number = name === undefined ? undefined : /list\s*_?(\d{1,2})(?!\d)/i.exec(name)?.[1];
  const named = ANNEX_A_LISTS.find((spec) => spec.name === `List ${Number(number)}`);
  return named !== undefined && matchScore(named, headers) !== undefined ? named : undefined;
}

/** Templates sometimes put a title above the headings: the heading row is the first recognisable one. */
const HEADING_SEARCH_ROWS = 10;

function withHeadings(sheet: SheetRows): { sheet: SheetRows; spec: TableSpec | undefined } {
  if (sheet.headers.length > 0) return { sheet, spec: recogniseAnnexAList(sheet.headers, sheet.sheet ?? sheet.file) };
  const candidates = sheet.rows.slice(0, HEADING_SEARCH_ROWS);
  const found = candidates.findIndex((row) => recogniseAnnexAList(row.cells, sheet.sheet ?? sheet.file) !== undefined);
  const index = found >= 0 ? found : 0;
  const headings = sheet.rows[index];
  if (headings === undefined) return { sheet, spec: undefined };
  const shaped: SheetRows = { ...sheet, headers: headings.cells, rows: sheet.rows.slice(index + 1) };
  return { sheet: shaped, spec: found >= 0 ? recogniseAnnexAList(headings.cells, sheet.sheet ?? sheet.file) : undefined };
}

/**
 * Reads Annex A lists, from worksheets (headings found in the first rows) or CSV files (headings
 * in `headers`). Sheets that are no list are reported and skipped.
 */
export function parseAnnexASheets(sheets: readonly SheetRows[]): ParsedExtract {
  const reading: Reading = { builder: new ExtractBuilder('annex-a'), latestDate: undefined, placementCounts: [] };
  const recognised = new Map<TableSpec, SheetRows[]>();
  for (const raw of sheets) {
    if (raw.rows.length === 0 && raw.headers.every(isBlank)) continue;
    const { sheet, spec } = withHeadings(raw);
    if (spec === undefined) {
      reading.builder.problems.push({
        file: sheet.file,
        ...(sheet.sheet === undefined ? {} : { sheet: sheet.sheet }),
        severity: 'warning',
        message: 'no Annex A list has these column headings, so this sheet is not imported',
      });
      continue;
    }
    if (spec === adopters) {
      reading.builder.problems.push({
        file: sheet.file,
        sheet: sheet.sheet ?? spec.name,
        severity: 'warning',
        message: 'List 11 describes prospective adopters, not children, so it is not imported',
      });
      continue;
    }
    recognised.set(spec, [...(recognised.get(spec) ?? []), sheet]);
  }
  for (const handler of LISTS) {
    for (const sheet of recognised.get(handler.spec) ?? []) {
      reading.builder.rowsRead += sheet.rows.length;
      handler.read(sheet, reading);
    }
  }
  // Annex A carries no run date; the latest event in it is the closest stand-in for list 8's count.
  const asOf = reading.latestDate;
  if (asOf !== undefined) {
    for (const { childId: id, source, count } of reading.placementCounts) {
      reading.builder.fact({ kind: 'placement-count', childId: id, source, asOf, placementsLast12Months: count });
    }
  }
  return reading.builder.result();
}
