/**
 * The audit tools the insight pages read grades against: each tool's scale (labels and ranks),
 * its areas and criteria, by version. Published versions never change (the database refuses), so
 * a version read once can be kept for the life of the process: the library holds them, and each
 * request only asks which versions exist.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { catalogueEntries, catalogueVersions } from '../standards/versions/schema.ts';
import type { AuditTool } from '../standards/schema.ts';

export interface KnownTool {
  id: string;
  title: string;
  /** Every published version, by number. */
  versions: ReadonlyMap<number, AuditTool>;
  /** The current version (the latest published when none is current). */
  current: AuditTool;
}

export type Tools = ReadonlyMap<string, KnownTool>;

export class ToolLibrary {
  /** organisation:tool:version → the tool as published. */
  private readonly published = new Map<string, AuditTool>();

  async load(db: Db, organisationId: string): Promise<Tools> {
    const rows = await db
      .select({ catalogueId: catalogueVersions.catalogueId, version: catalogueVersions.version, title: catalogueEntries.title, current: catalogueEntries.currentVersion })
      .from(catalogueVersions)
      .innerJoin(catalogueEntries, and(eq(catalogueEntries.organisationId, catalogueVersions.organisationId), eq(catalogueEntries.catalogueId, catalogueVersions.catalogueId)))
      .where(and(eq(catalogueVersions.organisationId, organisationId), eq(catalogueVersions.status, 'published'), eq(catalogueEntries.kind, 'audit-tool')));
    const missing = rows.filter((r) => !this.published.has(`${organisationId}:${r.catalogueId}:${r.version}`));
    for (const r of missing) {
      const [row] = await db
        .select({ content: catalogueVersions.content })
        .from(catalogueVersions)
        .where(and(eq(catalogueVersions.organisationId, organisationId), eq(catalogueVersions.catalogueId, r.catalogueId), eq(catalogueVersions.version, r.version), eq(catalogueVersions.status, 'published')));
      if (row) this.published.set(`${organisationId}:${r.catalogueId}:${r.version}`, row.content as AuditTool);
    }
    const tools = new Map<string, { id: string; title: string; versions: Map<number, AuditTool>; current: number | null }>();
    for (const r of rows) {
      const file = this.published.get(`${organisationId}:${r.catalogueId}:${r.version}`);
      if (!file) continue;
      const entry = tools.get(r.catalogueId) ?? { id: r.catalogueId, title: r.title, versions: new Map<number, AuditTool>(), current: r.current };
      entry.versions.set(r.version, file);
      tools.set(r.catalogueId, entry);
    }
    return new Map(
      [...tools.values()]
        .filter((t) => t.versions.size > 0)
        .map((t) => {
          const current = t.versions.get(t.current ?? -1) ?? t.versions.get(Math.max(...t.versions.keys()))!;
          return [t.id, { id: t.id, title: t.title, versions: t.versions, current }];
        }),
    );
  }
}

/**
 * Tools grade on scales of different lengths (four Ofsted grades, or Good / Requires improvement
 * / Inadequate on the indicator checklists). To count them together, every scale is placed on
 * the longest one, aligned at its worst grade: a three-point checklist's Good, Requires
 * improvement and Inadequate sit at the four-point scale's ranks 2, 3 and 4. On the built-in
 * four-point tools the common rank is the tool's own rank.
 */
export function commonScale(tools: Tools): number {
  let k = 0;
  for (const tool of tools.values()) for (const file of tool.versions.values()) k = Math.max(k, file.scale.grades.length);
  return k || 4;
}

function offset(tools: Tools, file: AuditTool): number {
  return commonScale(tools) - file.scale.grades.length;
}

function fileOf(tools: Tools, toolId: string, version?: number | null): AuditTool | undefined {
  const tool = tools.get(toolId);
  if (!tool) return undefined;
  return (version !== undefined && version !== null ? tool.versions.get(version) : undefined) ?? tool.current;
}

/** A grade's rank on the common scale (1 is the best), from the version graded against. */
export function rankOf(tools: Tools, toolId: string, grade: string | null, version?: number | null): number | undefined {
  if (!grade) return undefined;
  const file = fileOf(tools, toolId, version);
  const rank = file?.scale.grades.find((g) => g.id === grade)?.rank;
  return rank === undefined ? undefined : rank + offset(tools, file!);
}

/**
 * The worst tool rank still counted "good or better": the rank of the grade called good, or the
 * better half of a scale that has none.
 */
export function goodRank(tool: AuditTool): number {
  return tool.scale.grades.find((g) => g.id === 'good')?.rank ?? Math.floor(tool.scale.grades.length / 2);
}

export function isGoodOrBetter(tools: Tools, toolId: string, rank: number | undefined, version?: number | null): boolean {
  const file = fileOf(tools, toolId, version);
  return rank !== undefined && file !== undefined && rank <= goodRank(file) + offset(tools, file);
}

/**
 * What to call common rank r when audits on several tools are counted together: each tool's
 * label at that rank, joined where they differ ("Requires Improvement / Adequate").
 */
export function rankLabel(tools: Tools, toolIds: Iterable<string>, rank: number): string {
  const labels: string[] = [];
  for (const id of toolIds) {
    const file = tools.get(id)?.current;
    const label = file?.scale.grades.find((g) => g.rank + offset(tools, file) === rank)?.label;
    if (label && !labels.some((l) => l.toLowerCase() === label.toLowerCase())) labels.push(label);
  }
  return labels.join(' / ') || `Grade ${rank}`;
}

/** Every (tool, grade) with its common rank and whether it is good or better, or the worst. */
export function gradeTableRows(tools: Tools): Array<{ toolId: string; grade: string; rank: number; good: boolean; worst: boolean }> {
  const rows: Array<{ toolId: string; grade: string; rank: number; good: boolean; worst: boolean }> = [];
  const k = commonScale(tools);
  for (const tool of tools.values()) {
    const seen = new Set<string>();
    for (const file of [tool.current, ...tool.versions.values()]) {
      const shift = k - file.scale.grades.length;
      for (const g of file.scale.grades) {
        if (seen.has(g.id)) continue;
        seen.add(g.id);
        rows.push({ toolId: tool.id, grade: g.id, rank: g.rank + shift, good: g.rank <= goodRank(file), worst: g.rank === file.scale.grades.length });
      }
    }
  }
  return rows;
}

export interface AreaLabel {
  toolId: string;
  areaId: string;
  criterionId: string;
  label: string;
  /** Order in the tool: areas in order, each area's criteria, then the area as a whole. */
  order: number;
}

/** "1. Strategy discussion/ Section 47 investigation" and "1.2 Strategy meeting attendance". */
export function itemLabels(tool: AuditTool): AreaLabel[] {
  const out: AreaLabel[] = [];
  tool.areas.forEach((area, a) => {
    const areaTitle = `${a + 1}. ${area.title}${area.variant ? ` (${area.variant})` : ''}`;
    for (const c of area.criteria) out.push({ toolId: tool.id, areaId: area.id, criterionId: c.id, label: `${c.id} ${c.title ?? ''}`.trim(), order: out.length });
    out.push({ toolId: tool.id, areaId: area.id, criterionId: '', label: area.criteria.length ? `${areaTitle}: the area as a whole` : areaTitle, order: out.length });
  });
  return out;
}

export function areaTitle(tool: AuditTool, areaId: string): string {
  const index = tool.areas.findIndex((a) => a.id === areaId);
  if (index < 0) return `Area ${areaId}`;
  const area = tool.areas[index]!;
  return `${index + 1}. ${area.title}${area.variant ? ` (${area.variant})` : ''}`;
}
