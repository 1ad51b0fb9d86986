import { FaultInjector, type WriterOptions } from './mess.ts';
import type { ChildRecord, Council, Referral } from './model.ts';

/**
 * Children in need census XML for the collection year ending 31 March `year`, in the newest layout
 * of the samples (reference-data/csc-validator-be-cin/CIN_Census_2026.xml): `Sex` (M/F/U) rather
 * than `GenderCurrent`, and a `PreProceedingsandFGDM` block in CINdetails. Element order follows
 * that sample. A child is included when one of their referrals (CIN episodes) is open at any time
 * in the year; within an episode, only the assessments, plans, enquiries and reviews that touch
 * the year are listed, as the census asks.
 *
 * Messy variant: yes/no elements as `1`/`0` instead of `true`/`false` (both appear in the samples).
 */

const DATE_ELEMENTS = new Set([
  'PersonBirthDate',
  'ExpectedPersonBirthDate',
  'CINreferralDate',
  'CINclosureDate',
  'DateOfInitialCPC',
  'AssessmentActualStartDate',
  'AssessmentAuthorisationDate',
  'CINPlanStartDate',
  'CINPlanEndDate',
  'S47ActualStartDate',
  'InitialCPCtarget',
  'CPPstartDate',
  'CPPendDate',
  'CPPreviewDate',
]);

/** Elements without which a record cannot be used; injected "missing value" errors go only here. */
const MANDATORY_ELEMENTS = new Set(['LAchildID', 'CINreferralDate', 'AssessmentActualStartDate', 'S47ActualStartDate', 'CPPstartDate']);

/** A child's XML as a list of lines, so a fault can be injected into one element before writing. */
type Line = { indent: number; open: string } | { indent: number; close: string } | { indent: number; tag: string; value: string };

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function writeCinCensus(council: Council, year: number, options: WriterOptions = {}): string {
  if (!Number.isInteger(year)) throw new Error('year must be a whole number, e.g. 2026 for 2025-26');
  const from = `${year - 1}-04-01`;
  const to = `${year}-03-31`;
  const faults = new FaultInjector(council.seed, `cin-${year}`, options);
  const yes = (b: boolean) => (options.messy ? (b ? '1' : '0') : b ? 'true' : 'false');
  const fileName = `cin_census_${year}.xml`;

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Message>',
    '    <Header>',
    '        <CollectionDetails>',
    '            <Collection>CIN</Collection>',
    `            <Year>${year}</Year>`,
    `            <ReferenceDate>${to}</ReferenceDate>`,
    '        </CollectionDetails>',
    '        <Source>',
    '            <SourceLevel>L</SourceLevel>',
    `            <LEA>${council.laCode}</LEA>`,
    '            <SoftwareCode>Sightline synthetic council</SoftwareCode>',
    '            <Release>1.0</Release>',
    '            <SerialNo>001</SerialNo>',
    `            <DateTime>${to}T00:00:00</DateTime>`,
    '        </Source>',
    '    </Header>',
    '    <Children>',
  ];
  let ordinal = 0;
  for (const child of council.children) {
    const referrals = child.referrals.filter((r) => r.date <= to && (r.closeDate === undefined || r.closeDate >= from));
    if (referrals.length === 0) continue;
    ordinal += 1;
    const lines = childLines(child, referrals, from, to, yes);
    const leaves = lines.flatMap((l, i) => ('tag' in l ? [{ i, line: l }] : []));
    const change = faults.decide(
      leaves.map(({ line }) => ({ value: line.value, mandatory: MANDATORY_ELEMENTS.has(line.tag), date: DATE_ELEMENTS.has(line.tag) })),
      'iso',
    );
    if (change) {
      const leaf = leaves[change.index];
      if (leaf) {
        leaf.line.value = change.value ?? '';
        faults.record({ file: fileName, row: ordinal, column: leaf.line.tag, kind: change.kind });
      }
    }
    for (const line of lines) out.push(render(line));
  }
  out.push('    </Children>', '</Message>', '');
  return out.join('\n');
}

function render(line: Line): string {
  const pad = ' '.repeat(8 + line.indent * 4);
  if ('open' in line) return `${pad}<${line.open}>`;
  if ('close' in line) return `${pad}</${line.close}>`;
  return line.value === '' ? `${pad}<${line.tag}/>` : `${pad}<${line.tag}>${escapeXml(line.value)}</${line.tag}>`;
}

