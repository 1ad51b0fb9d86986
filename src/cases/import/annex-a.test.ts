/**
 * Annex A in its second shape: a workbook whose sheets are renamed, with a title above the
 * headings, headings written the way real templates drift (case, non-breaking spaces, "Age of
 * Child (Years)", doubled brackets, curly quotes), coded answers with and without their list
 * prefixes, and dates as date cells, serial numbers, DD/MM/YYYY and ISO. Built here with exceljs;
 * every value is invented.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseFact, ParsedExtract } from '../facts.ts';
import { parseExtract, readExtracts } from './index.ts';

async function variantWorkbook(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const contacts = workbook.addWorksheet('Contacts');
  contacts.addRow(['Child Unique ID', 'GENDER', 'Ethnicity ', 'Date of Birth', 'Age', 'Date\u00a0of\u00a0Contact', 'Contact Source']);
  contacts.addRow([1001, 'Female', 'WBRI', new Date(Date.UTC(2015, 0, 25)), 9, 45352, '6: Police']);
  contacts.addRow(['1002', 'a) Male', 'k) APKN', '02/11/2012', 11, '2024-03-04', 'q) 6: Police']);
  contacts.addRow(['1003', 'b) Female', 'a) WBRI', '2012-11-02', 11, '31/02/2024', 'Police']);

  const assessments = workbook.addWorksheet('Assessments (L4)');
  assessments.addRow(['Annex A \u2013 List 4: assessments']);
  assessments.addRow([]);
  assessments.addRow([
    'child unique id',
    'Gender',
    'Ethnicity',
    'Date of birth',
    'Age of Child (Years)',
    'Does the child have a disability?',
    'Continuous assessment start date',
    'Child seen during continuous assessment',
    'Continuous assessment date of authorisation',
    'Allocated team',
    'Allocated worker',
  ]);
  assessments.addRow(['2001', 'M', 'WBRI', '01/01/2016', 8, 'No', '01/03/2024', 'Yes', '05/04/2024', 'Team A', 'Worker A']);
  assessments.addRow(['2002', 'F', 'WBRI', '01/01/2017', 7, 'c) Unknown', 45352, 'a) Yes', '', 'Team B', 'Worker B']);

  const enquiries = workbook.addWorksheet('S47');
  enquiries.addRow([
    'Child Unique ID',
    'Gender',
    'Ethnicity',
    'Date of Birth',
    'AGE OF CHILD  (YEARS)',
    'Does the Child have a Disability',
    'Strategy discussion initiating Section 47 Enquiry Start Date',
    'Was an Initial Child Protection Conference deemed unnecessary?',
    'Date of Initial Child Protection Conference',
    'Did the Initial Child Protection Conference Result in a Child Protection Plan',
    'Number of Section 47 Enquiries in the last 12 months',
    'Number of ICPCs in the last 12 months',
    'Allocated Team',
    'Allocated Worker',
  ]);
  enquiries.addRow(['3001', 'Male', 'WBRI', '2010-05-05', 13, 'No', '2024-03-01', 'b) No', '2024-03-20', 'a) Yes', 1, 1, 'Team C', 'Worker C']);
  enquiries.addRow(['3002', 'Male', 'WBRI', '2010-05-05', 13, 'No', '2024-03-01', 'a) Yes', '', '', 0, 0, 'Team C', 'Worker C']);

  const lookedAfter = workbook.addWorksheet('CLA');
  lookedAfter.addRow([
    'Child Unique ID',
    'Gender',
    'Ethnicity',
    'Date of Birth',
    'Age',
    'Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))',
    'Date Started to be Looked After',
    'Child\u2019s Legal Status',
    'Date of Latest Statutory Review',
    'Date of Last Social Work Visit',
    'Date of Last Health Assessment',
    'Number of Placements in the Last 12 months',
    'Date Ceased to be Looked After',
    'Reason Ceased to be Looked After',
    'Placement Type',
    'Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months',
  ]);
  lookedAfter.addRow(['4001', 'Female', 'WBRI', '2021-06-01', 2, 'b) No', '01/09/2023', 'C2: FCO', '2024-02-01', '2024-03-01', '2023-12-01', 2, '', '', 'f) U6: Foster placement - not FFA', 0]);

  workbook.addWorksheet('Notes').addRow(['Prepared for the inspection team']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function only<K extends CaseFact['kind']>(result: ParsedExtract, kind: K, childId: string): Extract<CaseFact, { kind: K }> {
  const found = result.facts.filter((fact): fact is Extract<CaseFact, { kind: K }> => fact.kind === kind && fact.childId === childId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('an Annex A workbook in a second shape', () => {
  let result: ParsedExtract;
  beforeAll(async () => {
    result = await parseExtract('annex-a-variant.xlsx', await variantWorkbook());
  });

  it('recognises each list by its headings, whatever the sheet is called', () => {
    expect(result.format).toBe('annex-a');
    expect(new Set(result.facts.map((fact) => fact.source.sheet))).toEqual(new Set(['Contacts', 'Assessments (L4)', 'S47', 'CLA']));
  });

  it('knows every heading variant, so no column is reported as foreign', () => {
    expect(result.problems.filter((problem) => /not part of/.test(problem.message))).toEqual([]);
  });

  it('reads dates given as date cells, serial numbers, DD/MM/YYYY and ISO', () => {
    expect(only(result, 'contact', '1001').date).toBe('2024-03-01');
    expect(only(result, 'contact', '1002').date).toBe('2024-03-04');
    expect(only(result, 'assessment', '2001')).toMatchObject({ startDate: '2024-03-01', authorisedDate: '2024-04-05', childSeen: true });
    expect(only(result, 'assessment', '2002')).toMatchObject({ startDate: '2024-03-01' });
    expect(only(result, 'assessment', '2002').authorisedDate).toBeUndefined();
    const children = new Map(result.children.map((child) => [child.childId, child]));
    expect(children.get('1001')).toMatchObject({ dateOfBirth: '2015-01-25', gender: 'female', ethnicity: 'WBRI' });
    expect(children.get('1002')).toMatchObject({ dateOfBirth: '2012-11-02', gender: 'male', ethnicity: 'APKN' });
  });

  it('reads coded answers with and without their prefixes', () => {
    expect(only(result, 'contact', '1001').contactSource).toBe('6');
    expect(only(result, 'contact', '1002').contactSource).toBe('6');
    expect(only(result, 's47', '3001')).toMatchObject({ strategyDate: '2024-03-01', icpcDate: '2024-03-20', icpcNotRequired: false, icpcResultedInPlan: true });
    expect(only(result, 's47', '3002')).toMatchObject({ icpcNotRequired: true });
    expect(only(result, 'cla-episode', '4001')).toMatchObject({ startDate: '2023-09-01', rne: 'S', legalStatus: 'C2', placement: 'U6' });
    expect(result.children.find((child) => child.childId === '4001')).toMatchObject({ uasc: false });
  });

  it('refuses an impossible date, located by sheet, Excel row and the heading as written', () => {
    const errors = result.problems.filter((problem) => problem.severity === 'error');
    expect(errors).toEqual([
      { file: 'annex-a-variant.xlsx', sheet: 'Contacts', row: 4, column: 'Date\u00a0of\u00a0Contact', severity: 'error', message: '31/02/2024 is not a real date' },
    ]);
    expect(result.facts.some((fact) => fact.childId === '1003')).toBe(false);
    expect(result.children.some((child) => child.childId === '1003')).toBe(false);
  });

  it('numbers rows as Excel does, below a title row', () => {
    expect(only(result, 'assessment', '2001').source).toEqual({ format: 'annex-a', file: 'annex-a-variant.xlsx', sheet: 'Assessments (L4)', row: 4 });
  });

  it('reports a sheet that is no list instead of guessing', () => {
    expect(result.problems).toContainEqual(expect.objectContaining({ sheet: 'Notes', severity: 'warning' }));
  });

  it('dates the placement count by the latest event in the extract when no extract date is given', () => {
    expect(only(result, 'placement-count', '4001')).toMatchObject({ asOf: '2024-04-05', placementsLast12Months: 2 });
  });

  it('keeps the latest visit, review and health assessment that list 8 gives', () => {
    expect(only(result, 'cla-review', '4001').date).toBe('2024-02-01');
    expect(only(result, 'cla-visit', '4001').date).toBe('2024-03-01');
    expect(only(result, 'health-assessment', '4001').date).toBe('2023-12-01');
  });
});

describe('columns Annex A does not define', () => {
  it('are dropped and named in a warning, so a child’s name added by a council is never kept', async () => {
    const csv = 'Child Unique ID,Child Name,Gender,Date of Contact,Contact Source\n7001,Ophelia Marchbanks,Female,01/03/2024,6: Police\n';
    const result = await parseExtract('List 1.csv', new Uint8Array(Buffer.from(csv, 'utf8')));
    expect(result.facts).toHaveLength(1);
    expect(result.problems).toEqual([{ file: 'List 1.csv', sheet: 'List 1', row: 1, column: 'Child Name', severity: 'warning', message: 'this column is not part of List 1; it is not imported' }]);
    expect(JSON.stringify(result)).not.toContain('Ophelia');
  });
});

describe('Annex A as a folder of CSV files', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'annex-a-'));
    // File names need not mention the list: the headings decide.
    await writeFile(
      path.join(folder, 'contacts export (2).csv'),
      'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,Contact Source\r\n5001,b) Female,a) WBRI,25/01/2015,9,01/03/2024,q) 6: Police\r\n',
    );
    await writeFile(
      path.join(folder, 'List 3.csv'),
      '\ufeffChild Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Referral,Referral Source,Referral NFA?,Number of Referrals in Last 12 Months,Allocated Team,Allocated Worker\n' +
        '5001,Female,WBRI,25/01/2015,9,04/03/2024,6: Police,b) No,1,Front Door,A Worker\n' +
        '5002,Male,WBRI,2016-01-25,8,2024-03-05,8: Other,Yes,0,Front Door,A Worker\n',
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads every list in the folder and merges the children', async () => {
    const result = await readExtracts([folder]);
    expect(result.problems).toEqual([]);
    expect(result.children.map((child) => child.childId).sort()).toEqual(['5001', '5002']);
    expect(result.children.find((child) => child.childId === '5001')).toMatchObject({ team: 'Front Door', worker: 'A Worker', gender: 'female' });
    expect(result.facts.map((fact) => `${fact.kind} ${fact.childId} ${'date' in fact ? fact.date : ''}`).sort()).toEqual([
      'contact 5001 2024-03-01',
      'referral 5001 2024-03-04',
      'referral 5002 2024-03-05',
    ]);
    expect(result.facts.find((fact) => fact.kind === 'referral' && fact.childId === '5002')).toMatchObject({ nfa: true, referralSource: '8' });
  });
});
