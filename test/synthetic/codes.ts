/**
 * Code lists used by the generator and its writers. Codes are the DfE ones (CIN census, SSDA903);
 * the weights are this generator's own rough shares for a children's-services caseload (see
 * README.md for where they come from); labels are our own short wording. Annex A writes coded
 * values as "b) Female": a letter, then the label, in the order of the list below, which is how
 * the sample workbook presents them.
 */

export interface Coded {
  code: string;
  label: string;
  weight: number;
}

/** "a) ", "b) " … for the n-th option of an Annex A drop-down. */
export function optionLetter(index: number): string {
  return `${String.fromCharCode(97 + (index % 26))}) `;
}

export function weightsOf(list: readonly Coded[]): [string, number][] {
  return list.map((c) => [c.code, c.weight]);
}

export function labelOf(list: readonly Coded[], code: string): string {
  return list.find((c) => c.code === code)?.label ?? code;
}

/** The Annex A form: the option letter, then "code: label" or just the label. */
export function annexOption(list: readonly Coded[], code: string, form: 'label' | 'code-label' | 'code'): string {
  const index = list.findIndex((c) => c.code === code);
  const entry = list[index];
  if (!entry) return code;
  const text = form === 'label' ? entry.label : form === 'code' ? entry.code : `${entry.code}: ${entry.label}`;
  return optionLetter(index) + text;
}

export const SEXES: readonly Coded[] = [
  { code: 'M', label: 'Male', weight: 0.52 },
  { code: 'F', label: 'Female', weight: 0.475 },
  { code: 'U', label: 'Not stated/recorded', weight: 0.005 },
];

// Ordered as the DfE list; the sample workbook's letters (a WBRI … k APKN … s NOBT) follow it.
export const ETHNICITIES: readonly Coded[] = [
  { code: 'WBRI', label: 'White British', weight: 0.62 },
  { code: 'WIRI', label: 'White Irish', weight: 0.005 },
  { code: 'WIRT', label: 'Traveller of Irish heritage', weight: 0.005 },
  { code: 'WOTH', label: 'Any other White background', weight: 0.05 },
  { code: 'WROM', label: 'Gypsy/Roma', weight: 0.01 },
  { code: 'MWBC', label: 'White and Black Caribbean', weight: 0.025 },
  { code: 'MWBA', label: 'White and Black African', weight: 0.01 },
  { code: 'MWAS', label: 'White and Asian', weight: 0.015 },
  { code: 'MOTH', label: 'Any other Mixed background', weight: 0.03 },
  { code: 'AIND', label: 'Indian', weight: 0.015 },
  { code: 'APKN', label: 'Pakistani', weight: 0.035 },
  { code: 'ABAN', label: 'Bangladeshi', weight: 0.01 },
  { code: 'AOTH', label: 'Any other Asian background', weight: 0.02 },
  { code: 'BCRB', label: 'Caribbean', weight: 0.015 },
  { code: 'BAFR', label: 'African', weight: 0.04 },
  { code: 'BOTH', label: 'Any other Black background', weight: 0.015 },
  { code: 'CHNE', label: 'Chinese', weight: 0.003 },
  { code: 'OOTH', label: 'Any other ethnic group', weight: 0.03 },
  { code: 'NOBT', label: 'Information not yet obtained', weight: 0.03 },
  { code: 'REFU', label: 'Refused', weight: 0.005 },
];

/** Unaccompanied children arrive mostly from a few regions; ethnicity follows. */
export const UASC_ETHNICITIES: readonly Coded[] = [
  { code: 'OOTH', label: '', weight: 0.4 },
  { code: 'AOTH', label: '', weight: 0.25 },
  { code: 'BAFR', label: '', weight: 0.3 },
  { code: 'NOBT', label: '', weight: 0.05 },
];

export const DISABILITIES: readonly string[] = ['MOB', 'HAND', 'PC', 'INC', 'COMM', 'LD', 'HEAR', 'VIS', 'BEH', 'CON', 'AUT', 'DDA'];

