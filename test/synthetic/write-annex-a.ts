import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { ANNEX_A_HEADERS, ANNEX_A_LISTS, headerVariant } from './annex-a-headers.ts';
import {
  annexOption,
  CARE_LEAVER_ACCOMMODATION,
  CARE_LEAVER_ACTIVITY,
  type Coded,
  CP_CATEGORIES,
  ETHNICITIES,
  labelOf,
  LEGAL_STATUSES,
  PLACEMENT_TYPES,
  PRIMARY_NEEDS,
  PROVIDERS,
  REASONS_CEASED,
  SEXES,
  SOURCES,
} from './codes.ts';
import { addMonths, dayFromIso, fractionalYears, isoFromDay, ukDate, wholeYears } from './dates.ts';
import { FaultInjector, messRng, type WriterOptions } from './mess.ts';
import type { ChildRecord, Council, PeriodOfCare, Referral } from './model.ts';
import type { Rng } from './rng.ts';

/**
 * Ofsted Annex A workbook: sheets `List 1` … `List 11`, header row 1, one row per contact, referral,
 * assessment, enquiry or child as each list asks, dates as Excel dates. Lists 1–5 cover the
 * `periodMonths` (default six) before the as-of date; lists 6–8 the children open then or closed
 * within it; list 9 care leavers in touch in it; lists 10–11 adoption work.
 *
 * Messy variant (what real councils send): header spellings varied (see headerVariant), some sheets
 * renamed ("List 3 - Referrals"), coded values with or without their option letter ("b) Female" /
 * "Female"), dates as Excel dates, `DD/MM/YYYY` text or ISO text, and a few `#N/A` formula errors in
 * the allocation columns.
 */

export interface AnnexAOptions extends WriterOptions {
  /** Months covered by lists 1–5 and the "closed within" part of lists 6–9 (default 6). */
  periodMonths?: number;
}

interface DateValue {
  date: string;
}
interface CodeValue {
  text: string;
  /** The same text without its "b) " option letter. */
  bare: string;
}
type Value = string | number | undefined | DateValue | CodeValue;

const CASE_STATUSES: readonly Coded[] = [
  { code: 'referral', label: 'Open referral', weight: 0 },
  { code: 'assessment', label: 'Assessment', weight: 0 },
  { code: 'cin', label: 'Child in need plan', weight: 0 },
  { code: 'cp', label: 'Child protection plan', weight: 0 },
  { code: 'cla', label: 'Looked after child', weight: 0 },
  { code: 'closed', label: 'Closed', weight: 0 },
];
const ELIGIBILITY: readonly Coded[] = [
  { code: 'relevant', label: 'Relevant child', weight: 0 },
  { code: 'former relevant', label: 'Former relevant child', weight: 0 },
  { code: 'eligible', label: 'Eligible child', weight: 0 },
  { code: 'qualifying', label: 'Qualifying care leaver', weight: 0 },
];
const IN_TOUCH_ANNEX: readonly Coded[] = [
  { code: 'YES', label: 'Yes', weight: 0 },
  { code: 'NO', label: 'No', weight: 0 },
  { code: 'REFU', label: 'Young person refuses contact', weight: 0 },
  { code: 'NREQ', label: 'Young person no longer requires services', weight: 0 },
  { code: 'RHOM', label: 'Young person has returned home', weight: 0 },
  { code: 'DIED', label: 'Young person has died', weight: 0 },
];
const YES_NO: readonly Coded[] = [
  { code: 'Y', label: 'Yes', weight: 0 },
  { code: 'N', label: 'No', weight: 0 },
];
const OTHER_COUNCILS = ['Westmere', 'Eastbury', 'Southholm', 'Kingsfold'];

/**
 * Dates that describe a case rather than date one of its events. An importer may leave them
 * unread, so injected errors are kept out of them: each injected error must be one any importer
 * reports.
 */
const DESCRIPTIVE_DATES: ReadonlySet<string> = new Set([
  'Start date of current legal status',
  'Date of Last IRO Visit / Contact to the Child',
  'Date of Last Dental Check',
  'Start Date of Most Recent Placement',
  'Date the Child Entered Care',
  'Date of Placement Order',
  'Date of Matching Child and Prospective Adopters',
  'Date of Decision that Child Should No Longer be Placed for Adoption',
  'Date the child was placed for fostering in FFA or concurrent planning placement',
]);

