import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateJudgement, featuresAt, JudgementInputError, JudgementRuleSchema, proposeJudgement } from './judgement-rule.ts';
import type { AreaAnswer, JudgementInput } from './judgement-rule.ts';
import { parseCatalogueFile } from './load.ts';
import { AuditToolSchema } from './schema.ts';
import type { AuditTool } from './schema.ts';

const catalogueDir = fileURLToPath(new URL('../../standards/audit-tools/', import.meta.url));

function loadTool(name: string): AuditTool {
  const file = parseCatalogueFile(readFileSync(catalogueDir + name, 'utf8'), name);
  if (file.kind !== 'audit-tool') throw new Error(`${name} is not an audit tool`);
  return file;
}

const multiAgency = loadTool('multi-agency-cp-audit-tool.yaml');
const practice = loadTool('practice-audit-tool.yaml');

type Level = 'good' | 'adequate' | 'inadequate';
const LEVELS: Level[] = ['good', 'adequate', 'inadequate'];
const ALL_AREAS = multiAgency.areas.map((a) => a.id);

/** The answers the seed-003 rule reads; every case below says which it changes. */
const SAFE = { 'significant-failure-affecting-safety': false, 'significant-failings': false, 'effectively-safeguarded': true, safeguarded: true };

interface Scenario {
  /** Areas that apply to the case; the rest are marked not applicable. */
  applicable?: string[];
  /** Grade of every applicable area, unless listed in `except`. */
  grade: string;
  except?: Record<string, string>;
  /** How many features the auditor ticked at each level, filled area by area in form order. */
  ticks: Partial<Record<Level, number>>;
  flags?: Partial<typeof SAFE>;
}

function answers(s: Scenario): JudgementInput {
  const applicable = s.applicable ?? ALL_AREAS;
  const remaining: Record<Level, number> = { good: s.ticks.good ?? 0, adequate: s.ticks.adequate ?? 0, inadequate: s.ticks.inadequate ?? 0 };
  const areas: Record<string, AreaAnswer> = {};
  for (const area of multiAgency.areas) {
    if (!applicable.includes(area.id)) {
      areas[area.id] = { applicable: false };
      continue;
    }
    const evident: Record<string, number[]> = {};
    for (const level of LEVELS) {
      const n = Math.min(remaining[level], featuresAt(area, level).length);
      evident[level] = Array.from({ length: n }, (_, i) => i);
      remaining[level] -= n;
    }
    areas[area.id] = { grade: s.except?.[area.id] ?? s.grade, evident };
  }
  for (const level of LEVELS) if (remaining[level] > 0) throw new Error(`scenario ticks more ${level} features than apply`);
  return { areas, flags: { ...SAFE, ...s.flags } };
}

function featureTotal(level: Level, applicable: string[] = ALL_AREAS): number {
  return multiAgency.areas.filter((a) => applicable.includes(a.id)).reduce((sum, a) => sum + featuresAt(a, level).length, 0);
}

// Subsets of areas chosen so that a boundary share is reachable exactly. Feature totals per area
// (Good/Adequate/Inadequate) are hand-counted in audit-tools.test.ts.
const WITHOUT_RECORDING = ALL_AREAS.filter((id) => id !== '13'); // 28 Good, 28 Adequate, 30 Inadequate
const WITHOUT_IMMEDIATE_RESPONSE = ALL_AREAS.filter((id) => id !== '3'); // 27 Good, 27 Adequate, 28 Inadequate

