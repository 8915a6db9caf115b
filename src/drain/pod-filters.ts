import type { V1Pod } from "@kubernetes/client-node";
import { type LabelRequirement, matchesRequirements } from "../labels/label-selector.js";
import { parseDuration } from "./duration.js";
import {
  controllerOf,
  hasEmptyDir,
  isDaemonSetPod,
  isFinished,
  isMirrorPod,
  isTerminating,
  MIRROR_POD_ANNOTATION,
} from "./pod-facts.js";
import type { DrainPolicy } from "./policy.js";

/**
 * What the drain does with one pod, decided by small pure filters (the first filter with an opinion wins):
 * - evict: through the Eviction API, honouring budgets;
 * - skip: left on the node (DaemonSet, mirror, finished, not selected, a pod that keeps coming back);
 * - wait: not evicted, but the drain waits for it to go (already terminating, opted out) until its time;
 * - refuse: the drain refuses to proceed because of it (bare or emptyDir pods when so configured).
 */
export type PodAction = "evict" | "skip" | "wait" | "refuse";

export type PodReason =
  | "finished"
  | "mirror"
  | "not-selected"
  | "daemonset"
  | "terminating"
  | "bare"
  | "empty-dir"
  | "opted-out"
  | "opt-out-expired"
  | "returning"
  | "node-unreachable"
  | "delete-timeout"
  | "ordinary";

export interface PodVerdict {
  action: PodAction;
  reason: PodReason;
  message: string;
  /** For "wait" verdicts of opted-out pods: when the opt-out ends (epoch ms). */
  waitUntil?: number;
}

export interface FilterContext {
  policy: DrainPolicy;
  /** The parsed `policy.podSelector`, or undefined for all pods. */
  selector: readonly LabelRequirement[] | undefined;
  now: number;
  startedAt: number;
  deadline: number;
}

export type PodFilter = (pod: V1Pod, context: FilterContext) => PodVerdict | undefined;

export const finishedFilter: PodFilter = (pod) =>
  isFinished(pod)
    ? { action: "skip", reason: "finished", message: `pod has finished (phase ${pod.status?.phase})` }
    : undefined;

export const mirrorFilter: PodFilter = (pod) =>
  isMirrorPod(pod)
    ? {
        action: "skip",
        reason: "mirror",
        message: `static pod (${MIRROR_POD_ANNOTATION}); the kubelet owns it`,
      }
    : undefined;

export const selectorFilter: PodFilter = (pod, { selector, policy }) =>
  selector !== undefined && !matchesRequirements(selector, pod.metadata?.labels)
    ? {
        action: "skip",
        reason: "not-selected",
        message: `does not match pod selector "${policy.podSelector}"`,
      }
    : undefined;

export const daemonSetFilter: PodFilter = (pod, { policy }) =>
  isDaemonSetPod(pod) && !policy.evictDaemonSets
    ? { action: "skip", reason: "daemonset", message: `managed by DaemonSet ${controllerOf(pod)?.name}` }
    : undefined;

export const terminatingFilter: PodFilter = (pod) =>
  isTerminating(pod)
    ? { action: "wait", reason: "terminating", message: "already terminating; waiting for it to go" }
    : undefined;

export const refusalFilter: PodFilter = (pod, { policy }) => {
  if (policy.barePods === "refuse" && controllerOf(pod) === undefined) {
    return { action: "refuse", reason: "bare", message: "no controller will recreate this pod" };
  }
  if (policy.emptyDirPods === "refuse" && hasEmptyDir(pod)) {
    return {
      action: "refuse",
      reason: "empty-dir",
      message: "uses emptyDir volumes whose data would be lost",
    };
  }
  return undefined;
};

export const optOutFilter: PodFilter = (pod, { policy, startedAt, deadline, now }) => {
  const value = pod.metadata?.annotations?.[policy.optOutAnnotation];
  if (value === undefined || value.trim().toLowerCase() === "false") return undefined;
  const durationMs = value.trim().toLowerCase() === "true" ? undefined : parseDuration(value);
  const until = durationMs === undefined ? deadline : Math.min(startedAt + durationMs, deadline);
  if (durationMs !== undefined && now >= until) {
    return { action: "evict", reason: "opt-out-expired", message: `opt-out "${value}" has expired` };
  }
  const message =
    durationMs !== undefined
      ? `opted out for ${value}: waited for, then evicted`
      : value.trim().toLowerCase() === "true"
        ? "opted out: waited for, never evicted, until the deadline"
        : `opt-out value "${value}" read as "true": waited for until the deadline`;
  return { action: "wait", reason: "opted-out", message, waitUntil: until };
};

export const evictFilter: PodFilter = (pod) => {
  if (isDaemonSetPod(pod)) {
    return { action: "evict", reason: "daemonset", message: "DaemonSet pod, evicted last" };
  }
  if (controllerOf(pod) === undefined) {
    return { action: "evict", reason: "bare", message: "no controller: it will not be recreated" };
  }
  if (hasEmptyDir(pod)) {
    return { action: "evict", reason: "empty-dir", message: "emptyDir data will be lost" };
  }
  return { action: "evict", reason: "ordinary", message: `managed by ${controllerOf(pod)?.kind}` };
};

/**
 * The filters in the order they are asked. A terminating pod is waited for even once its phase says it
 * finished (the kubelet reports Succeeded before it removes the pod): the drain waits until it is gone.
 */
export const podFilters: readonly PodFilter[] = [
  mirrorFilter,
  selectorFilter,
  daemonSetFilter,
  terminatingFilter,
  finishedFilter,
  refusalFilter,
  optOutFilter,
  evictFilter,
];

export function classifyPod(pod: V1Pod, context: FilterContext): PodVerdict {
  for (const filter of podFilters) {
    const verdict = filter(pod, context);
    if (verdict !== undefined) return verdict;
  }
  // evictFilter always answers; this is unreachable but keeps the type honest.
  return { action: "evict", reason: "ordinary", message: "evicted" };
}