const date = (iso: string | undefined): DateValue | undefined => (iso === undefined ? undefined : { date: iso });
const option = (list: readonly Coded[], code: string, form: 'label' | 'code-label' | 'code'): CodeValue => {
  const text = annexOption(list, code, form);
  return { text, bare: text.replace(/^[a-z]\) /, '') };
};
const yesNo = (b: boolean): CodeValue => option(YES_NO, b ? 'Y' : 'N', 'label');
const plainYesNo = (b: boolean): string => (b ? 'Yes' : 'No');

export async function writeAnnexA(council: Council, asOf: string = council.asOf, options: AnnexAOptions = {}): Promise<Buffer> {
  if (asOf > council.asOf) throw new Error(`Annex A as of ${asOf} is after the council's data ends (${council.asOf})`);
  const lists = buildLists(council, asOf, options.periodMonths ?? 6);
  const messy = options.messy === true;
  const mess = messRng(council.seed, `annex-a-${asOf}`);
  const faults = new FaultInjector(council.seed, `annex-a-${asOf}`, options);
  const when = new Date(`${asOf}T00:00:00Z`);

  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', () => resolve());
    out.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Sightline synthetic council';
  workbook.created = when;
  workbook.modified = when;

  for (const name of ANNEX_A_LISTS) {
    const headers = ANNEX_A_HEADERS[name] ?? [];
    const sheetName = messy && mess.chance(0.3) ? renamedSheet(name, mess) : name;
    const sheet = workbook.addWorksheet(sheetName);
    sheet.addRow(messy ? headers.map((h) => (mess.chance(0.4) ? headerVariant(h, (n) => mess.int(0, n - 1)) : h)) : [...headers]).commit();
    const dateStyles = headers.map(() => (messy ? mess.weighted([['excel', 0.5], ['uk', 0.35], ['iso', 0.15]] as const) : 'excel'));
    const rows = lists.get(name) ?? [];
    rows.forEach((values, r) => {
      const rowNumber = r + 2;
      const cells: unknown[] = values.map((v, c) => {
        if (v === undefined || typeof v === 'string' || typeof v === 'number') {
          if (messy && typeof v === 'string' && headers[c]?.startsWith('Allocated') && mess.chance(0.02)) return { error: '#N/A' };
          return v;
        }
        if ('date' in v) {
          const style = messy && mess.chance(0.05) ? mess.pick(['excel', 'uk', 'iso'] as const) : dateStyles[c];
          return style === 'uk' ? ukDate(v.date) : style === 'iso' ? v.date : new Date(`${v.date}T00:00:00Z`);
        }
        return messy && mess.chance(0.35) ? v.bare : v.text;
      });
      // List 11 describes adopters, not children; errors are injected only where children are.
      const change = name === 'List 11' ? undefined : faults.decide(
        values.map((v, c) => ({
          value: v === undefined ? undefined : typeof v === 'object' ? ('date' in v ? v.date : v.text) : v,
          mandatory: c === 0,
          date: typeof v === 'object' && 'date' in v && !DESCRIPTIVE_DATES.has(headers[c] ?? ''),
        })),
        'uk',
      );
      if (change) {
        cells[change.index] = change.value;
        faults.record({ file: 'annex_a.xlsx', sheet: sheetName, row: rowNumber, column: headers[change.index] ?? '', kind: change.kind });
      }
      const row = sheet.addRow(cells);
      cells.forEach((cell, c) => {
        if (cell instanceof Date) row.getCell(c + 1).numFmt = 'dd/mm/yyyy';
      });
      row.commit();
    });
    sheet.commit();
  }
  await workbook.commit();
  await ended;
  const buffer = Buffer.concat(chunks);
  stampZipEntries(buffer, asOf);
  return buffer;
}

