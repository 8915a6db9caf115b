import { isRetryable } from "../cluster-port.js";
import type { DrainContext } from "../drain-context.js";
import { endedAtDeadline } from "../drain-outcome.js";
import { type DrainStep, done, failed, retryAfter, type StepOutcome } from "./step.js";

/**
 * Deletes the Node object once everything else is done, and only after a clean success: not when the
 * deadline forced pods or cut the volume wait short (the drain then ends deadline-forced and the Node is
 * kept). A failed or deadline-left drain never gets here.
 */
export const deleteNodeStep: DrainStep = {
  name: "delete-node",
  async run(context: DrainContext): Promise<StepOutcome> {
    if (!context.policy.deleteNode || context.report.nodeDeleted) return done;
    if (endedAtDeadline(context.state)) {
      context.report.warn(`node ${context.nodeName} kept: the drain ended at its deadline, not cleanly`);
      return done;
    }
    try {
      await context.cluster.deleteNode(context.nodeName);
    } catch (error) {
      const message = `deleting node ${context.nodeName}: ${error instanceof Error ? error.message : String(error)}`;
      context.emit({ kind: "api-error", operation: "delete-node", retryable: isRetryable(error), message });
      if (!isRetryable(error)) return failed({ message, retryable: false, code: "cluster" });
      if (context.clock.now() >= context.state.deadline) {
        // The drain itself succeeded; the Node object outlives it.
        context.report.warn(`${message}; gave up at the deadline`);
        return done;
      }
      return retryAfter(context.policy.transientBackoff.maxMs);
    }
    context.report.nodeDeleted = true;
    context.emit({ kind: "node-deleted" });
    return done;
  },
};
