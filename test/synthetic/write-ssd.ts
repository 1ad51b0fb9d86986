import { CP_CATEGORIES, labelOf, SOURCES } from './codes.ts';
import { type Cell, CsvBuilder } from './csv.ts';
import { FaultInjector, messRng, type WriterOptions } from './mess.ts';
import type { Assessment, ChildRecord, Council, Referral, S47Enquiry } from './model.ts';

/**
 * Standard Safeguarding Dataset extract: one CSV per SSD table, named `<table>.csv`, with the SSD
 * field names as the header (docs/SSD-FIELDS.md, SSD 1.4.5), UTF-8 and ISO dates. This is the only
 * format that carries every visit and review, so it is the one the chronology and drift views are
 * built from.
 *
 * Messy variant: some tables render dates the way SQL Server does (`2025-03-04 00:00:00.000`), and
 * the SystemC sentinels appear (`1900-01-01` for a missing authorisation or pathway-plan date,
 * `SSD_PH` for the early-help worker), as SSD-FIELDS.md §1 says real extracts do.
 */

interface TableSpec {
  name: string;
  fields: readonly string[];
  mandatory: readonly string[];
  dates: readonly string[];
}

/**
 * `mandatory` lists the fields whose absence makes a row unusable (the child and the date that
 * carries the event); `dates` the dates an importer reads. Injected errors are confined to these,
 * so each one is an error any importer must report. Ids with a second link to the child, and a
 * review's held date (blank while the review is still to come), are not mandatory.
 */
const T = (name: string, fields: string, mandatory: string, dates: string): TableSpec => ({
  name,
  fields: fields.split(' '),
  mandatory: mandatory.split(' ').filter(Boolean),
  dates: dates.split(' ').filter(Boolean),
});

