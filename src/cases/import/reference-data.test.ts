/**
 * Every public sample in ../shared/reference-data, parsed file by file. The expected counts were
 * made by reading the files themselves (Python's csv and ElementTree, and the workbook dumped cell
 * by cell), not by running the importer.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CaseFact, ImportProblem } from '../facts.ts';
import { parseExtract, readExtracts } from './index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/reference-data');
const present = existsSync(dataDir);

function kindCounts(facts: readonly CaseFact[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fact of facts) counts[fact.kind] = (counts[fact.kind] ?? 0) + 1;
  return counts;
}

interface Located {
  sheet?: string;
  row?: number;
  column?: string;
  message?: RegExp;
}

interface Expected {
  children: number;
  facts: Record<string, number>;
  /** Every error, in any order. */
  errors?: Located[];
  /** Warnings that must be among those reported, and how many there are in all. */
  warnings?: { count: number; include?: Located[] };
}

const CIN_EXAMPLE_FACTS = { s47: 1, referral: 1, 'cin-episode': 1, icpc: 1, assessment: 1, 'cin-plan': 1, 'cp-plan': 1, 'cp-review': 1 };
const EXPECTED_DOB_WARNING: Located = { sheet: 'ChildIdentifiers', row: 1, column: 'ExpectedPersonBirthDate', message: /1066-04-13/ };
const NOT_AN_EXTRACT: Expected = { children: 0, facts: {}, errors: [{ message: /not a CSV table|headings match no/ }] };

const EXPECTED: Record<string, Expected> = {
  'liia-tools/Annex_A.xlsx': {
    children: 48,
    facts: {
      contact: 5,
      'early-help': 5,
      referral: 6,
      assessment: 5,
      s47: 5,
      'cin-episode': 5,
      'cin-visit': 5,
      'cp-plan': 7,
      'cp-visit': 7,
      'cp-review': 5,
      'cla-episode': 5,
      'cla-review': 5,
      'cla-visit': 5,
      'health-assessment': 5,
      'placement-count': 5,
      adoption: 5,
    },
    warnings: {
      // List 11 skipped; #N/A in List 6's team and worker (5 rows × 2); a non-CIN need code; List 10 birth dates differing from List 9's.
      count: 17,
      include: [
        { sheet: 'List 11', message: /adopters/ },
        { sheet: 'List 6', row: 2, column: 'Allocated Team', message: /#N\/A/ },
        { sheet: 'List 6', row: 2, column: 'Primary Need Code' },
        { sheet: 'List 10', row: 2, column: 'Date of Birth', message: /2002-02-13.*2002-08-07/ },
      ],
    },
  },
  'liia-tools/cin-2022.xml': { children: 1, facts: CIN_EXAMPLE_FACTS },
  'liia-tools/SSDA903_episodes_for_testing_fixes_INPUT.csv': {
    children: 10,
    facts: { 'cla-episode': 23 },
    warnings: {
      count: 11,
      include: [
        { row: 1, column: 'LA', message: /not part of episodes/ },
        { row: 1, column: 'YEAR' },
        { row: 15, column: 'DECOM', message: /RULE3_BAD.*overlaps/ },
        { row: 24, column: 'DECOM', message: /X1/ },
      ],
    },
  },
  'liia-tools-pipeline/SSDA903_2020_episodes.csv': {
    children: 2,
    facts: { 'cla-episode': 4 },
    errors: [{ sheet: 'episodes', row: 6, column: 'RNE', message: /\*DUMMY\*/ }],
    warnings: { count: 3, include: [{ row: 1, column: 'TEST_COLUMN' }] },
  },
  'liia-tools-pipeline/SSDA903_2020_header.csv': {
    children: 2,
    facts: {},
    errors: [
      { row: 3, column: 'CHILD', message: /689661.*row 2/ },
      { row: 4, column: 'CHILD', message: /689661/ },
      { row: 6, column: 'CHILD', message: /249901.*row 5/ },
    ],
    warnings: { count: 1, include: [{ row: 6, column: 'ETHNIC', message: /UNKN/ }] },
  },
  'csc-validator-be-903/header.csv': { children: 2675, facts: {} },
  'csc-validator-be-903/episodes.csv': { children: 2123, facts: { 'cla-episode': 5050 }, warnings: { count: 82 } },
  'csc-validator-be-903/reviews.csv': { children: 2675, facts: { 'cla-review': 12582 } },
  'csc-validator-be-903/uasc.csv': { children: 132, facts: {} },
  'csc-validator-be-903/oc2.csv': { children: 2675, facts: {} },
  'csc-validator-be-903/oc3.csv': { children: 53, facts: {} },
  'csc-validator-be-903/ad1.csv': { children: 29, facts: { adoption: 29 } },
  'csc-validator-be-903/placed_for_adoption.csv': { children: 29, facts: { adoption: 29 } },
  'csc-validator-be-903/placed_for_adoption_errors.csv': {
    children: 29,
    facts: { adoption: 30 },
    warnings: { count: 1, include: [{ sheet: 'placed_for_adoption', row: 3, column: 'DATE_PLACED', message: /988635.*overlaps.*row 2/ }] },
  },
  'csc-validator-be-903/previous_permanence.csv': { children: 2675, facts: {} },
  'csc-validator-be-903/missing.csv': { children: 39, facts: { missing: 43 } },
  'csc-validator-be-903/sw_episodes.csv': { children: 1, facts: { allocation: 1 } },
  'csc-validator-be-903/DoLo.csv': { children: 1, facts: { 'deprivation-of-liberty': 1 } },
  'csc-validator-be-903/fake_903.xml': {
    children: 253,
    facts: { 'cla-episode': 459, 'cla-review': 1206, missing: 6, adoption: 3 },
    warnings: { count: 9 },
  },
  'csc-validator-be-cin/CIN_Census_2021.xml': { children: 1, facts: CIN_EXAMPLE_FACTS, warnings: { count: 1, include: [EXPECTED_DOB_WARNING] } },
  // Byte for byte the 2021 example: its fault is only visible against an LA code given outside the file.
  'csc-validator-be-cin/CIN_la_issues_2887Q.xml': { children: 1, facts: CIN_EXAMPLE_FACTS, warnings: { count: 1, include: [EXPECTED_DOB_WARNING] } },
  'csc-validator-be-cin/CIN_header_issues_100.xml': {
    children: 1,
    facts: CIN_EXAMPLE_FACTS,
    warnings: { count: 2, include: [{ sheet: 'Header', column: 'ReferenceDate', message: /2023-03-28/ }, EXPECTED_DOB_WARNING] },
  },
  'csc-validator-be-cin/CIN_Census_2021_no_assessment_factors.xml': { children: 1, facts: CIN_EXAMPLE_FACTS },
  'csc-validator-be-cin/CIN2rows.xml': { children: 1, facts: { ...CIN_EXAMPLE_FACTS, 'cp-plan': 2, 'cp-review': 2 } },
  'csc-validator-be-cin/CIN_Census_2024.xml': {
    children: 2,
    facts: { s47: 1, referral: 2, 'cin-episode': 2, icpc: 1, assessment: 1, 'cin-plan': 1, 'cp-plan': 1, 'cp-review': 1 },
    errors: [{ sheet: 'Assessments', row: 1, column: 'AssessmentAuthorisationDate', message: /2020-09-19.*2028-04-28/ }],
  },
  'csc-validator-be-cin/CIN_Census_2026.xml': {
    children: 2,
    facts: { s47: 1, referral: 2, 'cin-episode': 2, icpc: 1, assessment: 1, 'cin-plan': 1, 'cp-plan': 1, 'cp-review': 1 },
    errors: [{ sheet: 'Assessments', row: 1, column: 'AssessmentAuthorisationDate' }],
  },
  'csc-validator-be-cin/fake_CIN_data.xml': {
    children: 332,
    facts: { referral: 402, 'cin-episode': 402, icpc: 350 },
    warnings: { count: 1, include: [{ sheet: 'Header', column: 'ReferenceDate', message: /2022-07-21/ }] },
  },
  // Not case data: the calendar's sources and the provenance notes.
  'SOURCES.md': NOT_AN_EXTRACT,
  'bank-holidays/SOURCES.md': NOT_AN_EXTRACT,
  'bank-holidays/alphagov-calendars_lib-data_bank-holidays.json': NOT_AN_EXTRACT,
  'bank-holidays/alphagov-frontend_lib-data_bank-holidays.json': NOT_AN_EXTRACT,
};

function matches(problem: ImportProblem, expected: Located): boolean {
  return (
    (expected.sheet === undefined || problem.sheet === expected.sheet) &&
    (expected.row === undefined || problem.row === expected.row) &&
    (expected.column === undefined || problem.column === expected.column) &&
    (expected.message === undefined || expected.message.test(problem.message))
  );
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [path.relative(dataDir, full)];
  });
}

