import { describe, expect, it } from 'vitest';
import { decideThrottle, PAIR_FREE_ATTEMPTS, SOURCE_LIMIT } from './throttle.ts';

const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const secondsAgo = (s: number) => now - s * 1000;

describe('sign-in throttling', () => {
  it('allows the first few failures without delay', () => {
    const failures = Array.from({ length: PAIR_FREE_ATTEMPTS - 1 }, (_, i) => secondsAgo(i + 1));
    expect(decideThrottle(failures, failures, now)).toEqual({ allowed: true });
  });

  it('makes the same account from the same address wait after the free attempts, doubling each time', () => {
    const five = Array.from({ length: 5 }, () => secondsAgo(1));
    expect(decideThrottle(five, five, now)).toEqual({ allowed: false, retryAfterSeconds: 29 });
    const seven = Array.from({ length: 7 }, () => secondsAgo(1));
    expect(decideThrottle(seven, seven, now)).toEqual({ allowed: false, retryAfterSeconds: 119 });
  });

  it('never makes anyone wait more than 15 minutes', () => {
    const many = Array.from({ length: 40 }, () => secondsAgo(0));
    const decision = decideThrottle(many, [], now);
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 900 });
  });

  it('does not lock the account out for a different address (no pair failures there)', () => {
    const attackerSource = Array.from({ length: 10 }, () => secondsAgo(1));
    expect(decideThrottle([], attackerSource, now)).toEqual({ allowed: true });
  });

  it('forgets failures older than the window', () => {
    const old = Array.from({ length: 30 }, () => secondsAgo(16 * 60));
    expect(decideThrottle(old, old, now)).toEqual({ allowed: true });
  });

  it('limits one address spraying many accounts', () => {
    const spray = Array.from({ length: SOURCE_LIMIT }, (_, i) => secondsAgo(600 - i));
    const decision = decideThrottle([], spray, now);
    expect(decision.allowed).toBe(false);
    // The oldest of the 50 failures was 600 s ago; it leaves the 900 s window in 300 s.
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 300 });
  });
});
