/**
 * The DfE children in need census (XML, `<Message><Header>…<Children><Child>…`), in the layouts of
 * 2021 to 2026: `GenderCurrent` became `Sex`, and 2026 added pre-proceedings (not imported). Element
 * names follow the DfE's CIN census specification. Each Child is a "row" (numbered in file order);
 * each block inside it (CINdetails, Assessments, Section47 …) is validated on its own, so a bad
 * assessment loses only that assessment, while a child whose identifiers are unreadable is skipped.
 */
import { z } from 'zod';
import type { FactSource, ImportProblem, ParsedExtract } from '../facts.ts';
import { settle, childId, code, codeMatching, date, gender, integer, lenient, requiredDate, text, yesNo, type Settled } from './cells.ts';
import { defined, ExtractBuilder } from './extract-builder.ts';
import { ABUSE_CATEGORY, ETHNICITY } from './values.ts';
import { childElements, elementText, parseXml } from './xml.ts';

const dates = { serials: false } as const;

const REPEATED = [
  'Child',
  'CINdetails',
  'Assessments',
  'AssessmentFactors',
  'CINPlanDates',
  'Section47',
  'ChildProtectionPlans',
  'Reviews',
  'CPPreviewDate',
  'Disability',
] as const;

function endNotBefore(startField: string, endField: string, what: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const start = value[startField];
    const end = value[endField];
    if (typeof start === 'string' && typeof end === 'string' && end < start) {
      ctx.addIssue({ code: 'custom', path: [endField], message: `${what} (${end}) is before ${startField} (${start})` });
    }
  };
}

const identifiersSchema = z.object({
  LAchildID: childId,
  PersonBirthDate: date(dates),
  ExpectedPersonBirthDate: lenient(date(dates)),
  GenderCurrent: lenient(gender),
  Sex: lenient(gender),
  Ethnicity: lenient(code(ETHNICITY, 'ethnicity code')),
});

const detailsSchema = z
  .object({
    CINreferralDate: requiredDate(dates, 'the referral date'),
    ReferralSource: lenient(text(10)),
    PrimaryNeedCode: lenient(codeMatching(/^N[0-9]$/, 'primary need code (N0–N9)')),
    CINclosureDate: date(dates),
    ReasonForClosure: lenient(codeMatching(/^RC[1-9]$/, 'reason for closure (RC1–RC9)')),
    DateOfInitialCPC: date(dates),
    ReferralNFA: lenient(yesNo),
  })
  .superRefine(endNotBefore('CINreferralDate', 'CINclosureDate', 'the closure date'));

const assessmentSchema = z
  .object({
    AssessmentActualStartDate: requiredDate(dates, 'the assessment start date'),
    AssessmentAuthorisationDate: date(dates),
  })
  .superRefine(endNotBefore('AssessmentActualStartDate', 'AssessmentAuthorisationDate', 'the authorisation date'));

const planSchema = z
  .object({ CINPlanStartDate: requiredDate(dates, 'the plan start date'), CINPlanEndDate: date(dates) })
  .superRefine(endNotBefore('CINPlanStartDate', 'CINPlanEndDate', 'the plan end date'));

const section47Schema = z
  .object({
    S47ActualStartDate: requiredDate(dates, 'the section 47 start date'),
    InitialCPCtarget: date(dates),
    DateOfInitialCPC: date(dates),
    ICPCnotRequired: lenient(yesNo),
  })
  .superRefine(endNotBefore('S47ActualStartDate', 'DateOfInitialCPC', 'the conference date'));

const protectionPlanSchema = z
  .object({
    CPPstartDate: requiredDate(dates, 'the plan start date'),
    CPPendDate: date(dates),
    InitialCategoryOfAbuse: lenient(code(ABUSE_CATEGORY, 'category of abuse')),
    LatestCategoryOfAbuse: lenient(code(ABUSE_CATEGORY, 'category of abuse')),
    NumberOfPreviousCPP: lenient(integer),
  })
  .superRefine(endNotBefore('CPPstartDate', 'CPPendDate', 'the plan end date'));

const reviewSchema = z.object({ CPPreviewDate: requiredDate(dates, 'the review date') });

/** Where in the file a block sits, for problems: the Child's ordinal is the row. */
interface Place {
  file: string;
  row: number;
  block: string;
  /** e.g. "CINdetails 2, Assessments 1", so the user can find the block inside a long Child. */
  path: string;
}

