import { addYears, dayFromIso, isoFromDay, ukDate } from './dates.ts';
import { type Cell, CsvBuilder, type CsvStyle, PLAIN_CSV } from './csv.ts';
import { FaultInjector, messRng, type WriterOptions } from './mess.ts';
import type { ChildRecord, Council, Episode, PeriodOfCare } from './model.ts';
import { hashString, Rng } from './rng.ts';

/**
 * SSDA903 (children looked after) return for the collection year ending 31 March `year`, as the
 * CSV files councils load into the DfE's validator: header, episodes, reviews, uasc, oc2, oc3, ad1,
 * placed_for_adoption, previous_permanence, missing and sw_episodes, each with the column set the
 * samples in reference-data/csc-validator-be-903 use. Dates are DD/MM/YYYY.
 *
 * Messy variant: some files carry a byte-order mark and CRLF line ends (as Excel's "CSV UTF-8"
 * writes), and some have extra columns the return does not define (LA, YEAR), as the liia-tools
 * samples do; an importer should ignore unknown columns.
 */

export const SSDA903_COLUMNS = {
  header: ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
  episodes: ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'],
  reviews: ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'],
  uasc: ['CHILD', 'SEX', 'DOB', 'DUC'],
  oc2: [
    'CHILD',
    'DOB',
    'SDQ_SCORE',
    'SDQ_REASON',
    'CONVICTED',
    'HEALTH_CHECK',
    'IMMUNISATIONS',
    'TEETH_CHECK',
    'HEALTH_ASSESSMENT',
    'SUBSTANCE_MISUSE',
    'INTERVENTION_RECEIVED',
    'INTERVENTION_OFFERED',
  ],
  oc3: ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'],
  ad1: ['CHILD', 'DOB', 'DATE_INT', 'DATE_MATCH', 'FOSTER_CARE', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
  placed_for_adoption: ['CHILD', 'DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED', 'REASON_PLACED_CEASED'],
  previous_permanence: ['CHILD', 'DOB', 'PREV_PERM', 'LA_PERM', 'DATE_PERM'],
  missing: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'],
  sw_episodes: ['CHILD', 'DOB', 'SW_ID', 'SW_DECOM', 'SW_DEC', 'SW_REASON'],
} as const;

type FileKey = keyof typeof SSDA903_COLUMNS;

/**
 * Per file, the values without which a row cannot be used (the child and the date that carries the
 * event) and the date columns. Injected errors are confined to these, so each one is an error any
 * importer must report; codes a lenient importer may do without (LS, PLACE …) are left alone.
 */
const RULES: Record<FileKey, { mandatory: string[]; dates: string[] }> = {
  header: { mandatory: ['CHILD', 'DOB'], dates: ['DOB', 'MC_DOB'] },
  episodes: { mandatory: ['CHILD', 'DECOM', 'RNE'], dates: ['DECOM', 'DEC'] },
  reviews: { mandatory: ['CHILD', 'REVIEW'], dates: ['DOB', 'REVIEW'] },
  uasc: { mandatory: ['CHILD'], dates: ['DOB', 'DUC'] },
  oc2: { mandatory: ['CHILD'], dates: ['DOB'] },
  oc3: { mandatory: ['CHILD'], dates: ['DOB'] },
  ad1: { mandatory: ['CHILD'], dates: ['DOB', 'DATE_INT', 'DATE_MATCH'] },
  placed_for_adoption: { mandatory: ['CHILD', 'DATE_PLACED'], dates: ['DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED'] },
  previous_permanence: { mandatory: ['CHILD'], dates: ['DOB', 'DATE_PERM'] },
  missing: { mandatory: ['CHILD', 'MIS_START'], dates: ['DOB', 'MIS_START', 'MIS_END'] },
  sw_episodes: { mandatory: ['CHILD', 'SW_DECOM'], dates: ['DOB', 'SW_DECOM', 'SW_DEC'] },
};

const EXTRA_COLUMNS = ['LA', 'YEAR'];

class File903 {
  private readonly csv: CsvBuilder;
  private readonly columns: readonly string[];

  constructor(
    private readonly key: FileKey,
    style: CsvStyle,
    private readonly extra: boolean,
    private readonly faults: FaultInjector,
    private readonly year: number,
  ) {
    this.columns = extra ? [...SSDA903_COLUMNS[key], ...EXTRA_COLUMNS] : SSDA903_COLUMNS[key];
    this.csv = new CsvBuilder(this.columns, style);
  }

  add(row: Record<string, Cell>): void {
    const values = this.columns.map((c) => row[c]);
    if (this.extra) values.splice(values.length - 2, 2, 'Northbridge', this.year);
    this.faults.maybeBreak(`${this.key}.csv`, this.csv.nextRowNumber, this.columns, values, { ...RULES[this.key], dateStyle: 'uk' });
    this.csv.add(values);
  }

  toString(): string {
    return this.csv.toString();
  }
}

const uk = (iso: string | undefined): string | undefined => (iso === undefined ? undefined : ukDate(iso));

export function writeSsda903(council: Council, year: number, options: WriterOptions = {}): Record<string, string> {
  if (!Number.isInteger(year)) throw new Error('year must be a whole number, e.g. 2026 for 2025-26');
  const from = `${year - 1}-04-01`;
  const to = `${year}-03-31`;
  const faults = new FaultInjector(council.seed, `ssda903-${year}`, options);
  const mess = messRng(council.seed, `ssda903-${year}`);
  const files = {} as Record<FileKey, File903>;
  for (const key of Object.keys(SSDA903_COLUMNS) as FileKey[]) {
    const style: CsvStyle = options.messy && mess.chance(0.4) ? { eol: '\r\n', bom: true } : PLAIN_CSV;
    files[key] = new File903(key, style, options.messy === true && mess.chance(0.3), faults, year);
  }
  const adoptersByFamily = new Map(council.adopters.map((a) => [a.familyId, a]));
  const careTeams = new Set(council.teams.filter((t) => t.service === 'children-in-care').map((t) => t.id));

  for (const child of council.children) {
    const periods = child.periodsOfCare.filter((p) => p.startDate <= to && (p.endDate === undefined || p.endDate >= from));
    if (periods.length === 0 || !child.dateOfBirth) continue;
    // Derived items no other part of the model holds (SDQ, immunisations …) come from a stream
    // of their own per child, so they do not change when another child changes.
    const extra = new Rng(council.seed, hashString(`903:${child.id}:${year}`));
    const dob = uk(child.dateOfBirth);
    const row = { CHILD: child.id, DOB: dob };
    writeHeader(files.header, child, to, extra);
    for (const p of periods) writeEpisodes(files.episodes, child, p, from, to);
    for (const p of periods) {
      for (const r of p.reviews) if (r.date >= from && r.date <= to) files.reviews.add({ ...row, REVIEW: uk(r.date), REVIEW_CODE: r.participation });
    }
    if (child.uasc) files.uasc.add({ ...row, SEX: sex903(child), DUC: uk(isoFromDay(addYears(dayFromIso(child.dateOfBirth), 18))) });
    const continuous = periods.find((p) => p.endDate === undefined || p.endDate > to);
    if (continuous && dayFromIso(continuous.startDate) <= dayFromIso(to) - 365) writeOc2(files.oc2, child, continuous, from, to, extra);
    writeAdoption(files, child, periods, from, to, adoptersByFamily);
    if (periods.some((p) => p.startDate >= from)) {
      const prior = extra.weighted([['Z1', 0.9], ['P1', 0.02], ['P2', 0.05], ['P3', 0.02], ['P4', 0.01]] as const);
      files.previous_permanence.add({ ...row, PREV_PERM: prior, ...(prior === 'Z1' ? {} : { LA_PERM: 'Northbridge', DATE_PERM: uk(isoFromDay(dayFromIso(child.dateOfBirth) + 400)) }) });
    }
    for (const m of child.missing) {
      const lookedAfter = periods.some((p) => p.startDate <= m.startDate && (p.endDate === undefined || p.endDate >= m.startDate));
      if (lookedAfter && m.startDate >= from && m.startDate <= to) {
        files.missing.add({ ...row, MISSING: m.type, MIS_START: uk(m.startDate), MIS_END: m.endDate && m.endDate <= to ? uk(m.endDate) : undefined });
      }
    }
    for (const a of child.allocations) {
      const end = a.endDate ?? '9999-12-31';
      const inCare = periods.some((p) => p.startDate <= end && (p.endDate === undefined || p.endDate >= a.startDate));
      if (!inCare || a.startDate > to || end < from || !careTeams.has(a.teamId)) continue;
      files.sw_episodes.add({
        ...row,
        SW_ID: a.workerId,
        SW_DECOM: uk(a.startDate),
        SW_DEC: a.endDate && a.endDate <= to ? uk(a.endDate) : undefined,
        SW_REASON: a.endDate && a.endDate <= to ? a.changeReason : undefined,
      });
    }
  }
  // Care leavers have no episode in the year, so OC3 runs over all children.
  for (const child of council.children) writeOc3(files.oc3, child, from, to);

  const out: Record<string, string> = {};
  for (const key of Object.keys(files) as FileKey[]) out[`${key}.csv`] = files[key].toString();
  return out;
}

function sex903(child: ChildRecord): string {
  return child.sex === 'F' ? '2' : '1';
}

function writeHeader(file: File903, child: ChildRecord, to: string, extra: Rng): void {
  const dob = child.dateOfBirth ?? '';
  const motherKnown = child.sex === 'F' && dayFromIso(to) - dayFromIso(dob) >= 12 * 365;
  const isMother = child.childOfMotherDob !== undefined && child.childOfMotherDob <= to;
  file.add({
    CHILD: child.id,
    SEX: sex903(child),
    DOB: uk(dob),
    ETHNIC: child.ethnicity,
    UPN: child.upn ?? child.upnUnknown,
    MOTHER: isMother ? '1' : motherKnown && extra.chance(0.9) ? '0' : undefined,
    MC_DOB: isMother ? uk(child.childOfMotherDob) : undefined,
  });
}

function writeEpisodes(file: File903, child: ChildRecord, period: PeriodOfCare, from: string, to: string): void {
  const placements = new Map(period.placements.map((p) => [p.id, p]));
  for (const e of period.episodes) {
    if (e.startDate > to || (e.endDate !== undefined && e.endDate < from)) continue;
    const ended = e.endDate !== undefined && e.endDate <= to;
    const placement = placements.get(e.placementId);
    file.add({
      CHILD: child.id,
      DECOM: uk(e.startDate),
      RNE: e.rne,
      LS: e.legalStatus,
      CIN: e.need,
      PLACE: placement?.type,
      PLACE_PROVIDER: placement?.provider,
      DEC: ended ? uk(e.endDate) : undefined,
      REC: ended ? e.reasonEnded : undefined,
      REASON_PLACE_CHANGE: ended ? reasonPlaceChange(e) : undefined,
      HOME_POST: e.homePostcode,
      PL_POST: placement?.postcode,
      URN: placement?.urn,
    });
  }
}

function reasonPlaceChange(e: Episode): string | undefined {
  return e.reasonEnded === 'X1' ? e.placementChangeReason : undefined;
}

function writeOc2(file: File903, child: ChildRecord, period: PeriodOfCare, from: string, to: string, extra: Rng): void {
  const age = Math.floor((dayFromIso(to) - dayFromIso(child.dateOfBirth ?? to)) / 365.25);
  const inYear = (type: string) => period.healthChecks.some((h) => h.type === type && h.date >= from && h.date <= to);
  const sdq = age >= 4 && age <= 16 && extra.chance(0.75);
  const misuse = age >= 12 && extra.chance(0.05);
  file.add({
    CHILD: child.id,
    DOB: uk(child.dateOfBirth),
    SDQ_SCORE: sdq ? extra.int(0, 40) : undefined,
    SDQ_REASON: sdq ? undefined : age < 4 || age > 16 ? 'SDQ1' : extra.pick(['SDQ2', 'SDQ3', 'SDQ4', 'SDQ5']),
    CONVICTED: age >= 10 && extra.chance(0.03) ? 1 : 0,
    HEALTH_CHECK: inYear('health-assessment') ? 1 : 0,
    IMMUNISATIONS: extra.chance(0.9) ? 1 : 0,
    TEETH_CHECK: inYear('dental') ? 1 : 0,
    HEALTH_ASSESSMENT: age < 5 ? (inYear('health-assessment') ? 1 : 0) : undefined,
    SUBSTANCE_MISUSE: misuse ? 1 : 0,
    INTERVENTION_RECEIVED: misuse ? (extra.chance(0.6) ? 1 : 0) : undefined,
    INTERVENTION_OFFERED: misuse ? 1 : undefined,
  });
}

function writeOc3(file: File903, child: ChildRecord, from: string, to: string): void {
  const leaver = child.careLeaver;
  if (!leaver || !child.dateOfBirth) return;
  const birth = dayFromIso(child.dateOfBirth);
  for (let age = 17; age <= 21; age++) {
    const birthday = addYears(birth, age);
    const iso = isoFromDay(birthday);
    if (iso < from || iso > to || iso < leaver.startDate) continue;
    // Information is collected "around" the birthday: the latest contact within three months.
    const window = [isoFromDay(birthday - 91), isoFromDay(birthday + 91)];
    const near = [...leaver.contacts].reverse().find((c) => c.date >= (window[0] ?? '') && c.date <= (window[1] ?? ''));
    file.add({
      CHILD: child.id,
      DOB: uk(child.dateOfBirth),
      IN_TOUCH: near ? near.inTouch : 'NO',
      ACTIV: near ? near.activity : '0',
      ACCOM: near ? near.accommodation : '0',
    });
  }
}

function writeAdoption(
  files: Record<FileKey, File903>,
  child: ChildRecord,
  periods: PeriodOfCare[],
  from: string,
  to: string,
  adoptersByFamily: Map<string, Council['adopters'][number]>,
): void {
  const a = child.adoption;
  if (!a || !periods.some((p) => p.id === a.periodId) || a.decisionDate > to) return;
  const dob = uk(child.dateOfBirth);
  const ceased = a.reversedDate && a.reversedDate <= to;
  files.placed_for_adoption.add({
    CHILD: child.id,
    DOB: dob,
    DATE_PLACED: uk(a.decisionDate),
    DATE_PLACED_CEASED: ceased ? uk(a.reversedDate) : undefined,
    REASON_PLACED_CEASED: ceased ? a.reversedReason : undefined,
  });
  if (!a.orderDate || a.orderDate < from || a.orderDate > to || !a.matchedDate) return;
  const adopter = a.adopterFamilyId ? adoptersByFamily.get(a.adopterFamilyId) : undefined;
  const period = periods.find((p) => p.id === a.periodId);
  const byFosterCarer = period?.placements.some((p) => p.type === 'A3' || p.type === 'A5') ?? false;
  files.ad1.add({
    CHILD: child.id,
    DOB: dob,
    DATE_INT: uk(a.decisionDate),
    DATE_MATCH: uk(a.matchedDate),
    FOSTER_CARE: byFosterCarer ? 1 : 0,
    NB_ADOPTR: adopter?.numberOfAdopters ?? 2,
    SEX_ADOPTR: adopter?.householdSex ?? 'MF',
    LS_ADOPTR: adopter?.householdLegalStatus ?? 'L11',
  });
}
