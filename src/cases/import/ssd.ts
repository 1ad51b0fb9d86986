/**
 * Standard Safeguarding Dataset (SSD, Data to Insight) extracts: one CSV per table, headed by the
 * SSD's own field names (see docs/SSD-FIELDS.md, extract version 1.4.5). This is the format that
 * carries every visit and review. Tables link by identifiers, so a table is read whole first and
 * facts are assembled after: a review finds its child through its period of care, a section 47
 * enquiry finds its conference, an assessment its factors.
 *
 * Conventions from the SSD: dates are datetimes (`YYYY-MM-DD hh:mm:ss.fff`), `1900-01-01` and
 * `SSD_PH` are placeholders for "none", JSON columns may be malformed (read leniently, free-text
 * COMMENTS never kept), no foreign key is enforced (orphans are reported, not guessed).
 */
import { z } from 'zod';
import type { CaseFact, FactSource, ParsedExtract } from '../facts.ts';
import {
  childId,
  code,
  codeMatching,
  gender,
  identifier,
  Ignored,
  lenient,
  requiredIdentifier,
  yesNo,
  type Settled,
} from './cells.ts';
import { defined, ExtractBuilder } from './extract-builder.ts';
import { readTable, recogniseTable, type SheetRows, type TableSpec } from './table.ts';
import { ABUSE_CATEGORY, ETHNICITY, headerKey, isBlank, parseDate, parseIdentifier, parseText, type Parsed } from './values.ts';

const dates = { serials: false } as const;
const SENTINEL_DATE = '1900-01-01';

/** An SSD date: the 1900-01-01 placeholder some extracts write for "no date" reads as blank. */
function readSsdDate(value: unknown): Parsed<string> | undefined {
  const parsed = parseDate(value, dates);
  return parsed?.ok === true && parsed.value === SENTINEL_DATE ? undefined : parsed;
}

function readSsdText(value: unknown): Parsed<string> | undefined {
  return typeof value === 'string' && value.trim() === 'SSD_PH' ? undefined : parseText(value, 200);
}

const ssdDate = z.unknown().transform((value, ctx): string | undefined => {
  const result = readSsdDate(value);
  if (result === undefined || result.ok) return result?.value;
  ctx.issues.push({ code: 'custom', message: result.reason, input: value });
  return z.NEVER;
});

const requiredSsdDate = (what: string) =>
  ssdDate.refine((value) => value !== undefined, { message: `${what} is missing` }) as unknown as z.ZodType<string, unknown>;

/**
 * A table's own row identifier: blank in a row is reported and the row still imported (facts do
 * not need it); a column the extract does not have at all says nothing.
 */
const rowKey = z.unknown().transform((value) => {
  if (value === undefined) return undefined;
  const read = parseIdentifier(value);
  if (read === undefined) return new Ignored('the row’s own identifier is blank');
  return read.ok ? read.value : new Ignored(read.reason);
});

const ssdText = z.unknown().transform((value, ctx): string | undefined => {
  const result = readSsdText(value);
  if (result === undefined || result.ok) return result?.value;
  ctx.issues.push({ code: 'custom', message: result.reason, input: value });
  return z.NEVER;
});

const requiredText = (what: string) => ssdText.refine((value) => value !== undefined, { message: `${what} is missing` }) as unknown as z.ZodType<string, unknown>;

/** The SSD's JSON flag objects, e.g. {"NFA_FLAG":"Y", …}: the names of the flags set to Y, or the reason they cannot be read. */
function jsonFlags(value: unknown): Parsed<string[]> | undefined {
  if (isBlank(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(String(value));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'the JSON is not an object of flags' };
    const set = Object.entries(parsed)
      .filter(([key, flag]) => key.endsWith('_FLAG') && typeof flag === 'string' && flag.trim().toUpperCase() === 'Y')
      .map(([key]) => key);
    return { ok: true, value: set };
  } catch {
    return { ok: false, reason: 'the JSON cannot be read' };
  }
}

const flags = lenient(
  z.unknown().transform((value, ctx): string[] | undefined => {
    const result = jsonFlags(value);
    if (result === undefined || result.ok) return result?.value;
    ctx.issues.push({ code: 'custom', message: result.reason, input: value });
    return z.NEVER;
  }),
);

/** Assessment factors: a JSON array of codes, or (planned upstream) an object of code → "Yes". */
const factorList = lenient(
  z.unknown().transform((value, ctx): string[] | undefined => {
    if (isBlank(value)) return undefined;
    try {
      const parsed: unknown = JSON.parse(String(value));
      const codes = Array.isArray(parsed)
        ? parsed.map(String)
        : typeof parsed === 'object' && parsed !== null
          ? Object.entries(parsed).filter(([, answer]) => /^(y|yes|true)$/i.test(String(answer))).map(([key]) => key)
          : [];
      return codes.map((factor) => factor.trim().toUpperCase()).filter((factor) => /^[A-Z0-9]{1,4}$/.test(factor));
    } catch {
      ctx.issues.push({ code: 'custom', message: 'the factors JSON cannot be read', input: value });
      return z.NEVER;
    }
  }),
);