function readBlock<Out extends Record<string, unknown>>(
  schema: z.ZodType<Out, Record<string, unknown>>,
  element: unknown,
  place: Place,
  problems: ImportProblem[],
): Settled<Out> | undefined {
  const fields = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const input: Record<string, unknown> = {};
  for (const field of fields) input[field] = elementText(element, field);
  const located = (column: string | undefined, severity: ImportProblem['severity'], message: string): ImportProblem => ({
    file: place.file,
    sheet: place.block,
    row: place.row,
    ...(column === undefined ? {} : { column }),
    severity,
    message: `${message} (Child ${place.row}${place.path === '' ? '' : `, ${place.path}`})`,
  });
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(located(typeof issue.path[0] === 'string' ? issue.path[0] : undefined, 'error', issue.message));
    }
    return undefined;
  }
  return settle(parsed.data, (field, reason) => problems.push(located(field, 'warning', reason)));
}

function checkHeader(file: string, header: unknown, problems: ImportProblem[]): void {
  const collection = elementText(childElements(header, 'CollectionDetails')[0], 'Collection');
  const reference = elementText(childElements(header, 'CollectionDetails')[0], 'ReferenceDate');
  const at = { file, sheet: 'Header', severity: 'warning' as const };
  if (collection !== undefined && collection.trim().toUpperCase() !== 'CIN') {
    problems.push({ ...at, column: 'Collection', message: `the collection is ${collection.slice(0, 20)}, not CIN; the children are read anyway` });
  }
  // The census year runs to 31 March; another reference date usually means a mis-set extract.
  if (reference !== undefined && !/^\d{4}-03-31$/.test(reference.trim())) {
    problems.push({ ...at, column: 'ReferenceDate', message: `the reference date ${reference.slice(0, 20)} is not 31 March, the census date` });
  }
}