function renamedSheet(name: string, mess: Rng): string {
  const titles: Record<string, string> = {
    'List 1': 'Contacts',
    'List 2': 'Early Help',
    'List 3': 'Referrals',
    'List 4': 'Assessments',
    'List 5': 'Section 47',
    'List 6': 'Children in Need',
    'List 7': 'Child Protection',
    'List 8': 'Children Looked After',
    'List 9': 'Care Leavers',
    'List 10': 'Adoption',
    'List 11': 'Adopters',
  };
  return mess.chance(0.5) ? `${name} - ${titles[name] ?? ''}` : name.toUpperCase().replace(' ', '');
}

/**
 * Zip entries carry the time they were written, so two runs would differ byte for byte. Stamp
 * every entry (local header and central directory) with the as-of date at midnight instead.
 */
export function stampZipEntries(zip: Buffer, iso: string): void {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const dosDate = ((y - 1980) << 9) | (m << 5) | d;
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('unexpected zip central directory');
    zip.writeUInt16LE(0, p + 12);
    zip.writeUInt16LE(dosDate, p + 14);
    const local = zip.readUInt32LE(p + 42);
    zip.writeUInt16LE(0, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
}

// ----- the lists -----

interface Snapshot {
  asOf: string;
  periodStart: string;
  yearAgo: string;
  known: (d: string | undefined) => string | undefined;
  teamName: (id: string | undefined) => string | undefined;
  workerName: (id: string | undefined) => string | undefined;
}

function buildLists(council: Council, asOf: string, periodMonths: number): Map<string, Value[][]> {
  const asOfDay = dayFromIso(asOf);
  const teams = new Map(council.teams.map((t) => [t.id, t.name]));
  const workers = new Map(council.workers.map((w) => [w.id, w.name]));
  const s: Snapshot = {
    asOf,
    periodStart: isoFromDay(addMonths(asOfDay, -periodMonths) + 1),
    yearAgo: isoFromDay(addMonths(asOfDay, -12) + 1),
    known: (d) => (d !== undefined && d <= asOf ? d : undefined),
    teamName: (id) => (id === undefined ? undefined : teams.get(id)),
    workerName: (id) => (id === undefined ? undefined : workers.get(id)),
  };
  const lists = new Map<string, Value[][]>(ANNEX_A_LISTS.map((name) => [name, []]));
  const push = (name: string, row: Value[]) => lists.get(name)?.push(row);
  for (const child of council.children) {
    if (child.contacts.length === 0 && child.referrals.length === 0) continue;
    const who = childColumns(child, asOfDay);
    const disabled = yesNo(child.disabilities.length > 0);
    listContactsAndEarlyHelp(child, who, s, push);
    listReferrals(child, who, disabled, s, push);
    listCaseLists(child, who, disabled, s, push);
    listCare(child, who, disabled, s, push);
    listCareLeaver(child, who, disabled, s, push);
    listAdoption(child, s, asOfDay, push);
  }
  for (const a of council.adopters) {
    if (a.enquiryDate > asOf) continue;
    push('List 11', [
      a.id,
      a.familyId,
      option(SEXES, a.sex, 'label'),
      option(ETHNICITIES, a.ethnicity, 'code'),
      yesNo(a.disability),
      plainYesNo(a.fosteringForAdoption),
      date(a.enquiryDate),
      date(s.known(a.stage1Start)),
      date(s.known(a.stage1End)),
      date(s.known(a.stage2Start)),
      date(s.known(a.stage2End)),
      date(s.known(a.applicationDate)),
      date(s.known(a.approvalDate)),
      date(s.known(a.matchedDate)),
      date(s.known(a.placedDate)),
      s.known(a.placedDate) ? a.childrenPlaced : undefined,
      date(s.known(a.orderDate)),
      undefined,
      undefined,
    ]);
  }
  return lists;
}

function childColumns(child: ChildRecord, asOfDay: number): Value[] {
  const born = child.dateOfBirth !== undefined && dayFromIso(child.dateOfBirth) <= asOfDay;
  return [
    child.id,
    option(SEXES, born ? child.sex : 'U', 'label'),
    option(ETHNICITIES, child.ethnicity, 'code'),
    date(born ? child.dateOfBirth : undefined),
    born && child.dateOfBirth ? fractionalYears(dayFromIso(child.dateOfBirth), asOfDay) : undefined,
  ];
}

type Push = (name: string, row: Value[]) => void;

function listContactsAndEarlyHelp(child: ChildRecord, who: Value[], s: Snapshot, push: Push): void {
  for (const c of child.contacts) {
    if (c.date >= s.periodStart && c.date <= s.asOf) push('List 1', [...who, date(c.date), option(SOURCES, c.source, 'code-label')]);
  }
  for (const e of child.earlyHelp) {
    if (e.startDate >= s.periodStart && e.startDate <= s.asOf) {
      push('List 2', [...who, date(e.startDate), date(s.known(e.assessmentCompletedDate)), s.teamName(e.teamId)]);
    }
  }
}

function within12Months(dates: string[], before: string): number {
  const from = isoFromDay(dayFromIso(before) - 365);
  return dates.filter((d) => d >= from && d < before).length;
}

function listReferrals(child: ChildRecord, who: Value[], disabled: CodeValue, s: Snapshot, push: Push): void {
  const referralDates = child.referrals.map((r) => r.date);
  const s47Dates = child.referrals.flatMap((r) => r.s47s.map((e) => e.strategyDate));
  const icpcDates = child.referrals.flatMap((r) => r.s47s.flatMap((e) => (e.icpc?.date ? [e.icpc.date] : [])));
  for (const r of child.referrals) {
    if (r.date >= s.periodStart && r.date <= s.asOf) {
      push('List 3', [
        ...who,
        date(r.date),
        option(SOURCES, r.source, 'code-label'),
        plainYesNo(r.nfa),
        within12Months(referralDates, r.date),
        s.teamName(r.teamId),
        s.workerName(r.workerId),
      ]);
    }
    for (const a of r.assessments) {
      const auth = s.known(a.authorisedDate);
      const relevant = a.startDate <= s.asOf && (auth === undefined || auth >= s.periodStart);
      if (!relevant) continue;
      const support = a.outcome === 'cin-plan' || a.outcome === 'strategy' || a.outcome === 'cla' || a.outcome === 'services';
      push('List 4', [
        ...who,
        disabled,
        date(a.startDate),
        plainYesNo(a.childSeen),
        date(auth),
        auth ? plainYesNo(support) : undefined,
        s.teamName(a.teamId),
        s.workerName(a.workerId),
      ]);
    }
    for (const e of r.s47s) {
      if (e.strategyDate < s.periodStart || e.strategyDate > s.asOf) continue;
      const icpc = s.known(e.icpc?.date);
      const concluded = s.known(e.endDate) !== undefined;
      push('List 5', [
        ...who,
        disabled,
        date(e.strategyDate),
        concluded || icpc ? plainYesNo(e.icpcNotRequired) : undefined,
        date(icpc),
        icpc ? plainYesNo(e.icpc?.planResulted ?? false) : '',
        within12Months(s47Dates, e.strategyDate),
        within12Months(icpcDates, e.strategyDate),
        s.teamName(e.teamId),
        s.workerName(e.workerId),
      ]);
    }
  }
}

/** What the case is on the as-of date, for List 6's "Case Status". */
function caseStatus(child: ChildRecord, r: Referral, s: Snapshot): string {
  const open = (start: string, end: string | undefined) => start <= s.asOf && (s.known(end) === undefined);
  if (s.known(r.closeDate)) return 'closed';
  if (child.periodsOfCare.some((p) => p.referralId === r.id && open(p.startDate, p.endDate))) return 'cla';
  if (r.cpPlans.some((p) => open(p.startDate, p.endDate))) return 'cp';
  if (r.cinPlans.some((p) => open(p.startDate, p.endDate))) return 'cin';
  if (r.assessments.some((a) => a.startDate <= s.asOf)) return 'assessment';
  return 'referral';
}

function listCaseLists(child: ChildRecord, who: Value[], disabled: CodeValue, s: Snapshot, push: Push): void {
  for (const r of child.referrals) {
    if (r.date > s.asOf) continue;
    const closed = s.known(r.closeDate);
    if (closed !== undefined && closed < s.periodStart) continue;
    const status = caseStatus(child, r, s);
    const visits = [...r.cinPlans.flatMap((p) => p.visits), ...r.cpPlans.flatMap((p) => p.visits)]
      .map((v) => v.date)
      .filter((d) => d <= s.asOf)
      .sort();
    if (status !== 'cp' && status !== 'cla' && (r.cinPlans.length > 0 || status === 'assessment' || status === 'referral')) {
      push('List 6', [
        ...who,
        disabled,
        date(r.date),
        `${r.primaryNeed} - ${labelOf(PRIMARY_NEEDS, r.primaryNeed)}`,
        date(visits[visits.length - 1]),
        date(closed),
        closed ? r.closeReason : undefined,
        option(CASE_STATUSES, status, 'label'),
        s.teamName(r.cinPlans[r.cinPlans.length - 1]?.teamId ?? r.teamId),
        s.workerName(r.cinPlans[r.cinPlans.length - 1]?.workerId ?? r.workerId),
      ]);
    }
    for (const p of r.cpPlans) {
      const end = s.known(p.endDate);
      if (p.startDate > s.asOf || (end !== undefined && end < s.periodStart)) continue;
      const seen = p.visits.filter((v) => v.date <= s.asOf);
      const last = seen[seen.length - 1];
      const review = p.reviews.filter((rv) => rv.date <= s.asOf).pop();
      push('List 7', [
        ...who,
        disabled,
        date(p.startDate),
        labelOf(CP_CATEGORIES, p.initialCategory),
        labelOf(CP_CATEGORIES, p.latestCategory),
        date(last?.date),
        last ? yesNo(last.seenAlone) : undefined,
        date(review?.date),
        date(end),
        yesNo(p.emergencyProtection),
        p.previousPlans,
        s.teamName(p.teamId),
        s.workerName(p.workerId),
      ]);
    }
  }
}

function latest<T extends { date: string }>(items: readonly T[], s: Snapshot, filter: (item: T) => boolean = () => true): T | undefined {
  let found: T | undefined;
  for (const item of items) if (item.date <= s.asOf && filter(item)) found = item;
  return found;
}

function listCare(child: ChildRecord, who: Value[], disabled: CodeValue, s: Snapshot, push: Push): void {
  child.periodsOfCare.forEach((p: PeriodOfCare, i) => {
    const end = s.known(p.endDate);
    if (p.startDate > s.asOf || (end !== undefined && end < s.periodStart)) return;
    const episodes = p.episodes.filter((e) => e.startDate <= s.asOf);
    const current = episodes[episodes.length - 1];
    let legalFrom = current?.startDate;
    for (let k = episodes.length - 1; k > 0; k--) {
      const e = episodes[k];
      const before = episodes[k - 1];
      if (!e || !before || before.legalStatus !== current?.legalStatus) break;
      legalFrom = before.startDate;
    }
    const placements = p.placements.filter((pl) => pl.startDate <= s.asOf);
    const placement = placements[placements.length - 1];
    const recentPlacements = placements.filter((pl) => (s.known(pl.endDate) ?? s.asOf) >= s.yearAgo).length;
    const previous = child.periodsOfCare[i - 1];
    const secondPeriod = previous?.endDate !== undefined && dayFromIso(p.startDate) - dayFromIso(previous.endDate) <= 365;
    const missing = child.missing.filter((m) => m.startDate >= s.yearAgo && m.startDate <= s.asOf);
    const lastMissing = missing.filter((m) => m.type === 'M').pop();
    const health = latest(p.healthChecks, s, (h) => h.type === 'health-assessment');
    const dental = latest(p.healthChecks, s, (h) => h.type === 'dental');
    const review = latest(p.reviews, s);
    const visit = latest(p.visits, s);
    push('List 8', [
      ...who,
      yesNo(child.uasc),
      disabled,
      date(p.startDate),
      current ? `${current.need} - ${labelOf(PRIMARY_NEEDS, current.need)}` : undefined,
      yesNo(secondPeriod),
      date(legalFrom),
      current ? `${current.legalStatus}: ${labelOf(LEGAL_STATUSES, current.legalStatus)}` : undefined,
      date(review?.date),
      date(visit?.date),
      p.permanencePlan,
      date(review?.date),
      date(health?.date),
      date(dental?.date),
      recentPlacements,
      date(end),
      end && p.reasonEnded ? option(REASONS_CEASED, p.reasonEnded, 'code-label') : undefined,
      date(placement?.startDate),
      placement ? option(PLACEMENT_TYPES, placement.type, 'code-label') : undefined,
      placement ? providerOption(placement.provider) : undefined,
      placement?.postcode,
      placement && placement.urn !== 'XXXXXXX' ? placement.urn : undefined,
      placement ? (placement.insideCouncil ? 'Inside LA boundary' : 'Outside LA boundary') : undefined,
      placement ? (placement.insideCouncil ? 'Northbridge' : OTHER_COUNCILS[placement.postcode.charCodeAt(1) % OTHER_COUNCILS.length]) : undefined,
      missing.filter((m) => m.type === 'M').length,
      missing.filter((m) => m.type === 'A').length,
      lastMissing && lastMissing.rhiOffered !== 'NA' ? yesNo(lastMissing.rhiOffered === 'Y') : undefined,
      lastMissing && lastMissing.rhiAccepted !== 'NA' ? yesNo(lastMissing.rhiAccepted === 'Y') : undefined,
      s.teamName(allocationOn(child, s.asOf)?.teamId ?? p.teamId),
      s.workerName(allocationOn(child, s.asOf)?.workerId),
    ]);
  });
}

function providerOption(code: string): CodeValue {
  const index = PROVIDERS.findIndex((p) => p.code === code);
  const text = `${String.fromCharCode(97 + Math.max(0, index))}) ${code} - ${labelOf(PROVIDERS, code)}`;
  return { text, bare: text.replace(/^[a-z]\) /, '') };
}

