/**
 * Turns a round into what its page says: how the cases were drawn, every rule in plain words with
 * how many cases it left out, every candidate with its outcome, and who audits which case.
 */
import { formatDate } from '../../platform/http/render.ts';
import { caseTypeLabel } from '../../cases/manual/case-types.ts';
import type { ExclusionRule, SamplingMethod, StratifyBy } from './sampling.ts';
import { TARGETS } from './sampling.ts';
import type { RoundView } from './rounds.ts';

export const METHOD_LABELS = { random: 'Random', stratified: 'Stratified', targeted: 'Targeted' } as const;
export const STRATIFY_LABELS: Record<StratifyBy, string> = { service: 'Service', team: 'Team', caseType: 'Case type' };

export function describeMethod(method: SamplingMethod): string {
  if (method.kind === 'random') return 'Random: every eligible case had the same chance of being chosen.';
  if (method.kind === 'stratified') {
    return `Stratified by ${STRATIFY_LABELS[method.by].toLowerCase()}: each ${STRATIFY_LABELS[method.by].toLowerCase()} gets a share of the sample in proportion to its eligible cases, chosen at random within it.`;
  }
  const target = TARGETS.get(method.target);
  return `Targeted: ${target ? `${target.label.toLowerCase()}. ${target.explanation}` : method.target}`;
}

export interface RuleExplanation {
  rule: ExclusionRule;
  title: string;
  text: string;
  excluded: number;
}

/** The rules in the words the round page uses, given the round's settings. */
export function explainRules(exclusionMonths: number, cutOff: string | null, counts: Partial<Record<ExclusionRule, number>> = {}, targeted = false): RuleExplanation[] {
  const rules: RuleExplanation[] = [
    {
      rule: 'own-team',
      title: 'Never from the auditor’s own team',
      text: 'A case is only given to an auditor from another team, who is not the child’s worker. A case that every auditor in the round is too close to is left out.',
      excluded: counts['own-team'] ?? 0,
    },
    {
      rule: 'recent-audit',
      title: exclusionMonths > 0 ? `Not audited in the last ${exclusionMonths} months` : 'Recently audited cases are not left out',
      text:
        exclusionMonths > 0 && cutOff
          ? `A case audited on or after ${formatDate(cutOff)} is left out, so the same child is not audited again so soon.`
          : 'This round was drawn with the rule turned off (0 months).',
      excluded: counts['recent-audit'] ?? 0,
    },
    {
      rule: 'open-audit',
      title: 'One open audit per case',
      text: 'A case with an audit still under way (not closed or cancelled) is left out. The rule is checked again when the round is allocated.',
      excluded: counts['open-audit'] ?? 0,
    },
  ];
  if (targeted) rules.push({ rule: 'not-targeted', title: 'Only the targeted cases', text: 'An eligible case the target does not pick is left out.', excluded: counts['not-targeted'] ?? 0 });
  return rules;
}

const SHORT_REASON: Record<ExclusionRule, string> = {
  'own-team': 'Every auditor is in the child’s team or is the worker',
  'recent-audit': 'Audited recently',
  'open-audit': 'Audit already under way',
  'not-targeted': 'Not targeted',
};

