/** The case types a QA officer chooses from, as the issue names them, and their labels. */
export const CASE_TYPES = ['cin', 'cp', 'cla', 'care-leaver'] as const;
export type ManualCaseType = (typeof CASE_TYPES)[number];

export const CASE_TYPE_LABELS: Record<string, string> = {
  cin: 'Child in need',
  cp: 'Child protection',
  cla: 'Looked after',
  'care-leaver': 'Care leaver',
  'early-help': 'Early help',
  adoption: 'Adoption',
  'pre-birth': 'Pre-birth',
};

export function caseTypeLabel(caseType: string | null): string {
  return caseType ? (CASE_TYPE_LABELS[caseType] ?? caseType) : 'Not recorded';
}
