import { describe, expect, it } from 'vitest';
import { englandAndWalesCalendar } from '../../platform/calendar/index.ts';
import { canEscalate, DEFAULT_CHAIN, DisputeChainSchema, levelDueDate, levelTitle, outcomeOf, summariseDisputes } from './chain.ts';

const calendar = englandAndWalesCalendar();

describe('the dispute escalation chain', () => {
  it('defaults to the meeting, then the QA lead, then the head of service', () => {
    expect([0, 1, 2].map((level) => levelTitle(DEFAULT_CHAIN, level))).toEqual(['Moderator and auditor meet', 'QA lead', 'Head of service']);
    expect(canEscalate(DEFAULT_CHAIN, 1)).toBe(true);
    expect(canEscalate(DEFAULT_CHAIN, 2)).toBe(false);
  });

  it('counts each level’s timescale in working days, skipping weekends and the Easter bank holidays', () => {
    // Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    expect(levelDueDate(calendar, '2026-04-02', DEFAULT_CHAIN, 0)).toBe('2026-04-13');
    // Ten working days from Monday 13 April: no holidays in between.
    expect(levelDueDate(calendar, '2026-04-13', DEFAULT_CHAIN, 1)).toBe('2026-04-27');
    // Across the early May bank holiday (Monday 4 May 2026).
    expect(levelDueDate(calendar, '2026-04-27', DEFAULT_CHAIN, 2)).toBe('2026-05-12');
  });

  it('uses the council’s own timescales', () => {
    const chain = { ...DEFAULT_CHAIN, meetingWorkingDays: 1 };
    expect(levelDueDate(calendar, '2026-12-24', chain, 0)).toBe('2026-12-29');
  });

  it('refuses a chain with no step after the meeting, or a timescale of no days', () => {
    expect(DisputeChainSchema.safeParse({ meetingWorkingDays: 5, steps: [] }).success).toBe(false);
    expect(DisputeChainSchema.safeParse({ ...DEFAULT_CHAIN, meetingWorkingDays: 0 }).success).toBe(false);
    expect(DisputeChainSchema.safeParse(DEFAULT_CHAIN).success).toBe(true);
  });

  it('calls a dispute upheld when the moderated grade stands, revised when it changes', () => {
    expect(outcomeOf('good', 'good')).toBe('upheld');
    expect(outcomeOf('good', 'requires-improvement')).toBe('revised');
  });

  it('counts disputes raised, open, overdue, resolved at each level, upheld and revised', () => {
    const summary = summariseDisputes(
      [
        { status: 'open', level: 0, outcome: null, stepDueDate: '2026-03-01' },
        { status: 'open', level: 1, outcome: null, stepDueDate: '2026-04-01' },
        { status: 'resolved', level: 0, outcome: 'upheld', stepDueDate: '2026-01-01' },
        { status: 'resolved', level: 0, outcome: 'revised', stepDueDate: '2026-01-01' },
        { status: 'resolved', level: 2, outcome: 'upheld', stepDueDate: '2026-01-01' },
      ],
      DEFAULT_CHAIN,
      '2026-03-16',
    );
    expect(summary).toEqual({
      raised: 5,
      open: 2,
      overdue: 1,
      upheld: 2,
      revised: 1,
      resolvedAt: [
        { level: 0, title: 'Moderator and auditor meet', count: 2 },
        { level: 1, title: 'QA lead', count: 0 },
        { level: 2, title: 'Head of service', count: 1 },
      ],
    });
  });
});
