import { isRetryable } from "../cluster-port.js";
import type { DrainContext } from "../drain-context.js";
import { type DrainStep, done, retryAfter, type StepOutcome } from "./step.js";

/**
 * Waits until the node has no VolumeAttachment left, so that volumes are free for the pods' replacements
 * before the instance goes. Bounded by the policy's timeout (counted from when this step began, across
 * runs); on timeout the drain goes on with a warning.
 */
export const volumeDetachStep: DrainStep = {
  name: "volumes",
  async run(context: DrainContext): Promise<StepOutcome> {
    const { policy, clock } = context;
    if (!policy.waitForVolumeDetach) return done;
    const started = context.state.phase === "volumes" ? context.state.phaseStartedAt : clock.now();
    let attached: string[];
    try {
      const attachments = await context.cluster.listVolumeAttachments(context.nodeName);
      attached = attachments.filter((attachment) => attachment.attached).map((attachment) => attachment.name);
    } catch (error) {
      const message = `listing volume attachments of node ${context.nodeName}: ${error instanceof Error ? error.message : String(error)}`;
      context.emit({
        kind: "api-error",
        operation: "list-volume-attachments",
        retryable: isRetryable(error),
        message,
      });
      attached = ["(unknown)"];
    }
    const waited = clock.now() - started;
    if (attached.length === 0) {
      context.emit({ kind: "volumes-detached", waitedMs: waited, timedOut: false, attachments: [] });
      return done;
    }
    if (waited >= policy.volumeDetachTimeoutMs) {
      context.report.warn(
        `volumes still attached after ${Math.round(waited / 1000)}s: ${attached.join(", ")}`,
      );
      context.emit({ kind: "volumes-detached", waitedMs: waited, timedOut: true, attachments: attached });
      return done;
    }
    return retryAfter(Math.min(policy.volumePollIntervalMs, policy.volumeDetachTimeoutMs - waited));
  },
};
