import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import type { AuditTool } from '../standards/schema.ts';
import { differences, formValues, parseAreaForm } from './area-form.ts';
import { auditAreaStatus, formAreas, selfAssessmentAreaStatus, ticksFeatures, type ItemAnswer } from './tool-form.ts';
import { readDateField } from './date-fields.ts';

let tools: Map<string, AuditTool>;
beforeAll(async () => {
  const { catalogue } = await loadBuiltInCatalogue();
  tools = new Map(catalogue.files.flatMap((e) => (e.file.kind === 'audit-tool' ? [[e.file.id, e.file] as const] : [])));
});

const blank: ItemAnswer = { grade: null, evidence: null, workingWell: null, worries: null, nextSteps: null, reason: null, featuresEvident: null };

describe('the form an audit tool gives', () => {
  it('offers the variant of an area that fits the child, or both when the case type is unknown', () => {
    const t = tools.get('practice-audit-tool')!;
    expect(formAreas(t, 'cp').map((a) => a.id)).toEqual(['1', '2', '3', '4', '5', '6-cin-cp']);
    expect(formAreas(t, 'cla').map((a) => a.id)).toEqual(['1', '2', '3', '4', '5', '6-cla']);
    expect(formAreas(t, null).map((a) => a.id)).toEqual(['1', '2', '3', '4', '5', '6-cin-cp', '6-cla']);
  });

  it('puts each grade’s descriptors beside the grade for graded criteria, and asks for ticks where the rule counts features', () => {
    const practice = tools.get('practice-audit-tool')!;
    const [area1] = formAreas(practice, 'cp');
    const criterion = area1!.items.find((i) => i.criterionId === '1.1')!;
    expect(criterion.grades.find((g) => g.id === 'good')!.descriptors[0]).toMatch(/^A strategy meeting is considered/);
    expect(area1!.items[0]!.grades.find((g) => g.id === 'inadequate')!.descriptors[0]).toMatch(/^There is no evidence that a strategy meeting/);
    expect(ticksFeatures(practice)).toBe(false);
    const multi = tools.get('multi-agency-cp-audit-tool')!;
    expect(ticksFeatures(multi)).toBe(true);
    expect(ticksFeatures(tools.get('west-sussex-what-good-looks-like')!)).toBe(true);
    const [history] = formAreas(multi, 'cp');
    expect(history!.featureGroups.map((g) => g.grade)).toEqual(['good', 'adequate', 'inadequate']);
  });

  it('marks an area completed only when every item has a grade and evidence, and the ticks are saved', () => {
    const t = tools.get('multi-agency-cp-audit-tool')!;
    const [area] = formAreas(t, 'cp');
    expect(auditAreaStatus(area!, new Map(), false)).toBe('not-started');
    const graded = { ...blank, grade: 'good' };
    expect(auditAreaStatus(area!, new Map([['', graded]]), false)).toBe('in-progress');
    expect(auditAreaStatus(area!, new Map([['', { ...graded, evidence: 'From the file.' }]]), false)).toBe('in-progress');
    const ticked = { ...graded, evidence: 'From the file.', featuresEvident: { good: [0], adequate: [], inadequate: [] } };
    expect(auditAreaStatus(area!, new Map([['', ticked]]), false)).toBe('completed');
    expect(auditAreaStatus(area!, new Map(), true)).toBe('not-applicable');
    expect(selfAssessmentAreaStatus(area!, new Map([['', graded]]))).toBe('completed');
  });
});

describe('reading a posted area form', () => {
  it('keeps a partial draft and reads criteria, the area summary and ticks', () => {
    const t = tools.get('practice-audit-tool')!;
    const [area] = formAreas(t, 'cp');
    const result = parseAreaForm(area!, 'audit', { version: '3', 'i1-grade': 'good', 'i1-evidence': ' Minutes on file. ', 'i0-worries': 'Drift', notApplicable: 'yes' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.version).toBe(3);
    expect(result.value.input.notApplicable).toBe(true);
    const first = result.value.input.items.find((i) => i.criterionId === '1.1')!;
    expect(first).toMatchObject({ grade: 'good', evidence: 'Minutes on file.' });
    expect(result.value.input.items.find((i) => i.criterionId === '')).toMatchObject({ grade: null, worries: 'Drift' });
  });

  it('refuses a grade not on the scale, features that do not exist and text beyond the limit', () => {
    const multi = tools.get('multi-agency-cp-audit-tool')!;
    const [area] = formAreas(multi, 'cp');
    const result = parseAreaForm(area!, 'audit', { version: '1', 'i0-grade': 'excellent', 'f-good': ['0', '99'], 'i0-evidence': 'x'.repeat(10_001) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors.byField).sort()).toEqual(['f-good', 'i0-evidence', 'i0-grade']);
    expect(result.errors.list.every((e) => e.href.startsWith('#'))).toBe(true);
  });

  it('shows where the saved version differs from what the person sent, and nothing where they agree', () => {
    const t = tools.get('practice-audit-tool')!;
    const [area] = formAreas(t, 'cp');
    const saved = new Map<string, ItemAnswer>([['1.1', { ...blank, grade: 'good', evidence: 'Their words' }]]);
    const sent = { ...formValues(area!, 'audit', saved, false), 'i1-evidence': 'My words' };
    expect(differences(area!, 'audit', saved, sent)).toEqual([{ label: '1.1 Strategy meetings/ discussions: evidence', saved: 'Their words', yours: 'My words' }]);
    expect(differences(area!, 'audit', saved, formValues(area!, 'audit', saved, false))).toEqual([]);
  });
});

describe('GOV.UK date fields', () => {
  it('reads a real date and names what is wrong with anything else', () => {
    expect(readDateField({ 'd-day': '7', 'd-month': '3', 'd-year': '2026' }, 'd', 'the date')).toEqual({ ok: true, value: '2026-03-07' });
    expect(readDateField({}, 'd', 'the date')).toEqual({ ok: false, message: 'Enter the date' });
    expect(readDateField({ 'd-day': '7', 'd-year': '2026' }, 'd', 'the date')).toEqual({ ok: false, message: 'The date must include a month' });
    expect(readDateField({ 'd-day': '30', 'd-month': '2', 'd-year': '2026' }, 'd', 'the date')).toEqual({ ok: false, message: 'The date must be a real date' });
  });
});