describe('seed 003 overall judgement: a hand-written table of cases', () => {
  it('the subsets used below have the totals the cases were written for', () => {
    expect([featureTotal('good'), featureTotal('adequate'), featureTotal('inadequate')]).toEqual([31, 31, 33]);
    expect(featureTotal('good', WITHOUT_RECORDING)).toBe(28);
    expect(featureTotal('adequate', WITHOUT_RECORDING)).toBe(28);
    expect(featureTotal('inadequate', WITHOUT_IMMEDIATE_RESPONSE)).toBe(28);
  });

  const cases: { name: string; scenario: Scenario; expected: string }[] = [
    {
      name: 'every area good, all good features evident, no failure: outstanding',
      scenario: { grade: 'good', ticks: { good: 31 } },
      expected: 'outstanding',
    },
    {
      name: 'every area good but a significant failure that impacted on the child’s safety: inadequate',
      scenario: { grade: 'good', ticks: { good: 31 }, flags: { 'significant-failure-affecting-safety': true } },
      expected: 'inadequate',
    },
    {
      name: 'every area good but other significant failings: inadequate ("any significant failings will render the case inadequate")',
      scenario: { grade: 'good', ticks: { good: 31 }, flags: { 'significant-failings': true } },
      expected: 'inadequate',
    },
    {
      name: 'every area outstanding, no Good feature ticked: outstanding (an area graded better has gone beyond its Good features)',
      scenario: { grade: 'outstanding', ticks: {} },
      expected: 'outstanding',
    },
    {
      name: 'one area adequate, exactly 75% of Good features (21 of 28): good',
      scenario: { applicable: WITHOUT_RECORDING, grade: 'good', except: { '12': 'adequate' }, ticks: { good: 21, adequate: 1 } },
      expected: 'good',
    },
    {
      name: 'one area adequate, just under 75% of Good features (20 of 28): adequate, as the areas graded good better their Adequate features',
      scenario: { applicable: WITHOUT_RECORDING, grade: 'good', except: { '12': 'adequate' }, ticks: { good: 20, adequate: 1 } },
      expected: 'adequate',
    },
    {
      name: 'every area good but only 23 of 31 Good features (just under 75%): not outstanding, not good: adequate',
      scenario: { grade: 'good', ticks: { good: 23 } },
      expected: 'adequate',
    },
    {
      name: 'every area good and 24 of 31 Good features (the least share of 31 that reaches 75%): outstanding',
      scenario: { grade: 'good', ticks: { good: 24 } },
      expected: 'outstanding',
    },
    {
      name: 'Good features evident but the child not effectively safeguarded: adequate, if safeguarded and welfare generally promoted',
      scenario: { grade: 'good', except: { '1': 'adequate' }, ticks: { good: 31, adequate: 2 }, flags: { 'effectively-safeguarded': false } },
      expected: 'adequate',
    },
    {
      name: 'exactly 25% of Inadequate features (7 of 28), everything else good: inadequate',
      scenario: { applicable: WITHOUT_IMMEDIATE_RESPONSE, grade: 'good', ticks: { good: 27, inadequate: 7 } },
      expected: 'inadequate',
    },
    {
      name: 'just under 25% of Inadequate features (6 of 28), two areas adequate, the rest good: good',
      scenario: { applicable: WITHOUT_IMMEDIATE_RESPONSE, grade: 'good', except: { '1': 'adequate', '2': 'adequate' }, ticks: { good: 23, adequate: 4, inadequate: 6 } },
      expected: 'good',
    },
    {
      name: 'every area adequate, exactly 75% of Adequate features (21 of 28): adequate',
      scenario: { applicable: WITHOUT_RECORDING, grade: 'adequate', ticks: { adequate: 21 } },
      expected: 'adequate',
    },
    {
      name: 'every area adequate, just under 75% of Adequate features (20 of 28), few inadequate features: inadequate, as nothing lies between adequate and inadequate',
      scenario: { applicable: WITHOUT_RECORDING, grade: 'adequate', ticks: { adequate: 20, inadequate: 2 } },
      expected: 'inadequate',
    },
    {
      name: 'Adequate features evident but the child not safeguarded: inadequate',
      scenario: { applicable: WITHOUT_RECORDING, grade: 'adequate', ticks: { adequate: 28 }, flags: { 'effectively-safeguarded': false, safeguarded: false } },
      expected: 'inadequate',
    },
  ];

  it.each(cases)('$name', ({ scenario, expected }) => {
    const result = evaluateJudgement(multiAgency, answers(scenario));
    expect(result).toMatchObject({ status: 'judged', grade: expected });
  });

  it('records why, with the counts the auditor can check', () => {
    const result = evaluateJudgement(multiAgency, answers({ applicable: WITHOUT_RECORDING, grade: 'good', except: { '12': 'adequate' }, ticks: { good: 21, adequate: 1 } }));
    if (result.status !== 'judged') throw new Error('expected a judgement');
    expect(result.reasons[0]).toMatch(/^Inadequate: does not apply/);
    expect(result.reasons[1]).toMatch(/^Outstanding: does not apply.*Management and Supervision/);
    expect(result.reasons[2]).toMatch(/^Good: applies.*21 of 28 Good features evident/);
    expect(result.reasons).toHaveLength(3);
  });

  it('shows a share just under the threshold as under it', () => {
    const result = evaluateJudgement(multiAgency, answers({ grade: 'good', ticks: { good: 23 } }));
    if (result.status !== 'judged') throw new Error('expected a judgement');
    expect(result.reasons[1]).toContain('23 of 31 Good features evident or bettered (74%; 75% or more needed)');
  });
});

