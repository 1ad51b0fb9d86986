/**
 * A child's chronology: every imported event in date order, each traced to the row of the
 * extract it came from, with the deadlines that were met or missed placed on the day they were
 * decided. Pure: the case page gives it the child's facts and stored deadlines.
 */
import type { CaseFact, FactSource } from './facts.ts';

export interface ChronologyEvent {
  date: string;
  kind: 'event' | 'deadline';
  title: string;
  detail?: string;
  /** For a deadline: met or missed, when it was due and the date it was counted from. */
  outcome?: 'met' | 'missed';
  dueDate?: string;
  anchorDate?: string;
  /** Where the event came from ("SSD, ssd_cp_visits.csv row 12"). */
  source?: string;
}

export interface DecidedDeadline {
  label: string;
  status: 'met' | 'missed';
  anchorDate: string;
  dueDate: string;
  actualDate: string | null;
}

const FORMAT_LABELS: Record<FactSource['format'], string> = {
  'annex-a': 'Annex A',
  ssda903: 'SSDA903',
  'cin-census': 'CIN census',
  ssd: 'SSD',
  manual: 'Entered in Sightline',
};

function sourceLabel(source: FactSource): string {
  const where = [source.file, source.sheet !== undefined && source.sheet !== source.file ? source.sheet : undefined, source.row === undefined ? undefined : `row ${source.row}`]
    .filter((part) => part !== undefined)
    .join(', ');
  return `${FORMAT_LABELS[source.format]}: ${where}`;
}

const join = (...parts: (string | undefined | false)[]) => parts.filter((p): p is string => typeof p === 'string' && p !== '').join('; ') || undefined;

function seenDetail(seen: boolean | undefined, seenAlone: boolean | undefined): string | undefined {
  if (seen === false) return 'child not seen';
  if (seenAlone === true) return 'child seen alone';
  if (seenAlone === false) return 'child seen, not alone';
  return undefined;
}

