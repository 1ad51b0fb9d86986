import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUDIT_STATUSES } from './schema.ts';
import { allowedMoves, IllegalMoveError, nextStatus, type AuditMove } from './lifecycle.ts';

const ALL_MOVES: AuditMove[] = ['self-assess', 'start', 'submit', 'moderate', 'complete-moderation', 'dispute', 'resolve-dispute', 'close', 'cancel'];

describe('audit lifecycle', () => {
  it('follows the three-stage process from allocation to closure', () => {
    let status = nextStatus('allocated', 'self-assess');
    status = nextStatus(status, 'start');
    status = nextStatus(status, 'submit');
    status = nextStatus(status, 'moderate');
    status = nextStatus(status, 'complete-moderation');
    status = nextStatus(status, 'dispute');
    status = nextStatus(status, 'resolve-dispute');
    expect(nextStatus(status, 'close')).toBe('closed');
  });

  it('lets an audit not sampled for moderation close straight after submission', () => {
    expect(nextStatus('submitted', 'close')).toBe('closed');
  });

  it('refuses illegal moves with a message a person can read', () => {
    expect(() => nextStatus('closed', 'submit')).toThrow('An audit that is closed cannot submit.');
    expect(() => nextStatus('allocated', 'moderate')).toThrow(IllegalMoveError);
    expect(() => nextStatus('submitted', 'cancel')).toThrow(IllegalMoveError);
    expect(() => nextStatus('disputed', 'close')).toThrow(IllegalMoveError);
  });

  it('never leaves closed or cancelled, and every allowed move succeeds', () => {
    expect(allowedMoves('closed')).toEqual([]);
    expect(allowedMoves('cancelled')).toEqual([]);
    fc.assert(
      fc.property(fc.constantFrom(...AUDIT_STATUSES), fc.constantFrom(...ALL_MOVES), (status, move) => {
        if (allowedMoves(status).includes(move)) expect(AUDIT_STATUSES).toContain(nextStatus(status, move));
        else expect(() => nextStatus(status, move)).toThrow(IllegalMoveError);
      }),
    );
  });
});
