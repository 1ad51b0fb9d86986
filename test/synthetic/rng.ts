/**
 * A small seeded pseudo-random generator, so that the same seed always yields the same council.
 * The core is the "small fast counter" (SFC32) design, which passes the usual statistical test
 * batteries and needs only 32-bit integer arithmetic; Math.random is never used.
 */

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;

  constructor(seed: number, stream = 0) {
    // Two independent 32-bit halves so that (seed, child index) pairs never collide.
    this.a = mix32(seed ^ 0x9e3779b9);
    this.b = mix32(stream ^ 0x85ebca6b);
    this.c = mix32((seed + stream) ^ 0xc2b2ae35);
    this.counter = 1;
    // Discard the first outputs: the state is poorly mixed right after seeding.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks from [value, weight] pairs; weights need not sum to 1. */
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of options) total += w;
    let r = this.next() * total;
    for (const [value, w] of options) {
      r -= w;
      if (r < 0) return value;
    }
    const last = options[options.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Standard normal deviate (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median; sigma is the spread of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/** A 32-bit integer hash (the finaliser of MurmurHash3), used to spread seeds. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable 32-bit hash of a string, for deriving named random streams ("annex-a", "ssd" …). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
