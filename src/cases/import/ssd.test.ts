/**
 * Synthetic SSD extracts (no public SSD sample exists): one CSV per table, headed by the SSD field
 * names of docs/SSD-FIELDS.md. Every person, worker and team is invented.
 */
import { describe, expect, it } from 'vitest';
import type { CaseFact, ParsedExtract } from '../facts.ts';
import { parseExtract, parseExtractFiles } from './index.ts';

const file = (fileName: string, ...lines: string[]) => ({ fileName, bytes: new Uint8Array(Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')) });

const extract = [
  file(
    'ssd_person.csv',
    'pers_legacy_id,pers_person_id,pers_upn,pers_forename,pers_surname,pers_sex,pers_gender,pers_ethnicity,pers_dob,pers_expected_dob,pers_death_date,pers_nationality',
    'L1,P1,A123456789012,Zelda,Quixote,F,F,WBRI,2015-03-02 00:00:00.000,,,British',
    'L2,P2,,Yannick,Voss,M,M,APKN,2012-11-20 00:00:00.000,,,British',
  ),
  file('ssd_disability.csv', 'disa_table_id,disa_person_id,disa_disability_code', 'D1,P1,NONE', 'D2,P2,AUT'),
  file(
    'ssd_cin_episodes.csv',
    'cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,cine_referral_source_code,cine_referral_source_desc,cine_referral_outcome_json,cine_referral_nfa,cine_close_reason,cine_close_date,cine_referral_team,cine_referral_worker_id',
    'R1,P1,2026-02-25 10:32:00.000,N1,5A,Social care,"{""STRATEGY_DISCUSSION_FLAG"":""Y""}",N,,,T1,W1',
  ),
  file(
    'ssd_cin_assessments.csv',
    'cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_child_seen,cina_assessment_auth_date,cina_assessment_outcome_json,cina_assessment_outcome_nfa,cina_assessment_team,cina_assessment_worker_id',
    'A1,P1,R1,2026-02-25,Y,1900-01-01,"{""COMMENTS"":""Mum said ""no"" to Zelda""",N,T1,W1',
    'A2,P2,R9,2026-01-05,N,2026-02-26,,N,T1,W1',
  ),
  file('ssd_assessment_factors.csv', 'cinf_table_id,cinf_assessment_id,cinf_assessment_factors_json', 'F1,A2,"[""1B"",""16A""]"', 'F2,A2,"{""21"":""Yes"",""2A"":""No""}"'),
  file(
    'ssd_s47_enquiry.csv',
    's47e_s47_enquiry_id,s47e_referral_id,s47e_person_id,s47e_s47_start_date,s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json,s47e_s47_completed_by_team,s47e_s47_completed_by_worker_id',
    'S1,R1,P1,2026-03-02,2026-03-10,N,"{""CP_CONFERENCE_FLAG"":""Y"",""OUTCOME_COMMENTS"":""see notes""}",T1,W1',
    'S2,R1,P2,2026-03-02,2026-03-12,N,"{""CP_CONFERENCE_FLAG"":""N"",""NFA_FLAG"":""Y""}",T1,W1',
    'S3,R1,P2,2026-03-20,,N,,T1,W1',
  ),
  file(
    'ssd_initial_cp_conference.csv',
    'icpc_icpc_id,icpc_icpc_meeting_id,icpc_s47_enquiry_id,icpc_person_id,icpc_cp_plan_id,icpc_referral_id,icpc_icpc_transfer_in,icpc_icpc_target_date,icpc_icpc_date,icpc_icpc_outcome_cp_flag,icpc_icpc_outcome_json,icpc_icpc_team,icpc_icpc_worker_id',
    'C1,M1,S1,P1,CP1,R1,N,2026-03-23,2026-03-20,Y,,T1,W1',
    'C2,M2,,P2,,,Y,,2026-01-15,N,,T1,W1',
  ),
  file(
    'ssd_cp_plans.csv',
    'cppl_cp_plan_id,cppl_referral_id,cppl_icpc_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_ola,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category',
    'CP1,R1,C1,P1,2026-03-20,,N,Neglect,Emotional abuse',
  ),
  file(
    'ssd_cp_visits.csv',
    'cppv_cp_visit_id,cppv_person_id,cppv_cp_plan_id,cppv_cp_visit_date,cppv_cp_visit_seen,cppv_cp_visit_seen_alone,cppv_cp_visit_bedroom',
    'V1,P1,CP1,2026-03-27 14:00:00.000,Y,Y,Y',
    'V2,P1,CP1,2026-04-08,N,N,N',
  ),
  file(
    'ssd_cp_reviews.csv',
    'cppr_cp_review_id,cppr_person_id,cppr_cp_plan_id,cppr_cp_review_due,cppr_cp_review_date,cppr_cp_review_meeting_id,cppr_cp_review_outcome_continue_cp,cppr_cp_review_quorate,cppr_cp_review_participation',
    'RV1,P1,CP1,2026-06-12,,,,,',
  ),
  file(
    'ssd_cla_episodes.csv',
    'clae_cla_episode_id,clae_person_id,clae_cla_placement_id,clae_cla_episode_start_date,clae_cla_episode_start_reason,clae_cla_primary_need_code,clae_cla_episode_ceased_date,clae_cla_episode_ceased_reason,clae_cla_id,clae_referral_id,clae_cla_last_iro_contact_date,clae_entered_care_date',
    'E1,P2,PL1,2025-01-06,S,N1,2025-03-01,X1,CLA9,R1,,2025-01-06',
    'E2,P2,PL2,2025-03-01,P,N1,,,CLA9,R1,,2025-01-06',
  ),
  file(
    'ssd_cla_reviews.csv',
    'clar_cla_review_id,clar_cla_id,clar_cla_review_due_date,clar_cla_review_date,clar_cla_review_cancelled,clar_cla_review_participation',
    'CR1,CLA9,2025-02-03,2025-01-31 00:00:00,N,PN1',
    'CR2,CLA9,2025-05-02,2025-05-06,Y,',
    'CR3,CLA404,2025-05-02,2025-05-06,N,',
  ),
  file(
    'ssd_cla_health.csv',
    'clah_health_check_id,clah_person_id,clah_health_check_type,clah_health_check_date,clah_health_check_status',
    'H1,P2,Review health assessment,2025-06-01,Completed',
    'H2,P2,Dental check,2025-06-02,Completed',
    'H3,P2,Review health assessment,2025-12-01,Planned',
  ),
  file(
    'ssd_involvements.csv',
    'invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_professional_team,invo_person_id,invo_involvement_start_date,invo_involvement_end_date,invo_worker_change_reason,invo_referral_id',
    'I1,W1,CW,T1,P1,2026-02-25,2026-03-15,LEFTRL,R1',
    'I2,W2,CW,T2,P1,2026-03-15,,,R1',
  ),
  file('ssd_professionals.csv', 'prof_professional_id,prof_staff_id,prof_professional_name,prof_professional_job_title', 'W1,S-1,Worker One,Social worker', 'W2,S-2,Worker Two,Social worker'),
  file('ssd_department.csv', 'dept_team_id,dept_team_name,dept_team_parent_id,dept_team_parent_name', 'T1,Front Door,,', 'T2,Child Protection Team 2,,'),
];

function facts(result: ParsedExtract, kind: CaseFact['kind'], childId?: string) {
  return result.facts.filter((fact) => fact.kind === kind && (childId === undefined || fact.childId === childId)).map(({ source: _source, ...rest }) => rest);
}

describe('an SSD extract', () => {
  it('never carries names, identifiers other than the child’s, or free-text comments', async () => {
    const result = await parseExtractFiles(extract);
    const text = JSON.stringify(result);
    for (const forbidden of ['Zelda', 'Quixote', 'Yannick', 'Voss', 'A123456789012', 'Mum said', 'see notes']) expect(text).not.toContain(forbidden);
  });

  it('reads people, their disability and the team and worker of their open allocation, by name', async () => {
    const result = await parseExtractFiles(extract);
    const children = new Map(result.children.map((child) => [child.childId, child]));
    expect(children.get('P1')).toMatchObject({ dateOfBirth: '2015-03-02', gender: 'female', ethnicity: 'WBRI', disability: false, team: 'Child Protection Team 2', worker: 'Worker Two' });
    expect(children.get('P2')).toMatchObject({ disability: true });
    expect(facts(result, 'allocation', 'P1')).toEqual([
      { kind: 'allocation', childId: 'P1', startDate: '2026-02-25', endDate: '2026-03-15', worker: 'Worker One', team: 'Front Door' },
      { kind: 'allocation', childId: 'P1', startDate: '2026-03-15', worker: 'Worker Two', team: 'Child Protection Team 2' },
    ]);
  });

  it('reads the 1900-01-01 placeholder as no date, and joins assessment factors', async () => {
    const result = await parseExtractFiles(extract);
    expect(facts(result, 'assessment')).toEqual([
      { kind: 'assessment', childId: 'P1', startDate: '2026-02-25', childSeen: true },
      { kind: 'assessment', childId: 'P2', startDate: '2026-01-05', authorisedDate: '2026-02-26', childSeen: false, factors: ['1B', '16A', '21'] },
    ]);
  });

  it('joins each section 47 enquiry to its conference and decides when none was needed', async () => {
    const result = await parseExtractFiles(extract);
    expect(facts(result, 's47')).toEqual([
      {
        kind: 's47',
        childId: 'P1',
        strategyDate: '2026-03-02',
        s47StartDate: '2026-03-02',
        icpcDate: '2026-03-20',
        icpcTargetDate: '2026-03-23',
        icpcResultedInPlan: true,
        icpcNotRequired: false,
      },
      { kind: 's47', childId: 'P2', strategyDate: '2026-03-02', s47StartDate: '2026-03-02', icpcNotRequired: true },
      // Still open: whether a conference is needed is not yet known.
      { kind: 's47', childId: 'P2', strategyDate: '2026-03-20', s47StartDate: '2026-03-20' },
    ]);
    // A transfer-in conference has no enquiry behind it.
    expect(facts(result, 'icpc')).toEqual([{ kind: 'icpc', childId: 'P2', date: '2026-01-15', resultedInPlan: false }]);
  });

  it('keeps every visit with whether the child was seen, and no review that is only due', async () => {
    const result = await parseExtractFiles(extract);
    expect(facts(result, 'cp-plan')).toEqual([{ kind: 'cp-plan', childId: 'P1', startDate: '2026-03-20', category: 'NEG', latestCategory: 'EMO' }]);
    expect(facts(result, 'cp-visit')).toEqual([
      { kind: 'cp-visit', childId: 'P1', date: '2026-03-27', seen: true, seenAlone: true },
      { kind: 'cp-visit', childId: 'P1', date: '2026-04-08', seen: false, seenAlone: false },
    ]);
    expect(facts(result, 'cp-review')).toEqual([]);
  });

  it('finds a review’s child through its period of care, skips a cancelled one and reports an orphan', async () => {
    const result = await parseExtractFiles(extract);
    expect(facts(result, 'cla-review')).toEqual([{ kind: 'cla-review', childId: 'P2', date: '2025-01-31', dueDate: '2025-02-03', participation: 'PN1' }]);
    expect(result.problems).toContainEqual(
      expect.objectContaining({ file: 'ssd_cla_reviews.csv', sheet: 'ssd_cla_reviews', row: 4, column: 'clar_cla_id', severity: 'error', message: expect.stringMatching(/no child/) }),
    );
    expect(facts(result, 'cla-episode')).toEqual([
      { kind: 'cla-episode', childId: 'P2', startDate: '2025-01-06', endDate: '2025-03-01', rne: 'S', reasonEnded: 'X1' },
      { kind: 'cla-episode', childId: 'P2', startDate: '2025-03-01', rne: 'P' },
    ]);
  });

  it('counts only health assessments that took place', async () => {
    const result = await parseExtractFiles(extract);
    expect(facts(result, 'health-assessment')).toEqual([{ kind: 'health-assessment', childId: 'P2', date: '2025-06-01' }]);
  });

  it('reports the only problem in the whole extract, the orphan review', async () => {
    const result = await parseExtractFiles(extract);
    expect(result.problems).toHaveLength(1);
  });

  it('reads unreadable JSON leniently: a warning, and the row kept', async () => {
    const result = await parseExtract(
      'ssd_contacts.csv',
      new Uint8Array(Buffer.from('cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json\nK1,P1,2026-02-20 09:15:00.000,1A,"{""NFA_FLAG"":""Y"", oops"\n', 'utf8')),
    );
    expect(facts(result, 'contact')).toEqual([{ kind: 'contact', childId: 'P1', date: '2026-02-20', contactSource: '1A' }]);
    expect(result.problems).toEqual([expect.objectContaining({ row: 2, column: 'cont_contact_outcome_json', severity: 'warning' })]);
  });

  it('warns about a blank row identifier but keeps the row, and refuses a disability row without a code', async () => {
    const result = await parseExtractFiles([
      file('ssd_cin_visits.csv', 'cinv_cin_visit_id,cinv_person_id,cinv_cin_visit_date', ',P1,2026-03-02', 'V2,P1,2026-03-09'),
      file('ssd_disability.csv', 'disa_table_id,disa_person_id,disa_disability_code', 'D1,P1,'),
    ]);
    expect(facts(result, 'cin-visit').map((fact) => ('date' in fact ? fact.date : ''))).toEqual(['2026-03-02', '2026-03-09']);
    expect(result.problems.map(({ file: name, row, column, severity }) => ({ name, row, column, severity }))).toEqual([
      { name: 'ssd_disability.csv', row: 2, column: 'disa_disability_code', severity: 'error' },
      { name: 'ssd_cin_visits.csv', row: 2, column: 'cinv_cin_visit_id', severity: 'warning' },
    ]);
  });

  it('rejects a malformed date with its row and column, and names SSD tables it does not import', async () => {
    const bad = await parseExtract('x.csv', new Uint8Array(Buffer.from('cinp_cin_plan_id,cinp_person_id,cinp_cin_plan_start_date\nCP1,P1,2026-13-01\n', 'utf8')));
    expect(bad.problems).toEqual([expect.objectContaining({ sheet: 'ssd_cin_plans', row: 2, column: 'cinp_cin_plan_start_date', severity: 'error', message: '2026-13-01 is not a real date' })]);
    const family = await parseExtract('ssd_family.csv', new Uint8Array(Buffer.from('fami_table_id,fami_family_id,fami_person_id\n1,F1,P1\n', 'utf8')));
    expect(family.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/SSD table \(fami_…\)/) })]);
  });
});
