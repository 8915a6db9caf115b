import type { DrainContext } from "../drain-context.js";
import { type DrainStep, done, failed, retryAfter, type StepOutcome, WATCHDOG_MS } from "./step.js";

/**
 * Waits for the first list of the node's pods and refuses the drain when a pod may not be evicted
 * under the policy (bare or emptyDir pods set to "refuse"), before anything is evicted.
 */
export const admitStep: DrainStep = {
  name: "admit",
  transient: true,
  async run(context: DrainContext): Promise<StepOutcome> {
    const feedFailure = context.view.podFeedFailure;
    if (feedFailure !== undefined) {
      return failed({
        message: `watching pods on node ${context.nodeName}: ${feedFailure.message}`,
        retryable: feedFailure.retryable,
        code: "cluster",
      });
    }
    if (!context.view.podsSynced || !context.view.budgetsSynced) return retryAfter(WATCHDOG_MS);
    const refused = context.snapshot.filter((snapshot) => snapshot.verdict.action === "refuse");
    if (refused.length > 0) {
      const list = refused.map(({ ref, verdict }) => `${ref.namespace}/${ref.name} (${verdict.message})`);
      return failed({
        message: `refusing to drain node ${context.nodeName}: ${list.join("; ")}`,
        retryable: false,
        code: "refused-pods",
      });
    }
    if (context.evictionGate !== undefined) {
      await context.evictionGate;
      context.evictionGate = undefined;
    }
    return done;
  },
};
