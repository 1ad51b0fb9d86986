/**
 * The two graded audit tools hold everything their seeds print, no more and no less. The
 * expected numbers were counted by hand from the seed files (not from the YAML); how each was
 * counted is stated beside it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCatalogueFile } from './load.ts';
import type { Area, AuditTool } from './schema.ts';

const catalogueDir = fileURLToPath(new URL('../../standards/audit-tools/', import.meta.url));

function loadTool(name: string): AuditTool {
  const file = parseCatalogueFile(readFileSync(catalogueDir + name, 'utf8'), name);
  if (file.kind !== 'audit-tool') throw new Error(`${name} is not an audit tool`);
  return file;
}

const count = (list: readonly unknown[] | undefined): number => list?.length ?? 0;
const criterionParagraphs = (area: Area, grade: string): number => area.criteria.reduce((n, c) => n + count(c.descriptors[grade]), 0);

describe('practice audit tool (seed 000)', () => {
  const tool = loadTool('practice-audit-tool.yaml');

  it('uses the four-point Ofsted scale as the seed prints it', () => {
    expect(tool.scale.id).toBe('ofsted-4');
    expect(tool.scale.grades.map((g) => [g.id, g.code, g.label, g.rank])).toEqual([
      ['outstanding', 'O', 'Outstanding', 1],
      ['good', 'G', 'Good', 2],
      ['requires-improvement', 'R', 'Requires Improvement', 3],
      ['inadequate', 'I', 'Inadequate', 4],
    ]);
    expect(tool.judgement).toMatchObject({ type: 'professional', proposal: 'lowest-area-grade' });
  });

  it('has six areas, area 6 in its two variants for different case types', () => {
    expect(tool.areas.map((a) => a.id)).toEqual(['1', '2', '3', '4', '5', '6-cin-cp', '6-cla']);
    expect(tool.areas.filter((a) => a.variant).map((a) => [a.variant, a.appliesTo])).toEqual([
      ['Children in Need and on a Child Protection Plan', ['cin', 'cp']],
      ['Children who are looked after', ['cla']],
    ]);
  });

  // Per area, counted in the seed's table for that area:
  // - criteria: rows with text in the Criteria column, except the header row, area 1's "General"
  //   row and area 3's "“footprint”" row (the end of the title above it, cut off by a page break);
  // - good: paragraphs in the Good column outside the General row, a paragraph broken by a page
  //   break counted once (area 5's missing-children paragraph, printed half in the Outstanding
  //   column, is counted here);
  // - area: paragraphs in the Outstanding, Good (General row only), Requires Improvement and
  //   Inadequate columns, a <p> element or a separate row each counting as one paragraph.
  const expected: { id: string; criteria: number; good: number; area: [number, number, number, number] }[] = [
    { id: '1', criteria: 7, good: 8, area: [1, 1, 1, 1] },
    { id: '2', criteria: 3, good: 5, area: [1, 0, 1, 1] },
    { id: '3', criteria: 9, good: 9, area: [1, 0, 1, 1] },
    { id: '4', criteria: 11, good: 14, area: [3, 0, 2, 1] },
    { id: '5', criteria: 10, good: 13, area: [3, 0, 1, 1] },
    { id: '6-cin-cp', criteria: 5, good: 13, area: [2, 0, 2, 1] },
    { id: '6-cla', criteria: 9, good: 19, area: [2, 0, 3, 1] },
  ];

  it.each(expected)('area $id has $criteria criteria, $good Good paragraphs and its area-level descriptors', ({ id, criteria, good, area: [o, g, r, i] }) => {
    const area = tool.areas.find((a) => a.id === id);
    if (!area) throw new Error(`no area ${id}`);
    expect(area.criteria).toHaveLength(criteria);
    expect(criterionParagraphs(area, 'good')).toBe(good);
    expect([count(area.descriptors?.outstanding), count(area.descriptors?.good), count(area.descriptors?.['requires-improvement']), count(area.descriptors?.inadequate)]).toEqual([o, g, r, i]);
  });

  it('numbers criteria in seed order within each area, and describes each at Good only', () => {
    for (const area of tool.areas) {
      const prefix = area.id.charAt(0);
      expect(area.criteria.map((c) => c.id)).toEqual(area.criteria.map((_, i) => `${prefix}.${i + 1}`));
      for (const criterion of area.criteria) expect(Object.keys(criterion.descriptors)).toEqual(['good']);
    }
  });

  it('keeps continuation rows as further paragraphs of the criterion above them', () => {
    // Criteria followed by rows with an empty Criteria cell in the seed, and the paragraphs each
    // ends up with (its own row plus the continuation rows).
    const multi = Object.fromEntries(
      tool.areas.flatMap((a) => a.criteria.filter((c) => count(c.descriptors.good) > 1).map((c) => [`${a.id}/${c.id}`, count(c.descriptors.good)])),
    );
    expect(multi).toEqual({
      '1/1.3': 2,
      '2/2.3': 3,
      '4/4.2': 2,
      '4/4.6': 2,
      '4/4.10': 2,
      '5/5.3': 4,
      '6-cin-cp/6.2': 3,
      '6-cin-cp/6.4': 7,
      '6-cla/6.2': 2,
      '6-cla/6.3': 6,
      '6-cla/6.4': 3,
      '6-cla/6.7': 2,
      '6-cla/6.8': 2,
    });
  });

  it('has 54 criteria and 113 descriptor paragraphs in all, and lists its six text fixes', () => {
    const all = tool.areas.flatMap((a) => [...Object.values(a.descriptors ?? {}), ...a.criteria.flatMap((c) => Object.values(c.descriptors))]).flat();
    expect(tool.areas.reduce((n, a) => n + a.criteria.length, 0)).toBe(54);
    expect(all).toHaveLength(113);
    expect(tool.fixes).toHaveLength(6);
    for (const fix of tool.fixes) {
      // Each fix completes text the seed broke off; the completed text is what the tool shows.
      expect(fix.corrected.startsWith(fix.original)).toBe(true);
      const shown = [...all, ...tool.areas.flatMap((a) => a.criteria.map((c) => c.title ?? ''))];
      expect(shown.some((t) => t.includes(fix.corrected))).toBe(true);
    }
  });
});

describe('multi-agency child protection audit tool (seed 003)', () => {
  const tool = loadTool('multi-agency-cp-audit-tool.yaml');

  it('uses the legacy 1–4 scale and is a multi-agency tool', () => {
    expect(tool.scale.id).toBe('ofsted-legacy-4');
    expect(tool.scale.grades.map((g) => [g.id, g.code, g.label])).toEqual([
      ['outstanding', '1', 'Outstanding'],
      ['good', '2', 'Good'],
      ['adequate', '3', 'Adequate'],
      ['inadequate', '4', 'Inadequate'],
    ]);
    expect(tool.multiAgency).toBe(true);
  });

  // Per area of analysis, the sentences in its Good, Adequate and Inadequate cells. "Assessment/
  // S.47 Enquiry" adds the page-1 row and the "(cont'd)" row: Good 3 + 3, Adequate 4 + 2,
  // Inadequate 4 + 2. No area has Outstanding text of its own.
  const expected: [string, string, number, number, number][] = [
    ['1', 'History of involvement', 2, 2, 2],
    ['2', 'Referral', 2, 2, 2],
    ['3', 'Immediate Response to Referral', 4, 4, 5],
    ['4', 'Assessment/ S.47 Enquiry', 6, 6, 6],
    ['5', 'Planning and Implementing Plan', 6, 6, 7],
    ['6', 'Review', 2, 2, 2],
    ['7', 'Being Healthy outcome', 1, 1, 1],
    ['8', 'Staying Safe outcome', 1, 1, 1],
    ['9', 'Enjoy and Achieve outcome', 1, 1, 1],
    ['10', 'Making a Positive Contribution outcome', 1, 1, 1],
    ['11', 'Economic Well-Being outcome', 1, 1, 1],
    ['12', 'Management and Supervision', 1, 1, 1],
    ['13', 'Recording and Minutes', 3, 3, 3],
  ];

  it('has the thirteen areas of analysis in seed order', () => {
    expect(tool.areas.map((a) => [a.id, a.title])).toEqual(expected.map(([id, title]) => [id, title]));
  });

  it.each(expected)('area %s (%s) has %i Good, %i Adequate and %i Inadequate features', (id, _title, good, adequate, inadequate) => {
    const area = tool.areas.find((a) => a.id === id);
    expect(area?.criteria).toEqual([]);
    expect(area?.descriptors).toBeDefined();
    expect(Object.keys(area?.descriptors ?? {})).toEqual(['good', 'adequate', 'inadequate']);
    expect([count(area?.descriptors?.good), count(area?.descriptors?.adequate), count(area?.descriptors?.inadequate)]).toEqual([good, adequate, inadequate]);
  });

  it('carries the rule from the "Overall Judgement" row, inadequate checked first, and the seed’s notes', () => {
    if (tool.judgement.type !== 'rule-based') throw new Error('expected a rule-based judgement');
    expect(tool.judgement.outcomes.map((o) => o.grade)).toEqual(['inadequate', 'outstanding', 'good', 'adequate']);
    expect(tool.judgement.flags.map((f) => f.id)).toEqual(['significant-failure-affecting-safety', 'significant-failings', 'effectively-safeguarded', 'safeguarded']);
    // The Outstanding column's sentence and the footnote on S47.
    expect(tool.notes).toHaveLength(2);
    expect(tool.fixes).toEqual([]);
  });
});
