import type { DrainState } from "./drain-state.js";

/**
 * True when the deadline shaped the drain's end: pods were deleted with their grace clamped, or the
 * wait for volumes to detach was cut short (policy "force"). Such a drain ends deadline-forced, never
 * drained, and does not delete the Node.
 */
export function endedAtDeadline(state: DrainState): boolean {
  return state.counts.forced > 0 || state.volumeWait?.outcome === "deadline";
}