/** Referral (and contact) sources, weighted like national referral sources: police and schools lead. */
export const SOURCES: readonly Coded[] = [
  { code: '1A', label: 'Individual - family member', weight: 0.04 },
  { code: '1B', label: 'Individual - acquaintance', weight: 0.01 },
  { code: '1C', label: 'Individual - self', weight: 0.015 },
  { code: '1D', label: 'Individual - other', weight: 0.01 },
  { code: '2A', label: 'Schools', weight: 0.2 },
  { code: '2B', label: 'Education services', weight: 0.01 },
  { code: '3A', label: 'Health services - GP', weight: 0.02 },
  { code: '3B', label: 'Health services - health visitor', weight: 0.025 },
  { code: '3C', label: 'Health services - school nurse', weight: 0.005 },
  { code: '3D', label: 'Health services - other primary', weight: 0.03 },
  { code: '3E', label: 'Health services - A&E', weight: 0.025 },
  { code: '3F', label: 'Health services - other', weight: 0.035 },
  { code: '4', label: 'Housing', weight: 0.02 },
  { code: '5A', label: 'LA services - social care', weight: 0.06 },
  { code: '5B', label: 'LA services - other internal', weight: 0.03 },
  { code: '5C', label: 'LA services - external', weight: 0.02 },
  { code: '6', label: 'Police', weight: 0.29 },
  { code: '7', label: 'Other legal agency', weight: 0.025 },
  { code: '8', label: 'Other', weight: 0.06 },
  { code: '9', label: 'Anonymous', weight: 0.02 },
  { code: '10', label: 'Unknown', weight: 0.015 },
];

export const PRIMARY_NEEDS: readonly Coded[] = [
  { code: 'N1', label: 'Abuse or Neglect', weight: 0.57 },
  { code: 'N2', label: "Child's disability", weight: 0.0 },
  { code: 'N3', label: 'Parental illness or disability', weight: 0.03 },
  { code: 'N4', label: 'Family in acute stress', weight: 0.08 },
  { code: 'N5', label: 'Family dysfunction', weight: 0.15 },
  { code: 'N6', label: 'Socially unacceptable behaviour', weight: 0.03 },
  { code: 'N7', label: 'Low income', weight: 0.005 },
  { code: 'N8', label: 'Absent parenting', weight: 0.04 },
  { code: 'N9', label: 'Cases other than children in need', weight: 0.02 },
];

export const CP_CATEGORIES: readonly Coded[] = [
  { code: 'NEG', label: 'Neglect', weight: 0.48 },
  { code: 'EMO', label: 'Emotional abuse', weight: 0.38 },
  { code: 'PHY', label: 'Physical abuse', weight: 0.07 },
  { code: 'SAB', label: 'Sexual abuse', weight: 0.04 },
  { code: 'MUL', label: 'Multiple', weight: 0.03 },
];

export const ASSESSMENT_FACTORS: readonly Coded[] = [
  { code: '1B', label: '', weight: 0.09 },
  { code: '2B', label: '', weight: 0.08 },
  { code: '3A', label: '', weight: 0.15 },
  { code: '3B', label: '', weight: 0.16 },
  { code: '4A', label: '', weight: 0.08 },
  { code: '4B', label: '', weight: 0.17 },
  { code: '5B', label: '', weight: 0.02 },
  { code: '6B', label: '', weight: 0.02 },
  { code: '7A', label: '', weight: 0.01 },
  { code: '10A', label: '', weight: 0.02 },
  { code: '11A', label: '', weight: 0.02 },
  { code: '14A', label: '', weight: 0.03 },
  { code: '15A', label: '', weight: 0.03 },
  { code: '16A', label: '', weight: 0.09 },
  { code: '17A', label: '', weight: 0.1 },
  { code: '18C', label: '', weight: 0.04 },
  { code: '19C', label: '', weight: 0.02 },
  { code: '20', label: '', weight: 0.04 },
  { code: '24A', label: '', weight: 0.02 },
];

export const LEGAL_STATUSES: readonly Coded[] = [
  { code: 'C1', label: 'ICO', weight: 0 },
  { code: 'C2', label: 'FCO', weight: 0 },
  { code: 'D1', label: 'Freeing order', weight: 0 },
  { code: 'E1', label: 'Placement order', weight: 0 },
  { code: 'V2', label: 'Section 20 single period', weight: 0 },
  { code: 'V3', label: 'Short breaks - single placement', weight: 0 },
  { code: 'V4', label: 'Short breaks - series', weight: 0 },
  { code: 'L1', label: 'Police protection', weight: 0 },
  { code: 'L2', label: 'Emergency protection order', weight: 0 },
  { code: 'L3', label: 'Child assessment order', weight: 0 },
  { code: 'J1', label: 'Remanded to LA', weight: 0 },
  { code: 'J2', label: 'PACE transfer', weight: 0 },
  { code: 'J3', label: 'Youth justice supervision order', weight: 0 },
];