export function presentRound(round: RoundView, names: { teams: Map<string, string>; services: Map<string, string> }) {
  const person = (id: string | null) => (id ? (round.people.get(id)?.name ?? 'Former member of staff') : 'None');
  const counts: Partial<Record<ExclusionRule, number>> = {};
  for (const e of round.record.entries) for (const r of e.rules) counts[r] = (counts[r] ?? 0) + 1;
  const method = round.method.method;
  const stratumName = (key: string) => {
    if (key === 'none') return 'Not recorded';
    if (method.kind !== 'stratified') return key;
    if (method.by === 'service') return names.services.get(key) ?? 'Unknown service';
    if (method.by === 'team') return names.teams.get(key) ?? 'Unknown team';
    return caseTypeLabel(key);
  };
  const proposed = round.allocation.state === 'proposed' ? new Map(round.allocation.proposal.assigned.map((a) => [a.childId, a.auditorId])) : new Map<string, string>();
  const allocatedAudits = round.allocation.state === 'allocated' ? round.allocation.audits : [];
  const allocatedByChild = new Map(allocatedAudits.map((a) => [a.childId, a]));
  const notAllocated =
    round.allocation.state === 'allocated' ? round.allocation.notAllocated : round.allocation.state === 'proposed' ? round.allocation.proposal.unassigned : [];
  const refOf = new Map(round.record.entries.map((e) => [e.candidate.childId, e.candidate.childRef]));
  return {
    id: round.id,
    title: round.title,
    programmeId: round.programmeId,
    programmeTitle: round.programmeTitle,
    drawnAt: round.drawnAt,
    drawnByName: round.drawnByName,
    methodLabel: METHOD_LABELS[method.kind],
    methodText: describeMethod(method),
    seed: round.method.seed,
    drawDate: round.method.drawDate,
    dueDate: round.method.dueDate,
    sampleSize: round.method.sampleSize,
    caseTypes: round.method.caseTypes.map(caseTypeLabel),
    reproduced: round.reproduced,
    candidateCount: round.record.entries.length,
    eligibleCount: round.record.entries.filter((e) => e.outcome !== 'excluded').length,
    rules: explainRules(round.method.exclusionMonths, round.record.cutOff, counts, method.kind === 'targeted'),
    strata: round.record.strata.map((s) => ({ name: stratumName(s.key), eligible: s.eligible, quota: s.quota })),
    auditors: round.method.auditors.map((a) => ({
      name: person(a.userId),
      team: a.teamId ? (names.teams.get(a.teamId) ?? 'Unknown team') : 'No team',
      openNow: round.allocation.state === 'proposed' ? (round.allocation.loads.get(a.userId) ?? 0) : null,
      afterAllocation: round.allocation.state === 'proposed' ? (round.allocation.proposal.loads.get(a.userId) ?? 0) : null,
      allocated: allocatedAudits.filter((x) => x.auditorId === a.userId).length,
    })),
    chosen: round.chosen.map((e) => {
      const audit = allocatedByChild.get(e.candidate.childId);
      return {
        position: e.position!,
        childRef: e.candidate.childRef,
        team: e.candidate.teamId ? (names.teams.get(e.candidate.teamId) ?? 'Unknown team') : 'No team',
        caseType: caseTypeLabel(e.candidate.caseType),
        note: e.stratum !== undefined ? stratumName(e.stratum) : (e.targetNote ?? ''),
        auditor: audit ? person(audit.auditorId) : proposed.has(e.candidate.childId) ? person(proposed.get(e.candidate.childId)!) : 'Not allocated',
        auditId: audit?.id ?? null,
        practitioner: audit ? person(audit.practitionerId) : person(e.candidate.workerId),
        status: audit?.status ?? null,
      };
    }),
    notAllocated: notAllocated.map((n) => ({ childRef: refOf.get(n.childId) ?? 'Unknown case', reason: n.reason })),
    allocated: round.allocation.state === 'allocated' ? { at: round.allocation.allocatedAt, byName: round.allocation.allocatedByName, count: allocatedAudits.length } : null,
    proposedCount: round.allocation.state === 'proposed' ? round.allocation.proposal.assigned.length : 0,
    candidates: round.record.entries.map((e) => ({
      childRef: e.candidate.childRef,
      team: e.candidate.teamId ? (names.teams.get(e.candidate.teamId) ?? 'Unknown team') : 'No team',
      caseType: caseTypeLabel(e.candidate.caseType),
      lastAudited: e.candidate.lastAuditedOn,
      outcome: e.outcome === 'chosen' ? 'Chosen' : e.outcome === 'not-drawn' ? 'Eligible, not drawn' : 'Left out',
      reasons: e.rules.map((r) => SHORT_REASON[r]),
    })),
  };
}
export type RoundPage = ReturnType<typeof presentRound>;
