import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import type { AuditTool } from '../standards/schema.ts';
import { computedGradeOf, confirmJudgement, isWorstGrade, judgementStands, missingFor, workOutJudgement, type JudgementInputs } from './judgement.ts';
import { formAreas, type FormArea, type ItemAnswer } from './tool-form.ts';

let tools: Map<string, AuditTool>;

beforeAll(async () => {
  const { catalogue } = await loadBuiltInCatalogue();
  tools = new Map(catalogue.files.flatMap((e) => (e.file.kind === 'audit-tool' ? [[e.file.id, e.file] as const] : [])));
});

const tool = (id: string) => tools.get(id)!;

function answer(grade: string | null, featuresEvident: Record<string, number[]> | null = null): ItemAnswer {
  return { grade, evidence: 'seen on file', workingWell: null, worries: null, nextSteps: null, reason: null, featuresEvident };
}

const noInputs: JudgementInputs = { flags: {}, notApplicable: [] };

/** Every area graded `grade` (area level), with all of each grade's features ticked as `ticks` says. */
function gradeAll(areas: FormArea[], grade: (area: FormArea) => string, ticks: (area: FormArea, level: string) => number[] = () => []): Map<string, ItemAnswer> {
  return new Map(
    areas.map((a) => [a.id, answer(grade(a), a.featureGroups.length ? Object.fromEntries(a.featureGroups.map((g) => [g.grade, ticks(a, g.grade)])) : null)]),
  );
}

describe('overall judgement of a professionally judged tool with a proposal (practice audit tool)', () => {
  it('proposes the lowest area grade, leaving out the other case type’s variant and areas marked not applicable', () => {
    const t = tool('practice-audit-tool');
    const areas = formAreas(t, 'cla');
    expect(areas.map((a) => a.id)).toContain('6-cla');
    expect(areas.map((a) => a.id)).not.toContain('6-cin-cp');
    const grades = gradeAll(areas, (a) => (a.id === '1' ? 'inadequate' : a.id === '3' ? 'requires-improvement' : 'good'));
    const basis = workOutJudgement(t, areas, grades, noInputs);
    expect(basis.kind).toBe('proposal');
    expect(computedGradeOf(basis)).toBe('inadequate');
    // Area 1 (section 47 work) does not apply to this child: the worst remaining grade is proposed.
    const without = workOutJudgement(t, areas, grades, { flags: {}, notApplicable: ['1'] });
    expect(computedGradeOf(without)).toBe('requires-improvement');
  });

  it('proposes nothing while an applicable area is ungraded, and says which', () => {
    const t = tool('practice-audit-tool');
    const areas = formAreas(t, 'cin');
    const grades = gradeAll(areas, () => 'good');
    grades.set('3', answer(null));
    const basis = workOutJudgement(t, areas, grades, noInputs);
    expect(computedGradeOf(basis)).toBeNull();
    expect(missingFor(basis).join(' ')).toContain('area 3');
    expect(confirmJudgement(t, basis, 'good', undefined)).toMatchObject({ ok: false, field: 'finalGrade' });
  });

  it('accepts the proposal without a reason, and another grade only with one, keeping both grades', () => {
    const t = tool('practice-audit-tool');
    const areas = formAreas(t, 'cp');
    const basis = workOutJudgement(t, areas, gradeAll(areas, () => 'good'), noInputs);
    expect(confirmJudgement(t, basis, 'good', '')).toEqual({ ok: true, computedGrade: 'good', finalGrade: 'good', overrideReason: null, overridden: false });
    expect(confirmJudgement(t, basis, 'requires-improvement', '  ')).toMatchObject({ ok: false, field: 'overrideReason' });
    expect(confirmJudgement(t, basis, 'requires-improvement', 'Plans have drifted since the file was last reviewed.')).toEqual({
      ok: true,
      computedGrade: 'good',
      finalGrade: 'requires-improvement',
      overrideReason: 'Plans have drifted since the file was last reviewed.',
      overridden: true,
    });
  });

  it('needs a reason for any grade other than the proposal, whatever the area grades (property)', () => {
    const t = tool('practice-audit-tool');
    const areas = formAreas(t, 'cin');
    const gradeIds = t.scale.grades.map((g) => g.id);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...gradeIds), { minLength: areas.length, maxLength: areas.length }), fc.constantFrom(...gradeIds), (areaGrades, chosen) => {
        const basis = workOutJudgement(t, areas, new Map(areas.map((a, i) => [a.id, answer(areaGrades[i]!)])), noInputs);
        const computed = computedGradeOf(basis)!;
        // The proposal is the worst of the grades given.
        expect(t.scale.grades.find((g) => g.id === computed)!.rank).toBe(Math.max(...areaGrades.map((g) => t.scale.grades.find((x) => x.id === g)!.rank)));
        const unexplained = confirmJudgement(t, basis, chosen, undefined);
        expect(unexplained.ok).toBe(chosen === computed);
        const explained = confirmJudgement(t, basis, chosen, 'A reason.');
        expect(explained).toMatchObject({ ok: true, computedGrade: computed, finalGrade: chosen, overridden: chosen !== computed });
      }),
    );
  });
});