export const PLACEMENT_TYPES: readonly Coded[] = [
  { code: 'U1', label: 'Foster placement - relatives - long term', weight: 0 },
  { code: 'U2', label: 'Foster placement - relatives - FFA', weight: 0 },
  { code: 'U3', label: 'Foster placement - relatives - other', weight: 0 },
  { code: 'U4', label: 'Foster placement - long term', weight: 0 },
  { code: 'U5', label: 'Foster placement - FFA', weight: 0 },
  { code: 'U6', label: 'Foster placement - not FFA', weight: 0 },
  { code: 'A3', label: 'Placed for adoption - consent - with former foster carer', weight: 0 },
  { code: 'A4', label: 'Placed for adoption - consent - not former foster carer', weight: 0 },
  { code: 'A5', label: 'Placed for adoption - placement order - with former foster carer', weight: 0 },
  { code: 'A6', label: 'Placed for adoption - placement order - not former foster carer', weight: 0 },
  { code: 'P1', label: 'Placed with parents', weight: 0 },
  { code: 'P2', label: 'Independent living', weight: 0 },
  { code: 'H5', label: 'Supported accommodation', weight: 0 },
  { code: 'K2', label: "Children's home", weight: 0 },
  { code: 'R1', label: 'Residential care home', weight: 0 },
  { code: 'R2', label: 'NHS or health trust', weight: 0 },
  { code: 'R5', label: 'Young offender institution', weight: 0 },
  { code: 'Z1', label: 'Other placement', weight: 0 },
];

export const PROVIDERS: readonly Coded[] = [
  { code: 'PR0', label: 'Parents or other person with parental responsibility', weight: 0 },
  { code: 'PR1', label: 'Own provision', weight: 0.45 },
  { code: 'PR2', label: 'Other LA provision', weight: 0.03 },
  { code: 'PR3', label: 'Other public provision', weight: 0.02 },
  { code: 'PR4', label: 'Private provision', weight: 0.42 },
  { code: 'PR5', label: 'Voluntary/third sector', weight: 0.08 },
];

export const REASONS_CEASED: readonly Coded[] = [
  { code: 'E11', label: 'Adopted - unopposed', weight: 0 },
  { code: 'E12', label: 'Adopted - consent dispensed with', weight: 0 },
  { code: 'E2', label: 'Died', weight: 0 },
  { code: 'E3', label: 'Care taken over by another LA', weight: 0 },
  { code: 'E4A', label: 'Returned home - care plan', weight: 0 },
  { code: 'E4B', label: 'Returned home - not care plan', weight: 0 },
  { code: 'E13', label: 'Left care to live with parents or relatives', weight: 0 },
  { code: 'E41', label: 'Child arrangements order', weight: 0 },
  { code: 'E45', label: 'Special Guardianship Orders - former foster carer relative/friend', weight: 0 },
  { code: 'E46', label: 'Special Guardianship Orders - former foster carer', weight: 0 },
  { code: 'E47', label: 'Special Guardianship Orders - relative/friend', weight: 0 },
  { code: 'E48', label: 'Special Guardianship Orders - other', weight: 0 },
  { code: 'E5', label: 'Independent living - supported', weight: 0 },
  { code: 'E6', label: 'Independent living - no formal support', weight: 0 },
  { code: 'E7', label: 'Transferred to adult social care', weight: 0 },
  { code: 'E9', label: 'Sentenced to custody', weight: 0 },
  { code: 'E14', label: 'Remand ended', weight: 0 },
  { code: 'E15', label: 'Age assessed as 18 or over', weight: 0 },
  { code: 'E16', label: 'Moved abroad', weight: 0 },
  { code: 'E17', label: 'Aged 18, stayed with carers', weight: 0 },
  { code: 'E8', label: 'Ceased for any other reason', weight: 0 },
];

