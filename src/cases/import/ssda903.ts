/**
 * SSDA903, the DfE return about looked-after children: one CSV per table (header, episodes,
 * reviews, uasc, oc2, oc3, ad1, placed_for_adoption, previous_permanence, missing, sw_episodes and,
 * from 2024, DoLo), each recognised by its columns, or the same data in the DfE XML layout
 * (`<EXPSSDA903><CHILD><HEADER>…<EPISODE>…`). Field names and codes are the DfE's (SSDA903
 * guidance); the tables carry no names, and postcodes, UPNs and the adopters' details are dropped.
 */
import { z } from 'zod';
import type { FactSource, ParsedExtract } from '../facts.ts';
import { childId, code, codeMatching, date, gender, lenient, requiredDate, text } from './cells.ts';
import { defined, ExtractBuilder } from './extract-builder.ts';
import { readTable, recogniseTable, type SheetRows, type TableSpec, type ValidRow } from './table.ts';
import { ETHNICITY } from './values.ts';
import { childElements, elementText, parseXml } from './xml.ts';

const dates = { serials: false } as const;

/** The 903 tables repeat the date of birth beside CHILD; it is read like the header's. */
const dob = lenient(date(dates));

interface Episode {
  row: number;
  startDate: string;
  endDate?: string;
  reasonEnded?: string;
}

interface AdoptionDecision {
  row: number;
  decisionDate: string;
  reversedDate?: string;
}

/** What the tables of one 903 extract add up to, before it becomes a `ParsedExtract`. */
class Assembly {
  readonly builder = new ExtractBuilder('ssda903');
  readonly episodes = new Map<string, Episode[]>();
  readonly decisions = new Map<string, AdoptionDecision[]>();
  /** Adoption milestones per child and decision date, from ad1 and placed_for_adoption together. */
  readonly adoptions = new Map<string, AdoptionMilestones>();
}

interface AdoptionMilestones {
  childId: string;
  source: FactSource;
  decisionDate?: string;
  matchedDate?: string;
  decisionReversedDate?: string;
}

interface Handler {
  spec: TableSpec;
  read(sheet: SheetRows, assembly: Assembly): void;
}

function handler<Out extends Record<string, unknown>>(
  spec: TableSpec<Out>,
  apply: (rows: ValidRow<Out>[], assembly: Assembly, sheet: SheetRows) => void,
): Handler {
  return {
    spec: spec as unknown as TableSpec,
    read: (sheet, assembly) => apply(readTable(spec, sheet, assembly.builder.problems), assembly, sheet),
  };
}

const where = (assembly: Assembly, sheet: SheetRows, spec: TableSpec, row: number) =>
  assembly.builder.source(sheet.file, sheet.sheet ?? spec.name, row);

/** Tables that hold at most one row per child: a repeat is refused rather than guessed between. */
function firstRowPerChild<R extends { row: number; data: { child: string } }>(rows: R[], assembly: Assembly, sheet: SheetRows, table: string): R[] {
  const seen = new Map<string, number>();
  return rows.filter(({ row, data }) => {
    const first = seen.get(data.child);
    if (first === undefined) {
      seen.set(data.child, row);
      return true;
    }
    assembly.builder.problems.push({
      file: sheet.file,
      sheet: sheet.sheet ?? table,
      row,
      column: 'CHILD',
      severity: 'error',
      message: `child ${data.child} already has a row in ${table} (row ${first}); each child may appear once, so this row is not imported`,
    });
    return false;
  });
}

const headerSpec = {
  name: 'header',
  columns: { child: ['CHILD', 'CHILDID'], sex: ['SEX'], dob: ['DOB'], ethnicity: ['ETHNIC'] },
  identifying: ['child', 'sex', 'dob', 'ethnicity'],
  ignored: ['UPN', 'MOTHER', 'MC_DOB'],
  row: z.object({
    child: childId,
    sex: lenient(gender),
    dob: requiredDate(dates, 'the date of birth'),
    ethnicity: lenient(code(ETHNICITY, 'ethnicity code')),
  }),
} satisfies TableSpec<Record<string, unknown>>;