export const SSD_TABLES = {
  person: T(
    'ssd_person',
    'pers_legacy_id pers_person_id pers_upn pers_forename pers_surname pers_sex pers_gender pers_ethnicity pers_dob pers_single_unique_id pers_upn_unknown pers_send_flag pers_expected_dob pers_death_date pers_is_mother pers_nationality',
    'pers_person_id',
    'pers_dob pers_expected_dob',
  ),
  disability: T('ssd_disability', 'disa_table_id disa_person_id disa_disability_code', 'disa_person_id disa_disability_code', ''),
  department: T('ssd_department', 'dept_team_id dept_team_name dept_team_parent_id dept_team_parent_name', 'dept_team_id', ''),
  professionals: T(
    'ssd_professionals',
    'prof_professional_id prof_staff_id prof_professional_name prof_social_worker_registration_no prof_agency_worker_flag prof_professional_job_title prof_professional_caseload prof_professional_department prof_full_time_equivalency',
    'prof_professional_id',
    '',
  ),
  involvements: T(
    'ssd_involvements',
    'invo_involvements_id invo_professional_id invo_professional_role_id invo_professional_team invo_person_id invo_involvement_start_date invo_involvement_end_date invo_worker_change_reason invo_referral_id',
    'invo_person_id invo_involvement_start_date',
    'invo_involvement_start_date invo_involvement_end_date',
  ),
  contacts: T(
    'ssd_contacts',
    'cont_contact_id cont_person_id cont_contact_date cont_contact_source_code cont_contact_source_desc cont_contact_outcome_json',
    'cont_person_id cont_contact_date',
    'cont_contact_date',
  ),
  earlyHelp: T(
    'ssd_early_help_episodes',
    'earl_episode_id earl_person_id earl_episode_start_date earl_episode_end_date earl_episode_reason earl_episode_end_reason earl_episode_organisation earl_episode_worker_id',
    'earl_person_id earl_episode_start_date',
    'earl_episode_start_date earl_episode_end_date',
  ),
  cinEpisodes: T(
    'ssd_cin_episodes',
    'cine_referral_id cine_person_id cine_referral_date cine_cin_primary_need_code cine_referral_source_code cine_referral_source_desc cine_referral_outcome_json cine_referral_nfa cine_close_reason cine_close_date cine_referral_team cine_referral_worker_id',
    'cine_person_id cine_referral_date',
    'cine_referral_date cine_close_date',
  ),
  assessments: T(
    'ssd_cin_assessments',
    'cina_assessment_id cina_person_id cina_referral_id cina_assessment_start_date cina_assessment_child_seen cina_assessment_auth_date cina_assessment_outcome_json cina_assessment_outcome_nfa cina_assessment_team cina_assessment_worker_id',
    'cina_person_id cina_assessment_start_date',
    'cina_assessment_start_date cina_assessment_auth_date',
  ),
  factors: T('ssd_assessment_factors', 'cinf_table_id cinf_assessment_id cinf_assessment_factors_json', 'cinf_assessment_id', ''),
  cinPlans: T(
    'ssd_cin_plans',
    'cinp_cin_plan_id cinp_referral_id cinp_person_id cinp_cin_plan_start_date cinp_cin_plan_end_date cinp_cin_plan_team cinp_cin_plan_worker_id',
    'cinp_person_id cinp_cin_plan_start_date',
    'cinp_cin_plan_start_date cinp_cin_plan_end_date',
  ),
  cinVisits: T(
    'ssd_cin_visits',
    'cinv_cin_visit_id cinv_person_id cinv_cin_visit_date cinv_cin_visit_seen cinv_cin_visit_seen_alone cinv_cin_visit_bedroom',
    'cinv_person_id cinv_cin_visit_date',
    'cinv_cin_visit_date',
  ),
  s47: T(
    'ssd_s47_enquiry',
    's47e_s47_enquiry_id s47e_referral_id s47e_person_id s47e_s47_start_date s47e_s47_end_date s47e_s47_nfa s47e_s47_outcome_json s47e_s47_completed_by_team s47e_s47_completed_by_worker_id',
    's47e_person_id s47e_s47_start_date',
    's47e_s47_start_date s47e_s47_end_date',
  ),
  icpc: T(
    'ssd_initial_cp_conference',
    'icpc_icpc_id icpc_icpc_meeting_id icpc_s47_enquiry_id icpc_person_id icpc_cp_plan_id icpc_referral_id icpc_icpc_transfer_in icpc_icpc_target_date icpc_icpc_date icpc_icpc_outcome_cp_flag icpc_icpc_outcome_json icpc_icpc_team icpc_icpc_worker_id',
    'icpc_person_id',
    'icpc_icpc_target_date icpc_icpc_date',
  ),
  cpPlans: T(
    'ssd_cp_plans',
    'cppl_cp_plan_id cppl_referral_id cppl_icpc_id cppl_person_id cppl_cp_plan_start_date cppl_cp_plan_end_date cppl_cp_plan_ola cppl_cp_plan_initial_category cppl_cp_plan_latest_category',
    'cppl_person_id cppl_cp_plan_start_date',
    'cppl_cp_plan_start_date cppl_cp_plan_end_date',
  ),
  cpVisits: T(
    'ssd_cp_visits',
    'cppv_cp_visit_id cppv_person_id cppv_cp_plan_id cppv_cp_visit_date cppv_cp_visit_seen cppv_cp_visit_seen_alone cppv_cp_visit_bedroom',
    'cppv_person_id cppv_cp_visit_date',
    'cppv_cp_visit_date',
  ),
  cpReviews: T(
    'ssd_cp_reviews',
    'cppr_cp_review_id cppr_person_id cppr_cp_plan_id cppr_cp_review_due cppr_cp_review_date cppr_cp_review_meeting_id cppr_cp_review_outcome_continue_cp cppr_cp_review_quorate cppr_cp_review_participation',
    'cppr_person_id',
    'cppr_cp_review_due cppr_cp_review_date',
  ),
  claEpisodes: T(
    'ssd_cla_episodes',
    'clae_cla_episode_id clae_person_id clae_cla_placement_id clae_cla_episode_start_date clae_cla_episode_start_reason clae_cla_primary_need_code clae_cla_episode_ceased_date clae_cla_episode_ceased_reason clae_cla_id clae_referral_id clae_cla_last_iro_contact_date clae_entered_care_date',
    'clae_person_id clae_cla_episode_start_date',
    'clae_cla_episode_start_date clae_cla_episode_ceased_date',
  ),
  placements: T(
    'ssd_cla_placement',
    'clap_cla_placement_id clap_cla_id clap_person_id clap_cla_placement_start_date clap_cla_placement_type clap_cla_placement_urn clap_cla_placement_distance clap_cla_placement_provider clap_cla_placement_postcode clap_cla_placement_end_date clap_cla_placement_change_reason',
    'clap_cla_placement_start_date',
    'clap_cla_placement_start_date clap_cla_placement_end_date',
  ),
  claReviews: T(
    'ssd_cla_reviews',
    'clar_cla_review_id clar_cla_id clar_cla_person_id clar_cla_review_due_date clar_cla_review_date clar_cla_review_cancelled clar_cla_review_participation',
    '',
    'clar_cla_review_due_date clar_cla_review_date',
  ),
  claVisits: T(
    'ssd_cla_visits',
    'clav_cla_visit_id clav_cla_id clav_person_id clav_cla_visit_date clav_cla_visit_seen clav_cla_visit_seen_alone',
    'clav_cla_visit_date',
    'clav_cla_visit_date',
  ),
  health: T(
    'ssd_cla_health',
    'clah_health_check_id clah_person_id clah_health_check_type clah_health_check_date clah_health_check_status',
    'clah_person_id clah_health_check_date',
    'clah_health_check_date',
  ),
  careLeavers: T(
    'ssd_care_leavers',
    'clea_table_id clea_person_id clea_care_leaver_eligibility clea_care_leaver_in_touch clea_care_leaver_latest_contact clea_care_leaver_accommodation clea_care_leaver_accom_suitable clea_care_leaver_activity clea_pathway_plan_review_date clea_care_leaver_personal_advisor clea_care_leaver_allocated_team clea_care_leaver_worker_id',
    'clea_table_id clea_person_id',
    'clea_care_leaver_latest_contact clea_pathway_plan_review_date',
  ),
  permanence: T(
    'ssd_permanence',
    'perm_table_id perm_person_id perm_cla_id perm_adm_decision_date perm_ffa_cp_decision_date perm_placement_order_date perm_placed_for_adoption_date perm_matched_date perm_adopted_by_carer_flag perm_placed_ffa_cp_date perm_decision_reversed_date perm_placed_foster_carer_date perm_part_of_sibling_group perm_siblings_placed_together perm_siblings_placed_apart perm_placement_provider_urn perm_decision_reversed_reason perm_permanence_order_date perm_permanence_order_type perm_adoption_worker_id perm_adopter_sex perm_adopter_legal_status perm_number_of_adopters',
    'perm_table_id perm_person_id',
    'perm_adm_decision_date perm_placement_order_date perm_placed_for_adoption_date perm_matched_date perm_decision_reversed_date perm_permanence_order_date',
  ),
  missing: T(
    'ssd_missing',
    'miss_table_id miss_person_id miss_missing_episode_start_date miss_missing_episode_type miss_missing_episode_end_date miss_missing_rhi_offered miss_missing_rhi_accepted',
    'miss_table_id miss_person_id miss_missing_episode_start_date',
    'miss_missing_episode_start_date miss_missing_episode_end_date',
  ),
} as const;

