import type { DrainRecord } from "./drain-record.js";

/** One budget's disruptionsAllowed over the drain, as steps. */
export interface BudgetSeries {
  /** namespace/name */
  budget: string;
  /** Pods of the node it covers. */
  pods: number;
  /** Each change: from `seconds` on, the budget allowed `allowed` (healthy / needed when known). */
  steps: Array<{ seconds: number; allowed: number; healthy?: number; needed?: number }>;
}

/**
 * The budgets covering the node's pods, each with the disruptions it allowed over time: from the record's
 * budget status entries (a watch of the budgets), or else from what refusals said at the time.
 */
export function budgetSeries(record: DrainRecord): BudgetSeries[] {
  const covered = new Map<string, number>();
  for (const pod of record.pods) {
    for (const budget of pod.budgets) covered.set(budget, (covered.get(budget) ?? 0) + 1);
  }
  for (const entry of record.timeline) {
    if (entry.budget !== undefined && !covered.has(entry.budget)) covered.set(entry.budget, 0);
  }
  return [...covered]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([budget, pods]) => {
      const mentions = record.timeline.filter(
        (entry) => entry.budget === budget && entry.disruptionsAllowed !== undefined,
      );
      const watched = mentions.filter((entry) => entry.kind === "budget");
      const source = watched.length > 0 ? watched : mentions;
      const steps: BudgetSeries["steps"] = [];
      for (const entry of [...source].sort((a, b) => a.seconds - b.seconds)) {
        const allowed = entry.disruptionsAllowed ?? 0;
        const last = steps.at(-1);
        if (
          last !== undefined &&
          last.allowed === allowed &&
          last.healthy === entry.currentHealthy &&
          last.needed === entry.desiredHealthy
        ) {
          continue;
        }
        steps.push({
          seconds: entry.seconds,
          allowed,
          ...(entry.currentHealthy === undefined ? {} : { healthy: entry.currentHealthy }),
          ...(entry.desiredHealthy === undefined ? {} : { needed: entry.desiredHealthy }),
        });
      }
      return { budget, pods, steps };
    });
}