/** The events one fact records: a span gives its start and its end, a conference its own day. */
function eventsOf(fact: CaseFact): Omit<ChronologyEvent, 'kind' | 'source'>[] {
  switch (fact.kind) {
    case 'contact':
      return [{ date: fact.date, title: 'Contact received', detail: join(fact.contactSource && `source ${fact.contactSource}`, fact.outcome && `outcome: ${fact.outcome}`) }];
    case 'early-help':
      return span(fact, 'Early help started', 'Early help ended');
    case 'referral':
      return [{ date: fact.date, title: 'Referral', detail: join(fact.referralSource && `source ${fact.referralSource}`, fact.nfa === true && 'no further action') }];
    case 'cin-episode':
      return span(fact, 'Child in need episode opened', 'Child in need episode closed', join(fact.primaryNeed && `primary need ${fact.primaryNeed}`), join(fact.closureReason && `reason ${fact.closureReason}`));
    case 'assessment': {
      const events = [{ date: fact.startDate, title: 'Assessment started', detail: join(fact.childSeen === false && 'child not seen') }];
      if (fact.authorisedDate) events.push({ date: fact.authorisedDate, title: 'Assessment authorised', detail: join(fact.factors?.length ? `factors ${fact.factors.join(', ')}` : undefined) });
      return events;
    }
    case 's47': {
      const events: Omit<ChronologyEvent, 'kind' | 'source'>[] = [{ date: fact.strategyDate, title: 'Strategy discussion' }];
      if (fact.s47StartDate && fact.s47StartDate !== fact.strategyDate) events.push({ date: fact.s47StartDate, title: 'Section 47 enquiry started' });
      if (fact.icpcDate) events.push({ date: fact.icpcDate, title: 'Initial child protection conference', detail: join(fact.icpcResultedInPlan === true && 'child protection plan made', fact.icpcResultedInPlan === false && 'no plan made') });
      else if (fact.icpcNotRequired) events[0]!.detail = join(fact.outcome && `outcome: ${fact.outcome}`, 'conference not required');
      return events;
    }
    case 'icpc':
      return [{ date: fact.date, title: 'Initial child protection conference', detail: join(fact.resultedInPlan === true && 'child protection plan made', fact.resultedInPlan === false && 'no plan made') }];
    case 'cin-plan':
      return span(fact, 'Child in need plan started', 'Child in need plan ended');
    case 'cin-visit':
      return [{ date: fact.date, title: 'Child in need visit', detail: seenDetail(fact.seen, fact.seenAlone) }];
    case 'cp-plan':
      return span(fact, 'Child protection plan started', 'Child protection plan ended', join(fact.category && `category ${fact.category}`, fact.previousPlans ? `${fact.previousPlans} previous plan(s)` : undefined));
    case 'cp-visit':
      return [{ date: fact.date, title: 'Child protection visit', detail: seenDetail(fact.seen, fact.seenAlone) }];
    case 'cp-review':
      return [{ date: fact.date, title: 'Review child protection conference' }];
    case 'cla-episode':
      return span(
        fact,
        fact.rne === 'S' ? 'Became looked after' : 'Care episode started',
        'Care episode ended',
        join(fact.rne && `reason for new episode ${fact.rne}`, fact.legalStatus && `legal status ${fact.legalStatus}`, fact.placement && `placement ${fact.placement}`),
        join(fact.reasonEnded && `reason ${fact.reasonEnded}`),
      );
    case 'cla-review':
      return [{ date: fact.date, title: 'Looked-after review', detail: join(fact.participation && `participation ${fact.participation}`) }];
    case 'cla-visit':
      return [{ date: fact.date, title: 'Looked-after visit', detail: seenDetail(fact.seen, fact.seenAlone) }];
    case 'placement':
      return span(fact, 'Placement started', 'Placement ended', join(fact.placementType && `type ${fact.placementType}`));
    case 'health-assessment':
      return [{ date: fact.date, title: 'Health assessment' }];
    case 'placement-count':
      return [{ date: fact.asOf, title: 'Placements in the last 12 months (Annex A)', detail: String(fact.placementsLast12Months) }];
    case 'missing':
      return span(fact, fact.type === 'away' ? 'Away from placement' : 'Missing', fact.type === 'away' ? 'Returned to placement' : 'Returned from missing');
    case 'care-leaver-contact':
      return [{ date: fact.date, title: 'Care leaver contact', detail: join(fact.accommodation && `accommodation ${fact.accommodation}`, fact.activity && `activity ${fact.activity}`) }];
    case 'pathway-plan-review':
      return [{ date: fact.date, title: 'Pathway plan review' }];
    case 'adoption':
      return [
        fact.decisionDate && { date: fact.decisionDate, title: 'Decision that the child should be placed for adoption' },
        fact.placementOrderDate && { date: fact.placementOrderDate, title: 'Placement order' },
        fact.matchedDate && { date: fact.matchedDate, title: 'Matched with adopters' },
        fact.placedDate && { date: fact.placedDate, title: 'Placed for adoption' },
        fact.orderDate && { date: fact.orderDate, title: 'Adoption order' },
        fact.decisionReversedDate && { date: fact.decisionReversedDate, title: 'Adoption decision reversed' },
      ].filter((e): e is { date: string; title: string } => Boolean(e));
    case 'allocation':
      return span(fact, 'Allocated', 'Allocation ended', join(fact.worker, fact.team));
    case 'deprivation-of-liberty':
      return span(fact, 'Deprivation of liberty order', 'Deprivation of liberty order ended');
  }
}

function span(fact: { startDate: string; endDate?: string }, started: string, ended: string, startDetail?: string, endDetail?: string): Omit<ChronologyEvent, 'kind' | 'source'>[] {
  const events: Omit<ChronologyEvent, 'kind' | 'source'>[] = [{ date: fact.startDate, title: started, ...(startDetail ? { detail: startDetail } : {}) }];
  if (fact.endDate) events.push({ date: fact.endDate, title: ended, ...(endDetail ? { detail: endDetail } : {}) });
  return events;
}

/**
 * Events and decided deadlines, oldest first. A deadline sits on the day it was met or missed (the
 * event's date, or for one that never happened, its due date), after that day's events.
 */
export function buildChronology(facts: readonly CaseFact[], deadlines: readonly DecidedDeadline[]): ChronologyEvent[] {
  const entries: ChronologyEvent[] = [];
  for (const fact of facts) {
    const source = sourceLabel(fact.source);
    for (const event of eventsOf(fact)) entries.push({ ...event, kind: 'event', source });
  }
  for (const d of deadlines) {
    entries.push({
      date: d.actualDate ?? d.dueDate,
      kind: 'deadline',
      title: d.label,
      outcome: d.status,
      dueDate: d.dueDate,
      anchorDate: d.anchorDate,
    });
  }
  const rank = (e: ChronologyEvent) => (e.kind === 'event' ? 0 : 1);
  return entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : rank(a) - rank(b)));
}
