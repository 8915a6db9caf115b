/**
 * The one deterministic random source (mulberry32): the same seed gives the same jitter, names, UIDs and
 * faults, so that a failure replays. The engine takes a `() => number` (`seededRandom(seed)` in tests and
 * benchmarks, Math.random in production); the simulator draws names and faults from a `SeededRandom`.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Draws of the kinds the simulator needs, from one seeded source. */
export class SeededRandom {
  private readonly source: () => number;

  constructor(seed: number) {
    this.source = seededRandom(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.source();
  }

  /** True with probability `rate` (0 never, 1 always). */
  chance(rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return this.next() < rate;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Characters drawn from `alphabet`, as Kubernetes name suffixes are. */
  text(length: number, alphabet = "bcdfghjklmnpqrstvwxz2456789"): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[this.below(alphabet.length)];
    return out;
  }

  /** A version 4 UUID built from this source. */
  uuid(): string {
    const hex = this.text(32, "0123456789abcdef");
    const variant = "89ab"[this.below(4)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/**
 * A float in [0, 1) that depends only on `text` (FNV-1a of it, mixed by MurmurHash3's finalizer so that
 * texts differing in one character land far apart): processes that share nothing but the text draw the
 * same number.
 */
export function drawOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4_294_967_296;
}
