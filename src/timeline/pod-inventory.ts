import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { BudgetIndex, budgetKey } from "../drain/budgets.js";
import { podKey, podRef } from "../drain/cluster-port.js";
import { controllerOf, isMirrorPod } from "../drain/pod-facts.js";
import type { DrainPolicy } from "../drain/policy.js";
import { tierOf } from "../drain/tiers.js";
import type { RecordedPod } from "./drain-record.js";

/** The pods of a node as a record lists them: workload, tier and budgets of each. */
export function recordedPods(
  pods: readonly V1Pod[],
  budgets: readonly V1PodDisruptionBudget[],
  policy: DrainPolicy,
): RecordedPod[] {
  const index = new BudgetIndex(budgets);
  return pods.map((pod) => ({
    pod: podKey(podRef(pod)),
    workload: workloadOf(pod),
    tier: tierOf(pod, policy),
    budgets: index.forPod(pod).map(budgetKey),
  }));
}

/**
 * The workload a pod belongs to: its controller, and for a ReplicaSet the Deployment that owns it. The
 * Deployment controller names its ReplicaSets `<deployment>-<pod-template-hash>` and labels their pods
 * with that hash (getNewReplicaSet in
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go), so the
 * Deployment is read off the pod without another request.
 */
export function workloadOf(pod: V1Pod): string {
  if (isMirrorPod(pod)) return "static pods (mirror pods of the kubelet)";
  const owner = controllerOf(pod);
  const namespace = pod.metadata?.namespace ?? "default";
  if (owner === undefined) return "no controller";
  const hash = pod.metadata?.labels?.["pod-template-hash"];
  if (owner.kind === "ReplicaSet" && hash !== undefined && owner.name.endsWith(`-${hash}`)) {
    return `Deployment ${namespace}/${owner.name.slice(0, -hash.length - 1)}`;
  }
  return `${owner.kind} ${namespace}/${owner.name}`;
}
