/**
 * How an audit tool forms its overall judgement, as data, and the pure functions that apply it.
 *
 * Two kinds exist because the source documents use two:
 * - `professional`: the auditor forms the judgement and gives a reason (seed 000). The product
 *   only proposes a grade from the area grades; the auditor confirms or changes it.
 * - `rule-based`: the tool states a rule (seed 003, "Overall Judgement" row). The rule is a list
 *   of outcomes checked in order; the first whose conditions hold gives the grade.
 *
 * Vocabulary used below:
 * - A **feature** is one item listed under a grade for an area (an area-level descriptor item,
 *   then each criterion's items at that grade, in file order). Seed 003 asks what share of
 *   "the features above" is evident, so the tool lists each feature as its own item and the
 *   auditor ticks the ones found evident.
 * - A **flag** is a yes/no question the rule needs that no grade can answer, such as whether there
 *   was a significant failure that affected the child's safety.
 */
import { z } from 'zod';
import type { Area, AuditTool } from './schema.ts';

const text = z.string().trim().min(1, 'must not be empty');
// Same shape as grade ids in schema.ts; defined here because schema.ts imports this module.
const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, 'must be lower-case letters, digits, dots and hyphens');

export const JudgementFlagSchema = z.object({
  id: slug,
  /** Asked of the auditor, to be answered yes or no. */
  question: text,
  /** The words of the source this question stands for. */
  quote: text.optional(),
});
export type JudgementFlag = z.infer<typeof JudgementFlagSchema>;

export const JudgementConditionSchema = z.discriminatedUnion('type', [
  /** Every applicable area has been graded `grade` or better. */
  z.object({ type: z.literal('every-area-at-least'), grade: slug }),
  /**
   * At least `percent` % of the features listed at `grade`, across all applicable areas, are
   * evident. With `orBetter`, an area graded better than `grade` counts all its features at
   * `grade` as evident: it went beyond them (seed 003: "75% of the features above are evident
   * (or better)").
   */
  z.object({
    type: z.literal('share-of-features'),
    grade: slug,
    percent: z.number().int().min(1).max(100),
    orBetter: z.boolean().default(false),
  }),
  /** The auditor answered the flag question `answer` (true = yes). */
  z.object({ type: z.literal('flag'), flag: slug, answer: z.boolean() }),
]);
export type JudgementCondition = z.infer<typeof JudgementConditionSchema>;

export const JudgementOutcomeSchema = z.object({
  grade: slug,
  /** all: every condition must hold; any: one is enough. */
  when: z.enum(['all', 'any']),
  conditions: z.array(JudgementConditionSchema).min(1),
  /** The source's own wording of this part of the rule. */
  quote: text,
});
export type JudgementOutcome = z.infer<typeof JudgementOutcomeSchema>;

export const ProfessionalJudgementSchema = z.object({
  type: z.literal('professional'),
  description: text,
  /**
   * How the proposal shown to the auditor is derived from the area grades.
   * lowest-area-grade: the worst area grade. most-common-area-grade: the grade given to most
   * areas; a tie goes to the worse grade, so the proposal never flatters the case.
   * Absent: nothing is proposed and the auditor judges unaided (seed 002 gives no rule at all).
   */
  proposal: z.enum(['lowest-area-grade', 'most-common-area-grade']).optional(),
});

export const RuleBasedJudgementSchema = z.object({
  type: z.literal('rule-based'),
  description: text,
  flags: z.array(JudgementFlagSchema).default([]),
  /** Checked in order: put the outcome that must override the others (inadequate) first. */
  outcomes: z.array(JudgementOutcomeSchema).min(1),
  /** The grade when no outcome applies, and why that follows from the source. */
  otherwise: z.object({ grade: slug, reason: text }),
});

