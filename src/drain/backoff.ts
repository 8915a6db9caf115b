import type { BackoffSettings } from "./policy.js";

/**
 * Delay before retry number `attempt` (0-based): exponential from `initialMs`, capped at `maxMs`, with
 * "equal jitter" (between half and all of the step) so that many pods do not retry in lockstep.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number): number {
  const step = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** A deterministic pseudo-random source (mulberry32) for reproducible jitter. */
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
