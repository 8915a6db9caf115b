import type { V1Node } from "@kubernetes/client-node";
import type { DrainContext } from "./drain-context.js";
import {
  isUnreachable,
  NODE_READ_INTERVAL_MS,
  OUT_OF_SERVICE_TAINT,
  pastGracePeriod,
} from "./node-reachability.js";
import { epochMs, isTerminating } from "./pod-facts.js";

/**
 * Keeps the drain's copy of the Node fresh while pods wait past their grace period (one GET at most every
 * 5 s, none while every pod is within its grace), and taints an unreachable node out-of-service when asked.
 */
export class NodeReachability {
  private readAt = Number.NEGATIVE_INFINITY;

  /**
   * Reads the Node when a pod is past its grace period and the last read is 5 s old; undefined (no await,
   * so the loop's pass keeps its timing) when there is nothing to read.
   */
  refresh(context: DrainContext): Promise<void> | undefined {
    const now = context.clock.now();
    if (now - this.readAt < NODE_READ_INTERVAL_MS) return undefined;
    if (!context.view.pods().some((pod) => pastGracePeriod(pod, now))) return undefined;
    this.readAt = now;
    return this.read(context, now);
  }

  private async read(context: DrainContext, now: number): Promise<void> {
    const node = await context.cluster.getNode(context.nodeName).catch(() => undefined);
    if (node === undefined) return;
    context.node = node;
    if (context.policy.outOfServiceTaint && isUnreachable(node, now, context.policy)) {
      await this.taintOutOfService(context, node);
    }
  }

  /** When the next read is worth doing, for the loop's wake-up; undefined when no pod is terminating. */
  nextReadAt(context: DrainContext): number | undefined {
    let next: number | undefined;
    for (const pod of context.view.pods()) {
      const due = isTerminating(pod) ? epochMs(pod.metadata?.deletionTimestamp) : undefined;
      if (due === undefined) continue;
      const at = Math.max(due, this.readAt + NODE_READ_INTERVAL_MS);
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  /** Records the change in the state first (to undo it later), then adds the taint, pinned to the node's version. */
  private async taintOutOfService(context: DrainContext, node: V1Node): Promise<void> {
    const taints = node.spec?.taints ?? [];
    if (taints.some((taint) => taint.key === OUT_OF_SERVICE_TAINT.key)) return;
    context.state.outOfServiceTainted = true;
    if (!(await context.saveState())) return;
    // Saving the state wrote the node: pin the patch to that version.
    const version = context.node.metadata?.resourceVersion;
    try {
      context.node = await context.cluster.patchNode(context.nodeName, {
        metadata: { ...(version === undefined ? {} : { resourceVersion: version }) },
        spec: {
          taints: [
            ...taints.map((taint) => ({
              key: taint.key,
              effect: taint.effect,
              ...(taint.value === undefined ? {} : { value: taint.value }),
              ...(taint.timeAdded === undefined
                ? {}
                : { timeAdded: new Date(taint.timeAdded).toISOString() }),
            })),
            { ...OUT_OF_SERVICE_TAINT },
          ],
        },
      });
      context.report.warn(
        `node ${context.nodeName} is unreachable: tainted ${OUT_OF_SERVICE_TAINT.key}=${OUT_OF_SERVICE_TAINT.value}:${OUT_OF_SERVICE_TAINT.effect} so that its terminating pods are removed and their volumes detach`,
      );
    } catch (error) {
      // A conflict (the node changed) or an API error: the next read tries again.
      this.readAt = Number.NEGATIVE_INFINITY;
      context.emit({
        kind: "api-error",
        operation: "taint-out-of-service",
        retryable: true,
        message: `tainting node ${context.nodeName} out-of-service: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