type TableKey = keyof typeof SSD_TABLES;
type Row = Record<string, Cell>;

const yn = (b: boolean): string => (b ? 'Y' : 'N');
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

class Table {
  readonly spec: TableSpec;
  private readonly csv: CsvBuilder;
  private readonly faults: FaultInjector;
  private readonly sqlDates: boolean;

  constructor(spec: TableSpec, faults: FaultInjector, sqlDates: boolean) {
    this.spec = spec;
    this.csv = new CsvBuilder(spec.fields);
    this.faults = faults;
    this.sqlDates = sqlDates;
  }

  add(row: Row): void {
    const values = this.spec.fields.map((f) => {
      const v = row[f];
      // Only date columns hold bare ISO dates, so every one of them gets the datetime form.
      return this.sqlDates && typeof v === 'string' && ISO_DATE.test(v) ? `${v} 00:00:00.000` : v;
    });
    this.faults.maybeBreak(`${this.spec.name}.csv`, this.csv.nextRowNumber, this.spec.fields, values, {
      ...this.spec,
      dateStyle: 'iso',
    });
    this.csv.add(values);
  }

  toString(): string {
    return this.csv.toString();
  }
}

/**
 * Yields the extract one table at a time, so that a caller writing files holds only one table's
 * text at once (the SSD of a 50,000-child council is about 190 MB of CSV).
 */
export function* ssdFiles(council: Council, options: WriterOptions = {}): Generator<[fileName: string, csv: string]> {
  const faults = new FaultInjector(council.seed, 'ssd', options);
  const mess = messRng(council.seed, 'ssd');
  const messy = options.messy === true;
  const context: Context = {
    messy,
    asOf: council.asOf,
    sentinel: (value) => value ?? (messy ? '1900-01-01' : undefined),
  };
  for (const key of Object.keys(SSD_TABLES) as TableKey[]) {
    const spec = SSD_TABLES[key];
    const table = new Table(spec, faults, messy && mess.chance(0.5));
    ROWS[key](council, (row) => table.add(row), context);
    yield [`${spec.name}.csv`, table.toString()];
  }
}

