import type { DrainContext } from "../drain-context.js";
import { type DrainStep, done, retryAfter, type StepOutcome } from "./step.js";

/**
 * Waits the configured settle time once the node is empty (counted from when this step began, across
 * runs), never past the drain's deadline: a settle the deadline cuts short ends there, with a warning.
 */
export const settleStep: DrainStep = {
  name: "settle",
  async run(context: DrainContext): Promise<StepOutcome> {
    const { policy, clock, state } = context;
    if (policy.settleMs <= 0) return done;
    const now = clock.now();
    const started = state.phase === "settle" ? state.phaseStartedAt : now;
    const wanted = started + policy.settleMs;
    const until = Math.min(wanted, state.deadline);
    if (now < until) return retryAfter(until - now);
    if (until < wanted) {
      context.report.warn(
        `settle cut short by the deadline after ${Math.round((now - started) / 1000)}s of ${Math.round(policy.settleMs / 1000)}s`,
      );
    }
    return done;
  },
};
