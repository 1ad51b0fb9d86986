/**
 * An action's lifecycle: open → done (by the owner, with evidence) → signed off (by the owner's
 * line manager) or reopened (with a reason) → done again → …; cancelled with a reason at any
 * point before sign-off. Signed off and cancelled are final: the record of what was agreed and
 * done must not move afterwards.
 */
import type { ActionStatus } from './schema.ts';

export type ActionMove = 'mark-done' | 'sign-off' | 'reopen' | 'cancel' | 'edit';

const MOVES: Record<ActionMove, { from: readonly ActionStatus[]; to: ActionStatus | 'same' }> = {
  'mark-done': { from: ['open', 'reopened'], to: 'done' },
  'sign-off': { from: ['done'], to: 'signed-off' },
  reopen: { from: ['done'], to: 'reopened' },
  cancel: { from: ['open', 'reopened', 'done'], to: 'cancelled' },
  // Changing what, who or when only makes sense while the work is still to do.
  edit: { from: ['open', 'reopened'], to: 'same' },
};

export class IllegalMoveError extends Error {
  constructor(
    readonly move: ActionMove,
    readonly status: ActionStatus,
  ) {
    super(`An action that is ${STATUS_LABELS[status].toLowerCase()} cannot be ${MOVE_PAST[move]}.`);
  }
}

export const STATUS_LABELS: Record<ActionStatus, string> = {
  open: 'Open',
  done: 'Done, awaiting sign-off',
  'signed-off': 'Signed off',
  reopened: 'Reopened',
  cancelled: 'Cancelled',
};

const MOVE_PAST: Record<ActionMove, string> = {
  'mark-done': 'marked done',
  'sign-off': 'signed off',
  reopen: 'reopened',
  cancel: 'cancelled',
  edit: 'changed',
};

export function canMove(status: ActionStatus, move: ActionMove): boolean {
  return MOVES[move].from.includes(status);
}

/** The status after the move; throws IllegalMoveError when the move is not allowed from `status`. */
export function nextStatus(status: ActionStatus, move: ActionMove): ActionStatus {
  if (!canMove(status, move)) throw new IllegalMoveError(move, status);
  const to = MOVES[move].to;
  return to === 'same' ? status : to;
}

/** Still work to do: what reminders, escalations and "overdue" are about. */
export function isOutstanding(status: ActionStatus): boolean {
  return status === 'open' || status === 'reopened';
}