export function writeSsd(council: Council, options: WriterOptions = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, csv] of ssdFiles(council, options)) files[name] = csv;
  return files;
}

interface Context {
  messy: boolean;
  asOf: string;
  /** SystemC writes 1900-01-01 where a date is missing in some fields; the messy variant does too. */
  sentinel: (value: string | undefined) => string | undefined;
}

type Emit = (row: Row) => void;
type TableRows = (council: Council, emit: Emit, c: Context) => void;
const eachChild =
  (rows: (child: ChildRecord, emit: Emit, c: Context) => void): TableRows =>
  (council, emit, c) => {
    for (const child of council.children) rows(child, emit, c);
  };

const GROUPS: Record<string, [string, string]> = {
  'early-help': ['G2', 'Early Help'],
  'children-in-care': ['G3', 'Children in Care and Care Leavers'],
  'care-leavers': ['G3', 'Children in Care and Care Leavers'],
  adoption: ['G3', 'Children in Care and Care Leavers'],
};

const ROWS: Record<TableKey, TableRows> = {
  person: eachChild((child, emit) =>
    emit({
      pers_legacy_id: `L${child.id.slice(2)}`,
      pers_person_id: child.id,
      pers_upn: child.upn,
      pers_forename: child.forename,
      pers_surname: child.surname,
      pers_sex: child.sex,
      pers_gender: child.sex === 'M' ? '1' : child.sex === 'F' ? '2' : '0',
      pers_ethnicity: child.ethnicity,
      pers_dob: child.dateOfBirth,
      pers_upn_unknown: child.upnUnknown,
      pers_send_flag: yn(child.disabilities.length > 0),
      pers_expected_dob: child.expectedDateOfBirth,
      pers_is_mother: child.childOfMotherDob ? 'Y' : child.sex === 'F' ? 'N' : undefined,
    }),
  ),
  disability: eachChild((child, emit) =>
    child.disabilities.forEach((code, i) => emit({ disa_table_id: `${child.id}D${i + 1}`, disa_person_id: child.id, disa_disability_code: code })),
  ),
  department: (council, emit) => {
    for (const team of council.teams) {
      const [parentId, parentName] = GROUPS[team.service] ?? ['G1', 'Help and Protection'];
      emit({ dept_team_id: team.id, dept_team_name: team.name, dept_team_parent_id: parentId, dept_team_parent_name: parentName });
    }
  },
  professionals: (council, emit) => {
    const caseload = new Map<string, number>();
    for (const child of council.children) {
      for (const a of child.allocations) if (a.endDate === undefined) caseload.set(a.workerId, (caseload.get(a.workerId) ?? 0) + 1);
    }
    const teamName = new Map(council.teams.map((t) => [t.id, t.name]));
    for (const w of council.workers) {
      emit({
        prof_professional_id: w.id,
        prof_staff_id: w.staffId,
        prof_professional_name: w.name,
        prof_social_worker_registration_no: w.registrationNumber,
        prof_agency_worker_flag: yn(w.agency),
        prof_professional_job_title: w.jobTitle,
        prof_professional_caseload: caseload.get(w.id) ?? 0,
        prof_professional_department: teamName.get(w.teamId),
        prof_full_time_equivalency: w.fte,
      });
    }
  },
  involvements: eachChild((child, emit) =>
    child.allocations.forEach((a, i) =>
      emit({
        invo_involvements_id: `${child.id}AL${i + 1}`,
        invo_professional_id: a.workerId,
        invo_professional_role_id: 'CW',
        invo_professional_team: a.teamId,
        invo_person_id: child.id,
        invo_involvement_start_date: a.startDate,
        invo_involvement_end_date: a.endDate,
        invo_worker_change_reason: a.changeReason,
        invo_referral_id: a.referralId,
      }),
    ),
  ),
  contacts: eachChild((child, emit) => {
    for (const c of child.contacts) {
      emit({
        cont_contact_id: c.id,
        cont_person_id: child.id,
        cont_contact_date: c.date,
        cont_contact_source_code: c.source,
        cont_contact_source_desc: labelOf(SOURCES, c.source),
        cont_contact_outcome_json: JSON.stringify({
          NEW_REFERRAL_FLAG: yn(c.outcome === 'referral'),
          EXISTING_REFERRAL_FLAG: yn(c.outcome === 'open-case'),
          CP_ENQUIRY_FLAG: 'N',
          NFA_FLAG: yn(c.outcome === 'nfa'),
          NON_AGENCY_ADOPTION_FLAG: 'N',
          PRIVATE_FOSTERING_FLAG: 'N',
          ADVICE_FLAG: yn(c.outcome === 'advice'),
          MISSING_FLAG: 'N',
          OLA_CP_FLAG: 'N',
          OTHER_OUTCOMES_EXIST_FLAG: yn(c.outcome === 'early-help'),
        }),
      });
    }
  }),
  earlyHelp: eachChild((child, emit, c) => {
    for (const e of child.earlyHelp) {
      emit({
        earl_episode_id: e.id,
        earl_person_id: child.id,
        earl_episode_start_date: e.startDate,
        earl_episode_end_date: e.endDate,
        earl_episode_reason: e.reason,
        earl_episode_end_reason: e.endReason,
        earl_episode_organisation: 'Northbridge Early Help Service',
        earl_episode_worker_id: c.messy ? 'SSD_PH' : e.workerId,
      });
    }
  }),
  cinEpisodes: eachChild((child, emit) => {
    for (const r of child.referrals) {
      emit({
        cine_referral_id: r.id,
        cine_person_id: child.id,
        cine_referral_date: r.date,
        cine_cin_primary_need_code: r.primaryNeed,
        cine_referral_source_code: r.source,
        cine_referral_source_desc: labelOf(SOURCES, r.source),
        cine_referral_outcome_json: JSON.stringify({
          SINGLE_ASSESSMENT_FLAG: yn(r.assessments.length > 0),
          NFA_FLAG: yn(r.nfa),
          STRATEGY_DISCUSSION_FLAG: yn(r.s47s.length > 0),
          CLA_REQUEST_FLAG: yn(child.periodsOfCare.some((p) => p.referralId === r.id)),
          NON_AGENCY_ADOPTION_FLAG: 'N',
          PRIVATE_FOSTERING_FLAG: 'N',
          CP_TRANSFER_IN_FLAG: 'N',
          CP_CONFERENCE_FLAG: yn(r.s47s.some((s) => s.icpc?.date !== undefined)),
          CARE_LEAVER_FLAG: 'N',
          OTHER_OUTCOMES_EXIST_FLAG: 'N',
        }),
        cine_referral_nfa: yn(r.nfa),
        cine_close_reason: r.closeReason,
        cine_close_date: r.closeDate,
        cine_referral_team: r.teamId,
        cine_referral_worker_id: r.workerId,
      });
    }
  }),
  assessments: eachChild((child, emit, c) => {
    for (const r of child.referrals) for (const a of r.assessments) emit(assessmentRow(child.id, r, a, c));
  }),
  factors: eachChild((child, emit) => {
    for (const r of child.referrals) {
      for (const a of r.assessments) {
        if (a.authorisedDate) emit({ cinf_table_id: `${a.id}F`, cinf_assessment_id: a.id, cinf_assessment_factors_json: JSON.stringify(a.factors) });
      }
    }
  }),
  cinPlans: eachChild((child, emit) => {
    for (const r of child.referrals) {
      for (const p of r.cinPlans) {
        emit({
          cinp_cin_plan_id: p.id,
          cinp_referral_id: r.id,
          cinp_person_id: child.id,
          cinp_cin_plan_start_date: p.startDate,
          cinp_cin_plan_end_date: p.endDate,
          cinp_cin_plan_team: p.teamId,
          cinp_cin_plan_worker_id: p.workerId,
        });
      }
    }
  }),
  cinVisits: eachChild((child, emit) => {
    for (const p of child.referrals.flatMap((r) => r.cinPlans)) {
      p.visits.forEach((v, i) =>
        emit({
          cinv_cin_visit_id: `${p.id}V${i + 1}`,
          cinv_person_id: child.id,
          cinv_cin_visit_date: v.date,
          cinv_cin_visit_seen: yn(v.seen),
          cinv_cin_visit_seen_alone: yn(v.seenAlone),
          cinv_cin_visit_bedroom: yn(v.bedroomSeen),
        }),
      );
    }
  }),
  s47: eachChild((child, emit) => {
    for (const r of child.referrals) for (const s of r.s47s) emit(s47Row(child.id, r, s));
  }),
  icpc: eachChild((child, emit) => {
    for (const r of child.referrals) for (const s of r.s47s) if (s.icpc) emit(icpcRow(child.id, r, s));
  }),
  cpPlans: eachChild((child, emit, c) => {
    const category = (code: string) => (c.messy ? code : labelOf(CP_CATEGORIES, code));
    for (const r of child.referrals) {
      for (const p of r.cpPlans) {
        emit({
          cppl_cp_plan_id: p.id,
          cppl_referral_id: r.id,
          cppl_icpc_id: p.icpcId,
          cppl_person_id: child.id,
          cppl_cp_plan_start_date: p.startDate,
          cppl_cp_plan_end_date: p.endDate,
          cppl_cp_plan_ola: 'N',
          cppl_cp_plan_initial_category: category(p.initialCategory),
          cppl_cp_plan_latest_category: category(p.latestCategory),
        });
      }
    }
  }),
  cpVisits: eachChild((child, emit) => {
    for (const p of child.referrals.flatMap((r) => r.cpPlans)) {
      p.visits.forEach((v, i) =>
        emit({
          cppv_cp_visit_id: `${p.id}V${i + 1}`,
          cppv_person_id: child.id,
          cppv_cp_plan_id: p.id,
          cppv_cp_visit_date: v.date,
          cppv_cp_visit_seen: yn(v.seen),
          cppv_cp_visit_seen_alone: yn(v.seenAlone),
          cppv_cp_visit_bedroom: yn(v.bedroomSeen),
        }),
      );
    }
  }),
  cpReviews: eachChild((child, emit) => {
    for (const p of child.referrals.flatMap((r) => r.cpPlans)) {
      p.reviews.forEach((rv, i) =>
        emit({
          cppr_cp_review_id: `${p.id}RV${i + 1}`,
          cppr_person_id: child.id,
          cppr_cp_plan_id: p.id,
          cppr_cp_review_due: rv.dueDate,
          cppr_cp_review_date: rv.date,
          cppr_cp_review_meeting_id: `${p.id}RM${i + 1}`,
          cppr_cp_review_outcome_continue_cp: yn(rv.continuePlan),
          cppr_cp_review_quorate: yn(rv.quorate),
        }),
      );
    }
  }),
  claEpisodes: eachChild((child, emit, c) => {
    for (const period of child.periodsOfCare) {
      for (const e of period.episodes) {
        const until = e.endDate ?? c.asOf;
        emit({
          clae_cla_episode_id: e.id,
          clae_person_id: child.id,
          clae_cla_placement_id: e.placementId,
          clae_cla_episode_start_date: e.startDate,
          clae_cla_episode_start_reason: e.rne,
          clae_cla_primary_need_code: e.need,
          clae_cla_episode_ceased_date: e.endDate,
          clae_cla_episode_ceased_reason: e.reasonEnded,
          clae_cla_id: period.id,
          clae_referral_id: period.referralId,
          clae_cla_last_iro_contact_date: [...period.reviews].reverse().find((rv) => rv.date <= until)?.date,
          clae_entered_care_date: period.startDate,
        });
      }
    }
  }),
  placements: eachChild((child, emit) => {
    for (const period of child.periodsOfCare) {
      for (const p of period.placements) {
        emit({
          clap_cla_placement_id: p.id,
          clap_cla_id: period.id,
          clap_person_id: child.id,
          clap_cla_placement_start_date: p.startDate,
          clap_cla_placement_type: p.type,
          clap_cla_placement_urn: p.urn,
          clap_cla_placement_distance: p.distanceMiles,
          clap_cla_placement_provider: p.provider,
          clap_cla_placement_postcode: p.postcode,
          clap_cla_placement_end_date: p.endDate,
          clap_cla_placement_change_reason: p.changeReason,
        });
      }
    }
  }),
  claReviews: eachChild((child, emit) => {
    for (const period of child.periodsOfCare) {
      period.reviews.forEach((rv, i) =>
        emit({
          clar_cla_review_id: `${period.id}RV${i + 1}`,
          clar_cla_id: period.id,
          clar_cla_person_id: child.id,
          clar_cla_review_due_date: rv.dueDate,
          clar_cla_review_date: rv.date,
          clar_cla_review_cancelled: 'N',
          clar_cla_review_participation: rv.participation,
        }),
      );
    }
  }),
  claVisits: eachChild((child, emit) => {
    for (const period of child.periodsOfCare) {
      period.visits.forEach((v, i) =>
        emit({
          clav_cla_visit_id: `${period.id}V${i + 1}`,
          clav_cla_id: period.id,
          clav_person_id: child.id,
          clav_cla_visit_date: v.date,
          clav_cla_visit_seen: yn(v.seen),
          clav_cla_visit_seen_alone: yn(v.seenAlone),
        }),
      );
    }
  }),
  health: eachChild((child, emit) => {
    for (const period of child.periodsOfCare) {
      period.healthChecks.forEach((h, i) =>
        emit({
          clah_health_check_id: `${period.id}H${i + 1}`,
          clah_person_id: child.id,
          clah_health_check_type: h.type === 'dental' ? 'Dental Check' : 'Health Assessment',
          clah_health_check_date: h.date,
          clah_health_check_status: 'Completed',
        }),
      );
    }
  }),
  careLeavers: eachChild((child, emit, c) => careLeaverRows(child, emit, c)),
  permanence: eachChild((child, emit) => {
    for (const period of child.periodsOfCare) permanenceRow(child, period.id, period.reasonEnded, period.endDate, emit);
  }),
  missing: eachChild((child, emit) =>
    child.missing.forEach((m, i) =>
      emit({
        miss_table_id: `${child.id}M${i + 1}`,
        miss_person_id: child.id,
        miss_missing_episode_start_date: m.startDate,
        miss_missing_episode_type: m.type === 'M' ? 'Missing' : 'Away',
        miss_missing_episode_end_date: m.endDate,
        miss_missing_rhi_offered: m.rhiOffered,
        miss_missing_rhi_accepted: m.rhiAccepted,
      }),
    ),
  ),
};

