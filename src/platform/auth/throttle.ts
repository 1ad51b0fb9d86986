/**
 * Slowing down password guessing without letting an attacker lock a user out.
 *
 * Failures are counted per (account, source address) pair: after a few free attempts that pair
 * must wait, doubling each time up to 15 minutes. The same account from another address is
 * unaffected, so nobody can lock a colleague out by guessing at their account. A looser limit
 * per source address alone stops one address spraying many accounts.
 */
export const PAIR_FREE_ATTEMPTS = 5;
export const PAIR_MAX_WAIT_SECONDS = 15 * 60;
export const SOURCE_LIMIT = 50;
export const WINDOW_SECONDS = 15 * 60;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Pure: decide from the failure times (epoch ms) within the window. */
export function decideThrottle(pairFailures: readonly number[], sourceFailures: readonly number[], now: number): ThrottleDecision {
  const windowStart = now - WINDOW_SECONDS * 1000;
  const pair = pairFailures.filter((t) => t > windowStart).sort((a, b) => a - b);
  const source = sourceFailures.filter((t) => t > windowStart).sort((a, b) => a - b);

  let wait = 0;
  if (pair.length >= PAIR_FREE_ATTEMPTS) {
    const excess = pair.length - PAIR_FREE_ATTEMPTS;
    const backoff = Math.min(PAIR_MAX_WAIT_SECONDS, 30 * 2 ** excess);
    const last = pair[pair.length - 1]!;
    wait = Math.max(wait, Math.ceil((last + backoff * 1000 - now) / 1000));
  }
  if (source.length >= SOURCE_LIMIT) {
    // Wait until the oldest failure that keeps the address at its limit leaves the window.
    const oldest = source[source.length - SOURCE_LIMIT]!;
    wait = Math.max(wait, Math.ceil((oldest + WINDOW_SECONDS * 1000 - now) / 1000));
  }
  return wait > 0 ? { allowed: false, retryAfterSeconds: wait } : { allowed: true };
}