export const JudgementRuleSchema = z
  .discriminatedUnion('type', [ProfessionalJudgementSchema, RuleBasedJudgementSchema])
  .superRefine((rule, ctx) => {
    if (rule.type !== 'rule-based') return;
    const flagIds = new Set<string>();
    rule.flags.forEach((flag, i) => {
      if (flagIds.has(flag.id)) ctx.addIssue({ code: 'custom', path: ['flags', i, 'id'], message: `duplicate flag id ${flag.id}` });
      flagIds.add(flag.id);
    });
    rule.outcomes.forEach((outcome, o) =>
      outcome.conditions.forEach((condition, c) => {
        if (condition.type === 'flag' && !flagIds.has(condition.flag)) {
          ctx.addIssue({ code: 'custom', path: ['outcomes', o, 'conditions', c, 'flag'], message: `"${condition.flag}" is not a flag of this rule` });
        }
      }),
    );
  });
export type JudgementRule = z.infer<typeof JudgementRuleSchema>;

/**
 * Grade ids the rule names that are not on the tool's scale, as paths relative to the rule, so
 * the audit-tool schema can report them against the file.
 */
export function unknownGradesInRule(rule: JudgementRule, gradeIds: ReadonlySet<string>): { path: (string | number)[]; grade: string }[] {
  if (rule.type !== 'rule-based') return [];
  const found: { path: (string | number)[]; grade: string }[] = [];
  rule.outcomes.forEach((outcome, o) => {
    if (!gradeIds.has(outcome.grade)) found.push({ path: ['outcomes', o, 'grade'], grade: outcome.grade });
    outcome.conditions.forEach((condition, c) => {
      if (condition.type !== 'flag' && !gradeIds.has(condition.grade)) found.push({ path: ['outcomes', o, 'conditions', c, 'grade'], grade: condition.grade });
    });
  });
  if (!gradeIds.has(rule.otherwise.grade)) found.push({ path: ['otherwise', 'grade'], grade: rule.otherwise.grade });
  return found;
}

/** What the auditor recorded for one area. */
export interface AreaAnswer {
  /** False when the area does not apply to this case; it is then left out of every count. */
  applicable?: boolean;
  grade?: string;
  /**
   * Per grade id, the 0-based positions (in `featuresAt(area, grade)`) of the features the
   * auditor found evident. A missing entry means "not recorded yet"; `[]` means "none evident".
   */
  evident?: Record<string, number[]>;
}

export interface JudgementInput {
  /** Keyed by area id. Areas not listed count as not yet answered. */
  areas: Record<string, AreaAnswer>;
  /** Answers to the rule's flag questions, keyed by flag id. */
  flags?: Record<string, boolean>;
}

export type JudgementResult =
  | { status: 'judged'; grade: string; reasons: string[] }
  /** Something the rule reads has not been answered; the form says what, rather than guessing. */
  | { status: 'incomplete'; missing: string[] };

/** An answer that cannot belong to this tool: a programming or data error, not a gap to fill. */
export class JudgementInputError extends Error {
  override name = 'JudgementInputError';
}

/** The features an auditor can tick for an area at a grade, in the order the form shows them. */
export function featuresAt(area: Area, grade: string): string[] {
  return [...(area.descriptors?.[grade] ?? []), ...area.criteria.flatMap((c) => c.descriptors[grade] ?? [])];
}

type Scale = AuditTool['scale'];

function rankOf(scale: Scale, grade: string): number {
  const found = scale.grades.find((g) => g.id === grade);
  if (!found) throw new JudgementInputError(`"${grade}" is not a grade on scale ${scale.id}`);
  return found.rank;
}

function labelOf(scale: Scale, grade: string): string {
  return scale.grades.find((g) => g.id === grade)?.label ?? grade;
}

function checkAnswers(tool: AuditTool, input: JudgementInput): void {
  for (const [areaId, answer] of Object.entries(input.areas)) {
    const area = tool.areas.find((a) => a.id === areaId);
    if (!area) throw new JudgementInputError(`"${areaId}" is not an area of ${tool.id}`);
    if (answer.grade !== undefined) rankOf(tool.scale, answer.grade);
    for (const [grade, positions] of Object.entries(answer.evident ?? {})) {
      const count = featuresAt(area, grade).length;
      rankOf(tool.scale, grade);
      if (new Set(positions).size !== positions.length) throw new JudgementInputError(`area ${areaId}: a ${grade} feature is ticked twice`);
      for (const p of positions) {
        if (!Number.isInteger(p) || p < 0 || p >= count) throw new JudgementInputError(`area ${areaId}: there is no ${grade} feature at position ${p} (it has ${count})`);
      }
    }
  }
}