function assessmentRow(pid: string, r: Referral, a: Assessment, c: Context): Row {
  const done = a.outcome !== undefined && a.authorisedDate !== undefined;
  const flag = (b: boolean) => (done ? yn(b) : '');
  return {
    cina_assessment_id: a.id,
    cina_person_id: pid,
    cina_referral_id: r.id,
    cina_assessment_start_date: a.startDate,
    cina_assessment_child_seen: yn(a.childSeen),
    cina_assessment_auth_date: c.sentinel(a.authorisedDate),
    cina_assessment_outcome_json: JSON.stringify({
      NFA_FLAG: flag(a.outcome === 'nfa'),
      NFA_S47_END_FLAG: flag(false),
      STRATEGY_DISCUSSION_FLAG: flag(a.outcome === 'strategy'),
      CLA_REQUEST_FLAG: flag(a.outcome === 'cla'),
      PRIVATE_FOSTERING_FLAG: flag(false),
      LEGAL_ACTION_FLAG: flag(false),
      PROV_OF_SERVICES_FLAG: flag(a.outcome === 'cin-plan' || a.outcome === 'services'),
      PROV_OF_SB_CARE_FLAG: flag(false),
      SPECIALIST_ASSESSMENT_FLAG: flag(false),
      REFERRAL_TO_OTHER_AGENCY_FLAG: flag(a.outcome === 'early-help'),
      OTHER_ACTIONS_FLAG: flag(false),
      OTHER_OUTCOMES_EXIST_FLAG: flag(false),
      TOTAL_NO_OF_OUTCOMES: done ? 1 : '',
      COMMENTS: '',
    }),
    cina_assessment_outcome_nfa: done ? yn(a.outcome === 'nfa') : undefined,
    cina_assessment_team: a.teamId,
    cina_assessment_worker_id: a.workerId,
  };
}

