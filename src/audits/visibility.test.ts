import { describe, expect, it } from 'vitest';
import { showsSelfAssessment, type Viewer } from './visibility.ts';

const auditor: Viewer = { view: true, audit: true, selfAssess: false, invitedAreas: undefined };
const practitioner: Viewer = { view: true, audit: false, selfAssess: true, invitedAreas: undefined };
const manager: Viewer = { view: true, audit: false, selfAssess: false, invitedAreas: undefined };
const partner: Viewer = { view: true, audit: false, selfAssess: false, invitedAreas: ['4'] };
const stranger: Viewer = { view: false, audit: false, selfAssess: false, invitedAreas: undefined };

describe('who sees the self-assessment, and when', () => {
  it('shows the auditor an item’s self-assessment only once they have saved their own grade for it', () => {
    expect(showsSelfAssessment(auditor, { submitted: true }, false)).toBe(false);
    expect(showsSelfAssessment(auditor, { submitted: true }, true)).toBe(true);
  });

  it('keeps a draft to the practitioner, even from an auditor who has graded', () => {
    expect(showsSelfAssessment(practitioner, { submitted: false }, false)).toBe(true);
    expect(showsSelfAssessment(auditor, { submitted: false }, true)).toBe(false);
    expect(showsSelfAssessment(manager, { submitted: false }, true)).toBe(false);
  });

  it('shows a submitted self-assessment to managers and the QA team whatever the auditor has done', () => {
    expect(showsSelfAssessment(manager, { submitted: true }, false)).toBe(true);
  });

  it('never shows it to partners or to anyone without sight of the audit', () => {
    expect(showsSelfAssessment(partner, { submitted: true }, true)).toBe(false);
    expect(showsSelfAssessment(stranger, { submitted: true }, true)).toBe(false);
  });
});
