/**
 * The outcome-measure mapping only points at things that exist: every `from` names an item of a
 * catalogue file, every `to` a numbered measure of seed 001, and every criterion of the two
 * graded audit tools is either linked or listed as deliberately unmapped.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from './load.ts';
import type { Catalogue } from './load.ts';
import type { CatalogueFile, Mapping } from './schema.ts';

const standardsDir = fileURLToPath(new URL('../../standards/', import.meta.url));

type ItemRef = Mapping['links'][number]['from'];

/** Why a reference does not resolve, or undefined when it names an existing item. */
function unresolved(catalogue: Catalogue, ref: ItemRef): string | undefined {
  const file: CatalogueFile | undefined = catalogue.byId.get(ref.catalogue)?.file;
  if (!file) return `no catalogue file has id "${ref.catalogue}"`;
  switch (file.kind) {
    case 'audit-tool': {
      // "<area id>" for an area, "<area id>/<criterion id>" for a criterion.
      const [areaId, criterionId, ...rest] = ref.item.split('/');
      const area = file.areas.find((a) => a.id === areaId);
      if (!area || rest.length > 0) return `${ref.catalogue} has no area "${areaId}"`;
      if (criterionId !== undefined && !area.criteria.some((c) => c.id === criterionId)) return `${ref.catalogue} area ${areaId} has no criterion "${criterionId}"`;
      return undefined;
    }
    case 'practice-standards':
      return file.sections.some((s) => s.standards.some((st) => st.id === ref.item)) ? undefined : `${ref.catalogue} has no standard "${ref.item}"`;
    default:
      return `${ref.catalogue} is a ${file.kind} file, which the mapping cannot link from`;
  }
}

const key = (ref: ItemRef): string => `${ref.catalogue}:${ref.item}`;

describe('outcome-measure mapping', () => {
  let catalogue: Catalogue;
  let mapping: Mapping;
  let measureIds: Set<string>;

  beforeAll(async () => {
    catalogue = await loadCatalogue(standardsDir);
    const file = catalogue.byId.get('outcome-measure-map')?.file;
    if (file?.kind !== 'mapping') throw new Error('standards/mappings/outcome-measure-map.yaml is missing');
    mapping = file;
    measureIds = new Set(
      catalogue.files.flatMap(({ file: f }) => (f.kind === 'outcome-measures' ? f.groups.flatMap((g) => g.measures.map((m) => m.id)) : [])),
    );
  });

  it('reads the outcome measures of seed 001, numbered 1.1 to 4.27', () => {
    expect(measureIds.has('1.1')).toBe(true);
    expect(measureIds.has('4.27')).toBe(true);
    expect(measureIds.has('4.28')).toBe(false);
  });

  it('links only from items that exist in their catalogue file', () => {
    const problems = [...mapping.links.map((l) => l.from), ...mapping.unmapped.map((u) => u.from)].flatMap((ref) => {
      const why = unresolved(catalogue, ref);
      return why ? [`${key(ref)}: ${why}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('can tell a missing item from an existing one', () => {
    expect(unresolved(catalogue, { catalogue: 'practice-audit-tool', item: '6-cla/6.9' })).toBeUndefined();
    expect(unresolved(catalogue, { catalogue: 'practice-audit-tool', item: '6-cla/6.10' })).toMatch(/no criterion "6.10"/);
    expect(unresolved(catalogue, { catalogue: 'practice-audit-tool', item: '6' })).toMatch(/no area "6"/);
    expect(unresolved(catalogue, { catalogue: 'multi-agency-cp-audit-tool', item: '4/4.1' })).toMatch(/no criterion/);
    expect(unresolved(catalogue, { catalogue: 'ofsted-outcome-measures', item: '3.13' })).toMatch(/cannot link from/);
  });

  it('links only to numbered outcome measures, each at most once per link', () => {
    const unknown = mapping.links.flatMap((l) => l.to.filter((id) => !measureIds.has(id)).map((id) => `${key(l.from)} → ${id}`));
    expect(unknown).toEqual([]);
    const repeated = mapping.links.filter((l) => new Set(l.to).size !== l.to.length).map((l) => key(l.from));
    expect(repeated).toEqual([]);
  });

  it('states the reasoning for an item in one place: each item is linked or unmapped once', () => {
    const keys = [...mapping.links.map((l) => key(l.from)), ...mapping.unmapped.map((u) => key(u.from))];
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('covers every criterion of the practice audit tool and every area of the multi-agency tool', () => {
    const decided = new Set([...mapping.links.map((l) => key(l.from)), ...mapping.unmapped.map((u) => key(u.from))]);
    const items: string[] = [];
    for (const id of ['practice-audit-tool', 'multi-agency-cp-audit-tool']) {
      const tool = catalogue.byId.get(id)?.file;
      if (tool?.kind !== 'audit-tool') throw new Error(`no audit tool ${id}`);
      // Graded units: criteria where the tool has them, otherwise the area itself (seed 003).
      for (const area of tool.areas) {
        if (area.criteria.length === 0) items.push(`${id}:${area.id}`);
        else items.push(...area.criteria.map((c) => `${id}:${area.id}/${c.id}`));
      }
    }
    expect(items.filter((item) => !decided.has(item))).toEqual([]);
    // 54 criteria in seed 000 and 13 areas in seed 003 (see audit-tools.test.ts).
    expect(items).toHaveLength(67);
  });
});