const START_REASONS = /^[SLPTUB]$/;
const CEASED_REASONS = /^(X1|E\d{1,2}[AB]?)$/;

function endNotBefore(startField: string, endField: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const start = value[startField];
    const end = value[endField];
    if (typeof start === 'string' && typeof end === 'string' && end < start) {
      ctx.addIssue({ code: 'custom', path: [endField], message: `${end} is before the start (${start})` });
    }
  };
}

/** A spec whose column headings are the SSD field names themselves. */
function table<Shape extends z.ZodRawShape>(
  name: string,
  fields: Record<keyof Shape & string, string>,
  identifying: (keyof Shape & string)[],
  ignored: string[],
  schema: z.ZodType<z.output<z.ZodObject<Shape>>, Record<string, unknown>>,
): TableSpec<z.output<z.ZodObject<Shape>>> {
  const columns = Object.fromEntries(Object.entries(fields).map(([field, heading]) => [field, [heading as string]]));
  return { name, columns, identifying, ignored, row: schema };
}

const personShape = {
  child: childId,
  sex: lenient(gender),
  gender: lenient(gender),
  ethnicity: lenient(code(ETHNICITY, 'ethnicity code')),
  dob: ssdDate,
  expected: lenient(ssdDate),
};
const person = table<typeof personShape>(
  'ssd_person',
  { child: 'pers_person_id', sex: 'pers_sex', gender: 'pers_gender', ethnicity: 'pers_ethnicity', dob: 'pers_dob', expected: 'pers_expected_dob' },
  ['child', 'dob'],
  [
    'pers_legacy_id',
    'pers_upn',
    'pers_forename',
    'pers_surname',
    'pers_single_unique_id',
    'pers_common_child_id',
    'pers_upn_unknown',
    'pers_send_flag',
    'pers_death_date',
    'pers_is_mother',
    'pers_nationality',
  ],
  z.object(personShape),
);

const disabilityShape = { key: rowKey, child: childId, code: requiredText('the disability code') };
const disability = table<typeof disabilityShape>(
  'ssd_disability',
  { key: 'disa_table_id', child: 'disa_person_id', code: 'disa_disability_code' },
  ['child', 'code'],
  [],
  z.object(disabilityShape),
);

const contactShape = { key: rowKey, child: childId, date: requiredSsdDate('the contact date'), source: lenient(ssdText), outcome: flags };
const contacts = table<typeof contactShape>(
  'ssd_contacts',
  { key: 'cont_contact_id', child: 'cont_person_id', date: 'cont_contact_date', source: 'cont_contact_source_code', outcome: 'cont_contact_outcome_json' },
  ['child', 'date'],
  ['cont_contact_source_desc'],
  z.object(contactShape),
);

const earlyHelpShape = { key: rowKey, child: childId, start: requiredSsdDate('the episode start date'), end: ssdDate };
const earlyHelp = table<typeof earlyHelpShape>(
  'ssd_early_help_episodes',
  { key: 'earl_episode_id', child: 'earl_person_id', start: 'earl_episode_start_date', end: 'earl_episode_end_date' },
  ['child', 'start'],
  ['earl_episode_reason', 'earl_episode_end_reason', 'earl_episode_organisation', 'earl_episode_worker_id'],
  z.object(earlyHelpShape).superRefine(endNotBefore('start', 'end')),
);

const referralShape = {
  key: rowKey,
  child: childId,
  date: requiredSsdDate('the referral date'),
  need: lenient(codeMatching(/^N[0-9]$/, 'primary need code (N0–N9)')),
  source: lenient(ssdText),
  nfa: lenient(yesNo),
  closed: ssdDate,
  reason: lenient(codeMatching(/^RC[1-9]$/, 'closure reason (RC1–RC9)')),
  team: lenient(ssdText),
  worker: lenient(ssdText),
};
const referrals = table<typeof referralShape>(
  'ssd_cin_episodes',
  {
    key: 'cine_referral_id',
    child: 'cine_person_id',
    date: 'cine_referral_date',
    need: 'cine_cin_primary_need_code',
    source: 'cine_referral_source_code',
    nfa: 'cine_referral_nfa',
    closed: 'cine_close_date',
    reason: 'cine_close_reason',
    team: 'cine_referral_team',
    worker: 'cine_referral_worker_id',
  },
  ['child', 'date'],
  ['cine_referral_source_desc', 'cine_referral_outcome_json'],
  z.object(referralShape).superRefine(endNotBefore('date', 'closed')),
);

