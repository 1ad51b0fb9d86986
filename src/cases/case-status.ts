/**
 * A child's current case type, worked out from their imported facts on a given day: the most
 * intensive involvement open that day wins (looked after, then a protection plan, then child in
 * need, then care-leaver support, then early help). Null means nothing is open: the case is closed.
 */
import { addMonths } from '../platform/calendar/iso-date.ts';
import type { CaseFact } from './facts.ts';

export type CurrentCaseType = 'cla' | 'cp' | 'cin' | 'care-leaver' | 'early-help';

const PRIORITY: readonly CurrentCaseType[] = ['cla', 'cp', 'cin', 'care-leaver', 'early-help'];

const openOn = (start: string, end: string | undefined, day: string) => start <= day && (end === undefined || end > day);

export function currentCaseType(facts: readonly CaseFact[], asOf: string): CurrentCaseType | null {
  const open = new Set<CurrentCaseType>();
  // A care leaver is "in touch" while contact or pathway planning happened in the last year.
  const inTouchSince = addMonths(asOf, -12);
  for (const fact of facts) {
    switch (fact.kind) {
      case 'cla-episode':
        if (openOn(fact.startDate, fact.endDate, asOf)) open.add('cla');
        break;
      case 'cp-plan':
        if (openOn(fact.startDate, fact.endDate, asOf)) open.add('cp');
        break;
      case 'cin-plan':
      case 'cin-episode':
        if (openOn(fact.startDate, fact.endDate, asOf)) open.add('cin');
        break;
      case 'care-leaver-contact':
      case 'pathway-plan-review':
        if (fact.date <= asOf && fact.date > inTouchSince) open.add('care-leaver');
        break;
      case 'early-help':
        if (openOn(fact.startDate, fact.endDate, asOf)) open.add('early-help');
        break;
      default:
        break;
    }
  }
  return PRIORITY.find((type) => open.has(type)) ?? null;
}

const LABELS: Record<string, string> = {
  cla: 'Looked after',
  cp: 'Child protection',
  cin: 'Child in need',
  'care-leaver': 'Care leaver',
  'early-help': 'Early help',
  adoption: 'Adoption',
  'pre-birth': 'Pre-birth',
};

/** Words for a case type; a closed case (no type) reads as closed. */
export function caseTypeLabel(caseType: string | null): string {
  return caseType === null ? 'Closed' : (LABELS[caseType] ?? caseType);
}

export const CASE_TYPE_OPTIONS: readonly { value: CurrentCaseType; text: string }[] = PRIORITY.map((value) => ({ value, text: LABELS[value]! }));
