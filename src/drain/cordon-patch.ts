import type { V1Node } from "@kubernetes/client-node";
import type { NodeMergePatch } from "./cluster-port.js";
import type { NodeChanges } from "./drain-state.js";
import { type DrainPolicy, EXCLUDE_FROM_LB_LABEL } from "./policy.js";

/**
 * What a cordon still has to change on the node, as parts of a merge patch: `spec.unschedulable`, the
 * policy's NoSchedule taint, the load-balancer exclusion label. A merge patch replaces the whole taint
 * list, so with a taint to add the current taints are sent too, pinned to the node's resourceVersion
 * (a concurrent change answers 409 and the caller reads the node again).
 */
export function cordonChanges(
  node: V1Node,
  policy: Pick<DrainPolicy, "taintKey" | "excludeFromLoadBalancers">,
): {
  spec: NonNullable<NodeMergePatch["spec"]>;
  labels: Record<string, string>;
  resourceVersion?: string;
  /** What this patch changes, to record (a cordon, taint or label already there is someone else's). */
  changes: NodeChanges;
} {
  const spec: NonNullable<NodeMergePatch["spec"]> = {};
  const labels: Record<string, string> = {};
  const changes: NodeChanges = { cordoned: false, excludedFromLoadBalancers: false };
  let resourceVersion: string | undefined;
  if (node.spec?.unschedulable !== true) {
    spec.unschedulable = true;
    changes.cordoned = true;
  }
  const taints = node.spec?.taints ?? [];
  if (policy.taintKey !== undefined && !taints.some((taint) => taint.key === policy.taintKey)) {
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
  return { spec, labels, changes, ...(resourceVersion === undefined ? {} : { resourceVersion }) };
}