const header = handler(headerSpec, (rows, assembly, sheet) => {
  for (const { row, data } of firstRowPerChild(rows, assembly, sheet, 'header')) {
    assembly.builder.child(
      data.child,
      defined({ dateOfBirth: data.dob, gender: data.sex, ethnicity: data.ethnicity }),
      where(assembly, sheet, headerSpec, row),
      'DOB',
    );
  }
});

const START_REASONS = /^[SLPTUB]$/;
const CEASED_REASONS = /^(X1|E\d{1,2}[AB]?)$/;
const LEGAL_STATUSES = /^(C1|C2|D1|E1|J1|J2|J3|L1|L2|L3|V2|V3|V4)$/;

const episodesSpec = {
  name: 'episodes',
  columns: {
    child: ['CHILD'],
    start: ['DECOM'],
    rne: ['RNE'],
    legalStatus: ['LS'],
    placement: ['PLACE', 'PL'],
    end: ['DEC'],
    reasonEnded: ['REC'],
  },
  identifying: ['child', 'start', 'rne', 'legalStatus'],
  ignored: ['CIN', 'PLACE_PROVIDER', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'],
  row: z
    .object({
      child: childId,
      start: requiredDate(dates, 'the episode start date (DECOM)'),
      rne: codeMatching(START_REASONS, 'reason for new episode (S, L, P, T, U or B)').refine((value) => value !== undefined, {
        message: 'the reason for new episode (RNE) is missing',
      }),
      legalStatus: lenient(codeMatching(LEGAL_STATUSES, 'legal status')),
      placement: lenient(codeMatching(/^[A-Z]\d{1,2}$/, 'placement type')),
      end: date(dates),
      reasonEnded: codeMatching(CEASED_REASONS, 'reason episode ceased'),
    })
    .superRefine((episode, ctx) => {
      if (episode.end !== undefined && episode.end < episode.start) {
        ctx.addIssue({ code: 'custom', path: ['end'], message: `the episode ends (${episode.end}) before it starts (${episode.start})` });
      }
      if (episode.end !== undefined && episode.reasonEnded === undefined) {
        ctx.addIssue({ code: 'custom', path: ['reasonEnded'], message: 'the episode has an end date but no reason episode ceased (REC)' });
      }
    }),
} satisfies TableSpec<Record<string, unknown>>;

const episodes = handler(episodesSpec, (rows, assembly, sheet) => {
  for (const { row, data } of rows) {
    // An open episode has not ceased: some extracts still fill REC (often X1) and it means nothing yet.
    const reasonEnded = data.end === undefined ? undefined : data.reasonEnded;
    assembly.builder.fact(
      defined({
        kind: 'cla-episode' as const,
        childId: data.child,
        source: where(assembly, sheet, episodesSpec, row),
        startDate: data.start,
        endDate: data.end,
        rne: data.rne,
        legalStatus: data.legalStatus,
        placement: data.placement,
        reasonEnded,
      }),
    );
    assembly.builder.child(data.child, {}, where(assembly, sheet, episodesSpec, row));
    const list = assembly.episodes.get(data.child) ?? [];
    list.push(defined({ row, startDate: data.start, endDate: data.end, reasonEnded }));
    assembly.episodes.set(data.child, list);
  }
});

const reviewsSpec = {
  name: 'reviews',
  columns: { child: ['CHILD'], dob: ['DOB'], date: ['REVIEW'], participation: ['REVIEW_CODE'] },
  identifying: ['child', 'date'],
  row: z.object({
    child: childId,
    dob,
    date: requiredDate(dates, 'the review date'),
    participation: lenient(codeMatching(/^PN[0-7]$/, 'participation code (PN0–PN7)')),
  }),
} satisfies TableSpec<Record<string, unknown>>;

const reviews = handler(reviewsSpec, (rows, assembly, sheet) => {
  for (const { row, data } of rows) {
    const source = where(assembly, sheet, reviewsSpec, row);
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob }), source, 'DOB');
    assembly.builder.fact(defined({ kind: 'cla-review' as const, childId: data.child, source, date: data.date, participation: data.participation }));
  }
});

