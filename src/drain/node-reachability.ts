import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { epochMs, isTerminating } from "./pod-facts.js";
import type { PodVerdict } from "./pod-filters.js";
import type { DrainPolicy } from "./policy.js";

/**
 * A node whose kubelet stopped. The node lifecycle controller sets the node's Ready condition to Unknown
 * after the node-monitor grace period
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/nodelifecycle/node_lifecycle_controller.go);
 * the pods on it that were deleted stay terminating, since no kubelet confirms their end. Karpenter stops
 * waiting for a pod stuck terminating a minute past its deletion time
 * (https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/utils/pod/scheduling.go, IsStuckTerminating);
 * kubectl has --skip-wait-for-delete-timeout (https://github.com/kubernetes/kubectl/blob/master/pkg/drain/drain.go).
 * Here: once the node's Ready condition has been False or Unknown for `policy.unreachableAfterMs`, a pod
 * terminating on it past its grace period (now ≥ its deletionTimestamp) counts as gone. Pods not evicted yet
 * are still evicted through the API, under their budgets.
 */

/** How often the drain reads the Node while pods are terminating past their grace period. */
export const NODE_READ_INTERVAL_MS = 5_000;

/** The taint that tells the pod GC and the attach-detach controller that a node is shut down for good. */
export const OUT_OF_SERVICE_TAINT = {
  key: "node.kubernetes.io/out-of-service",
  value: "nodeshutdown",
  effect: "NoExecute",
} as const;

/** Since when (epoch ms) the node's Ready condition is not True; undefined while it is Ready. */
export function notReadySince(node: V1Node): number | undefined {
  const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
  if (ready === undefined || ready.status === "True") return undefined;
  return epochMs(ready.lastTransitionTime) ?? 0;
}

/** True once the node has not been Ready for `policy.unreachableAfterMs`. */
export function isUnreachable(node: V1Node, now: number, policy: DrainPolicy): boolean {
  const since = notReadySince(node);
  return since !== undefined && now - since >= policy.unreachableAfterMs;
}

/** True when the pod's deletion is due: terminating, and its deletionTimestamp (request + grace) is past. */
export function pastGracePeriod(pod: V1Pod, now: number): boolean {
  const due = epochMs(pod.metadata?.deletionTimestamp);
  return isTerminating(pod) && due !== undefined && now >= due;
}

/**
 * The verdict of a pod that counts as gone: terminating past its grace period on a node that has not been
 * Ready for `unreachableAfterMs`; undefined otherwise.
 */
export function unreachableVerdict(
  pod: V1Pod,
  verdict: PodVerdict,
  context: { node: V1Node; now: number; policy: DrainPolicy },
): PodVerdict | undefined {
  if (verdict.action !== "wait" || verdict.reason !== "terminating") return undefined;
  if (!isUnreachable(context.node, context.now, context.policy) || !pastGracePeriod(pod, context.now)) {
    return undefined;
  }
  const ready = context.node.status?.conditions?.find((condition) => condition.type === "Ready");
  const since = notReadySince(context.node) ?? context.now;
  return {
    action: "skip",
    reason: "node-unreachable",
    message: `counted as gone: terminating past its grace period on a node whose Ready condition is ${ready?.status ?? "missing"} (${ready?.reason ?? "no reason"}) for ${Math.round((context.now - since) / 1000)}s; no kubelet will confirm its end`,
  };
}

/**
 * kubectl drain's --skip-wait-for-delete-timeout: a pod whose deletionTimestamp is older than the timeout is
 * no longer waited for (https://github.com/kubernetes/kubectl/blob/master/pkg/drain/filters.go, skipDeletedFilter).
 */
export function deleteTimeoutVerdict(
  pod: V1Pod,
  verdict: PodVerdict,
  now: number,
  policy: DrainPolicy,
): PodVerdict | undefined {
  const timeout = policy.skipWaitForDeleteTimeoutMs;
  if (timeout === undefined || verdict.action !== "wait" || verdict.reason !== "terminating")
    return undefined;
  const due = epochMs(pod.metadata?.deletionTimestamp);
  if (due === undefined || now - due <= timeout) return undefined;
  return {
    action: "skip",
    reason: "delete-timeout",
    message: `terminating ${Math.round((now - due) / 1000)}s past its deletion time (--skip-wait-for-delete-timeout ${Math.round(timeout / 1000)}s): no longer waited for`,
  };
}
