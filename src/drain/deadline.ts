/**
 * Deadline arithmetic. A pod still on the node at (deadline − its grace period) is deleted with its grace
 * clamped to the time left, so that it is gone by the deadline (Karpenter's rule). A grace of 0 would
 * remove the pod from the API at once, without its kubelet stopping it (a "force" delete in kubectl's
 * words), so no deletion or eviction of the drain asks for less than MIN_GRACE_SECONDS.
 */

/** The least grace period the drain ever asks for. */
export const MIN_GRACE_SECONDS = 1;

/** When a pod with this grace period must be forced to be gone by the deadline (epoch ms). */
export function forceTimeOf(deadline: number, graceSeconds: number): number {
  return deadline - Math.max(MIN_GRACE_SECONDS, graceSeconds) * 1000;
}

/** Whole seconds left before the deadline, never negative. */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.floor((deadline - now) / 1000));
}

/** The grace a forced delete gets: the pod's own, clamped to the time left, never below 1 s. */
export function clampedGraceSeconds(deadline: number, now: number, podGraceSeconds: number): number {
  return Math.max(MIN_GRACE_SECONDS, Math.min(podGraceSeconds, secondsLeft(deadline, now)));
}

/**
 * The grace period to ask for in an eviction: undefined (the pod's own) when it fits before the
 * deadline, else the time left (never below 1 s).
 */
export function evictionGraceSeconds(
  deadline: number,
  now: number,
  podGraceSeconds: number,
): number | undefined {
  const left = secondsLeft(deadline, now);
  return podGraceSeconds > left ? Math.max(MIN_GRACE_SECONDS, left) : undefined;
}
