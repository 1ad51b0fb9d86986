/**
 * Annex A column headings, list by list, exactly as the sample workbook has them
 * (reference-data/liia-tools/Annex_A.xlsx, including its quirks: the doubled bracket in List 8,
 * the curly quotes around ‘Missing’ and ‘Absent’, "Age of Child (Years)" in List 10 and the
 * trailing space after "Date of Adoption Order"). Importers must accept these as well as tidier
 * spellings, so the clean variant reproduces them on purpose.
 */

const CHILD = ['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age'] as const;
const DISABILITY = 'Does the Child have a Disability';
const ALLOCATED = ['Allocated Team', 'Allocated Worker'] as const;

export const ANNEX_A_HEADERS: Readonly<Record<string, readonly string[]>> = {
  'List 1': [...CHILD, 'Date of Contact', 'Contact Source'],
  'List 2': [...CHILD, 'Assessment start date', 'Assessment completion date', 'Organisation completing assessment'],
  'List 3': [
    ...CHILD,
    'Date of Referral',
    'Referral Source',
    'Referral NFA?',
    'Number of Referrals in Last 12 Months',
    ...ALLOCATED,
  ],
  'List 4': [
    ...CHILD,
    DISABILITY,
    'Continuous Assessment Start Date',
    'Child Seen During Continuous Assessment',
    'Continuous Assessment Date of Authorisation',
    "Was the child assessed as requiring LA children's social care support?",
    ...ALLOCATED,
  ],
  'List 5': [
    ...CHILD,
    DISABILITY,
    'Strategy discussion initiating Section 47 Enquiry Start Date',
    'Was an Initial Child Protection Conference deemed unnecessary?',
    'Date of Initial Child Protection Conference',
    'Did the Initial Child Protection Conference Result in a Child Protection Plan',
    'Number of Section 47 Enquiries in the last 12 months',
    'Number of ICPCs in the last 12 months',
    ...ALLOCATED,
  ],
  'List 6': [
    ...CHILD,
    DISABILITY,
    'CIN Start Date',
    'Primary Need Code',
    'Date Child Was Last Seen',
    'CIN Closure Date',
    'Reason for Closure',
    'Case Status',
    ...ALLOCATED,
  ],
  'List 7': [
    ...CHILD,
    DISABILITY,
    'Child Protection Plan Start Date',
    'Initial Category of Abuse',
    'Latest Category of Abuse',
    'Date of the Last Statutory Visit',
    'Was the Child Seen Alone?',
    'Date of latest review conference',
    'Child Protection Plan End Date',
    'Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)',
    'Number of Previous Child Protection Plans',
    ...ALLOCATED,
  ],
  'List 8': [
    ...CHILD,
    'Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))',
    DISABILITY,
    'Date Started to be Looked After',
    "Child's Category of Need",
    'Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)',
    'Start date of current legal status',
    "Child's Legal Status",
    'Date of Latest Statutory Review',
    'Date of Last Social Work Visit',
    'What is the permanence plan for this child?',
    'Date of Last IRO Visit / Contact to the Child',
    'Date of Last Health Assessment',
    'Date of Last Dental Check',
    'Number of Placements in the Last 12 months',
    'Date Ceased to be Looked After',
    'Reason Ceased to be Looked After',
    'Start Date of Most Recent Placement',
    'Placement Type',
    'Placement Provider',
    'Placement postcode',
    'URN of Placement',
    'Placement Location',
    'LA of Placement',
    'Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months',
    'Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months',
    'Was the child offered a Return Interview after their last missing episode (Y/N)?',
    'Did the child accept a Return Interview after their last missing episode (Y/N)?',
    ...ALLOCATED,
  ],
  'List 9': [
    ...CHILD,
    DISABILITY,
    ...ALLOCATED,
    'Eligibility Category',
    'LA in Touch',
    'Type of Accommodation',
    'Suitability of Accommodation',
    'Activity Status',
  ],
  'List 10': [
    'Child Unique ID',
    'Family identifier',
    'Gender',
    'Ethnicity',
    'Date of Birth',
    'Age of Child (Years)',
    DISABILITY,
    'Date the Child Entered Care',
    'Date of Decision that Child Should be Placed for Adoption',
    'Date of Placement Order',
    'Date of Matching Child and Prospective Adopters',
    'Date Placed for Adoption',
    'Date of Adoption Order ',
    'Date of Decision that Child Should No Longer be Placed for Adoption',
    'Reason Why Child No Longer Placed for Adoption',
    'Date the child was placed for fostering in FFA or concurrent planning placement',
  ],
  'List 11': [
    'Individual adopter identifier',
    'Family identifier',
    'Gender',
    'Ethnicity',
    'Disability',
    'Is the (prospective) adopter fostering for adoption?',
    'Date enquiry received',
    'Date Stage 1 started',
    'Date Stage 1 ended',
    'Date Stage 2 started',
    'Date Stage 2 ended',
    'Date application submitted',
    'Date application approved',
    'Date adopter matched with child(ren)',
    'Date child/children placed with adopter(s)',
    'No. of children placed',
    'Date of Adoption Order',
    'Date of leaving adoption process',
    'Reason for leaving adoption process',
  ],
};

export const ANNEX_A_LISTS: readonly string[] = Object.keys(ANNEX_A_HEADERS);

/**
 * Header variants real councils' workbooks show (issue 6): changed case, doubled or stray spaces,
 * non-breaking spaces, straight instead of curly quotes (or the reverse), a doubled or a missing
 * closing bracket, and "Age" written as "Age of Child (Years)" or the reverse.
 */
export function headerVariant(header: string, pick: (n: number) => number): string {
  if (header === 'Age') return pick(2) === 0 ? 'Age of Child (Years)' : 'AGE';
  if (header === 'Age of Child (Years)') return 'Age';
  const variants: ((h: string) => string)[] = [
    (h) => h.toUpperCase(),
    (h) => h.toLowerCase(),
    (h) => ` ${h.replace(' ', '  ')} `,
    (h) => h.replace(/ /g, '\u00a0'),
  ];
  if (/[\u2018\u2019]/.test(header)) variants.push((h) => h.replace(/[\u2018\u2019]/g, "'"));
  else if (header.includes("'")) variants.push((h) => h.replace(/'/g, '\u2019'));
  if (header.endsWith('(Y/N))')) variants.push((h) => h.slice(0, -1));
  else if (header.endsWith('(Y/N)')) variants.push((h) => `${h})`);
  const variant = variants[pick(variants.length)];
  return variant ? variant(header) : header;
}