function allocationOn(child: ChildRecord, day: string) {
  return child.allocations.find((a) => a.startDate <= day && (a.endDate === undefined || a.endDate > day));
}

function listCareLeaver(child: ChildRecord, who: Value[], disabled: CodeValue, s: Snapshot, push: Push): void {
  const leaver = child.careLeaver;
  if (!leaver || leaver.startDate > s.asOf) return;
  const contact = latest(leaver.contacts, s);
  if (!contact || contact.date < s.periodStart) return;
  const accommodation = contact.accommodation.slice(0, 1);
  const age = child.dateOfBirth ? wholeYears(dayFromIso(child.dateOfBirth), dayFromIso(s.asOf)) : 18;
  push('List 9', [
    ...who,
    disabled,
    s.teamName(leaver.teamId),
    s.workerName(leaver.workerId),
    option(ELIGIBILITY, age >= 18 ? 'former relevant' : 'relevant', 'label'),
    option(IN_TOUCH_ANNEX, contact.inTouch, 'label'),
    `${accommodation}: ${labelOf(CARE_LEAVER_ACCOMMODATION, accommodation)}`,
    yesNoSuitable(contact.accommodation.endsWith('1')),
    `${contact.activity}: ${labelOf(CARE_LEAVER_ACTIVITY, contact.activity)}`,
  ]);
}