if (!present && process.env.CI === 'true') {
  describe('reference data', () => {
    it('is present under CI', () => {
      expect.fail(`the shared reference data was not found at ${dataDir}`);
    });
  });
}

describe.skipIf(!present)(`the public samples in ${present ? '../shared/reference-data' : '../shared/reference-data (skipped: folder not found)'}`, () => {
  it('has an expectation for every file, so a new sample cannot go untested', () => {
    expect(allFiles(dataDir).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.children} children, ${Object.values(expected.facts).reduce((a, b) => a + b, 0)} facts`, async () => {
      const result = await parseExtract(path.basename(file), readFileSync(path.join(dataDir, file)));
      expect(result.children).toHaveLength(expected.children);
      expect(kindCounts(result.facts)).toEqual(expected.facts);

      const errors = result.problems.filter((problem) => problem.severity === 'error');
      expect(errors).toHaveLength(expected.errors?.length ?? 0);
      for (const wanted of expected.errors ?? []) expect(errors.some((problem) => matches(problem, wanted)), JSON.stringify(wanted)).toBe(true);

      const warnings = result.problems.filter((problem) => problem.severity === 'warning');
      expect(warnings).toHaveLength(expected.warnings?.count ?? 0);
      for (const wanted of expected.warnings?.include ?? []) expect(warnings.some((problem) => matches(problem, wanted)), JSON.stringify(wanted)).toBe(true);

      for (const problem of result.problems) expect(problem.file).toBe(path.basename(file));
    });
  }

  it('reads the whole folder at once: every format, children merged across files', async () => {
    const result = await readExtracts([dataDir]);
    expect(new Set(result.formats)).toEqual(new Set(['annex-a', 'ssda903', 'cin-census']));
    // The DfE example child appears in seven census samples; it is one child.
    expect(result.children.filter((child) => child.childId === 'DfEX0000001')).toHaveLength(1);
    expect(result.problems.filter((problem) => problem.file === 'SOURCES.md' && problem.severity === 'error')).toHaveLength(2);
  });
});
