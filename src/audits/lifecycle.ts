/**
 * The audit's states and the only moves between them. Every service that changes an audit's
 * status goes through `nextStatus`, so an illegal move (submitting a closed audit, moderating
 * one never submitted) is refused in one place.
 *
 *   allocated ──self-assess──▶ self-assessed ──start──▶ in-progress ──submit──▶ submitted
 *       └──────────start (with a reason for no self-assessment)──┘                 │
 *   submitted ──moderate──▶ in-moderation ──complete-moderation──▶ moderated ──close──▶ closed
 *   submitted ──close (not sampled for moderation)──▶ closed
 *   moderated ──dispute──▶ disputed ──resolve-dispute──▶ moderated
 *   allocated | self-assessed | in-progress ──cancel──▶ cancelled
 */
import type { AuditStatus } from './schema.ts';

export type AuditMove =
  | 'self-assess'
  | 'start'
  | 'submit'
  | 'moderate'
  | 'complete-moderation'
  | 'dispute'
  | 'resolve-dispute'
  | 'close'
  | 'cancel';

const MOVES: Record<AuditStatus, Partial<Record<AuditMove, AuditStatus>>> = {
  allocated: { 'self-assess': 'self-assessed', start: 'in-progress', cancel: 'cancelled' },
  'self-assessed': { start: 'in-progress', cancel: 'cancelled' },
  'in-progress': { submit: 'submitted', cancel: 'cancelled' },
  submitted: { moderate: 'in-moderation', close: 'closed' },
  'in-moderation': { 'complete-moderation': 'moderated' },
  moderated: { dispute: 'disputed', close: 'closed' },
  disputed: { 'resolve-dispute': 'moderated' },
  closed: {},
  cancelled: {},
};

export class IllegalMoveError extends Error {
  /** The error page answers 409 Conflict with this message (the request clashed with the audit's state). */
  readonly status = 409;
  readonly expose = true;

  constructor(
    readonly from: AuditStatus,
    readonly move: AuditMove,
  ) {
    super(`An audit that is ${from} cannot ${move.replace(/-/g, ' ')}.`);
  }
}

export function nextStatus(from: AuditStatus, move: AuditMove): AuditStatus {
  const to = MOVES[from][move];
  if (!to) throw new IllegalMoveError(from, move);
  return to;
}

export function allowedMoves(from: AuditStatus): AuditMove[] {
  return Object.keys(MOVES[from]) as AuditMove[];
}

/** Stage 1 can be edited only until it is submitted. */
export function isStageOneOpen(status: AuditStatus): boolean {
  return status === 'allocated' || status === 'self-assessed' || status === 'in-progress';
}

export const STATUS_LABELS: Record<AuditStatus, string> = {
  allocated: 'Allocated',
  'self-assessed': 'Self-assessed',
  'in-progress': 'In progress',
  submitted: 'Submitted',
  'in-moderation': 'In moderation',
  moderated: 'Moderated',
  disputed: 'Disputed',
  closed: 'Closed',
  cancelled: 'Cancelled',
};
