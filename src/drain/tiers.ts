import type { V1Pod } from "@kubernetes/client-node";
import { isDaemonSetPod } from "./pod-facts.js";
import type { DrainPolicy } from "./policy.js";

/**
 * Tiers in the kubelet's graceful-shutdown order: ordinary pods first, then critical pods (by priority
 * class), DaemonSet pods last and only when configured. Tier k+1 starts only once tier k is gone.
 */
export const TIERS = ["ordinary", "critical", "daemonset"] as const;
export type Tier = (typeof TIERS)[number];

export function tierOf(pod: V1Pod, policy: DrainPolicy): Tier {
  if (isDaemonSetPod(pod)) return "daemonset";
  const priorityClass = pod.spec?.priorityClassName;
  if (priorityClass !== undefined && policy.criticalPriorityClasses.includes(priorityClass))
    return "critical";
  return "ordinary";
}

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The tiers this policy drains, in order. */
export function activeTiers(policy: DrainPolicy): Tier[] {
  return TIERS.filter((tier) => tier !== "daemonset" || policy.evictDaemonSets);
}
