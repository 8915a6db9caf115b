import { ClusterError, type ClusterPort } from "./cluster-port.js";
import { cordonChanges } from "./cordon-patch.js";
import { CORDONED_AHEAD_ANNOTATION, cordonedAheadOf, unionOfChanges } from "./drain-state.js";
import type { DrainPolicy } from "./policy.js";

/** How often a cordon meets a concurrent change of the node (409) before it gives up. */
const MAX_CONFLICTS = 5;

export type CordonAheadOutcome = "cordoned" | "already" | "gone";

/**
 * Cordons a node that is about to go before any pod is evicted elsewhere (another instance of the group
 * leaving in the same scale-in or refresh), so that no evicted pod lands on it: unschedulable, the
 * policy's NoSchedule taint, the load-balancer exclusion label — what the node's own drain's cordon sets,
 * without its drain state (that drain writes it), recording what it changed in CORDONED_AHEAD_ANNOTATION. Idempotent: concurrent drains each do it and the result
 * is the same; a node cordoned already is not written; a concurrent change (409) is met by reading again.
 */
export async function cordonAhead(
  cluster: ClusterPort,
  nodeName: string,
  policy: Pick<DrainPolicy, "taintKey" | "excludeFromLoadBalancers">,
): Promise<CordonAheadOutcome> {
  for (let conflicts = 0; ; conflicts++) {
    const node = await cluster.getNode(nodeName);
    if (node === undefined) return "gone";
    const { spec, labels, resourceVersion, changes } = cordonChanges(node, policy);
    if (Object.keys(spec).length === 0 && Object.keys(labels).length === 0) return "already";
    // What this cordon changed, on the node itself (with what an earlier one did): the node's own drain
    // takes it over, and a restore undoes it even if that drain never runs.
    const recorded = unionOfChanges(cordonedAheadOf(node), changes);
    try {
      await cluster.patchNode(nodeName, {
        metadata: {
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
          ...(Object.keys(labels).length === 0 ? {} : { labels }),
          annotations: { [CORDONED_AHEAD_ANNOTATION]: JSON.stringify(recorded) },
        },
        spec,
      });
      return "cordoned";
    } catch (error) {
      if (error instanceof ClusterError && error.kind === "not-found") return "gone";
      if (!(error instanceof ClusterError && error.kind === "conflict") || conflicts >= MAX_CONFLICTS)
        throw error;
    }
  }
}
