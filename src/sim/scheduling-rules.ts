import type { Node, Pod, PodVolume, Taint, Toleration } from "./kube-objects.js";
import { zoneLabel } from "./volume-objects.js";

/** The scheduler's filters for one pod on one node; each answers undefined (fits) or why not. */

export const unschedulableTaint: Taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

/** v1helper.TolerationsTolerateTaint: does one of the tolerations tolerate the taint? */
export function tolerates(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((toleration) => {
    if (toleration.effect && toleration.effect !== taint.effect) return false;
    if (toleration.key && toleration.key !== taint.key) return false;
    if (toleration.operator === "Exists") return true;
    if (!toleration.key) return false;
    return (toleration.value ?? "") === (taint.value ?? "");
  });
}

function isNodeReady(node: Node): boolean {
  return (
    node.status.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

export interface NodeFitInput {
  readonly pod: Pod;
  readonly node: Node;
  readonly podsOnNode: number;
  /** Zones the pod's volumes are pinned to (empty when none). */
  readonly volumeZones: readonly string[];
}

/** Why the pod cannot run on the node, worded like the scheduler's FailedScheduling reasons; undefined if it can. */
export function misfit({ pod, node, podsOnNode, volumeZones }: NodeFitInput): string | undefined {
  if (!isNodeReady(node)) return "node(s) were not ready";
  // NodeUnschedulable: a cordoned node takes only pods that tolerate its taint
  // (https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go).
  if (node.spec.unschedulable && !tolerates(pod.spec.tolerations, unschedulableTaint)) {
    return "node(s) were unschedulable";
  }
  for (const taint of node.spec.taints ?? []) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (!tolerates(pod.spec.tolerations, taint)) {
      return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`;
    }
  }
  for (const [key, value] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (node.metadata.labels?.[key] !== value) return "node(s) didn't match Pod's node affinity/selector";
  }
  const zone = node.metadata.labels?.[zoneLabel];
  if (volumeZones.some((volumeZone) => volumeZone !== zone))
    return "node(s) had volume node affinity conflict";
  const capacity = Number(node.status.allocatable?.pods ?? "110");
  if (podsOnNode >= capacity) return "Too many pods";
  return undefined;
}

/**
 * TaintToleration's score input: how many PreferNoSchedule taints of the node the pod does not tolerate
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go,
 * countIntolerableTaintsPreferNoSchedule). Fewer is better; the scheduler here ranks by it first.
 */
export function intolerablePreferNoSchedule(pod: Pod, node: Node): number {
  return (node.spec.taints ?? []).filter(
    (taint) => taint.effect === "PreferNoSchedule" && !tolerates(pod.spec.tolerations, taint),
  ).length;
}

/** The claims a pod uses: its persistentVolumeClaim volumes, and POD-VOLUME for a generic ephemeral one. */
export function claimNamesOf(pod: Pod): string[] {
  return (pod.spec.volumes ?? [])
    .map(
      (volume: PodVolume) =>
        volume.persistentVolumeClaim?.claimName ??
        (volume.ephemeral ? `${pod.metadata.name}-${volume.name}` : undefined),
    )
    .filter((claim): claim is string => claim !== undefined);
}

/** "0/3 nodes are available: 1 node(s) were unschedulable, 2 Too many pods." */
export function unschedulableMessage(total: number, reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const parts = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, count]) => `${count} ${reason}`);
  return `0/${total} nodes are available: ${parts.join(", ")}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