export const CARE_LEAVER_ACCOMMODATION: readonly Coded[] = [
  { code: 'B', label: 'With parents or relatives', weight: 0.1 },
  { code: 'C', label: 'Community home', weight: 0.02 },
  { code: 'D', label: 'Semi-independent, transitional', weight: 0.14 },
  { code: 'E', label: 'Supported lodgings', weight: 0.05 },
  { code: 'K', label: 'Ordinary lodgings', weight: 0.03 },
  { code: 'R', label: 'Residence not known', weight: 0.02 },
  { code: 'S', label: 'No fixed abode', weight: 0.01 },
  { code: 'T', label: 'Foyer', weight: 0.02 },
  { code: 'U', label: 'Independent living', weight: 0.33 },
  { code: 'V', label: 'Emergency accommodation', weight: 0.01 },
  { code: 'W', label: 'Bed and breakfast', weight: 0.005 },
  { code: 'X', label: 'In custody', weight: 0.015 },
  { code: 'Y', label: 'Other accommodation', weight: 0.07 },
  { code: 'Z', label: 'With former foster carers', weight: 0.16 },
];

export const CARE_LEAVER_ACTIVITY: readonly Coded[] = [
  { code: 'F1', label: 'Full time in higher education', weight: 0.07 },
  { code: 'P1', label: 'Part time in higher education', weight: 0.01 },
  { code: 'F2', label: 'Full time in other education', weight: 0.22 },
  { code: 'P2', label: 'Part time in other education', weight: 0.03 },
  { code: 'F4', label: 'Full time in employment', weight: 0.13 },
  { code: 'P4', label: 'Part time in employment', weight: 0.06 },
  { code: 'F5', label: 'Full time in training or apprenticeship', weight: 0.04 },
  { code: 'P5', label: 'Part time in training', weight: 0.01 },
  { code: 'G4', label: 'Not in education, employment or training - illness or disability', weight: 0.07 },
  { code: 'G5', label: 'Not in education, employment or training - other', weight: 0.31 },
  { code: 'G6', label: 'Not in education, employment or training - pregnancy or parenting', weight: 0.05 },
];

export const IN_TOUCH: readonly Coded[] = [
  { code: 'YES', label: 'Yes', weight: 0.9 },
  { code: 'NO', label: 'No', weight: 0.06 },
  { code: 'REFU', label: 'Young person refuses contact', weight: 0.025 },
  { code: 'NREQ', label: 'No longer requires services', weight: 0.01 },
  { code: 'RHOM', label: 'Returned home', weight: 0.005 },
];

export const REVIEW_PARTICIPATION: readonly Coded[] = [
  { code: 'PN1', label: 'Attended and spoke for self', weight: 0.34 },
  { code: 'PN2', label: 'Attended, advocate spoke', weight: 0.05 },
  { code: 'PN3', label: 'Attended, views conveyed non-verbally', weight: 0.05 },
  { code: 'PN4', label: 'Did not attend, views conveyed by advocate', weight: 0.22 },
  { code: 'PN5', label: 'Did not attend, views conveyed by other means', weight: 0.22 },
  { code: 'PN6', label: 'Did not attend or convey views', weight: 0.08 },
  { code: 'PN7', label: 'Not held / other', weight: 0.04 },
];

export const PLACEMENT_CHANGE_REASONS: readonly Coded[] = [
  { code: 'CARPL', label: 'Care plan', weight: 0.38 },
  { code: 'CLOSE', label: 'Provision closed', weight: 0.03 },
  { code: 'ALLEG', label: 'Allegation', weight: 0.02 },
  { code: 'STAND', label: 'Standards of care', weight: 0.03 },
  { code: 'APPRR', label: 'Approval removed', weight: 0.01 },
  { code: 'CREQB', label: "Carer request - child's behaviour", weight: 0.16 },
  { code: 'CREQO', label: 'Carer request - other', weight: 0.1 },
  { code: 'CHILD', label: 'Child request', weight: 0.1 },
  { code: 'LAREQ', label: 'LA request', weight: 0.07 },
  { code: 'OTHER', label: 'Other', weight: 0.1 },
];

export const WORKER_CHANGE_REASONS: readonly Coded[] = [
  { code: 'MANAGE', label: '', weight: 0.2 },
  { code: 'FCONTA', label: '', weight: 0.02 },
  { code: 'LEFTRL', label: '', weight: 0.3 },
  { code: 'ORGRST', label: '', weight: 0.1 },
  { code: 'TSPROC', label: '', weight: 0.25 },
  { code: 'ABSENC', label: '', weight: 0.05 },
  { code: 'CHCHAN', label: '', weight: 0.03 },
  { code: 'OTHERS', label: '', weight: 0.05 },
];

export const EARLY_HELP_REASONS: readonly string[] = [
  'Parenting support',
  'School attendance',
  'Domestic abuse',
  'Emotional wellbeing',
  'Behaviour',
  'Housing and finance',
];
