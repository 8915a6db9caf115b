import type { BackoffSettings } from "./policy.js";

/** The exponential step of retry number `attempt` (0-based): `initialMs` doubled each time, capped at `maxMs`. */
function stepOf(attempt: number, settings: BackoffSettings): number {
  return Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
}

/**
 * Delay before retry number `attempt` (0-based): exponential from `initialMs`, capped at `maxMs`, with
 * "equal jitter" (between half and all of the step) so that many pods do not retry in lockstep.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number): number {
  const step = stepOf(attempt, settings);
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * Delay before blind probe number `attempt` (0-based): never sooner than the exponential step, up to a
 * quarter later. A probe that must not come early (it is a fallback for news that should arrive first)
 * jitters only upwards.
 */
export function probeDelay(attempt: number, settings: BackoffSettings, random: () => number): number {
  const step = stepOf(attempt, settings);
  return Math.round(step + (random() * step) / 4);
}