const uascSpec = {
  name: 'uasc',
  columns: { child: ['CHILD'], sex: ['SEX'], dob: ['DOB'], ceased: ['DUC'] },
  identifying: ['child', 'ceased'],
  row: z.object({ child: childId, sex: lenient(gender), dob, ceased: lenient(date(dates)) }),
} satisfies TableSpec<Record<string, unknown>>;

const uasc = handler(uascSpec, (rows, assembly, sheet) => {
  for (const { row, data } of firstRowPerChild(rows, assembly, sheet, 'uasc')) {
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob, gender: data.sex, uasc: true }), where(assembly, sheet, uascSpec, row), 'DOB');
  }
});

/** Tables whose content the timeliness work does not use: they still name children and their ages. */
function childOnly(name: string, marker: Record<string, readonly string[]>, ignored: readonly string[]): Handler {
  const spec = {
    name,
    columns: { child: ['CHILD'], dob: ['DOB'], ...marker },
    identifying: ['child', ...Object.keys(marker)],
    ignored,
    row: z.object({ child: childId, dob }),
  } satisfies TableSpec<Record<string, unknown>>;
  return handler(spec, (rows, assembly, sheet) => {
    for (const { row, data } of firstRowPerChild(rows, assembly, sheet, name)) {
      assembly.builder.child(data.child, defined({ dateOfBirth: data.dob }), where(assembly, sheet, spec, row), 'DOB');
    }
  });
}

const oc2 = childOnly('oc2', { sdq: ['SDQ_SCORE'], healthCheck: ['HEALTH_CHECK'] }, [
  'SDQ_REASON',
  'CONVICTED',
  'IMMUNISATIONS',
  'TEETH_CHECK',
  'HEALTH_ASSESSMENT',
  'SUBSTANCE_MISUSE',
  'INTERVENTION_RECEIVED',
  'INTERVENTION_OFFERED',
]);
const oc3 = childOnly('oc3', { inTouch: ['IN_TOUCH'], activity: ['ACTIV'] }, ['ACCOM']);
const previousPermanence = childOnly('previous_permanence', { previous: ['PREV_PERM'] }, ['LA_PERM', 'DATE_PERM']);

function adoptionFor(assembly: Assembly, childKey: string, decisionDate: string | undefined, source: FactSource): AdoptionMilestones {
  const key = `${childKey}\u0000${decisionDate ?? ''}`;
  const existing = assembly.adoptions.get(key);
  if (existing) return existing;
  const fresh: AdoptionMilestones = { childId: childKey, source, ...(decisionDate === undefined ? {} : { decisionDate }) };
  assembly.adoptions.set(key, fresh);
  return fresh;
}

const ad1Spec = {
  name: 'ad1',
  columns: { child: ['CHILD'], dob: ['DOB'], decision: ['DATE_INT'], matched: ['DATE_MATCH'] },
  identifying: ['child', 'decision', 'matched'],
  ignored: ['FOSTER_CARE', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
  row: z.object({ child: childId, dob, decision: date(dates), matched: date(dates) }),
} satisfies TableSpec<Record<string, unknown>>;

const ad1 = handler(ad1Spec, (rows, assembly, sheet) => {
  for (const { row, data } of firstRowPerChild(rows, assembly, sheet, 'ad1')) {
    const source = where(assembly, sheet, ad1Spec, row);
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob }), source, 'DOB');
    const adoption = adoptionFor(assembly, data.child, data.decision, source);
    if (data.matched !== undefined) adoption.matchedDate = data.matched;
  }
});