const assessmentShape = {
  id: rowKey,
  child: childId,
  start: requiredSsdDate('the assessment start date'),
  seen: lenient(yesNo),
  authorised: ssdDate,
};
const assessments = table<typeof assessmentShape>(
  'ssd_cin_assessments',
  {
    id: 'cina_assessment_id',
    child: 'cina_person_id',
    start: 'cina_assessment_start_date',
    seen: 'cina_assessment_child_seen',
    authorised: 'cina_assessment_auth_date',
  },
  ['child', 'start'],
  ['cina_referral_id', 'cina_assessment_outcome_json', 'cina_assessment_outcome_nfa', 'cina_assessment_team', 'cina_assessment_worker_id'],
  z.object(assessmentShape).superRefine(endNotBefore('start', 'authorised')),
);

const factorShape = { key: rowKey, assessment: requiredIdentifier('the assessment identifier'), factors: factorList };
const factors = table<typeof factorShape>(
  'ssd_assessment_factors',
  { key: 'cinf_table_id', assessment: 'cinf_assessment_id', factors: 'cinf_assessment_factors_json' },
  ['assessment', 'factors'],
  [],
  z.object(factorShape),
);

const cinPlanShape = { key: rowKey, child: childId, start: requiredSsdDate('the plan start date'), end: ssdDate };
const cinPlans = table<typeof cinPlanShape>(
  'ssd_cin_plans',
  { key: 'cinp_cin_plan_id', child: 'cinp_person_id', start: 'cinp_cin_plan_start_date', end: 'cinp_cin_plan_end_date' },
  ['child', 'start'],
  ['cinp_referral_id', 'cinp_cin_plan_team', 'cinp_cin_plan_worker_id'],
  z.object(cinPlanShape).superRefine(endNotBefore('start', 'end')),
);

const visitShape = { key: rowKey, child: childId, date: requiredSsdDate('the visit date'), seen: lenient(yesNo), alone: lenient(yesNo) };
const cinVisits = table<typeof visitShape>(
  'ssd_cin_visits',
  { key: 'cinv_cin_visit_id', child: 'cinv_person_id', date: 'cinv_cin_visit_date', seen: 'cinv_cin_visit_seen', alone: 'cinv_cin_visit_seen_alone' },
  ['child', 'date'],
  ['cinv_cin_visit_bedroom'],
  z.object(visitShape),
);

const s47Shape = {
  id: rowKey,
  child: childId,
  start: requiredSsdDate('the section 47 start date'),
  end: ssdDate,
  nfa: lenient(yesNo),
  outcome: flags,
};
const enquiries = table<typeof s47Shape>(
  'ssd_s47_enquiry',
  { id: 's47e_s47_enquiry_id', child: 's47e_person_id', start: 's47e_s47_start_date', end: 's47e_s47_end_date', nfa: 's47e_s47_nfa', outcome: 's47e_s47_outcome_json' },
  ['child', 'start'],
  ['s47e_referral_id', 's47e_s47_completed_by_team', 's47e_s47_completed_by_worker_id'],
  z.object(s47Shape).superRefine(endNotBefore('start', 'end')),
);

const conferenceShape = {
  key: rowKey,
  enquiry: identifier,
  child: childId,
  target: ssdDate,
  date: ssdDate,
  plan: lenient(yesNo),
  transferIn: lenient(yesNo),
};
const conferences = table<typeof conferenceShape>(
  'ssd_initial_cp_conference',
  {
    key: 'icpc_icpc_id',
    enquiry: 'icpc_s47_enquiry_id',
    child: 'icpc_person_id',
    target: 'icpc_icpc_target_date',
    date: 'icpc_icpc_date',
    plan: 'icpc_icpc_outcome_cp_flag',
    transferIn: 'icpc_icpc_transfer_in',
  },
  ['child', 'date'],
  ['icpc_icpc_meeting_id', 'icpc_cp_plan_id', 'icpc_referral_id', 'icpc_icpc_outcome_json', 'icpc_icpc_team', 'icpc_icpc_worker_id'],
  z.object(conferenceShape),
);

const cpPlanShape = {
  key: rowKey,
  child: childId,
  start: requiredSsdDate('the plan start date'),
  end: ssdDate,
  initial: lenient(code(ABUSE_CATEGORY, 'category of abuse')),
  latest: lenient(code(ABUSE_CATEGORY, 'category of abuse')),
};
const cpPlans = table<typeof cpPlanShape>(
  'ssd_cp_plans',
  {
    key: 'cppl_cp_plan_id',
    child: 'cppl_person_id',
    start: 'cppl_cp_plan_start_date',
    end: 'cppl_cp_plan_end_date',
    initial: 'cppl_cp_plan_initial_category',
    latest: 'cppl_cp_plan_latest_category',
  },
  ['child', 'start'],
  ['cppl_referral_id', 'cppl_icpc_id', 'cppl_cp_plan_ola'],
  z.object(cpPlanShape).superRefine(endNotBefore('start', 'end')),
);