function childLines(
  child: ChildRecord,
  referrals: Referral[],
  from: string,
  to: string,
  yes: (b: boolean) => string,
): Line[] {
  const lines: Line[] = [];
  const open = (indent: number, tag: string) => lines.push({ indent, open: tag });
  const close = (indent: number, tag: string) => lines.push({ indent, close: tag });
  const leaf = (indent: number, tag: string, value: string | number | undefined) => {
    if (value !== undefined) lines.push({ indent, tag, value: String(value) });
  };
  const bornByCensus = child.dateOfBirth !== undefined && child.dateOfBirth <= to;

  open(0, 'Child');
  open(1, 'ChildIdentifiers');
  leaf(2, 'LAchildID', child.id);
  if (child.upn) leaf(2, 'UPN', child.upn);
  else leaf(2, 'UPNunknown', child.upnUnknown ?? 'UN1');
  if (bornByCensus) leaf(2, 'PersonBirthDate', child.dateOfBirth);
  else leaf(2, 'ExpectedPersonBirthDate', child.expectedDateOfBirth ?? child.dateOfBirth);
  leaf(2, 'Sex', bornByCensus ? child.sex : 'U');
  close(1, 'ChildIdentifiers');
  open(1, 'ChildCharacteristics');
  leaf(2, 'Ethnicity', bornByCensus ? child.ethnicity : 'NOBT');
  open(2, 'Disabilities');
  for (const code of child.disabilities.length > 0 ? child.disabilities : ['NONE']) leaf(3, 'Disability', code);
  close(2, 'Disabilities');
  close(1, 'ChildCharacteristics');

  const inYear = (d: string | undefined) => d !== undefined && d >= from && d <= to;
  const overlaps = (start: string, end: string | undefined) => start <= to && (end === undefined || end >= from);
  const known = (d: string | undefined) => (d !== undefined && d <= to ? d : undefined);
  for (const r of referrals) {
    open(1, 'CINdetails');
    leaf(2, 'CINreferralDate', r.date);
    leaf(2, 'ReferralSource', r.source);
    leaf(2, 'PrimaryNeedCode', r.primaryNeed);
    const closed = known(r.closeDate);
    leaf(2, 'CINclosureDate', closed);
    if (closed) leaf(2, 'ReasonForClosure', r.closeReason);
    const icpcs = r.s47s.map((s) => s.icpc?.date).filter(inYear);
    leaf(2, 'DateOfInitialCPC', icpcs[icpcs.length - 1]);
    for (const a of r.assessments) {
      if (!overlaps(a.startDate, a.authorisedDate)) continue;
      open(2, 'Assessments');
      leaf(3, 'AssessmentActualStartDate', a.startDate);
      const auth = known(a.authorisedDate);
      leaf(3, 'AssessmentAuthorisationDate', auth);
      if (auth) {
        open(3, 'FactorsIdentifiedAtAssessment');
        for (const f of a.factors) leaf(4, 'AssessmentFactors', f);
        close(3, 'FactorsIdentifiedAtAssessment');
      }
      close(2, 'Assessments');
    }
    for (const p of r.cinPlans) {
      if (!overlaps(p.startDate, p.endDate)) continue;
      open(2, 'CINPlanDates');
      leaf(3, 'CINPlanStartDate', p.startDate);
      leaf(3, 'CINPlanEndDate', known(p.endDate));
      close(2, 'CINPlanDates');
    }
    for (const s of r.s47s) {
      if (!inYear(s.strategyDate) && !inYear(s.icpc?.date)) continue;
      open(2, 'Section47');
      leaf(3, 'S47ActualStartDate', s.strategyDate);
      leaf(3, 'InitialCPCtarget', s.icpc?.targetDate);
      leaf(3, 'DateOfInitialCPC', known(s.icpc?.date));
      leaf(3, 'ICPCnotRequired', yes(s.icpcNotRequired));
      close(2, 'Section47');
    }
    leaf(2, 'ReferralNFA', yes(r.nfa));
    for (const p of r.cpPlans) {
      if (!overlaps(p.startDate, p.endDate)) continue;
      open(2, 'ChildProtectionPlans');
      leaf(3, 'CPPstartDate', p.startDate);
      leaf(3, 'CPPendDate', known(p.endDate));
      leaf(3, 'InitialCategoryOfAbuse', p.initialCategory);
      leaf(3, 'LatestCategoryOfAbuse', p.latestCategory);
      leaf(3, 'NumberOfPreviousCPP', p.previousPlans);
      const reviews = p.reviews.filter((rv) => inYear(rv.date));
      if (reviews.length > 0) {
        open(3, 'Reviews');
        for (const rv of reviews) leaf(4, 'CPPreviewDate', rv.date);
        close(3, 'Reviews');
      }
      close(2, 'ChildProtectionPlans');
    }
    const pp = r.preProceedings;
    if (pp && overlaps(pp.startDate, pp.courtApplicationDate ?? pp.decisionDate)) {
      open(2, 'PreProceedingsandFGDM');
      leaf(3, 'PPStartDate', pp.startDate);
      leaf(3, 'LBPSentDate', known(pp.letterSentDate));
      leaf(3, 'FGDMMeetingOffer', pp.familyGroupOffered ? 1 : 0);
      leaf(3, 'FGDMMeetingFac', pp.familyGroupHeld ? 1 : 0);
      leaf(3, 'InitialPPMeetingDate', known(pp.initialMeetingDate));
      leaf(3, 'ReviewMeetingsCount', pp.reviewMeetings);
      leaf(3, 'StepDecisionDate', known(pp.decisionDate));
      if (known(pp.decisionDate)) leaf(3, 'PPOutcome', pp.outcome);
      leaf(3, 'CourtAppDate', known(pp.courtApplicationDate));
      close(2, 'PreProceedingsandFGDM');
    }
    close(1, 'CINdetails');
  }
  close(0, 'Child');
  return lines;
}
