import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { drawOf } from "../random/seeded-random.js";

/** Taking turns with other processes under one budget. */
export interface TurnSettings {
  /** Who takes the turns: the drained node's name, or the process's name when drains share the gates. */
  identity: string;
  /** Turns are spread over this long after the budget shows room; 0: no turns. */
  windowMs: number;
}

/**
 * Turns under a shared budget for drainers that share nothing but the API server (concurrent Lambda
 * invocations of a scale-in). Each reads the same status through its watch; were they all to spend the
 * `disruptionsAllowed` they see at once, all but that many evictions would be refused. Instead each takes
 * its turn at a time drawn from the budget's state — its `resourceVersion`, the budget and the drainer —
 * within `windowMs` of seeing room in it. The eviction subresource spends the allowance in the budget's
 * status in the same request (checkAndDecrement,
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/core/pod/storage/eviction.go), so the
 * drainers whose turns come later see the new status before theirs comes, and wait for the next room: the
 * allowance goes to one drainer after another, not to all at once. No request and no object beyond the
 * budget's watch; a drainer that dies takes no lock with it. A turn lasts one pass of the drain; the next
 * is drawn anew (from the status of then), so no drainer always comes last. What it cannot prevent: two
 * turns closer together than the watch's delay (both drainers see the same room); the gate then takes one
 * eviction per turn and widens its window after each such collision (budget-gates.ts).
 */
export function budgetTurnAt(
  turns: TurnSettings,
  key: string,
  budget: V1PodDisruptionBudget,
  seenAt: number,
): number {
  const state = budget.metadata?.resourceVersion ?? "";
  return seenAt + Math.round(turns.windowMs * drawOf(`${turns.identity}|${key}|${state}`));
}

/**
 * The budget's status names pods being evicted (`disruptedPods`: evictions the disruption controller
 * has not seen through yet) that this drainer did not evict: another drainer spends the same budget.
 */
export function othersEvicting(budget: V1PodDisruptionBudget, ours: ReadonlySet<string>): boolean {
  for (const name of Object.keys(budget.status?.disruptedPods ?? {})) {
    if (!ours.has(name)) return true;
  }
  return false;
}
