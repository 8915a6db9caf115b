import type { DrainContext } from "../drain-context.js";
import type { DrainError } from "../result.js";

/**
 * One step of a drain. The drain is the ordered list of its steps; the loop runs them in order and
 * stops at the first one not done, which is what makes a drain resumable: every step is idempotent
 * and answers from the current state of the cluster.
 */
export interface DrainStep {
  readonly name: string;
  /** A step whose phase is not worth a write of the state annotation (it only waits for a moment). */
  readonly transient?: boolean;
  run(context: DrainContext): Promise<StepOutcome>;
}

export type StepOutcome =
  | { status: "done" }
  /** Not done yet: run again after `delayMs` at the latest (sooner when something changes). */
  | { status: "retry-after"; delayMs: number }
  | { status: "failed"; error: DrainError };

export const done: StepOutcome = { status: "done" };

export function retryAfter(delayMs: number): StepOutcome {
  return { status: "retry-after", delayMs: Math.max(0, delayMs) };
}

export function failed(error: DrainError): StepOutcome {
  return { status: "failed", error };
}

/** How long to wait for news when nothing is scheduled: a watchdog, not a poll. */
export const WATCHDOG_MS = 30_000;