const cpVisits = table<typeof visitShape>(
  'ssd_cp_visits',
  { key: 'cppv_cp_visit_id', child: 'cppv_person_id', date: 'cppv_cp_visit_date', seen: 'cppv_cp_visit_seen', alone: 'cppv_cp_visit_seen_alone' },
  ['child', 'date'],
  ['cppv_cp_plan_id', 'cppv_cp_visit_bedroom'],
  z.object(visitShape),
);

const cpReviewShape = { key: rowKey, child: childId, due: ssdDate, date: ssdDate };
const cpReviews = table<typeof cpReviewShape>(
  'ssd_cp_reviews',
  { key: 'cppr_cp_review_id', child: 'cppr_person_id', due: 'cppr_cp_review_due', date: 'cppr_cp_review_date' },
  ['child', 'date'],
  [
    'cppr_cp_plan_id',
    'cppr_cp_review_meeting_id',
    'cppr_cp_review_outcome_continue_cp',
    'cppr_cp_review_quorate',
    'cppr_cp_review_participation',
  ],
  z.object(cpReviewShape),
);

const episodeShape = {
  key: rowKey,
  child: childId,
  period: identifier,
  start: requiredSsdDate('the episode start date'),
  rne: codeMatching(START_REASONS, 'reason for new episode (S, L, P, T, U or B)'),
  end: ssdDate,
  reason: codeMatching(CEASED_REASONS, 'reason episode ceased'),
};
const episodes = table<typeof episodeShape>(
  'ssd_cla_episodes',
  {
    key: 'clae_cla_episode_id',
    child: 'clae_person_id',
    period: 'clae_cla_id',
    start: 'clae_cla_episode_start_date',
    rne: 'clae_cla_episode_start_reason',
    end: 'clae_cla_episode_ceased_date',
    reason: 'clae_cla_episode_ceased_reason',
  },
  ['child', 'start'],
  [
    'clae_cla_placement_id',
    'clae_cla_primary_need_code',
    'clae_referral_id',
    'clae_cla_last_iro_contact_date',
    'clae_entered_care_date',
  ],
  z.object(episodeShape).superRefine(endNotBefore('start', 'end')),
);

/** Tables linked to a period of care: the child may be named directly or only through the period. */
const periodChild = { child: identifier, period: identifier };

const placementShape = { key: rowKey, ...periodChild, start: requiredSsdDate('the placement start date'), type: lenient(codeMatching(/^[A-Z]\d{1,2}$/, 'placement type')), end: ssdDate };
const placements = table<typeof placementShape>(
  'ssd_cla_placement',
  { key: 'clap_cla_placement_id', child: 'clap_person_id', period: 'clap_cla_id', start: 'clap_cla_placement_start_date', type: 'clap_cla_placement_type', end: 'clap_cla_placement_end_date' },
  ['period', 'start'],
  [
    'clap_cla_placement_urn',
    'clap_cla_placement_distance',
    'clap_cla_placement_provider',
    'clap_cla_placement_postcode',
    'clap_cla_placement_change_reason',
  ],
  z.object(placementShape).superRefine(endNotBefore('start', 'end')),
);

const claReviewShape = {
  key: rowKey,
  ...periodChild,
  due: ssdDate,
  date: ssdDate,
  cancelled: lenient(yesNo),
  participation: lenient(codeMatching(/^PN[0-7]$/, 'participation code (PN0–PN7)')),
};
const claReviews = table<typeof claReviewShape>(
  'ssd_cla_reviews',
  {
    key: 'clar_cla_review_id',
    child: 'clar_cla_person_id',
    period: 'clar_cla_id',
    due: 'clar_cla_review_due_date',
    date: 'clar_cla_review_date',
    cancelled: 'clar_cla_review_cancelled',
    participation: 'clar_cla_review_participation',
  },
  ['period', 'date'],
  [],
  z.object(claReviewShape),
);

const claVisitShape = { key: rowKey, ...periodChild, date: requiredSsdDate('the visit date'), seen: lenient(yesNo), alone: lenient(yesNo) };
const claVisits = table<typeof claVisitShape>(
  'ssd_cla_visits',
  { key: 'clav_cla_visit_id', child: 'clav_person_id', period: 'clav_cla_id', date: 'clav_cla_visit_date', seen: 'clav_cla_visit_seen', alone: 'clav_cla_visit_seen_alone' },
  ['child', 'date'],
  [],
  z.object(claVisitShape),
);

