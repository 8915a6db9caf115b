import type { Pod } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { isReady } from "./pod-state.js";

/** The annotation through which an owner says which of its pods a scale-down should remove first. */
export const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

const phaseOrder: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const value = Number(pod.metadata.annotations?.[POD_DELETION_COST]);
  return Number.isInteger(value) ? value : 0;
}

function readySince(pod: Pod): string {
  const ready = pod.status.conditions?.find((condition) => condition.type === "Ready");
  return ready?.lastTransitionTime ?? "";
}

function restarts(pod: Pod): number {
  return (pod.status.containerStatuses ?? []).reduce((sum, status) => sum + (status.restartCount ?? 0), 0);
}

/**
 * The pods a ReplicaSet scale-down removes first, in order: unscheduled before scheduled; Pending before
 * Unknown before Running; not Ready before Ready; lower pod-deletion-cost first; pods doubled up on a
 * node with more of the set's pods first; Ready for a shorter time first; more restarts first; newer
 * first. As ActivePodsWithRanks.Less in
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go and
 * getPodsRankedByRelatedPodsOnSameNode in
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/replicaset/replica_set.go
 * (without the logarithmic bucketing of Ready times).
 */
export function rankForDeletion(
  pods: readonly StoredObject<Pod>[],
  related: readonly StoredObject<Pod>[],
): StoredObject<Pod>[] {
  const onNode = new Map<string, number>();
  for (const { object } of related) {
    const node = object.spec.nodeName;
    if (node) onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const colocated = (pod: Pod) => (pod.spec.nodeName ? (onNode.get(pod.spec.nodeName) ?? 0) : 0);
  return [...pods].sort(({ object: a }, { object: b }) => {
    const aBound = Boolean(a.spec.nodeName);
    const bBound = Boolean(b.spec.nodeName);
    if (aBound !== bBound) return aBound ? 1 : -1;
    const phase =
      (phaseOrder[a.status.phase ?? "Pending"] ?? 0) - (phaseOrder[b.status.phase ?? "Pending"] ?? 0);
    if (phase !== 0) return phase;
    if (isReady(a) !== isReady(b)) return isReady(a) ? 1 : -1;
    const cost = deletionCost(a) - deletionCost(b);
    if (cost !== 0) return cost;
    const doubled = colocated(b) - colocated(a);
    if (doubled !== 0) return doubled;
    if (isReady(a) && isReady(b)) {
      const since = readySince(b).localeCompare(readySince(a));
      if (since !== 0) return since;
    }
    const restarted = restarts(b) - restarts(a);
    if (restarted !== 0) return restarted;
    return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
  });
}
