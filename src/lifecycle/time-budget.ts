import type { LifecycleHookSettings } from "../aws/lifecycle.js";

/** The safety margin before the drain's bound: a tenth of it, at most a minute. */
const maxDeadlineMarginMs = 60_000;
const deadlineMarginShare = 0.1;

/**
 * When a drain must be over: the action's start (`receivedAt`) plus the smaller of DRAIN_TIMEOUT_SECONDS
 * and the hook's global timeout, minus a safety margin, so that the action is completed before Auto
 * Scaling applies its DefaultResult on its own. Epoch ms.
 */
export function drainDeadline(
  receivedAt: string,
  drainTimeoutSeconds: number,
  hook: Pick<LifecycleHookSettings, "globalTimeoutSeconds">,
): number {
  const start = Date.parse(receivedAt);
  if (!Number.isFinite(start)) throw new RangeError(`receivedAt ${JSON.stringify(receivedAt)} is not a time`);
  const boundMs = Math.min(drainTimeoutSeconds, hook.globalTimeoutSeconds) * 1000;
  const margin = Math.min(maxDeadlineMarginMs, boundMs * deadlineMarginShare);
  return start + boundMs - margin;
}

export interface InvocationBudget {
  /** When the drain must stop and save its state (epoch ms). */
  stopAt: number;
  /** When the invocation itself ends, as Lambda told us (epoch ms). */
  invocationEndsAt: number;
}

/**
 * The time one invocation gives a drain: until `margin` before the invocation ends (time left to save
 * state, heartbeat and schedule a continuation), and never long past the drain's deadline (`deadlineSlackMs`
 * after it, or after now for a run that starts late, so that the engine acts on the deadline itself first). The margin is at most a quarter of the
 * time left, so that even a function with a short timeout makes progress in every invocation.
 */
export function invocationBudget(options: {
  now: number;
  remainingMs: number;
  marginMs: number;
  deadline: number;
  deadlineSlackMs: number;
}): InvocationBudget {
  const invocationEndsAt = options.now + Math.max(0, options.remainingMs);
  const margin = Math.min(options.marginMs, Math.max(0, options.remainingMs) / 4);
  // A run that starts past the deadline still gets the slack, to apply the deadline policy itself.
  const lateStart = Math.max(options.deadline, options.now);
  const stopAt = Math.min(invocationEndsAt - margin, lateStart + options.deadlineSlackMs);
  return { stopAt: Math.max(options.now, stopAt), invocationEndsAt };
}