function yesNoSuitable(suitable: boolean): CodeValue {
  const text = suitable ? 'a) Suitable' : 'b) Unsuitable';
  return { text, bare: text.slice(3) };
}

function listAdoption(child: ChildRecord, s: Snapshot, asOfDay: number, push: Push): void {
  const a = child.adoption;
  if (!a || a.decisionDate > s.asOf) return;
  const order = s.known(a.orderDate);
  if (order !== undefined && order < s.yearAgo) return;
  const period = child.periodsOfCare.find((p) => p.id === a.periodId);
  const ffa = period?.placements.find((pl) => pl.type === 'U5' || pl.type === 'U2');
  push('List 10', [
    child.id,
    s.known(a.matchedDate) ? a.adopterFamilyId : undefined,
    option(SEXES, child.sex, 'label'),
    option(ETHNICITIES, child.ethnicity, 'code'),
    date(child.dateOfBirth),
    child.dateOfBirth ? wholeYears(dayFromIso(child.dateOfBirth), asOfDay) : undefined,
    yesNo(child.disabilities.length > 0),
    date(period?.startDate),
    date(a.decisionDate),
    date(s.known(a.placementOrderDate)),
    date(s.known(a.matchedDate)),
    date(s.known(a.placedDate)),
    date(order),
    date(s.known(a.reversedDate)),
    s.known(a.reversedDate) ? a.reversedReason : undefined,
    date(s.known(ffa?.startDate)),
  ]);
}
