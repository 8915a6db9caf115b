import type { DrainContext } from "../drain-context.js";
import { type DrainStep, done, failed, retryAfter, type StepOutcome, WATCHDOG_MS } from "./step.js";

/**
 * Waits for opted-out pods: until they leave by themselves, or until their opt-out duration ends (then
 * they are evicted like any pod). Pods opted out without a duration are left to the deadline rule.
 */
export const deferredPodsStep: DrainStep = {
  name: "deferred",
  async run(context: DrainContext): Promise<StepOutcome> {
    const now = context.clock.now();
    const waiting = context.snapshot.filter(
      (snapshot) => snapshot.verdict.action === "wait" && snapshot.verdict.reason === "opted-out",
    );
    const expired = context.snapshot.filter(
      (snapshot) => snapshot.verdict.action === "evict" && snapshot.verdict.reason === "opt-out-expired",
    );
    if (waiting.length === 0 && expired.length === 0) return done;
    const candidates = expired
      .filter((snapshot) => !context.evictor.isHandled(snapshot.ref.uid))
      .map(({ pod, ref, tier, budgets }) => ({ pod, ref, tier, budgets }));
    let next = context.evictor.pump(candidates);
    if (context.evictor.fatal !== undefined) {
      return failed({ message: context.evictor.fatal, retryable: false, code: "cluster" });
    }
    for (const snapshot of waiting) {
      const until = snapshot.verdict.waitUntil;
      if (until !== undefined) next = next === undefined ? until : Math.min(next, until);
    }
    return retryAfter(next === undefined ? WATCHDOG_MS : next - now);
  },
};