describe('seed 003 overall judgement: unanswered questions', () => {
  const complete = (): JudgementInput => answers({ grade: 'good', ticks: { good: 31 } });

  it('is not computed while a flag question is unanswered, and names the question', () => {
    const input = complete();
    delete input.flags?.['significant-failure-affecting-safety'];
    expect(evaluateJudgement(multiAgency, input)).toEqual({
      status: 'incomplete',
      missing: ['answer to: Has there been a significant failure which has impacted on the safety of the child?'],
    });
  });

  it('is not computed, even when a significant failure is already known, until every area is graded', () => {
    const input = complete();
    input.flags = { ...SAFE, 'significant-failure-affecting-safety': true };
    input.areas['5'] = { evident: { good: [], adequate: [], inadequate: [] } };
    expect(evaluateJudgement(multiAgency, input)).toEqual({ status: 'incomplete', missing: ['grade for area 5 (Planning and Implementing Plan)'] });
  });

  it('needs the features ticked at every level the rule counts, unless the area was graded above that level', () => {
    const input = complete();
    input.areas['7'] = { grade: 'adequate', evident: { good: [0] } };
    input.areas['8'] = { grade: 'outstanding', evident: { inadequate: [] } };
    // Area 7 (adequate) lacks its Adequate and Inadequate ticks; area 8 (outstanding) needs only
    // its Inadequate ticks, which it has.
    expect(evaluateJudgement(multiAgency, input)).toEqual({
      status: 'incomplete',
      missing: ['Adequate features evident for area 7 (Being Healthy outcome)', 'Inadequate features evident for area 7 (Being Healthy outcome)'],
    });
  });

  it('treats an area left out of the answers as not yet graded', () => {
    const input = complete();
    delete input.areas['13'];
    expect(evaluateJudgement(multiAgency, input)).toMatchObject({ status: 'incomplete', missing: ['grade for area 13 (Recording and Minutes)'] });
  });

  it('cannot judge a case to which no area applies', () => {
    const input: JudgementInput = { areas: Object.fromEntries(ALL_AREAS.map((id) => [id, { applicable: false }])), flags: SAFE };
    expect(evaluateJudgement(multiAgency, input)).toMatchObject({ status: 'incomplete', missing: ['at least one area must apply to the case'] });
  });
});