function s47Row(pid: string, r: Referral, s: S47Enquiry): Row {
  return {
    s47e_s47_enquiry_id: s.id,
    s47e_referral_id: r.id,
    s47e_person_id: pid,
    s47e_s47_start_date: s.strategyDate,
    s47e_s47_end_date: s.endDate,
    s47e_s47_nfa: yn(s.icpcNotRequired && s.endDate !== undefined),
    s47e_s47_outcome_json: JSON.stringify({
      NFA_FLAG: yn(s.icpcNotRequired),
      LEGAL_ACTION_FLAG: 'N',
      PROV_OF_SERVICES_FLAG: 'N',
      PROV_OF_SB_CARE_FLAG: 'N',
      CP_CONFERENCE_FLAG: yn(s.icpc !== undefined),
      NFA_CONTINUE_SINGLE_FLAG: 'N',
      MONITOR_FLAG: 'N',
      OTHER_OUTCOMES_EXIST_FLAG: 'N',
      TOTAL_NO_OF_OUTCOMES: 1,
      OUTCOME_COMMENTS: '',
    }),
    s47e_s47_completed_by_team: s.teamId,
    s47e_s47_completed_by_worker_id: s.workerId,
  };
}

function icpcRow(pid: string, r: Referral, s: S47Enquiry): Row {
  const icpc = s.icpc;
  const held = icpc?.date !== undefined;
  const outcome = (b: boolean) => (held ? yn(b) : '');
  return {
    icpc_icpc_id: icpc?.id,
    icpc_icpc_meeting_id: `${icpc?.id ?? ''}M`,
    icpc_s47_enquiry_id: s.id,
    icpc_person_id: pid,
    icpc_cp_plan_id: icpc?.cpPlanId,
    icpc_referral_id: r.id,
    icpc_icpc_transfer_in: 'N',
    icpc_icpc_target_date: icpc?.targetDate,
    icpc_icpc_date: icpc?.date,
    icpc_icpc_outcome_cp_flag: held ? yn(icpc?.planResulted ?? false) : undefined,
    icpc_icpc_outcome_json: JSON.stringify({
      NFA_FLAG: outcome(!icpc?.planResulted),
      REFERRAL_TO_OTHER_AGENCY_FLAG: outcome(false),
      SINGLE_ASSESSMENT_FLAG: outcome(false),
      PROV_OF_SERVICES_FLAG: outcome(false),
      CP_FLAG: outcome(icpc?.planResulted ?? false),
      OTHER_OUTCOMES_EXIST_FLAG: outcome(false),
      TOTAL_NO_OF_OUTCOMES: held ? 1 : '',
      COMMENTS: '',
    }),
    icpc_icpc_team: s.teamId,
    icpc_icpc_worker_id: s.workerId,
  };
}

