import type { DrainContext } from "../drain-context.js";
import { type DrainStep, done, retryAfter, type StepOutcome } from "./step.js";

/** Waits the configured settle time once the node is empty (counted from when this step began, across runs). */
export const settleStep: DrainStep = {
  name: "settle",
  async run(context: DrainContext): Promise<StepOutcome> {
    const { policy, clock, state } = context;
    if (policy.settleMs <= 0) return done;
    const started = state.phase === "settle" ? state.phaseStartedAt : clock.now();
    const left = started + policy.settleMs - clock.now();
    return left <= 0 ? done : retryAfter(left);
  },
};
