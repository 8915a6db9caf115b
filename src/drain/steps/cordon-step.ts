import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, isRetryable, type NodeMergePatch } from "../cluster-port.js";
import type { DrainContext } from "../drain-context.js";
import { DRAIN_STATE_ANNOTATION, encodeDrainState, type NodeChanges } from "../drain-state.js";
import { EXCLUDE_FROM_LB_LABEL } from "../policy.js";
import { type DrainStep, done, failed, retryAfter, type StepOutcome } from "./step.js";

/** Marks the node unschedulable, adds the NoSchedule taint and the LB-exclusion label, and saves the state. */
export const cordonStep: DrainStep = {
  name: "cordon",
  async run(context: DrainContext): Promise<StepOutcome> {
    const planned = cordonPatch(context.node, context);
    if (planned === undefined) return done;
    try {
      context.node = await context.cluster.patchNode(context.nodeName, planned.patch);
      context.state.changes = planned.changes;
    } catch (error) {
      if (error instanceof ClusterError && error.kind === "conflict") {
        // Someone changed the node (its taints) meanwhile: read it again and redo the patch.
        const fresh = await context.cluster.getNode(context.nodeName).catch(() => undefined);
        if (fresh !== undefined) context.node = fresh;
        return retryAfter(50);
      }
      const message = `cordoning node ${context.nodeName}: ${error instanceof Error ? error.message : String(error)}`;
      context.emit({ kind: "api-error", operation: "cordon", retryable: isRetryable(error), message });
      if (isRetryable(error)) return retryAfter(context.policy.transientBackoff.initialMs * 4);
      const notFound = error instanceof ClusterError && error.kind === "not-found";
      return failed({ message, retryable: false, code: notFound ? "node-not-found" : "cluster" });
    }
    context.emit({
      kind: "cordoned",
      ...(context.policy.taintKey === undefined ? {} : { taint: context.policy.taintKey }),
      excludedFromLoadBalancers: context.policy.excludeFromLoadBalancers,
    });
    return done;
  },
};

/**
 * The merge patch still needed, or undefined when the node is already cordoned as asked and state is saved.
 * What the patch changes is recorded in the state it writes (the same patch), so that a restore undoes
 * exactly that: a cordon, taint or label already there is someone else's.
 */
function cordonPatch(
  node: V1Node,
  context: DrainContext,
): { patch: NodeMergePatch; changes: NodeChanges } | undefined {
  const { policy } = context;
  const spec: NonNullable<NodeMergePatch["spec"]> = {};
  const labels: Record<string, string> = {};
  const changes = { ...(context.state.changes ?? { cordoned: false, excludedFromLoadBalancers: false }) };
  let resourceVersion: string | undefined;
  if (node.spec?.unschedulable !== true) {
    spec.unschedulable = true;
    changes.cordoned = true;
  }
  const taints = node.spec?.taints ?? [];
  if (policy.taintKey !== undefined && !taints.some((taint) => taint.key === policy.taintKey)) {
    // A merge patch replaces the whole list: send the current taints too, pinned to this version.
    spec.taints = [
      ...taints.map((taint) => ({
        key: taint.key,
        effect: taint.effect,
        ...(taint.value === undefined ? {} : { value: taint.value }),
        ...(taint.timeAdded === undefined ? {} : { timeAdded: new Date(taint.timeAdded).toISOString() }),
      })),
      { key: policy.taintKey, value: "true", effect: "NoSchedule" },
    ];
    resourceVersion = node.metadata?.resourceVersion;
    changes.taint = policy.taintKey;
  }
  if (policy.excludeFromLoadBalancers && node.metadata?.labels?.[EXCLUDE_FROM_LB_LABEL] === undefined) {
    labels[EXCLUDE_FROM_LB_LABEL] = "true";
    changes.excludedFromLoadBalancers = true;
  }
  const stateSaved = node.metadata?.annotations?.[DRAIN_STATE_ANNOTATION] !== undefined;
  if (Object.keys(spec).length === 0 && Object.keys(labels).length === 0 && stateSaved) return undefined;
  context.state.updatedAt = context.clock.now();
  const patch: NodeMergePatch = {
    metadata: {
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      ...(Object.keys(labels).length === 0 ? {} : { labels }),
      annotations: { [DRAIN_STATE_ANNOTATION]: encodeDrainState({ ...context.state, changes }) },
    },
    ...(Object.keys(spec).length === 0 ? {} : { spec }),
  };
  return { patch, changes };
}
