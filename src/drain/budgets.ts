import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import {
  evictionBudgetRequirements,
  type LabelRequirement,
  matchesRequirements,
} from "../labels/label-selector.js";

/** A PodDisruptionBudget as the drain reports it. */
export interface BudgetSummary {
  /** namespace/name */
  name: string;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

export function budgetKey(budget: V1PodDisruptionBudget): string {
  return `${budget.metadata?.namespace ?? "default"}/${budget.metadata?.name ?? ""}`;
}

export function summarizeBudget(budget: V1PodDisruptionBudget): BudgetSummary {
  return {
    name: budgetKey(budget),
    disruptionsAllowed: budget.status?.disruptionsAllowed ?? 0,
    currentHealthy: budget.status?.currentHealthy ?? 0,
    desiredHealthy: budget.status?.desiredHealthy ?? 0,
    expectedPods: budget.status?.expectedPods ?? 0,
  };
}

/**
 * True when the budget can never allow an eviction by itself: nothing may be disrupted and the
 * workload has no pod beyond the healthy count it needs (e.g. one replica under minAvailable 1).
 * Evicting does not create a surge replacement, so waiting alone will not help.
 */
export function budgetNeverAllows(budget: BudgetSummary): boolean {
  return budget.disruptionsAllowed <= 0 && budget.expectedPods <= budget.desiredHealthy;
}

/** Budgets grouped by namespace, answering "which budgets cover this pod". */
export class BudgetIndex {
  private readonly byNamespace = new Map<string, IndexedBudget[]>();

  constructor(budgets: Iterable<V1PodDisruptionBudget>) {
    for (const budget of budgets) {
      const namespace = budget.metadata?.namespace ?? "default";
      const list = this.byNamespace.get(namespace) ?? [];
      // Compiled once per index, not once per pod and pass.
      list.push({ budget, requirements: evictionBudgetRequirements(budget.spec?.selector) });
      this.byNamespace.set(namespace, list);
    }
  }

  /** The budgets whose selector matches the pod, as the eviction subresource picks them. */
  forPod(pod: V1Pod): V1PodDisruptionBudget[] {
    const candidates = this.byNamespace.get(pod.metadata?.namespace ?? "default") ?? [];
    const matching: V1PodDisruptionBudget[] = [];
    for (const { budget, requirements } of candidates) {
      if (requirements !== null && matchesRequirements(requirements, pod.metadata?.labels)) {
        matching.push(budget);
      }
    }
    return matching;
  }
}

interface IndexedBudget {
  budget: V1PodDisruptionBudget;
  /** null: the budget covers no pod (a nil, empty or invalid selector, as the eviction subresource reads it). */
  requirements: readonly LabelRequirement[] | null;
}
