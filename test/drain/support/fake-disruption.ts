import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { EvictionOutcome } from "../../../src/drain/cluster-port.js";
import { budgetStatusSelects, evictionBudgetSelects } from "../../../src/labels/label-selector.js";

/**
 * The disruption rules of the fake cluster, as the API server has them: which budgets the eviction
 * subresource counts for a pod, which pods the disruption controller counts in a budget's status (the two
 * read an empty selector differently, src/labels/label-selector.ts), eviction.
 */

export function isPodReady(pod: V1Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

/** Whether the eviction subresource counts the budget for the pod. */
export function covers(budget: V1PodDisruptionBudget, pod: V1Pod): boolean {
  return (
    budget.metadata?.namespace === pod.metadata?.namespace &&
    evictionBudgetSelects(budget.spec?.selector, pod.metadata?.labels)
  );
}

/** Pods the disruption controller counts healthy for the budget: selected, Ready and not terminating. */
export function healthyUnder(budget: V1PodDisruptionBudget, pods: Iterable<V1Pod>): number {
  let healthy = 0;
  for (const pod of pods) {
    const counted =
      budget.metadata?.namespace === pod.metadata?.namespace &&
      budgetStatusSelects(budget.spec?.selector, pod.metadata?.labels);
    if (counted && isPodReady(pod) && pod.metadata?.deletionTimestamp === undefined) healthy += 1;
  }
  return healthy;
}

/** The status the disruption controller computes, with `expected` pods from the workload's scale. */
export function budgetStatus(budget: V1PodDisruptionBudget, pods: Iterable<V1Pod>, expected: number) {
  const healthy = healthyUnder(budget, pods);
  const min = budget.spec?.minAvailable;
  const desired =
    typeof min === "number" ? min : Math.max(0, expected - Number(budget.spec?.maxUnavailable ?? 0));
  return {
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    disruptionsAllowed: Math.max(0, healthy - desired),
    observedGeneration: 1,
  };
}

export function sameStatus(a: V1PodDisruptionBudget["status"], b: V1PodDisruptionBudget["status"]): boolean {
  const pick = (status: V1PodDisruptionBudget["status"]) => [
    status?.currentHealthy,
    status?.desiredHealthy,
    status?.expectedPods,
    status?.disruptionsAllowed,
  ];
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}

/**
 * The eviction subresource's decision for a running pod: refused (two budgets, or none allowed), or
 * allowed, spending from `budget` when it is healthy.
 */
export function decideEviction(
  pod: V1Pod,
  budgets: readonly V1PodDisruptionBudget[],
): { allowed: true; spend?: V1PodDisruptionBudget } | { allowed: false; outcome: EvictionOutcome } {
  const covering = budgets.filter((budget) => covers(budget, pod));
  if (covering.length > 1) {
    return {
      allowed: false,
      outcome: {
        kind: "blocked",
        cause: "multiple-budgets",
        message:
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      },
    };
  }
  const [budget] = covering;
  if (budget === undefined) return { allowed: true };
  const status = budget.status ?? {};
  // An unready pod goes without spending when the budget is otherwise satisfied (eviction.go).
  if (
    !isPodReady(pod) &&
    (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) &&
    (status.desiredHealthy ?? 0) > 0
  )
    return { allowed: true };
  if ((status.disruptionsAllowed ?? 0) <= 0) {
    const name = budget.metadata?.name ?? "";
    return {
      allowed: false,
      outcome: {
        kind: "blocked",
        cause: "budget",
        budget: name,
        message: `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
      },
    };
  }
  return { allowed: true, spend: budget };
}