function permanenceRow(child: ChildRecord, periodId: string, reason: string | undefined, end: string | undefined, emit: Emit): void {
  const a = child.adoption?.periodId === periodId ? child.adoption : undefined;
  const order = reason && /^E4[5-8]$/.test(reason) ? 'Special guardianship order' : reason === 'E41' ? 'Child arrangements order' : undefined;
  if (!a && !order) return;
  emit({
    perm_table_id: `${periodId}PM`,
    perm_person_id: child.id,
    perm_cla_id: periodId,
    perm_adm_decision_date: a?.decisionDate,
    perm_placement_order_date: a?.placementOrderDate,
    perm_placed_for_adoption_date: a?.placedDate,
    perm_matched_date: a?.matchedDate,
    perm_adopted_by_carer_flag: a ? 'N' : undefined,
    perm_decision_reversed_date: a?.reversedDate,
    perm_part_of_sibling_group: a ? (a.siblingGroup ? '1' : '0') : undefined,
    perm_siblings_placed_together: a?.siblingGroup ? 2 : undefined,
    perm_decision_reversed_reason: a?.reversedReason,
    perm_permanence_order_date: a ? a.orderDate : end,
    perm_permanence_order_type: a ? (a.orderDate ? 'Adoption order' : undefined) : order,
  });
}