const healthShape = { key: rowKey, child: childId, type: lenient(ssdText), date: requiredSsdDate('the check date'), status: lenient(ssdText) };
const health = table<typeof healthShape>(
  'ssd_cla_health',
  { key: 'clah_health_check_id', child: 'clah_person_id', type: 'clah_health_check_type', date: 'clah_health_check_date', status: 'clah_health_check_status' },
  ['child', 'date'],
  [],
  z.object(healthShape),
);

const careLeaverShape = {
  key: rowKey,
  child: childId,
  contact: ssdDate,
  accommodation: lenient(ssdText),
  activity: lenient(ssdText),
  pathway: ssdDate,
  adviser: lenient(ssdText),
  team: lenient(ssdText),
  worker: lenient(ssdText),
};
const careLeavers = table<typeof careLeaverShape>(
  'ssd_care_leavers',
  {
    key: 'clea_table_id',
    child: 'clea_person_id',
    contact: 'clea_care_leaver_latest_contact',
    accommodation: 'clea_care_leaver_accommodation',
    activity: 'clea_care_leaver_activity',
    pathway: 'clea_pathway_plan_review_date',
    adviser: 'clea_care_leaver_personal_advisor',
    team: 'clea_care_leaver_allocated_team',
    worker: 'clea_care_leaver_worker_id',
  },
  ['child', 'contact'],
  ['clea_care_leaver_eligibility', 'clea_care_leaver_in_touch', 'clea_care_leaver_accom_suitable'],
  z.object(careLeaverShape),
);

const missingShape = { key: rowKey, child: childId, start: requiredSsdDate('the start date'), type: lenient(ssdText), end: ssdDate };
const missing = table<typeof missingShape>(
  'ssd_missing',
  { key: 'miss_table_id', child: 'miss_person_id', start: 'miss_missing_episode_start_date', type: 'miss_missing_episode_type', end: 'miss_missing_episode_end_date' },
  ['child', 'start'],
  ['miss_missing_rhi_offered', 'miss_missing_rhi_accepted'],
  z.object(missingShape).superRefine(endNotBefore('start', 'end')),
);

const permanenceShape = {
  key: rowKey,
  child: childId,
  decision: ssdDate,
  placementOrder: ssdDate,
  placed: ssdDate,
  matched: ssdDate,
  reversed: ssdDate,
  orderDate: ssdDate,
  orderType: lenient(ssdText),
};
const permanence = table<typeof permanenceShape>(
  'ssd_permanence',
  {
    key: 'perm_table_id',
    child: 'perm_person_id',
    decision: 'perm_adm_decision_date',
    placementOrder: 'perm_placement_order_date',
    placed: 'perm_placed_for_adoption_date',
    matched: 'perm_matched_date',
    reversed: 'perm_decision_reversed_date',
    orderDate: 'perm_permanence_order_date',
    orderType: 'perm_permanence_order_type',
  },
  ['child', 'decision'],
  [
    'perm_cla_id',
    'perm_ffa_cp_decision_date',
    'perm_adopted_by_carer_flag',
    'perm_placed_ffa_cp_date',
    'perm_placed_foster_carer_date',
    'perm_part_of_sibling_group',
    'perm_siblings_placed_together',
    'perm_siblings_placed_apart',
    'perm_placement_provider_urn',
    'perm_decision_reversed_reason',
    'perm_adoption_worker_id',
    'perm_adopter_sex',
    'perm_adopter_legal_status',
    'perm_number_of_adopters',
  ],
  z.object(permanenceShape),
);

const involvementShape = {
  key: rowKey,
  child: childId,
  worker: lenient(ssdText),
  team: lenient(ssdText),
  role: lenient(ssdText),
  start: requiredSsdDate('the involvement start date'),
  end: ssdDate,
};
const involvements = table<typeof involvementShape>(
  'ssd_involvements',
  {
    key: 'invo_involvements_id',
    child: 'invo_person_id',
    worker: 'invo_professional_id',
    team: 'invo_professional_team',
    role: 'invo_professional_role_id',
    start: 'invo_involvement_start_date',
    end: 'invo_involvement_end_date',
  },
  ['child', 'start'],
  ['invo_worker_change_reason', 'invo_referral_id'],
  z.object(involvementShape).superRefine(endNotBefore('start', 'end')),
);

const professionalShape = { id: requiredIdentifier('the professional identifier'), staff: identifier, name: lenient(ssdText) };
const professionals = table<typeof professionalShape>(
  'ssd_professionals',
  { id: 'prof_professional_id', staff: 'prof_staff_id', name: 'prof_professional_name' },
  ['id', 'name'],
  [
    'prof_social_worker_registration_no',
    'prof_agency_worker_flag',
    'prof_professional_job_title',
    'prof_professional_caseload',
    'prof_professional_department',
    'prof_full_time_equivalency',
  ],
  z.object(professionalShape),
);