const isApplicable = (input: JudgementInput, area: Area): boolean => input.areas[area.id]?.applicable !== false;

/** Every answer the rule reads that is still missing, in form order. */
function missingAnswers(tool: AuditTool, rule: z.infer<typeof RuleBasedJudgementSchema>, input: JudgementInput): string[] {
  const missing: string[] = [];
  const areas = tool.areas.filter((a) => isApplicable(input, a));
  if (areas.length === 0) return ['at least one area must apply to the case'];
  const shares = rule.outcomes.flatMap((o) => o.conditions).filter((c) => c.type === 'share-of-features');
  for (const area of areas) {
    const answer = input.areas[area.id];
    if (answer?.grade === undefined) {
      missing.push(`grade for area ${area.id} (${area.title})`);
      continue;
    }
    const levels = new Set<string>();
    for (const share of shares) {
      // An area graded better than the level counts as meeting it, so its ticks are not needed.
      const exceeded = share.orBetter && rankOf(tool.scale, answer.grade) < rankOf(tool.scale, share.grade);
      if (!exceeded && featuresAt(area, share.grade).length > 0 && answer.evident?.[share.grade] === undefined) levels.add(share.grade);
    }
    // In scale order, as the form lists the levels, whatever order the rule checks them in.
    for (const { id } of tool.scale.grades) {
      if (levels.has(id)) missing.push(`${labelOf(tool.scale, id)} features evident for area ${area.id} (${area.title})`);
    }
  }
  for (const flag of rule.flags) {
    if (input.flags?.[flag.id] === undefined) missing.push(`answer to: ${flag.question}`);
  }
  return missing;
}

/** Rounded down, so a share just under a threshold is never displayed as reaching it. */
function percent(part: number, whole: number): string {
  return `${Math.floor((part * 100) / whole)}%`;
}

/** Whether a condition holds, with a sentence saying why, for the audit record. */
function checkCondition(tool: AuditTool, rule: z.infer<typeof RuleBasedJudgementSchema>, condition: JudgementCondition, input: JudgementInput): { holds: boolean; why: string } {
  const areas = tool.areas.filter((a) => isApplicable(input, a));
  const gradeOf = (area: Area): string => input.areas[area.id]?.grade as string; // presence checked by missingAnswers
  switch (condition.type) {
    case 'every-area-at-least': {
      const limit = rankOf(tool.scale, condition.grade);
      const below = areas.filter((a) => rankOf(tool.scale, gradeOf(a)) > limit);
      const label = labelOf(tool.scale, condition.grade);
      return below.length === 0
        ? { holds: true, why: `every area is graded ${label} or better` }
        : { holds: false, why: `${below.length} area(s) graded below ${label}: ${below.map((a) => a.title).join(', ')}` };
    }
    case 'share-of-features': {
      const level = rankOf(tool.scale, condition.grade);
      let evident = 0;
      let total = 0;
      for (const area of areas) {
        const count = featuresAt(area, condition.grade).length;
        total += count;
        if (condition.orBetter && rankOf(tool.scale, gradeOf(area)) < level) evident += count;
        else evident += input.areas[area.id]?.evident?.[condition.grade]?.length ?? 0;
      }
      const label = labelOf(tool.scale, condition.grade);
      if (total === 0) return { holds: false, why: `no ${label} features apply to this case` };
      // Integer comparison, so exactly 75% (or 25%) is never lost to floating-point rounding.
      const holds = evident * 100 >= condition.percent * total;
      const counted = condition.orBetter ? ' or bettered' : '';
      return { holds, why: `${evident} of ${total} ${label} features evident${counted} (${percent(evident, total)}; ${condition.percent}% or more needed)` };
    }
    case 'flag': {
      const flag = rule.flags.find((f) => f.id === condition.flag);
      const answer = input.flags?.[condition.flag];
      return { holds: answer === condition.answer, why: `${flag?.question ?? condition.flag} ${answer ? 'Yes' : 'No'}` };
    }
  }
}

