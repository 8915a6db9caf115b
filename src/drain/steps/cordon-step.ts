import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, isRetryable, type NodeMergePatch } from "../cluster-port.js";
import { cordonChanges } from "../cordon-patch.js";
import type { DrainContext } from "../drain-context.js";
import {
  CORDONED_AHEAD_ANNOTATION,
  cordonedAheadOf,
  DRAIN_STATE_ANNOTATION,
  encodeDrainState,
  type NodeChanges,
  unionOfChanges,
} from "../drain-state.js";
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
 * exactly that: a cordon, taint or label already there is someone else's — unless a drain of another node
 * of the group put it there ahead (CORDONED_AHEAD_ANNOTATION): that record is taken over and cleared.
 */
function cordonPatch(
  node: V1Node,
  context: DrainContext,
): { patch: NodeMergePatch; changes: NodeChanges } | undefined {
  const { spec, labels, resourceVersion, changes: made } = cordonChanges(node, context.policy);
  const ahead = cordonedAheadOf(node);
  const changes = unionOfChanges(unionOfChanges(context.state.changes, ahead), made) ?? made;
  const aheadAnnotation = node.metadata?.annotations?.[CORDONED_AHEAD_ANNOTATION] !== undefined;
  const stateSaved = node.metadata?.annotations?.[DRAIN_STATE_ANNOTATION] !== undefined;
  const nothingToDo = Object.keys(spec).length === 0 && Object.keys(labels).length === 0;
  if (nothingToDo && stateSaved && !aheadAnnotation) return undefined;
  context.state.updatedAt = context.clock.now();
  const patch: NodeMergePatch = {
    metadata: {
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      ...(Object.keys(labels).length === 0 ? {} : { labels }),
      annotations: {
        [DRAIN_STATE_ANNOTATION]: encodeDrainState({ ...context.state, changes }),
        ...(aheadAnnotation ? { [CORDONED_AHEAD_ANNOTATION]: null } : {}),
      },
    },
    ...(Object.keys(spec).length === 0 ? {} : { spec }),
  };
  return { patch, changes };
}