describe('seed 003 overall judgement: answers that do not belong to the tool', () => {
  const base = (): JudgementInput => answers({ grade: 'good', ticks: { good: 31 } });

  it('rejects an unknown area, grade, flag or feature position', () => {
    const unknownArea = base();
    unknownArea.areas['14'] = { grade: 'good' };
    expect(() => evaluateJudgement(multiAgency, unknownArea)).toThrow(JudgementInputError);

    const unknownGrade = base();
    unknownGrade.areas['1'] = { grade: 'requires-improvement', evident: { good: [], adequate: [], inadequate: [] } };
    expect(() => evaluateJudgement(multiAgency, unknownGrade)).toThrow(/not a grade on scale ofsted-legacy-4/);

    const unknownFlag = base();
    unknownFlag.flags = { ...SAFE, 'child-seen': true };
    expect(() => evaluateJudgement(multiAgency, unknownFlag)).toThrow(/not a flag/);

    const noSuchFeature = base();
    noSuchFeature.areas['7'] = { grade: 'good', evident: { good: [1], adequate: [], inadequate: [] } }; // area 7 has one Good feature
    expect(() => evaluateJudgement(multiAgency, noSuchFeature)).toThrow(/no good feature at position 1/);

    const tickedTwice = base();
    tickedTwice.areas['1'] = { grade: 'good', evident: { good: [0, 0], adequate: [], inadequate: [] } };
    expect(() => evaluateJudgement(multiAgency, tickedTwice)).toThrow(/ticked twice/);
  });

  it('refuses to apply a rule to a professionally judged tool, and the reverse', () => {
    expect(() => evaluateJudgement(practice, { areas: {} })).toThrow(/proposeJudgement/);
    expect(() => proposeJudgement(multiAgency, {})).toThrow(/evaluateJudgement/);
  });
});

describe('professional judgement: the proposal offered to the auditor (seed 000)', () => {
  const withProposal = (proposal: 'lowest-area-grade' | 'most-common-area-grade' | undefined): AuditTool => ({
    ...practice,
    judgement: { type: 'professional', description: 'Test variant of the practice audit tool.', proposal },
  });

  it('the practice audit tool proposes the lowest area grade', () => {
    const grades = { '1': 'good', '2': 'requires-improvement', '3': 'outstanding', '4': 'good', '5': 'good', '6-cla': 'good' };
    expect(proposeJudgement(practice, grades)).toEqual({
      status: 'judged',
      grade: 'requires-improvement',
      reasons: ['lowest area grade: Requires Improvement (Case recording)'],
    });
  });

  it('most common area grade, with a tie going to the worse grade', () => {
    const tool = withProposal('most-common-area-grade');
    expect(proposeJudgement(tool, { '1': 'good', '2': 'good', '3': 'inadequate', '4': 'good', '5': 'outstanding', '6-cin-cp': 'good' })).toMatchObject({ grade: 'good' });
    expect(proposeJudgement(tool, { '1': 'good', '2': 'requires-improvement', '3': 'requires-improvement', '4': 'good', '5': 'outstanding', '6-cin-cp': 'outstanding' })).toMatchObject({
      grade: 'requires-improvement',
    });
  });

  it('proposes nothing until every area that applies is graded', () => {
    expect(proposeJudgement(practice, { '1': 'good', '2': undefined })).toEqual({ status: 'incomplete', missing: ['grade for area 2 (Case recording)'] });
  });

  it('a tool without a proposal strategy offers none', () => {
    expect(proposeJudgement(withProposal(undefined), { '1': 'good' })).toBeNull();
  });
});

describe('judgement rules in catalogue files are checked when the file is read', () => {
  const raw = (): Record<string, unknown> & { judgement: Record<string, unknown> } =>
    parse(readFileSync(catalogueDir + 'multi-agency-cp-audit-tool.yaml', 'utf8')) as Record<string, unknown> & { judgement: Record<string, unknown> };

  it('a condition must name a flag the rule declares', () => {
    const data = raw();
    data.judgement.flags = (data.judgement.flags as { id: string }[]).filter((f) => f.id !== 'safeguarded');
    const result = JudgementRuleSchema.safeParse(data.judgement);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain('"safeguarded" is not a flag of this rule');
  });

  it('a grade in the rule must be on the tool’s scale', () => {
    const data = raw();
    (data.judgement.otherwise as { grade: string }).grade = 'requires-improvement';
    const result = AuditToolSchema.safeParse(data);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['judgement.otherwise.grade', '"requires-improvement" is not a grade on scale ofsted-legacy-4']);
  });
});
