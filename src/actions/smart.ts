/**
 * SMART checks on an action as it is written. Seed 004 standard 4.2 asks for actions that are
 * "specific, measurable, achievable, realistic and have set timescales", and says "Terms like
 * ‘ongoing’ and ‘ASAP’ are unacceptable and not to be used". These are warnings, not refusals:
 * the person writing the action may have a good reason, and must be able to save it once they
 * have seen the warning.
 */

export interface SmartWarning {
  field: 'what' | 'dueDate';
  text: string;
}

/** Words that stand in for a timescale. Whole words only: "ongoingness" is not a thing, "asap" is. */
const VAGUE_TIMESCALES: ReadonlyArray<{ pattern: RegExp; words: string }> = [
  { pattern: /\bon-?going\b/i, words: '“ongoing”' },
  { pattern: /\ba\.?s\.?a\.?p\b\.?/i, words: '“ASAP”' },
  { pattern: /\bas\s+soon\s+as\s+(?:possible|practicable)\b/i, words: '“as soon as possible”' },
];

export function smartWarnings(input: { what: string; dueDate?: string | null | undefined }): SmartWarning[] {
  const warnings: SmartWarning[] = [];
  for (const { pattern, words } of VAGUE_TIMESCALES) {
    if (pattern.test(input.what)) {
      warnings.push({ field: 'what', text: `The action says ${words}: say what will be done by when instead (practice standard 4.2: actions must have set timescales)` });
    }
  }
  if (!input.dueDate) {
    warnings.push({ field: 'dueDate', text: 'The action has no due date: the default deadline will be used unless you give one' });
  }
  return warnings;
}