describe('overall judgement of a tool that proposes nothing (What does good look like)', () => {
  it('computes nothing and always asks the auditor for a reason', () => {
    const t = tool('west-sussex-what-good-looks-like');
    const areas = formAreas(t, 'cin');
    const basis = workOutJudgement(t, areas, gradeAll(areas, () => 'good'), noInputs);
    expect(basis.kind).toBe('professional');
    expect(computedGradeOf(basis)).toBeNull();
    expect(confirmJudgement(t, basis, 'good', undefined)).toMatchObject({ ok: false, field: 'overrideReason' });
    expect(confirmJudgement(t, basis, 'good', 'Every area shows the Good indicators.')).toMatchObject({ ok: true, computedGrade: null, finalGrade: 'good', overridden: false });
  });

  it('waits until every applicable area is graded', () => {
    const t = tool('west-sussex-what-good-looks-like');
    const areas = formAreas(t, 'cin');
    const grades = gradeAll(areas, () => 'good');
    grades.set(areas[0]!.id, answer(null));
    expect(confirmJudgement(t, workOutJudgement(t, areas, grades, noInputs), 'good', 'why')).toMatchObject({ ok: false, field: 'finalGrade' });
  });
});

describe("overall judgement by rule (seed 003's multi-agency tool)", () => {
  const allTicked = (a: FormArea, level: string) => a.featureGroups.find((g) => g.grade === level)!.features.map((_, i) => i);

  it('asks the rule’s questions before computing anything', () => {
    const t = tool('multi-agency-cp-audit-tool');
    const areas = formAreas(t, 'cp');
    const basis = workOutJudgement(t, areas, gradeAll(areas, () => 'good', allTicked), noInputs);
    expect(basis.kind).toBe('rule');
    expect(computedGradeOf(basis)).toBeNull();
    expect(missingFor(basis).some((m) => m.includes('significant failure'))).toBe(true);
  });

  it('judges a case inadequate when a quarter of the inadequate features are evident, however good the rest', () => {
    const t = tool('multi-agency-cp-audit-tool');
    const areas = formAreas(t, 'cp');
    const flags = { 'significant-failure-affecting-safety': false, 'significant-failings': false, 'effectively-safeguarded': true, safeguarded: true };
    const noInadequate = (a: FormArea, level: string) => (level === 'inadequate' ? [] : allTicked(a, level));
    // Every area good or better: outstanding; one area only adequate: good (75% of good features still evident).
    expect(computedGradeOf(workOutJudgement(t, areas, gradeAll(areas, () => 'good', noInadequate), { flags, notApplicable: [] }))).toBe('outstanding');
    const good = workOutJudgement(t, areas, gradeAll(areas, (a) => (a.id === '3' ? 'adequate' : 'good'), noInadequate), { flags, notApplicable: [] });
    expect(computedGradeOf(good)).toBe('good');
    const poor = workOutJudgement(t, areas, gradeAll(areas, () => 'good', (a, level) => allTicked(a, level)), { flags, notApplicable: [] });
    expect(computedGradeOf(poor)).toBe('inadequate');
    expect(isWorstGrade(t, computedGradeOf(poor))).toBe(true);
  });

  it('treats a significant failure as inadequate, and lets the auditor differ only with a reason', () => {
    const t = tool('multi-agency-cp-audit-tool');
    const areas = formAreas(t, 'cp');
    const flags = { 'significant-failure-affecting-safety': true, 'significant-failings': false, 'effectively-safeguarded': true, safeguarded: true };
    const basis = workOutJudgement(t, areas, gradeAll(areas, () => 'good', (a, level) => (level === 'inadequate' ? [] : allTicked(a, level))), { flags, notApplicable: [] });
    expect(computedGradeOf(basis)).toBe('inadequate');
    expect(confirmJudgement(t, basis, 'adequate', undefined)).toMatchObject({ ok: false, field: 'overrideReason' });
    expect(confirmJudgement(t, basis, 'adequate', 'The failure was the partner agency’s and was put right the same day.')).toMatchObject({ ok: true, computedGrade: 'inadequate', finalGrade: 'adequate', overridden: true });
  });
});

describe('whether a confirmed judgement still stands', () => {
  it('stands while the tool computes what it computed at confirmation, and falls when a grade changes', () => {
    const t = tool('practice-audit-tool');
    const areas = formAreas(t, 'cin');
    const grades = gradeAll(areas, () => 'good');
    const before = workOutJudgement(t, areas, grades, noInputs);
    expect(judgementStands({ finalGrade: 'requires-improvement', computedGrade: 'good' }, before)).toBe(true);
    expect(judgementStands({ finalGrade: null, computedGrade: null }, before)).toBe(false);
    grades.set('2', answer('inadequate'));
    expect(judgementStands({ finalGrade: 'requires-improvement', computedGrade: 'good' }, workOutJudgement(t, areas, grades, noInputs))).toBe(false);
  });
});
