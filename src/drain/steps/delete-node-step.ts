import { isRetryable } from "../cluster-port.js";
import type { DrainContext } from "../drain-context.js";
import { type DrainStep, done, failed, retryAfter, type StepOutcome } from "./step.js";

/** Deletes the Node object once everything else is done. */
export const deleteNodeStep: DrainStep = {
  name: "delete-node",
  async run(context: DrainContext): Promise<StepOutcome> {
    if (!context.policy.deleteNode) return done;
    try {
      await context.cluster.deleteNode(context.nodeName);
    } catch (error) {
      const message = `deleting node ${context.nodeName}: ${error instanceof Error ? error.message : String(error)}`;
      context.emit({ kind: "api-error", operation: "delete-node", retryable: isRetryable(error), message });
      if (isRetryable(error)) return retryAfter(context.policy.transientBackoff.maxMs);
      return failed({ message, retryable: false, code: "cluster" });
    }
    context.emit({ kind: "node-deleted" });
    return done;
  },
};