const placedSpec = {
  name: 'placed_for_adoption',
  columns: { child: ['CHILD'], dob: ['DOB'], decision: ['DATE_PLACED'], reversed: ['DATE_PLACED_CEASED'] },
  identifying: ['child', 'decision'],
  ignored: ['REASON_PLACED_CEASED'],
  row: z
    .object({ child: childId, dob, decision: requiredDate(dates, 'the date of the decision (DATE_PLACED)'), reversed: date(dates) })
    .superRefine((value, ctx) => {
      if (value.reversed !== undefined && value.reversed < value.decision) {
        ctx.addIssue({ code: 'custom', path: ['reversed'], message: `the decision is reversed (${value.reversed}) before it was made (${value.decision})` });
      }
    }),
} satisfies TableSpec<Record<string, unknown>>;

const placedForAdoption = handler(placedSpec, (rows, assembly, sheet) => {
  for (const { row, data } of rows) {
    const source = where(assembly, sheet, placedSpec, row);
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob }), source, 'DOB');
    const adoption = adoptionFor(assembly, data.child, data.decision, source);
    if (data.reversed !== undefined) adoption.decisionReversedDate = data.reversed;
    const list = assembly.decisions.get(data.child) ?? [];
    list.push(defined({ row, decisionDate: data.decision, reversedDate: data.reversed }));
    assembly.decisions.set(data.child, list);
  }
});

const missingSpec = {
  name: 'missing',
  columns: { child: ['CHILD'], dob: ['DOB'], type: ['MISSING'], start: ['MIS_START'], end: ['MIS_END'] },
  identifying: ['child', 'type', 'start'],
  row: z
    .object({
      child: childId,
      dob,
      type: codeMatching(/^[MA]$/, 'missing type (M missing, A away)'),
      start: requiredDate(dates, 'the start date (MIS_START)'),
      end: date(dates),
    })
    .superRefine((value, ctx) => {
      if (value.end !== undefined && value.end < value.start) {
        ctx.addIssue({ code: 'custom', path: ['end'], message: `the episode ends (${value.end}) before it starts (${value.start})` });
      }
    }),
} satisfies TableSpec<Record<string, unknown>>;

const missing = handler(missingSpec, (rows, assembly, sheet) => {
  for (const { row, data } of rows) {
    const source = where(assembly, sheet, missingSpec, row);
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob }), source, 'DOB');
    const type = data.type === 'M' ? ('missing' as const) : data.type === 'A' ? ('away' as const) : undefined;
    assembly.builder.fact(defined({ kind: 'missing' as const, childId: data.child, source, startDate: data.start, endDate: data.end, type }));
  }
});

const socialWorkerSpec = {
  name: 'sw_episodes',
  columns: { child: ['CHILD'], dob: ['DOB'], worker: ['SW_ID'], start: ['SW_DECOM'], end: ['SW_DEC'] },
  identifying: ['child', 'worker', 'start'],
  ignored: ['SW_REASON'],
  row: z.object({ child: childId, dob, worker: text(100), start: requiredDate(dates, 'the start date (SW_DECOM)'), end: date(dates) }),
} satisfies TableSpec<Record<string, unknown>>;

const socialWorkers = handler(socialWorkerSpec, (rows, assembly, sheet) => {
  for (const { row, data } of rows) {
    const source = where(assembly, sheet, socialWorkerSpec, row);
    const current = data.end === undefined ? data.worker : undefined;
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob, worker: current }), source, 'DOB');
    assembly.builder.fact(
      defined({ kind: 'allocation' as const, childId: data.child, source, startDate: data.start, endDate: data.end, worker: data.worker }),
    );
  }
});

const libertySpec = {
  name: 'DoLo',
  columns: { child: ['CHILD'], dob: ['DOB'], start: ['DOLO_START'], end: ['DOLO_END'] },
  identifying: ['child', 'start'],
  row: z.object({ child: childId, dob, start: requiredDate(dates, 'the start date (DOLO_START)'), end: date(dates) }),
} satisfies TableSpec<Record<string, unknown>>;

