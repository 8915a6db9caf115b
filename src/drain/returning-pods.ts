import type { V1Pod, V1Toleration } from "@kubernetes/client-node";
import { controllerOf, createdAt, isDaemonSetPod } from "./pod-facts.js";
import type { PodVerdict } from "./pod-filters.js";
import type { DrainPolicy } from "./policy.js";

/**
 * Pods that come back. A cordoned node carries the node.kubernetes.io/unschedulable:NoSchedule taint; the
 * scheduler still places a pod there when the pod tolerates it (the NodeUnschedulable filter,
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go),
 * as agents with `tolerations: [{operator: Exists}]` do. Evicting each replacement again would loop until
 * the deadline. kubectl evicts only the pods it listed
 * (https://github.com/kubernetes/kubectl/blob/master/pkg/drain/drain.go); Karpenter leaves pods that
 * tolerate its disruption taint alone
 * (https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/controllers/node/termination/terminator/terminator.go).
 * Here a pod that reappears under an owner the drain already evicted pods of is evicted only while that
 * owner has had fewer than `policy.maxEvictionsPerOwner` evictions in the drain; then it is left.
 */

/** The taint the API server's node lifecycle controller keeps on a node with spec.unschedulable. */
export const UNSCHEDULABLE_TAINT: NoScheduleTaint = {
  key: "node.kubernetes.io/unschedulable",
  effect: "NoSchedule",
};

/** `namespace/Kind/name` of the pod's controller, or undefined for a bare pod. */
export function ownerKeyOf(pod: V1Pod): string | undefined {
  const owner = controllerOf(pod);
  if (owner === undefined) return undefined;
  return `${pod.metadata?.namespace ?? "default"}/${owner.kind}/${owner.name}`;
}

interface NoScheduleTaint {
  key: string;
  value?: string;
  effect: "NoSchedule";
}

/**
 * v1helper.ToleratesTaint
 * (https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/api/core/v1/toleration.go):
 * an empty effect matches every effect, an empty key with operator Exists matches every key, Equal (the
 * default) compares values.
 */
function toleratesTaint(toleration: V1Toleration, taint: NoScheduleTaint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return Boolean(toleration.key) && (toleration.value ?? "") === (taint.value ?? "");
}

function tolerationText(toleration: V1Toleration): string {
  const parts = [
    toleration.key === undefined || toleration.key === "" ? "any key" : `key ${toleration.key}`,
    `operator ${toleration.operator ?? "Equal"}`,
    ...(toleration.value === undefined ? [] : [`value ${toleration.value}`]),
    toleration.effect === undefined || toleration.effect === ""
      ? "any effect"
      : `effect ${toleration.effect}`,
  ];
  return `{${parts.join(", ")}}`;
}

/**
 * Why the scheduler may put this pod (or its replacement) back on the drained node: its tolerations of
 * every NoSchedule taint the drain puts there; undefined when one of those taints keeps it away.
 */
export function drainTaintTolerance(pod: V1Pod, policy: DrainPolicy): string | undefined {
  const taints: NoScheduleTaint[] = [
    UNSCHEDULABLE_TAINT,
    ...(policy.taintKey === undefined
      ? []
      : [{ key: policy.taintKey, value: "true", effect: "NoSchedule" as const }]),
  ];
  const tolerations = pod.spec?.tolerations ?? [];
  const tolerating = tolerations.filter((toleration) =>
    taints.some((taint) => toleratesTaint(toleration, taint)),
  );
  const all = taints.every((taint) => tolerations.some((toleration) => toleratesTaint(toleration, taint)));
  if (!all) return undefined;
  return `it tolerates the cordoned node's taints (${tolerating.map(tolerationText).join(", ")})`;
}

/**
 * The verdict for a pod that came back once its owner's evictions reached the bound: skipped and
 * reported, not evicted again; undefined when the pod may be evicted.
 */
export function returningVerdict(
  pod: V1Pod,
  verdict: PodVerdict,
  context: {
    policy: DrainPolicy;
    startedAt: number;
    ownerEvictions: Readonly<Record<string, number>>;
    /** The pod was on the node when this run first listed it. */
    seenAtStart: boolean;
  },
): PodVerdict | undefined {
  if (verdict.action !== "evict" || isDaemonSetPod(pod)) return undefined;
  const owner = ownerKeyOf(pod);
  if (owner === undefined) return undefined;
  const evictions = context.ownerEvictions[owner] ?? 0;
  if (evictions < context.policy.maxEvictionsPerOwner) return undefined;
  // It came after this run began, or (for a run that resumes the drain) was created a whole second after
  // the drain began: creationTimestamp has whole seconds, so a pod of the drain's first second may be older.
  const created = createdAt(pod);
  const cameLater = created !== undefined && created >= context.startedAt + 1000;
  if (context.seenAtStart && !cameLater) return undefined;
  const why = drainTaintTolerance(pod, context.policy) ?? "it was placed on the node after the drain began";
  const [, kind, name] = owner.split("/");
  return {
    action: "skip",
    reason: "returning",
    message: `came back to the node after ${evictions} eviction${evictions === 1 ? "" : "s"} of ${kind} ${name}'s pods: ${why}; not evicted again (the node's end stops it)`,
  };
}
