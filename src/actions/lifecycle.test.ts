import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/auth/actor.ts';
import type { Role } from '../platform/auth/roles.ts';
import { isSignOffManager, permittedMoves, type ActionPeople } from './access.ts';
import { canMove, IllegalMoveError, nextStatus, type ActionMove } from './lifecycle.ts';
import { ACTION_STATUSES, type ActionStatus } from './schema.ts';

const MOVES: ActionMove[] = ['mark-done', 'sign-off', 'reopen', 'cancel', 'edit'];

function person(userId: string, roles: Role[] = ['practitioner']): Actor {
  return { userId, organisationId: 'org', displayName: userId, email: `${userId}@example.org`, roles, teamId: null };
}

describe('the action lifecycle', () => {
  it('goes open → done → signed off, or back through reopened', () => {
    expect(nextStatus('open', 'mark-done')).toBe('done');
    expect(nextStatus('done', 'sign-off')).toBe('signed-off');
    expect(nextStatus('done', 'reopen')).toBe('reopened');
    expect(nextStatus('reopened', 'mark-done')).toBe('done');
    expect(nextStatus('open', 'cancel')).toBe('cancelled');
    expect(nextStatus('open', 'edit')).toBe('open');
  });

  it('refuses illegal moves: nothing leaves signed off or cancelled, nothing is signed off before it is done', () => {
    for (const move of MOVES) {
      expect(() => nextStatus('signed-off', move)).toThrow(IllegalMoveError);
      expect(() => nextStatus('cancelled', move)).toThrow(IllegalMoveError);
    }
    expect(() => nextStatus('open', 'sign-off')).toThrow(/open cannot be signed off/);
    expect(() => nextStatus('open', 'reopen')).toThrow(IllegalMoveError);
    expect(() => nextStatus('done', 'mark-done')).toThrow(IllegalMoveError);
    expect(() => nextStatus('done', 'edit')).toThrow(IllegalMoveError);
  });

  it('never reaches signed off except from done, whatever the sequence of moves', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...MOVES), { maxLength: 30 }), (moves) => {
        let status: ActionStatus = 'open';
        for (const move of moves) {
          if (!canMove(status, move)) continue;
          const before = status;
          status = nextStatus(status, move);
          if (status === 'signed-off') expect(before).toBe('done');
          expect(ACTION_STATUSES).toContain(status);
        }
      }),
    );
  });
});

describe('who may move an action', () => {
  const action: ActionPeople = { status: 'done', ownerId: 'owner', ownerLineManagerId: 'manager', createdBy: 'auditor' };

  it('lets only the owner’s line manager sign off or reopen', () => {
    expect(permittedMoves(person('manager', ['practice-manager']), action)).toEqual(new Set(['sign-off', 'reopen', 'cancel']));
    expect(permittedMoves(person('auditor', ['practice-manager']), action).has('sign-off')).toBe(false);
    // Not even a group manager or the QA team, while the owner has a line manager.
    expect(permittedMoves(person('group-manager', ['group-manager']), action).has('sign-off')).toBe(false);
    expect(permittedMoves(person('qa', ['qa-officer']), action).has('sign-off')).toBe(false);
  });

  it('never lets anyone sign off their own action, even as the QA team with no line manager above', () => {
    expect(permittedMoves(person('owner'), action).size).toBe(0);
    const unmanagedQa: ActionPeople = { status: 'done', ownerId: 'qa', ownerLineManagerId: null, createdBy: 'qa' };
    expect(isSignOffManager(person('qa', ['qa-officer']), unmanagedQa)).toBe(false);
    expect(isSignOffManager(person('qa-2', ['qa-officer']), unmanagedQa)).toBe(true);
    expect(isSignOffManager(person('someone', ['practice-manager']), unmanagedQa)).toBe(false);
  });

  it('lets only the owner mark it done, and not cancel or change it', () => {
    const open: ActionPeople = { ...action, status: 'open', createdBy: 'owner' };
    expect(permittedMoves(person('owner', ['practitioner', 'qa-officer']), open)).toEqual(new Set(['mark-done']));
    expect(permittedMoves(person('manager', ['practice-manager']), open)).toEqual(new Set(['cancel', 'edit']));
    expect(permittedMoves(person('stranger', ['practice-manager']), open)).toEqual(new Set());
  });
});
