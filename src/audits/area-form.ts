/**
 * The HTML form of one area, both ways: saved answers → field values, and a posted form →
 * answers, with GOV.UK-style errors. Field names are built from item positions (`i2-grade`)
 * and grade ids (slugs checked by the catalogue schema), never from free text.
 */
import type { FieldErrors, FormResult } from '../platform/http/forms.ts';
import type { AreaInput, ItemInput } from './stage-one.ts';
import type { FormArea, ItemAnswer } from './tool-form.ts';

export type FormStage = 'audit' | 'self-assessment';

const MAX_TEXT = 10_000;

/** The text fields of an item at a stage; the area as a whole (item 0) carries the summary. */
export function textFields(stage: FormStage, index: number): Array<{ key: keyof ItemAnswer; label: string }> {
  if (stage === 'self-assessment') return [{ key: 'reason', label: 'Your reflection' }];
  const fields: Array<{ key: keyof ItemAnswer; label: string }> = [{ key: 'evidence', label: 'Evidence' }];
  if (index === 0) {
    fields.push({ key: 'workingWell', label: 'What is working well' }, { key: 'worries', label: 'What we are worried about' }, { key: 'nextSteps', label: 'What needs to happen next' });
  }
  return fields;
}

export const fieldName = (index: number, key: string) => `i${index}-${key}`;
export const featureField = (grade: string) => `f-${grade}`;

/** Saved answers as the values a form shows. */
export function formValues(area: FormArea, stage: FormStage, answers: ReadonlyMap<string, ItemAnswer>, notApplicable: boolean): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const item of area.items) {
    const answer = answers.get(item.criterionId);
    values[fieldName(item.index, 'grade')] = answer?.grade ?? '';
    for (const { key } of textFields(stage, item.index)) values[fieldName(item.index, key)] = (answer?.[key] as string | null) ?? '';
  }
  if (stage === 'audit') {
    const evident = answers.get('')?.featuresEvident ?? {};
    for (const group of area.featureGroups) values[featureField(group.grade)] = (evident[group.grade] ?? []).map(String);
    if (notApplicable) values.notApplicable = 'yes';
  }
  return values;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Reads a posted area form. Nothing is required: a half-finished area is a draft. What is given
 * must be a grade on the tool's scale, text within limits, and features that exist.
 */
export function parseAreaForm(area: FormArea, stage: FormStage, body: Record<string, unknown>): FormResult<{ version: number; input: AreaInput }> {
  const errors: FieldErrors = { list: [], byField: {} };
  const problem = (field: string, text: string) => {
    if (errors.byField[field]) return;
    errors.byField[field] = { text };
    errors.list.push({ text, href: `#${field}` });
  };
  const version = Number(body.version);
  if (!Number.isInteger(version) || version < 1) problem('version', 'The form is out of date. Reload the page and try again.');

  const items: ItemInput[] = [];
  // Criteria before the area as a whole, as the page lists them, so errors read in page order.
  const ordered = [...area.items.slice(1), area.items[0]!];
  for (const item of ordered) {
    const gradeField = fieldName(item.index, 'grade');
    const rawGrade = body[gradeField];
    let grade: string | null = null;
    if (rawGrade !== undefined && rawGrade !== '') {
      if (typeof rawGrade === 'string' && item.grades.some((g) => g.id === rawGrade)) grade = rawGrade;
      else problem(gradeField, `Select a grade for ${item.title}`);
    }
    const parsed: ItemInput = { criterionId: item.criterionId, grade };
    for (const { key, label } of textFields(stage, item.index)) {
      const name = fieldName(item.index, key);
      const raw = body[name];
      if (raw !== undefined && typeof raw !== 'string') {
        problem(name, `${label} for ${item.title} must be text`);
        continue;
      }
      const text = raw?.trim() ?? '';
      if (text.length > MAX_TEXT) problem(name, `${label} for ${item.title} must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer`);
      (parsed as unknown as Record<string, string | null>)[key] = text || null;
    }
    items.push(parsed);
  }

  const features: Record<string, number[]> = {};
  if (stage === 'audit') {
    for (const group of area.featureGroups) {
      const name = featureField(group.grade);
      const positions = asList(body[name]).map((v) => Number(v));
      if (positions.some((p) => !Number.isInteger(p) || p < 0 || p >= group.features.length)) {
        problem(name, `Select ${group.label} features from the list`);
        continue;
      }
      features[group.grade] = [...new Set(positions)].sort((a, b) => a - b);
    }
  }
  const notApplicable = stage === 'audit' && body.notApplicable === 'yes';
  if (errors.list.length) return { ok: false, errors, values: body };
  return { ok: true, value: { version, input: { items, features, notApplicable } }, values: body };
}

/**
 * Where what is saved now differs from what this person sent: the conflict screen shows these
 * beside their own text, so they can merge by hand rather than lose either version.
 */
export function differences(area: FormArea, stage: FormStage, saved: ReadonlyMap<string, ItemAnswer>, sent: Record<string, unknown>): Array<{ label: string; saved: string; yours: string }> {
  const found: Array<{ label: string; saved: string; yours: string }> = [];
  const gradeLabel = (item: FormArea['items'][number], id: string | null | undefined) => item.grades.find((g) => g.id === id)?.label ?? 'Not graded';
  for (const item of [...area.items.slice(1), area.items[0]!]) {
    const answer = saved.get(item.criterionId);
    const sentGrade = typeof sent[fieldName(item.index, 'grade')] === 'string' ? (sent[fieldName(item.index, 'grade')] as string) : '';
    if ((answer?.grade ?? '') !== sentGrade) found.push({ label: `${item.title}: grade`, saved: gradeLabel(item, answer?.grade), yours: gradeLabel(item, sentGrade) });
    for (const { key, label } of textFields(stage, item.index)) {
      const now = ((answer?.[key] as string | null) ?? '').trim();
      const raw = sent[fieldName(item.index, key)];
      const yours = typeof raw === 'string' ? raw.trim() : '';
      if (now !== yours) found.push({ label: `${item.title}: ${label.toLowerCase()}`, saved: now || 'Blank', yours: yours || 'Blank' });
    }
  }
  if (stage === 'audit') {
    const evident = saved.get('')?.featuresEvident ?? {};
    for (const group of area.featureGroups) {
      const now = (evident[group.grade] ?? []).map(String).sort().join(',');
      const yours = asList(sent[featureField(group.grade)]).map(String).sort().join(',');
      if (now !== yours) {
        const describe = (list: string) => (list ? `${list.split(',').length} ticked` : 'None ticked');
        found.push({ label: `${group.label} features evident`, saved: describe(now), yours: describe(yours) });
      }
    }
  }
  return found;
}
