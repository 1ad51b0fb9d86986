import { describe, expect, it } from 'vitest';
import { readModerationForm } from './form.ts';

const GRADES = new Set(['outstanding', 'good', 'requires-improvement', 'inadequate']);
const ITEMS = [
  { areaId: '1', criterionId: '1.1', grade: 'good', label: '1.1 Strategy discussion' },
  { areaId: '2', criterionId: '', grade: 'requires-improvement', label: '2 Case recording' },
];

describe('reading the moderation form', () => {
  it('keeps the auditor’s grade when the moderator agrees, and the new one with its reason when they revise', () => {
    const result = readModerationForm(
      {
        discussion: ' We talked about the plan. ',
        'decision-0': 'agree',
        'decision-1': 'revise',
        'grade-1': 'inadequate',
        'reason-1': 'Recording was months behind.',
        overallDecision: 'revise',
        overallGrade: 'requires-improvement',
        overallReason: 'One area is weaker than the auditor found.',
      },
      ITEMS,
      'good',
      GRADES,
      true,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        discussion: 'We talked about the plan.',
        items: [
          { areaId: '1', criterionId: '1.1', decision: 'agree', grade: 'good', reason: null },
          { areaId: '2', criterionId: '', decision: 'revise', grade: 'inadequate', reason: 'Recording was months behind.' },
        ],
        overall: { decision: 'revise', grade: 'requires-improvement', reason: 'One area is weaker than the auditor found.' },
      },
    });
  });

  it('needs a reason for every revision, and a grade that differs from the auditor’s', () => {
    const result = readModerationForm({ 'decision-0': 'revise', 'grade-0': 'good', 'decision-1': 'revise', 'grade-1': 'good' }, ITEMS, 'good', GRADES, false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.byField['grade-0']!.text).toMatch(/different from the auditor’s/);
    expect(result.errors.byField['reason-1']!.text).toBe('Give the reason for revising 2 Case recording');
  });

  it('lets a draft leave decisions open, but not a completed moderation', () => {
    expect(readModerationForm({}, ITEMS, 'good', GRADES, false).ok).toBe(true);
    const result = readModerationForm({ 'decision-0': 'agree' }, ITEMS, 'good', GRADES, true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.list.map((e) => e.href)).toEqual(['#discussion', '#decision-1', '#overallDecision']);
  });

  it('refuses a grade that is not on the tool’s scale', () => {
    const result = readModerationForm({ overallDecision: 'revise', overallGrade: 'excellent', overallReason: 'x' }, [], 'good', GRADES, false);
    expect(result.ok).toBe(false);
  });
});