const departmentShape = { id: requiredIdentifier('the team identifier'), name: lenient(ssdText) };
const departments = table<typeof departmentShape>(
  'ssd_department',
  { id: 'dept_team_id', name: 'dept_team_name' },
  ['id', 'name'],
  ['dept_team_parent_id', 'dept_team_parent_name'],
  z.object(departmentShape),
);

const SSD_TABLES: readonly TableSpec[] = [
  person,
  disability,
  contacts,
  earlyHelp,
  referrals,
  assessments,
  factors,
  cinPlans,
  cinVisits,
  enquiries,
  conferences,
  cpPlans,
  cpVisits,
  cpReviews,
  episodes,
  placements,
  claReviews,
  claVisits,
  health,
  careLeavers,
  missing,
  permanence,
  involvements,
  professionals,
  departments,
] as unknown as readonly TableSpec[];

export function recogniseSsdTable(headers: readonly unknown[]): TableSpec | undefined {
  return recogniseTable(SSD_TABLES, headers);
}

/** Headings that all carry one SSD-style table tag (`fami_…`), for tables we know of but do not import. */
export function ssdTableTag(headers: readonly unknown[]): string | undefined {
  const tags = new Set(headers.map((heading) => /^([a-z0-9]{4})_[a-z0-9_]+$/.exec(headerKey(heading).replace(/ /g, '_'))?.[1]));
  const [tag] = tags;
  return tags.size === 1 && tag !== undefined && headers.length >= 2 ? tag : undefined;
}

interface Located<T> {
  source: FactSource;
  data: T;
}

/**
 * Reads SSD tables and assembles their facts. Each sheet must be one CSV file with the SSD's
 * field names as headings.
 */