/**
 * The overall judgement of a rule-based tool. Outcomes are tried in the tool's order and the
 * first that holds gives the grade; the reasons record each outcome tried, so the auditor and a
 * moderator can see why the case is not graded higher. Nothing is computed until every answer
 * the rule reads is present: a judgement formed on half an audit would mislead.
 */
export function evaluateJudgement(tool: AuditTool, input: JudgementInput): JudgementResult {
  const rule = tool.judgement;
  if (rule.type !== 'rule-based') throw new JudgementInputError(`${tool.id} is judged professionally; use proposeJudgement`);
  checkAnswers(tool, input);
  for (const [flagId, answer] of Object.entries(input.flags ?? {})) {
    if (!rule.flags.some((f) => f.id === flagId)) throw new JudgementInputError(`"${flagId}" is not a flag of ${tool.id}`);
    if (typeof answer !== 'boolean') throw new JudgementInputError(`flag ${flagId} must be answered yes or no`);
  }
  const missing = missingAnswers(tool, rule, input);
  if (missing.length > 0) return { status: 'incomplete', missing };

  const reasons: string[] = [];
  for (const outcome of rule.outcomes) {
    const checks = outcome.conditions.map((c) => checkCondition(tool, rule, c, input));
    const holds = outcome.when === 'all' ? checks.every((c) => c.holds) : checks.some((c) => c.holds);
    const label = labelOf(tool.scale, outcome.grade);
    reasons.push(`${label}: ${holds ? 'applies' : 'does not apply'} (${checks.map((c) => c.why).join('; ')})`);
    if (holds) return { status: 'judged', grade: outcome.grade, reasons };
  }
  reasons.push(`${labelOf(tool.scale, rule.otherwise.grade)}: ${rule.otherwise.reason}`);
  return { status: 'judged', grade: rule.otherwise.grade, reasons };
}

/**
 * The grade offered to the auditor of a professionally judged tool, from the area grades of the
 * areas that apply to the case (e.g. only one variant of seed 000's area 6). The auditor confirms
 * it or records another grade with a reason; this is never the judgement itself. Null when the
 * tool proposes nothing.
 */
export function proposeJudgement(tool: AuditTool, areaGrades: Record<string, string | undefined>): JudgementResult | null {
  const rule = tool.judgement;
  if (rule.type !== 'professional') throw new JudgementInputError(`${tool.id} is judged by rule; use evaluateJudgement`);
  if (rule.proposal === undefined) return null;
  const graded: { area: Area; grade: string; rank: number }[] = [];
  const missing: string[] = [];
  for (const [areaId, grade] of Object.entries(areaGrades)) {
    const area = tool.areas.find((a) => a.id === areaId);
    if (!area) throw new JudgementInputError(`"${areaId}" is not an area of ${tool.id}`);
    if (grade === undefined) missing.push(`grade for area ${area.id} (${area.title})`);
    else graded.push({ area, grade, rank: rankOf(tool.scale, grade) });
  }
  if (Object.keys(areaGrades).length === 0) missing.push('at least one area must apply to the case');
  if (missing.length > 0) return { status: 'incomplete', missing };

  if (rule.proposal === 'lowest-area-grade') {
    const worst = graded.reduce((a, b) => (b.rank > a.rank ? b : a));
    return { status: 'judged', grade: worst.grade, reasons: [`lowest area grade: ${labelOf(tool.scale, worst.grade)} (${worst.area.title})`] };
  }
  const tally = new Map<string, number>();
  for (const g of graded) tally.set(g.grade, (tally.get(g.grade) ?? 0) + 1);
  const [grade, count] = [...tally].reduce((a, b) => (b[1] > a[1] || (b[1] === a[1] && rankOf(tool.scale, b[0]) > rankOf(tool.scale, a[0])) ? b : a));
  return { status: 'judged', grade, reasons: [`most common area grade: ${labelOf(tool.scale, grade)} (${count} of ${graded.length} areas)`] };
}
