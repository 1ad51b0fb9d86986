/**
 * What the catalogue pages show: each kind of file turned into a view model the templates
 * can lay out without logic (descriptors side by side, timescales in words, measures with
 * the criteria and standards that evidence them).
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import type { CatalogueFile, Timescale } from './schema.ts';
import { catalogueEntries } from './versions/schema.ts';
import { getPublishedVersion } from './versions/service.ts';

export const KIND_LABELS: Record<CatalogueFile['kind'], string> = {
  'audit-tool': 'Audit tools and checklists',
  'practice-standards': 'Practice standards',
  'outcome-measures': 'Ofsted outcome measures',
  mapping: 'Evidence mappings',
  'qa-framework': 'Quality assurance framework',
  guidance: 'Guidance',
  'grade-scaling': 'Grade scaling',
};

const UNIT_WORDS: Record<Timescale['unit'], [string, string]> = {
  hours: ['hour', 'hours'],
  'working-days': ['working day', 'working days'],
  'calendar-days': ['day', 'days'],
  weeks: ['week', 'weeks'],
  months: ['month', 'months'],
  years: ['year', 'years'],
  'weeks-of-pregnancy': ['week of pregnancy', 'weeks of pregnancy'],
  'years-of-age': ['year of age', 'years of age'],
};

const words = (event: string) => event.replace(/\b(cp|cin|cla|icpc|rcpc|s47|pep|tac)\b/g, (m) => m.toUpperCase()).replace(/-/g, ' ');

/** "ICPC within 15 working days of strategy discussion" and the like. */
export function describeTimescale(t: Timescale): string {
  const [one, many] = UNIT_WORDS[t.unit];
  const amount = `${t.amount} ${t.amount === 1 ? one : many}`;
  const event = words(t.event);
  const anchor = words(t.anchor);
  const text =
    t.recurrence === 'every'
      ? `${event} every ${amount} (from ${anchor})`
      : t.recurrence === 'before'
        ? t.amount === 0
          ? `${event} before ${anchor}`
          : `${event} ${amount} before ${anchor}`
        : t.amount === 0
          ? `${event} on the day of ${anchor}`
          : `${event} within ${amount} of ${anchor}`;
  return t.condition ? `${text}, ${t.condition}` : text;
}

export interface EvidenceLink {
  catalogueId: string;
  item: string;
  label: string;
  reasoning: string;
}

/** Outcome-measure id → the criteria, areas and standards mapped to it, in the current versions. */
export async function mappedTo(db: Db, organisationId: string): Promise<Map<string, EvidenceLink[]>> {
  const entries = await db
    .select({ catalogueId: catalogueEntries.catalogueId, kind: catalogueEntries.kind })
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.organisationId, organisationId), isNotNull(catalogueEntries.currentVersion)));
  const files = await Promise.all(entries.map((e) => getPublishedVersion(db, organisationId, e.catalogueId).then((v) => v.file)));
  const labels = new Map<string, string>();
  for (const file of files) {
    if (file.kind === 'audit-tool') {
      for (const area of file.areas) {
        labels.set(`${file.id}#${area.id}`, `${file.title}: ${area.title}${area.variant ? ` (${area.variant})` : ''}`);
        for (const c of area.criteria) labels.set(`${file.id}#${area.id}/${c.id}`, `${file.title}: ${area.title}, ${c.title ?? `criterion ${c.id}`}`);
      }
    }
    if (file.kind === 'practice-standards') {
      for (const section of file.sections) for (const s of section.standards) labels.set(`${file.id}#${s.id}`, `${file.title}: ${s.id} ${s.title}`);
    }
  }
  const byMeasure = new Map<string, EvidenceLink[]>();
  for (const file of files) {
    if (file.kind !== 'mapping') continue;
    for (const link of file.links) {
      const label = labels.get(`${link.from.catalogue}#${link.from.item}`) ?? `${link.from.catalogue} ${link.from.item}`;
      for (const measure of link.to) {
        const list = byMeasure.get(measure) ?? [];
        list.push({ catalogueId: link.from.catalogue, item: link.from.item, label, reasoning: link.reasoning });
        byMeasure.set(measure, list);
      }
    }
  }
  return byMeasure;
}

export type CatalogueView =
  | { kind: 'audit-tool'; file: Extract<CatalogueFile, { kind: 'audit-tool' }>; grades: Array<{ id: string; label: string }> }
  | { kind: 'practice-standards'; file: Extract<CatalogueFile, { kind: 'practice-standards' }>; timescales: Record<string, string[]>; timescaleCount: number }
  | { kind: 'outcome-measures'; file: Extract<CatalogueFile, { kind: 'outcome-measures' }>; evidence: Record<string, EvidenceLink[]> }
  | { kind: Exclude<CatalogueFile['kind'], 'audit-tool' | 'practice-standards' | 'outcome-measures'>; file: CatalogueFile };

export function describeCatalogueFile(file: CatalogueFile, mappings?: Map<string, EvidenceLink[]>): CatalogueView {
  switch (file.kind) {
    case 'audit-tool':
      return { kind: file.kind, file, grades: file.scale.grades.map((g) => ({ id: g.id, label: g.label })) };
    case 'practice-standards': {
      const timescales: Record<string, string[]> = {};
      let timescaleCount = 0;
      for (const section of file.sections) {
        for (const standard of section.standards) {
          timescales[standard.id] = standard.timescales.map(describeTimescale);
          timescaleCount += standard.timescales.length;
        }
      }
      return { kind: file.kind, file, timescales, timescaleCount };
    }
    case 'outcome-measures':
      return { kind: file.kind, file, evidence: Object.fromEntries(mappings ?? []) };
    default:
      return { kind: file.kind, file };
  }
}