export function parseSsdSheets(sheets: readonly SheetRows[]): ParsedExtract {
  const builder = new ExtractBuilder('ssd');
  const bySpec = new Map<TableSpec, SheetRows[]>();
  for (const sheet of sheets) {
    const spec = recogniseSsdTable(sheet.headers);
    if (spec === undefined) {
      builder.problems.push({ file: sheet.file, row: 1, severity: 'error', message: 'these column headings match no SSD table that Sightline imports' });
      continue;
    }
    bySpec.set(spec, [...(bySpec.get(spec) ?? []), sheet]);
  }
  const read = <Out extends Record<string, unknown>>(spec: TableSpec<Out>): Located<Settled<Out>>[] =>
    (bySpec.get(spec as unknown as TableSpec) ?? []).flatMap((sheet) => {
      builder.rowsRead += sheet.rows.length;
      return readTable(spec, sheet, builder.problems).map(({ row, data }) => ({ source: builder.source(sheet.file, sheet.sheet ?? spec.name, row), data }));
    });
  const fact = (value: CaseFact) => builder.fact(defined(value));
  const orphan = (source: FactSource, column: string, message: string) =>
    builder.problems.push({ file: source.file, sheet: source.sheet, row: source.row, column, severity: 'error', message });

  // Look-ups first: names for worker and team identifiers, the child behind each period of care.
  const workerNames = new Map<string, string>();
  for (const { data } of read(professionals)) {
    if (data.name === undefined) continue;
    workerNames.set(data.id, data.name);
    if (data.staff !== undefined) workerNames.set(data.staff, data.name);
  }
  const teamNames = new Map<string, string>();
  for (const { data } of read(departments)) if (data.name !== undefined) teamNames.set(data.id, data.name);
  const worker = (id: string | undefined) => (id === undefined ? undefined : (workerNames.get(id) ?? id));
  const team = (id: string | undefined) => (id === undefined ? undefined : (teamNames.get(id) ?? id));

  for (const { source, data } of read(person)) {
    builder.child(
      data.child,
      defined({ dateOfBirth: data.dob, expectedDateOfBirth: data.expected, gender: data.sex ?? data.gender, ethnicity: data.ethnicity }),
      source,
      'pers_dob',
    );
  }
  const disabled = new Map<string, { source: FactSource; any: boolean }>();
  for (const { source, data } of read(disability)) {
    if (data.code === undefined) continue;
    const seen = disabled.get(data.child);
    const isDisability = data.code.trim().toUpperCase() !== 'NONE';
    disabled.set(data.child, { source: seen?.source ?? source, any: (seen?.any ?? false) || isDisability });
  }
  for (const [id, { source, any }] of disabled) builder.child(id, { disability: any }, source);

  const touch = (id: string, source: FactSource) => builder.child(id, {}, source);

  for (const { source, data } of read(contacts)) {
    touch(data.child, source);
    fact({ kind: 'contact', childId: data.child, source, date: data.date, contactSource: data.source, outcome: data.outcome?.join(' ') || undefined });
  }
  for (const { source, data } of read(earlyHelp)) {
    touch(data.child, source);
    fact({ kind: 'early-help', childId: data.child, source, startDate: data.start, endDate: data.end });
  }

  // The allocated team and worker: an open allocation if there is one, else the latest referral's.
  const allocated = new Map<string, { since: string; team?: string | undefined; worker?: string | undefined }>();
  const offer = (id: string, since: string, teamId: string | undefined, workerId: string | undefined, rank: number) => {
    const key = `${rank}${since}`;
    const current = allocated.get(id);
    if (current !== undefined && current.since > key) return;
    allocated.set(id, { since: key, team: team(teamId), worker: worker(workerId) });
  };
  for (const { source, data } of read(referrals)) {
    touch(data.child, source);
    fact({ kind: 'referral', childId: data.child, source, date: data.date, nfa: data.nfa, referralSource: data.source });
    fact({
      kind: 'cin-episode',
      childId: data.child,
      source,
      startDate: data.date,
      endDate: data.closed,
      primaryNeed: data.need,
      closureReason: data.reason,
    });
    if (data.closed === undefined && (data.team !== undefined || data.worker !== undefined)) offer(data.child, data.date, data.team, data.worker, 0);
  }
  for (const { source, data } of read(involvements)) {
    touch(data.child, source);
    fact({ kind: 'allocation', childId: data.child, source, startDate: data.start, endDate: data.end, worker: worker(data.worker), team: team(data.team) });
    if (data.end === undefined) offer(data.child, data.start, data.team, data.worker, 1);
  }

  const factorsByAssessment = new Map<string, string[]>();
  for (const { data } of read(factors)) {
    if (data.factors === undefined) continue;
    factorsByAssessment.set(data.assessment, [...(factorsByAssessment.get(data.assessment) ?? []), ...data.factors]);
  }
  for (const { source, data } of read(assessments)) {
    touch(data.child, source);
    const found = data.id === undefined ? undefined : factorsByAssessment.get(data.id);
    fact({
      kind: 'assessment',
      childId: data.child,
      source,
      startDate: data.start,
      authorisedDate: data.authorised,
      childSeen: data.seen,
      factors: found === undefined || found.length === 0 ? undefined : [...new Set(found)],
    });
  }
  for (const { source, data } of read(cinPlans)) {
    touch(data.child, source);
    fact({ kind: 'cin-plan', childId: data.child, source, startDate: data.start, endDate: data.end });
  }
  for (const { source, data } of read(cinVisits)) {
    touch(data.child, source);
    fact({ kind: 'cin-visit', childId: data.child, source, date: data.date, seen: data.seen, seenAlone: data.alone });
  }

  // Conferences joined to the enquiry that led to them; the rest stand alone.
  const conferencesByEnquiry = new Map<string, Located<Settled<z.output<z.ZodObject<typeof conferenceShape>>>>>();
  const unmatched: Located<Settled<z.output<z.ZodObject<typeof conferenceShape>>>>[] = [];
  for (const located of read(conferences)) {
    const key = located.data.enquiry;
    if (key !== undefined && !conferencesByEnquiry.has(key)) conferencesByEnquiry.set(key, located);
    else unmatched.push(located);
  }
  for (const { source, data } of read(enquiries)) {
    touch(data.child, source);
    const conference = data.id === undefined ? undefined : conferencesByEnquiry.get(data.id);
    if (data.id !== undefined) conferencesByEnquiry.delete(data.id);
    const conferenceAsked = data.outcome?.includes('CP_CONFERENCE_FLAG');
    // Decided once the enquiry is complete: no conference asked for (or NFA) means none was needed.
    const notRequired =
      conference?.data.date !== undefined ? false : data.end !== undefined && (data.nfa === true || (data.outcome !== undefined && !conferenceAsked)) ? true : undefined;
    fact({
      kind: 's47',
      childId: data.child,
      source,
      // The SSD's s47 start date is the date of the strategy discussion that started the enquiry.
      strategyDate: data.start,
      s47StartDate: data.start,
      icpcDate: conference?.data.date,
      icpcTargetDate: conference?.data.target,
      icpcResultedInPlan: conference?.data.plan,
      icpcNotRequired: notRequired,
    });
  }
  for (const { source, data } of [...unmatched, ...conferencesByEnquiry.values()]) {
    touch(data.child, source);
    if (data.date === undefined) continue;
    fact({ kind: 'icpc', childId: data.child, source, date: data.date, targetDate: data.target, resultedInPlan: data.plan });
  }

  for (const { source, data } of read(cpPlans)) {
    touch(data.child, source);
    fact({ kind: 'cp-plan', childId: data.child, source, startDate: data.start, endDate: data.end, category: data.initial, latestCategory: data.latest });
  }
  for (const { source, data } of read(cpVisits)) {
    touch(data.child, source);
    fact({ kind: 'cp-visit', childId: data.child, source, date: data.date, seen: data.seen, seenAlone: data.alone });
  }
  for (const { source, data } of read(cpReviews)) {
    touch(data.child, source);
    // A review that is only due has not happened: it is no fact yet.
    if (data.date !== undefined) fact({ kind: 'cp-review', childId: data.child, source, date: data.date, dueDate: data.due });
  }

  const childOfPeriod = new Map<string, string>();
  for (const { source, data } of read(episodes)) {
    touch(data.child, source);
    if (data.period !== undefined) childOfPeriod.set(data.period, data.child);
    if (data.end !== undefined && data.reason === undefined) {
      builder.problems.push({
        file: source.file,
        sheet: source.sheet,
        row: source.row,
        column: 'clae_cla_episode_ceased_reason',
        severity: 'warning',
        message: 'the episode has an end date but no reason it ceased; the engine treats it as ending the period unless the next episode starts that day',
      });
    }
    fact({
      kind: 'cla-episode',
      childId: data.child,
      source,
      startDate: data.start,
      endDate: data.end,
      rne: data.rne,
      reasonEnded: data.end === undefined ? undefined : data.reason,
    });
  }
  const childFor = (data: { child?: string | undefined; period?: string | undefined }, source: FactSource, column: string) => {
    const id = data.child ?? (data.period === undefined ? undefined : childOfPeriod.get(data.period));
    if (id === undefined) orphan(source, column, 'no child for this row: its person is blank and its period of care is not in ssd_cla_episodes');
    return id;
  };
  for (const { source, data } of read(placements)) {
    const id = childFor(data, source, 'clap_cla_id');
    if (id !== undefined) fact({ kind: 'placement', childId: id, source, startDate: data.start, endDate: data.end, placementType: data.type });
  }
  for (const { source, data } of read(claReviews)) {
    const id = childFor(data, source, 'clar_cla_id');
    // A cancelled review, or one only due, was not held.
    if (id === undefined || data.date === undefined || data.cancelled === true) continue;
    fact({ kind: 'cla-review', childId: id, source, date: data.date, dueDate: data.due, participation: data.participation });
  }
  for (const { source, data } of read(claVisits)) {
    const id = childFor(data, source, 'clav_person_id');
    if (id !== undefined) fact({ kind: 'cla-visit', childId: id, source, date: data.date, seen: data.seen, seenAlone: data.alone });
  }
  for (const { source, data } of read(health)) {
    touch(data.child, source);
    // Dental and other checks share the table; only health assessments that took place count.
    const type = data.type?.toLowerCase() ?? '';
    const status = data.status?.toLowerCase() ?? '';
    const isAssessment = !/dental|teeth|optic|eye|immunis|vaccin|sdq/.test(type);
    const tookPlace = !/plan|refus|cancel|declin|not/.test(status);
    if (isAssessment && tookPlace) fact({ kind: 'health-assessment', childId: data.child, source, date: data.date });
  }
  for (const { source, data } of read(careLeavers)) {
    touch(data.child, source);
    if (data.contact !== undefined) {
      fact({ kind: 'care-leaver-contact', childId: data.child, source, date: data.contact, accommodation: data.accommodation, activity: data.activity });
    }
    if (data.pathway !== undefined) fact({ kind: 'pathway-plan-review', childId: data.child, source, date: data.pathway });
    const adviser = data.worker ?? data.adviser;
    if (adviser !== undefined || data.team !== undefined) offer(data.child, data.contact ?? '', data.team, adviser, 0);
  }
  for (const { source, data } of read(missing)) {
    touch(data.child, source);
    const kind = data.type?.toLowerCase() ?? '';
    const type = kind.startsWith('m') ? 'missing' : kind.startsWith('a') ? 'away' : undefined;
    fact({ kind: 'missing', childId: data.child, source, startDate: data.start, endDate: data.end, type });
  }
  for (const { source, data } of read(permanence)) {
    touch(data.child, source);
    const adopted = data.orderType === undefined || /adopt/i.test(data.orderType);
    const milestones = defined({
      decisionDate: data.decision,
      placementOrderDate: data.placementOrder,
      placedDate: data.placed,
      matchedDate: data.matched,
      decisionReversedDate: data.reversed,
      orderDate: adopted ? data.orderDate : undefined,
    });
    if (Object.keys(milestones).length > 0) fact({ kind: 'adoption', childId: data.child, source, ...milestones });
  }

  for (const [id, { team: teamName, worker: workerName }] of allocated) builder.updateChild(id, defined({ team: teamName, worker: workerName }));
  return builder.result();
}
