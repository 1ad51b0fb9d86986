/**
 * Who sees the practitioner's self-assessment, and when. The auditor forms their own view first:
 * they see the practitioner's grade and reflection for an item only once they have saved a grade
 * of their own for that item, so the self-assessment informs the conversation without anchoring
 * the audit. "After" is decided on the server from what is saved, never hidden in the browser:
 * until then the page is sent without it.
 */
import type { AuditAccess } from './core.ts';

export interface SelfAssessmentState {
  /** The practitioner submitted it (a draft is theirs alone). */
  submitted: boolean;
}

export type Viewer = Pick<AuditAccess, 'view' | 'selfAssess' | 'audit' | 'invitedAreas'>;

/**
 * Whether this viewer may see the self-assessment of one item, given whether the auditor has
 * saved their own grade for it.
 */
export function showsSelfAssessment(viewer: Viewer, state: SelfAssessmentState, auditorHasGraded: boolean): boolean {
  if (!viewer.view) return false;
  // The practitioner always sees their own, draft or not.
  if (viewer.selfAssess) return true;
  if (!state.submitted) return false;
  // The auditor's independence comes first, even when they also hold a council-wide role.
  if (viewer.audit) return auditorHasGraded;
  // Partners take part in their own sections only; the worker's reflection is not theirs to read.
  if (viewer.invitedAreas !== undefined) return false;
  return true;
}
