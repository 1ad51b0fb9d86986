/**
 * Dispute resolution (seed 002, "Dispute Resolution"): when the moderator does not agree with the
 * audit outcome "they will meet with the auditor to discuss and agree a revised grading", and
 * "Appendix 2 sets out the process for further escalation". Appendix 2 is a graphic with no text,
 * so the chain beyond the meeting is the council's to configure; the default is the issue's: the
 * QA lead, then the head of service. Level 0 is always the meeting; level n is the chain's n-th
 * step. Every level has a timescale in working days.
 */
import { z } from 'zod';
import type { WorkingDayCalendar } from '../../platform/calendar/index.ts';
import type { IsoDate } from '../../platform/calendar/index.ts';

export const DECIDER_ROLES = ['qa-officer', 'group-manager', 'senior-leader'] as const;

export const DeciderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('role'), role: z.enum(DECIDER_ROLES) }),
  /** The lead of the service the audited child's team belongs to: the head of service. */
  z.object({ kind: z.literal('service-lead') }),
  z.object({ kind: z.literal('user'), userId: z.uuid() }),
]);
export type Decider = z.infer<typeof DeciderSchema>;

const workingDays = z.number().int().min(1).max(60);

export const DisputeChainSchema = z.object({
  meetingWorkingDays: workingDays,
  steps: z
    .array(z.object({ title: z.string().trim().min(1).max(80), decider: DeciderSchema, workingDays }))
    .min(1)
    .max(4),
});
export type DisputeChain = z.infer<typeof DisputeChainSchema>;
export type DisputeStep = DisputeChain['steps'][number];

export const DEFAULT_CHAIN: DisputeChain = {
  meetingWorkingDays: 5,
  steps: [
    { title: 'QA lead', decider: { kind: 'role', role: 'qa-officer' }, workingDays: 10 },
    { title: 'Head of service', decider: { kind: 'service-lead' }, workingDays: 10 },
  ],
};

export const MEETING_TITLE = 'Moderator and auditor meet';

export function levelTitle(chain: DisputeChain, level: number): string {
  return level === 0 ? MEETING_TITLE : (chain.steps[level - 1]?.title ?? `Level ${level}`);
}

export function workingDaysAt(chain: DisputeChain, level: number): number {
  const days = level === 0 ? chain.meetingWorkingDays : chain.steps[level - 1]?.workingDays;
  if (days === undefined) throw new RangeError(`the dispute chain has no level ${level}`);
  return days;
}

/** The date the decision at `level` is due, counting working days from the day the level began. */
export function levelDueDate(calendar: WorkingDayCalendar, began: IsoDate, chain: DisputeChain, level: number): IsoDate {
  return calendar.addWorkingDays(began, workingDaysAt(chain, level));
}

export function canEscalate(chain: DisputeChain, level: number): boolean {
  return level < chain.steps.length;
}

/** upheld: the moderated grade stands; revised: the dispute changed it. */
export type DisputeOutcome = 'upheld' | 'revised';

export function outcomeOf(moderatedGrade: string | null, resolvedGrade: string): DisputeOutcome {
  return moderatedGrade === resolvedGrade ? 'upheld' : 'revised';
}

export interface DisputeSummary {
  raised: number;
  open: number;
  /** Resolved disputes by the level they were resolved at, level 0 first. */
  resolvedAt: Array<{ level: number; title: string; count: number }>;
  upheld: number;
  revised: number;
  /** Open disputes past their level's due date. */
  overdue: number;
}

export function summariseDisputes(rows: ReadonlyArray<{ status: string; level: number; outcome: string | null; stepDueDate: IsoDate }>, chain: DisputeChain, today: IsoDate): DisputeSummary {
  const levels = chain.steps.length + 1;
  const deepest = Math.max(levels - 1, ...rows.map((r) => r.level));
  const resolvedAt = Array.from({ length: deepest + 1 }, (_, level) => ({
    level,
    title: levelTitle(chain, level),
    count: rows.filter((r) => r.status === 'resolved' && r.level === level).length,
  }));
  return {
    raised: rows.length,
    open: rows.filter((r) => r.status === 'open').length,
    resolvedAt,
    upheld: rows.filter((r) => r.outcome === 'upheld').length,
    revised: rows.filter((r) => r.outcome === 'revised').length,
    overdue: rows.filter((r) => r.status === 'open' && r.stepDueDate < today).length,
  };
}
