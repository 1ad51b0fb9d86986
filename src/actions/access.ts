/**
 * Who may do what with an action. Pure, so the rules the issue sets can be tested on their own:
 * the owner marks it done; the owner's line manager signs it off or reopens it; nobody signs off
 * their own action; a manager, the person who set it or the QA team may change or cancel it,
 * but never its owner (an owner cancelling their own action is how actions get lost).
 */
import type { Actor } from '../platform/auth/actor.ts';
import { canMove, type ActionMove } from './lifecycle.ts';
import type { ActionStatus } from './schema.ts';

export interface ActionPeople {
  status: ActionStatus;
  ownerId: string;
  /** The owner's line manager now (not when the action was set: people move). */
  ownerLineManagerId: string | null;
  createdBy: string | null;
}

/**
 * The one who signs off: the owner's line manager. An owner with no line manager (a gap in the
 * organisation chart) is signed off by the QA team instead, so the action is not stuck.
 */
export function isSignOffManager(actor: Actor, action: ActionPeople): boolean {
  if (actor.userId === action.ownerId) return false;
  return action.ownerLineManagerId ? actor.userId === action.ownerLineManagerId : actor.roles.includes('qa-officer');
}

function mayChange(actor: Actor, action: ActionPeople): boolean {
  if (actor.userId === action.ownerId) return false;
  return actor.userId === action.ownerLineManagerId || actor.userId === action.createdBy || actor.roles.includes('qa-officer');
}

const WHO: Record<ActionMove, (actor: Actor, action: ActionPeople) => boolean> = {
  'mark-done': (actor, action) => actor.userId === action.ownerId,
  'sign-off': isSignOffManager,
  reopen: isSignOffManager,
  cancel: mayChange,
  edit: mayChange,
};

/** The moves this person may make now: allowed for them and from the action's status. */
export function permittedMoves(actor: Actor, action: ActionPeople): Set<ActionMove> {
  return new Set((Object.keys(WHO) as ActionMove[]).filter((move) => canMove(action.status, move) && WHO[move](actor, action)));
}

/** Why a move is refused to this person, in words they can act on. */
export function refusal(move: ActionMove, action: ActionPeople, actor: Actor): string {
  if (move === 'mark-done') return 'Only the owner of an action can mark it done.';
  if (move === 'sign-off' || move === 'reopen') {
    return actor.userId === action.ownerId ? 'Nobody signs off their own action: the owner’s line manager does.' : 'Only the owner’s line manager can sign off or reopen this action.';
  }
  return 'Only the owner’s line manager, the person who set the action or the QA team can change or cancel it.';
}
