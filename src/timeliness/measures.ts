/**
 * The deadlines a council's case data is checked against: the national measures, plus every
 * timescale in the council's current published practice standards that extract data can evidence.
 * A revised practice standard therefore changes the deadlines at the next recomputation.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { catalogueEntries, catalogueVersions } from '../standards/versions/schema.ts';
import type { CaseEventType, PracticeStandards } from '../standards/schema.ts';
import type { CaseFactKind } from '../cases/facts.ts';
import { nationalMeasures } from './national-measures.ts';
import { measuresFromTimescales, type PracticeTimescale } from './practice-timescales.ts';
import type { DeadlineRule, MeasureDefinition } from './rules.ts';

export async function measuresFor(db: Db, organisationId: string): Promise<MeasureDefinition[]> {
  const rows = await db
    .select({ catalogueId: catalogueVersions.catalogueId, content: catalogueVersions.content })
    .from(catalogueEntries)
    .innerJoin(
      catalogueVersions,
      and(
        eq(catalogueVersions.organisationId, catalogueEntries.organisationId),
        eq(catalogueVersions.catalogueId, catalogueEntries.catalogueId),
        eq(catalogueVersions.version, sql`${catalogueEntries.currentVersion}`),
      ),
    )
    .where(and(eq(catalogueEntries.organisationId, organisationId), eq(catalogueEntries.kind, 'practice-standards'), isNull(catalogueEntries.retiredAt)))
    .orderBy(catalogueEntries.catalogueId);
  const timescales: PracticeTimescale[] = [];
  for (const row of rows) {
    const file = row.content as PracticeStandards;
    for (const section of file.sections) {
      for (const standard of section.standards) {
        for (const timescale of standard.timescales) timescales.push({ catalogue: row.catalogueId, standard, timescale });
      }
    }
  }
  const ids = new Set(nationalMeasures.map((m) => m.id));
  const rules = new Set(nationalMeasures.map((m) => JSON.stringify(m.rule)));
  const local: MeasureDefinition[] = [];
  for (const measure of measuresFromTimescales(timescales).measures) {
    // A council's own timescale may not take a national measure's id (the national one is the
    // contract), and one that sets the same deadline as a measure already listed would count
    // every late visit twice.
    const rule = JSON.stringify(measure.rule);
    if (ids.has(measure.id) || rules.has(rule)) continue;
    ids.add(measure.id);
    rules.add(rule);
    const kind = EVIDENCE_KIND[measuredEvent(measure.rule)];
    local.push(kind === undefined ? measure : { ...measure, evidence: { kind, formats: ['annex-a', 'ssda903', 'cin-census', 'ssd'] } });
  }
  return [...nationalMeasures, ...local];
}

/** The event whose date meets a rule's deadline. */
function measuredEvent(rule: DeadlineRule): CaseEventType {
  if (rule.method !== 'recorded-pair') return rule.event;
  return rule.pair === 'assessment-start-to-authorisation' ? 'assessment-authorised' : 'icpc';
}

/**
 * The fact that records each measured event. A local deadline is checked only when the extract
 * holds facts of that kind at all: an Annex A extract has CIN plans but no visits, and would
 * otherwise show every plan overdue for a visit.
 */
const EVIDENCE_KIND: Partial<Record<CaseEventType, CaseFactKind>> = {
  'assessment-start': 'assessment',
  'assessment-authorised': 'assessment',
  'strategy-discussion': 's47',
  's47-start': 's47',
  icpc: 's47',
  rcpc: 'cp-review',
  'cp-visit': 'cp-visit',
  'cin-visit': 'cin-visit',
  'cla-visit': 'cla-visit',
  'cla-review': 'cla-review',
  'health-assessment': 'health-assessment',
  'care-leaver-contact': 'care-leaver-contact',
};

const NATIONAL_LABELS: Record<string, string> = {
  'assessment-45wd': 'Assessment authorised within 45 working days',
  'icpc-15wd': 'ICPC within 15 working days',
  'cp-visit-10wd': 'Child protection visit within 10 working days',
  'cla-health-assessment': 'Health assessment up to date',
  'cla-review': 'Looked-after review on time',
};

/** A short name for a measure, for tables and the pre-fill lines; the full title is on the indicators page. */
export function measureLabel(measure: Pick<MeasureDefinition, 'id' | 'title'>): string {
  return NATIONAL_LABELS[measure.id] ?? measure.title.replace(/\b([a-z]+)-(?=[a-z])/g, '$1 ');
}