function readChild(element: unknown, ordinal: number, file: string, builder: ExtractBuilder): void {
  const place = (block: string, path: string): Place => ({ file, row: ordinal, block, path });
  const source: FactSource = builder.source(file, 'Child', ordinal);
  const identifiers = childElements(element, 'ChildIdentifiers')[0];
  const characteristics = childElements(element, 'ChildCharacteristics')[0];
  const merged = { ...(identifiers as Record<string, unknown>), Ethnicity: elementText(characteristics, 'Ethnicity') };
  const who = readBlock(identifiersSchema, merged, place('ChildIdentifiers', ''), builder.problems);
  if (who === undefined) return;
  const id = who.LAchildID;

  const disabilities = childElements(childElements(characteristics, 'Disabilities')[0], 'Disability')
    .map((value) => String(value).trim().toUpperCase())
    .filter((value) => value !== '');
  builder.child(
    id,
    defined({
      dateOfBirth: who.PersonBirthDate,
      expectedDateOfBirth: who.ExpectedPersonBirthDate,
      gender: who.Sex ?? who.GenderCurrent,
      ethnicity: who.Ethnicity,
      disability: disabilities.length === 0 ? undefined : disabilities.some((value) => value !== 'NONE'),
    }),
    source,
    'PersonBirthDate',
  );

  childElements(element, 'CINdetails').forEach((details, detailsIndex) => {
    const at = `CINdetails ${detailsIndex + 1}`;
    const episode = readBlock(detailsSchema, details, place('CINdetails', at), builder.problems);
    const s47ConferenceDates = new Set<string>();

    childElements(details, 'Section47').forEach((block, index) => {
      const s47 = readBlock(section47Schema, block, place('Section47', `${at}, Section47 ${index + 1}`), builder.problems);
      if (s47 === undefined) return;
      if (s47.DateOfInitialCPC !== undefined) s47ConferenceDates.add(s47.DateOfInitialCPC);
      builder.fact(
        defined({
          kind: 's47' as const,
          childId: id,
          source,
          // The census defines the S47 start as the date of the strategy discussion that began it.
          strategyDate: s47.S47ActualStartDate,
          s47StartDate: s47.S47ActualStartDate,
          icpcDate: s47.DateOfInitialCPC,
          icpcTargetDate: s47.InitialCPCtarget,
          icpcNotRequired: s47.ICPCnotRequired,
        }),
      );
    });

    if (episode !== undefined) {
      builder.fact(
        defined({ kind: 'referral' as const, childId: id, source, date: episode.CINreferralDate, nfa: episode.ReferralNFA, referralSource: episode.ReferralSource }),
      );
      builder.fact(
        defined({
          kind: 'cin-episode' as const,
          childId: id,
          source,
          startDate: episode.CINreferralDate,
          endDate: episode.CINclosureDate,
          primaryNeed: episode.PrimaryNeedCode,
          closureReason: episode.ReasonForClosure,
        }),
      );
      // The episode-level conference date repeats a Section47 one when both are given.
      if (episode.DateOfInitialCPC !== undefined && !s47ConferenceDates.has(episode.DateOfInitialCPC)) {
        builder.fact({ kind: 'icpc', childId: id, source, date: episode.DateOfInitialCPC });
      }
    }

    childElements(details, 'Assessments').forEach((block, index) => {
      const path = `${at}, Assessments ${index + 1}`;
      const assessment = readBlock(assessmentSchema, block, place('Assessments', path), builder.problems);
      if (assessment === undefined) return;
      const factors = childElements(childElements(block, 'FactorsIdentifiedAtAssessment')[0], 'AssessmentFactors')
        .map((value) => String(value).trim().toUpperCase())
        .filter((value) => value !== '');
      builder.fact(
        defined({
          kind: 'assessment' as const,
          childId: id,
          source,
          startDate: assessment.AssessmentActualStartDate,
          authorisedDate: assessment.AssessmentAuthorisationDate,
          factors: factors.length === 0 ? undefined : factors,
        }),
      );
    });

    childElements(details, 'CINPlanDates').forEach((block, index) => {
      const plan = readBlock(planSchema, block, place('CINPlanDates', `${at}, CINPlanDates ${index + 1}`), builder.problems);
      if (plan !== undefined) builder.fact(defined({ kind: 'cin-plan' as const, childId: id, source, startDate: plan.CINPlanStartDate, endDate: plan.CINPlanEndDate }));
    });

    childElements(details, 'ChildProtectionPlans').forEach((block, index) => {
      const path = `${at}, ChildProtectionPlans ${index + 1}`;
      const plan = readBlock(protectionPlanSchema, block, place('ChildProtectionPlans', path), builder.problems);
      if (plan === undefined) return;
      builder.fact(
        defined({
          kind: 'cp-plan' as const,
          childId: id,
          source,
          startDate: plan.CPPstartDate,
          endDate: plan.CPPendDate,
          category: plan.InitialCategoryOfAbuse,
          latestCategory: plan.LatestCategoryOfAbuse,
          previousPlans: plan.NumberOfPreviousCPP,
        }),
      );
      const reviewDates = childElements(block, 'Reviews').flatMap((reviews) => childElements(reviews, 'CPPreviewDate'));
      reviewDates.forEach((value, reviewIndex) => {
        const review = readBlock(reviewSchema, { CPPreviewDate: [value] }, place('Reviews', `${path}, CPPreviewDate ${reviewIndex + 1}`), builder.problems);
        if (review !== undefined) builder.fact({ kind: 'cp-review', childId: id, source, date: review.CPPreviewDate });
      });
    });
  });
}

/** Reads a CIN census XML file into children and facts. */
export function parseCinCensus(file: string, xml: string): ParsedExtract {
  const builder = new ExtractBuilder('cin-census');
  const parsed = parseXml(file, xml, REPEATED);
  if (!parsed.ok) {
    builder.problems.push(parsed.problem);
    return builder.result();
  }
  const message = (parsed.document as Record<string, unknown>)['Message'];
  if (message === undefined || typeof message !== 'object') {
    builder.problems.push({ file, severity: 'error', message: 'the XML has no <Message> root element, so it is not a CIN census' });
    return builder.result();
  }
  checkHeader(file, childElements(message, 'Header')[0], builder.problems);
  const children = childElements(childElements(message, 'Children')[0], 'Child');
  if (children.length === 0) builder.problems.push({ file, severity: 'warning', message: 'the census holds no <Child> elements' });
  children.forEach((child, index) => {
    builder.rowsRead += 1;
    readChild(child, index + 1, file, builder);
  });
  return builder.result();
}