function careLeaverRows(child: ChildRecord, emit: Emit, c: Context): void {
  const leaver = child.careLeaver;
  if (!leaver) return;
  // SystemC writes one row per in-touch status, each with the latest contact in that status.
  const latestByStatus = new Map<string, (typeof leaver.contacts)[number]>();
  for (const contact of leaver.contacts) latestByStatus.set(contact.inTouch, contact);
  let n = 0;
  for (const [status, contact] of latestByStatus) {
    n += 1;
    emit({
      clea_table_id: `${child.id}CL${n}`,
      clea_person_id: child.id,
      clea_care_leaver_eligibility: leaver.eligibility === 'former relevant' ? 'Former relevant' : 'Relevant',
      clea_care_leaver_in_touch: status,
      clea_care_leaver_latest_contact: contact.date,
      clea_care_leaver_accommodation: contact.accommodation.slice(0, 1),
      clea_care_leaver_accom_suitable: contact.accommodation.slice(1),
      clea_care_leaver_activity: contact.activity,
      clea_pathway_plan_review_date: c.sentinel([...leaver.pathwayPlanReviews].reverse().find((d) => d <= contact.date)),
      clea_care_leaver_personal_advisor: leaver.workerId,
      clea_care_leaver_allocated_team: leaver.teamId,
      clea_care_leaver_worker_id: leaver.workerId,
    });
  }
}
