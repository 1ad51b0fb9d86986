import { describe, expect, it } from 'vitest';
import { describeEvent } from './present.ts';

const areaName = (id: string) => `1 (${id})`;
const grade = (id: string | null) => (id ? id.replace(/-/g, ' ') : null);

/** Every kind of timeline entry the audit services write (moves and recorded events). */
const KINDS = [
  'allocated', 'self-assess', 'start', 'submit', 'moderate', 'complete-moderation', 'dispute', 'resolve-dispute', 'close', 'cancel',
  'area-saved', 'self-assessment-saved', 'judgement-questions-answered', 'judgement-confirmed', 'safeguarding-raised', 'safeguarding-acknowledged',
  'safeguarding-note', 'action-agreed', 'family-feedback', 'learning-recorded', 'moderation-saved', 'theme-tagged', 'theme-removed',
  'marked-for-slt', 'unmarked-for-slt', 'partner-invited', 'partner-invitation-changed', 'partner-invitation-withdrawn',
];

describe('the audit timeline in words', () => {
  it('gives every kind of entry a sentence of its own rather than the kind’s name', () => {
    for (const kind of KINDS) {
      const text = describeEvent(kind, { area: 'a1', finalGrade: 'good', theme: 'Drift', kind: 'barrier', from: 'submitted', to: 'closed' }, areaName, grade);
      // The general wording is the kind's own words followed by the move, "(submitted to closed)".
      expect(text, kind).not.toContain('(submitted to closed)');
    }
  });

  it('says why an audit closed straight after submission, how a theme was tagged and whom a partner invitation is for', () => {
    expect(describeEvent('close', { moderation: 'not selected' }, areaName, grade)).toBe('Closed: not selected for moderation');
    expect(describeEvent('partner-invited', { partnerName: 'Jo Whitfield', areas: ['a4', 'a5'], shareChildDetails: false }, areaName, grade)).toBe(
      'Invited Jo Whitfield (multi-agency partner) to complete areas 1 (a4) and 1 (a5); the child’s details not shared',
    );
    expect(describeEvent('partner-invitation-changed', { partnerName: 'Jo Whitfield', areas: ['a4'], shareChildDetails: true }, areaName, grade)).toBe(
      'Changed the invitation of Jo Whitfield (multi-agency partner): now area 1 (a4); the child’s details shared',
    );
    expect(describeEvent('theme-tagged', { theme: 'Drift', kind: 'barrier' }, areaName, grade)).toBe('Tagged with the theme Drift as a barrier');
  });
});
