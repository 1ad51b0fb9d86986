/**
 * An audit tool turned into the stage 1 form: which areas apply to this child, what is graded in
 * each (every criterion, then the area as a whole), the descriptors shown beside each grade, and
 * the features an auditor ticks where the tool's judgement counts them. Pure: the same tool and
 * case type always give the same form, so saved answers stay attached to the same items.
 */
import { featuresAt } from '../standards/judgement-rule.ts';
import type { Area, AuditTool } from '../standards/schema.ts';

export interface GradeOption {
  id: string;
  label: string;
  code: string;
  /** What the tool says this grade looks like for the item; empty when it says nothing. */
  descriptors: string[];
}

/**
 * One graded thing on an area page. Index 0 is the area as a whole (`criterionId` ''); then each
 * criterion in the tool's order. Field names use the index (`i2-grade`), never the tool's ids,
 * so no id from a file ends up in an HTML name or a URL fragment.
 */
export interface FormItem {
  index: number;
  criterionId: string;
  title: string;
  grades: GradeOption[];
}

export interface FeatureGroup {
  grade: string;
  label: string;
  features: string[];
}

export interface FormArea {
  id: string;
  /** Position in the tool, for URLs: /areas/3 rather than the tool's own id. Stable for a version. */
  number: number;
  /** Position among the areas that apply to this child: how people number them ("area 6"). */
  position: number;
  title: string;
  variant: string | undefined;
  description: string | undefined;
  keyDocuments: string[];
  items: FormItem[];
  /** Features (or indicators) the auditor ticks, by grade; empty when the tool does not count them. */
  featureGroups: FeatureGroup[];
}

/**
 * Whether the auditor ticks the features found evident: indicator checklists always, and tools
 * whose rule counts a share of features (seed 003's 75% / 25%).
 */
export function ticksFeatures(tool: AuditTool): boolean {
  if (tool.style === 'indicator-checklist') return true;
  return tool.judgement.type === 'rule-based' && tool.judgement.outcomes.some((o) => o.conditions.some((c) => c.type === 'share-of-features'));
}

/**
 * Areas that apply to a child of this case type. An area without `appliesTo` applies to every
 * child; a variant (seed 000's area 6) only to its case types. When the case type is unknown
 * every variant is offered and the auditor marks the one that does not apply.
 */
export function areaApplies(area: Area, caseType: string | null): boolean {
  if (!area.appliesTo || caseType === null) return true;
  return (area.appliesTo as readonly string[]).includes(caseType);
}

export function formAreas(tool: AuditTool, caseType: string | null): FormArea[] {
  const ticks = ticksFeatures(tool);
  let shown = 0;
  return tool.areas.flatMap((area, index) => {
    if (!areaApplies(area, caseType)) return [];
    const optionsFor = (descriptors: Record<string, string[]> | undefined): GradeOption[] =>
      // With ticked features the descriptors are already on the page as checkboxes.
      tool.scale.grades.map((g) => ({ id: g.id, label: g.label, code: g.code, descriptors: ticks ? [] : (descriptors?.[g.id] ?? []) }));
    const items: FormItem[] = [
      { index: 0, criterionId: '', title: 'The area as a whole', grades: optionsFor(area.descriptors) },
      ...area.criteria.map((c, i) => ({ index: i + 1, criterionId: c.id, title: c.title ? `${c.id} ${c.title}` : `Criterion ${c.id}`, grades: optionsFor(c.descriptors) })),
    ];
    const featureGroups = ticks
      ? tool.scale.grades.map((g) => ({ grade: g.id, label: g.label, features: featuresAt(area, g.id) })).filter((g) => g.features.length > 0)
      : [];
    return [
      {
        id: area.id,
        number: index + 1,
        position: ++shown,
        title: area.title,
        variant: area.variant,
        description: area.description,
        keyDocuments: area.keyDocuments ?? [],
        items,
        featureGroups,
      },
    ];
  });
}

export function findArea(areas: readonly FormArea[], number: number): FormArea | undefined {
  return areas.find((a) => a.number === number);
}

/** What is saved for one item at one stage (a row of audit_responses). */
export interface ItemAnswer {
  grade: string | null;
  evidence: string | null;
  workingWell: string | null;
  worries: string | null;
  nextSteps: string | null;
  reason: string | null;
  featuresEvident: Record<string, number[]> | null;
}

export type TaskStatus = 'not-started' | 'in-progress' | 'completed' | 'not-applicable';

const hasText = (value: string | null | undefined) => typeof value === 'string' && value.trim().length > 0;

function touched(answer: ItemAnswer | undefined): boolean {
  if (!answer) return false;
  return (
    answer.grade !== null ||
    [answer.evidence, answer.workingWell, answer.worries, answer.nextSteps, answer.reason].some(hasText) ||
    Object.values(answer.featuresEvident ?? {}).some((p) => p.length > 0)
  );
}

/**
 * The auditor's task status for an area. Completed means every item is graded with its evidence
 * (every judgement must show the evidence behind it) and, where features are ticked, the area's
 * ticks have been saved. Anything less that has been started is in progress.
 */
export function auditAreaStatus(area: FormArea, answers: ReadonlyMap<string, ItemAnswer>, notApplicable: boolean): TaskStatus {
  if (notApplicable) return 'not-applicable';
  const all = area.items.map((item) => answers.get(item.criterionId));
  const complete =
    all.every((a) => a !== undefined && a.grade !== null && hasText(a.evidence)) &&
    (area.featureGroups.length === 0 || area.featureGroups.every((g) => answers.get('')?.featuresEvident?.[g.grade] !== undefined));
  if (complete) return 'completed';
  return all.some(touched) ? 'in-progress' : 'not-started';
}

/** The practitioner's self-assessment of an area: completed when every item has a grade. */
export function selfAssessmentAreaStatus(area: FormArea, answers: ReadonlyMap<string, ItemAnswer>): TaskStatus {
  const all = area.items.map((item) => answers.get(item.criterionId));
  if (all.every((a) => a?.grade != null)) return 'completed';
  return all.some(touched) ? 'in-progress' : 'not-started';
}

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  'not-started': 'Not yet started',
  'in-progress': 'In progress',
  completed: 'Completed',
  'not-applicable': 'Does not apply',
};