const liberty = handler(libertySpec, (rows, assembly, sheet) => {
  for (const { row, data } of rows) {
    const source = where(assembly, sheet, libertySpec, row);
    assembly.builder.child(data.child, defined({ dateOfBirth: data.dob }), source, 'DOB');
    assembly.builder.fact(defined({ kind: 'deprivation-of-liberty' as const, childId: data.child, source, startDate: data.start, endDate: data.end }));
  }
});

/** Every table; the header comes last so its date of birth, the authoritative one, is kept. */
const HANDLERS: readonly Handler[] = [
  episodes,
  reviews,
  uasc,
  oc2,
  oc3,
  ad1,
  placedForAdoption,
  previousPermanence,
  missing,
  socialWorkers,
  liberty,
  header,
];

const SSDA903_TABLES: readonly TableSpec[] = HANDLERS.map((entry) => entry.spec);

/** The 903 table these headings are, if any. */
export function recogniseSsda903Table(headers: readonly unknown[]): TableSpec | undefined {
  return recogniseTable(SSDA903_TABLES, headers);
}

/** Episodes that overlap, or an X1 ending not followed the same day: the period-of-care logic depends on both. */
function checkEpisodeSequence(assembly: Assembly, file: string): void {
  for (const [child, list] of assembly.episodes) {
    const ordered = [...list].sort((a, b) => a.startDate.localeCompare(b.startDate) || a.row - b.row);
    let reach: Episode | undefined;
    for (const episode of ordered) {
      if (reach !== undefined) {
        const reachEnd = reach.endDate ?? '9999-12-31';
        const place = { file, sheet: 'episodes', row: episode.row, column: 'DECOM', severity: 'warning' as const };
        if (episode.startDate < reachEnd) {
          assembly.builder.problems.push({
            ...place,
            message: `child ${child}'s episode starting ${episode.startDate} overlaps the episode starting ${reach.startDate} (row ${reach.row}); periods of care may be miscounted`,
          });
        } else if (reach.reasonEnded === 'X1' && episode.startDate !== reach.endDate) {
          assembly.builder.problems.push({
            ...place,
            message: `child ${child}'s episode ending ${reach.endDate} with X1 (row ${reach.row}) should be followed by one starting that day, but the next starts ${episode.startDate}`,
          });
        }
      }
      if (reach === undefined || (reach.endDate !== undefined && (episode.endDate === undefined || episode.endDate > reach.endDate))) reach = episode;
    }
  }
}

function checkAdoptionDecisions(assembly: Assembly, file: string): void {
  for (const [child, list] of assembly.decisions) {
    list.forEach((later, index) => {
      const clash = list.slice(0, index).find((earlier) => {
        const earlierEnd = earlier.reversedDate ?? '9999-12-31';
        const laterEnd = later.reversedDate ?? '9999-12-31';
        return earlier.decisionDate <= laterEnd && later.decisionDate <= earlierEnd;
      });
      if (clash === undefined) return;
      assembly.builder.problems.push({
        file,
        sheet: 'placed_for_adoption',
        row: later.row,
        column: 'DATE_PLACED',
        severity: 'warning',
        message: `child ${child}'s adoption decision of ${later.decisionDate} overlaps the one of ${clash.decisionDate} (row ${clash.row}); a child has one current decision at a time`,
      });
    });
  }
}

/** Reads 903 tables already split into rows, each tagged with the table its headings matched. */
export function parseSsda903Sheets(sheets: readonly SheetRows[]): ParsedExtract {
  const assembly = new Assembly();
  const bySpec = new Map<TableSpec, SheetRows[]>();
  for (const sheet of sheets) {
    const spec = recogniseSsda903Table(sheet.headers);
    if (spec === undefined) {
      assembly.builder.problems.push({ file: sheet.file, row: 1, severity: 'error', message: 'these column headings match no SSDA903 table' });
      continue;
    }
    bySpec.set(spec, [...(bySpec.get(spec) ?? []), sheet]);
  }
  for (const entry of HANDLERS) {
    for (const sheet of bySpec.get(entry.spec) ?? []) {
      assembly.builder.rowsRead += sheet.rows.length;
      entry.read(sheet, assembly);
      // Sequence checks run per file, so their row numbers point into that file.
      checkEpisodeSequence(assembly, sheet.file);
      checkAdoptionDecisions(assembly, sheet.file);
      assembly.episodes.clear();
      assembly.decisions.clear();
    }
  }
  for (const adoption of assembly.adoptions.values()) assembly.builder.fact({ kind: 'adoption', ...adoption });
  return assembly.builder.result();
}

