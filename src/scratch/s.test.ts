import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseCinCensus } from '../cases/import/cin-census.ts';
const dir = '/work/shared/reference-data/';
it('cin', () => {
  for (const f of ['csc-validator-be-cin/CIN_Census_2021.xml','csc-validator-be-cin/CIN_Census_2024.xml','csc-validator-be-cin/CIN_Census_2026.xml','csc-validator-be-cin/CIN2rows.xml','csc-validator-be-cin/CIN_header_issues_100.xml','csc-validator-be-cin/fake_CIN_data.xml','liia-tools/cin-2022.xml','csc-validator-be-cin/CIN_Census_2021_no_assessment_factors.xml']) {
    const r = parseCinCensus(f, readFileSync(dir + f, 'utf8'));
    const kinds: Record<string, number> = {};
    for (const x of r.facts) kinds[x.kind] = (kinds[x.kind] ?? 0) + 1;
    console.log(f, 'children', r.children.length, JSON.stringify(kinds), 'problems', JSON.stringify(r.problems, null, 0));
  }
  const r = parseCinCensus('x', readFileSync(dir + 'csc-validator-be-cin/CIN_Census_2024.xml', 'utf8'));
  console.log(JSON.stringify(r.children), JSON.stringify(r.facts));
});