// ---------------------------------------------------------------- the DfE XML layout

/** Which XML elements under a CHILD feed which table, and the columns they become. */
function xmlSheets(file: string, children: readonly unknown[]): SheetRows[] {
  const sheets = new Map<string, SheetRows>();
  const add = (name: string, headers: string[], row: number, cells: unknown[]) => {
    const sheet = sheets.get(name) ?? { file, sheet: name, headers, rows: [] };
    sheet.rows.push({ row, cells });
    sheets.set(name, sheet);
  };
  children.forEach((child, index) => {
    const row = index + 1;
    const headerElement = childElements(child, 'HEADER')[0];
    const value = (element: unknown, name: string) => elementText(element, name);
    const id = value(headerElement, 'CHILDID');
    const birth = value(headerElement, 'DOB');
    add('header', ['CHILD', 'SEX', 'DOB', 'ETHNIC'], row, [id, value(headerElement, 'SEX'), birth, value(headerElement, 'ETHNIC')]);
    if (value(headerElement, 'UASC') === '1' || value(headerElement, 'DUC') !== undefined) {
      add('uasc', ['CHILD', 'SEX', 'DOB', 'DUC'], row, [id, value(headerElement, 'SEX'), birth, value(headerElement, 'DUC')]);
    }
    for (const review of childElements(headerElement, 'AREVIEW')) {
      add('reviews', ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'], row, [id, birth, value(review, 'REVIEW'), value(review, 'REVIEW_CODE')]);
    }
    for (const spell of childElements(headerElement, 'AMISSING')) {
      add('missing', ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'], row, [id, birth, value(spell, 'MISSING'), value(spell, 'MIS_START'), value(spell, 'MIS_END')]);
    }
    if (value(headerElement, 'DATE_INT') !== undefined || value(headerElement, 'DATE_MATCH') !== undefined) {
      add('ad1', ['CHILD', 'DOB', 'DATE_INT', 'DATE_MATCH'], row, [id, birth, value(headerElement, 'DATE_INT'), value(headerElement, 'DATE_MATCH')]);
    }
    for (const placed of childElements(headerElement, 'AD_PLACED')) {
      add('placed_for_adoption', ['CHILD', 'DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED'], row, [
        id,
        birth,
        value(placed, 'DATE_PLACED'),
        value(placed, 'DATE_PLACED_CEASED'),
      ]);
    }
    for (const episode of childElements(child, 'EPISODE')) {
      const columns = ['DECOM', 'RNE', 'LS', 'PL', 'DEC', 'REC'];
      add('episodes', ['CHILD', ...columns], row, [id, ...columns.map((name) => value(episode, name))]);
    }
  });
  return [...sheets.values()];
}

/** Reads a 903 return in the DfE XML layout; rows are numbered by CHILD element. */
export function parseSsda903Xml(file: string, xml: string): ParsedExtract {
  const parsed = parseXml(file, xml, ['CHILD', 'EPISODE', 'AREVIEW', 'AMISSING', 'AD_PLACED', 'HEADER']);
  if (!parsed.ok) {
    const builder = new ExtractBuilder('ssda903');
    builder.problems.push(parsed.problem);
    return builder.result();
  }
  const root = (parsed.document as Record<string, unknown>)['EXPSSDA903'];
  return parseSsda903Sheets(xmlSheets(file, childElements(root, 'CHILD')));
}
