import type { DrainPolicy } from "../drain/policy.js";
import { SharedBudgets } from "../drain/shared-budgets.js";
import type { ClusterLink } from "./cluster-links.js";

/**
 * The drains one process runs at once (the notices of an SQS batch in a Lambda container, the queue
 * worker's concurrent notices) share, per cluster, one budget watch and one gate per budget
 * (src/drain/shared-budgets.ts): they never spend the same allowance twice. The share lives while a drain
 * uses it: opened by the first, closed after the last (a frozen Lambda container keeps no watch open).
 */
export class BudgetSharing {
  private readonly byCluster = new Map<string, { shared: SharedBudgets; users: number }>();

  constructor(
    private readonly policy: DrainPolicy,
    private readonly random: () => number,
    /** This process among drainers taking turns under a budget (budget-turns.ts). */
    private readonly identity: string,
  ) {}

  /** The share of the link's cluster, opened if no drain holds it; `release` when the drain ends. */
  acquire(link: ClusterLink): { shared: SharedBudgets; release: () => void } {
    let entry = this.byCluster.get(link.clusterName);
    if (entry === undefined) {
      const shared = new SharedBudgets({ policy: this.policy, random: this.random, identity: this.identity });
      shared.open(link.port);
      entry = { shared, users: 0 };
      this.byCluster.set(link.clusterName, entry);
    }
    entry.users += 1;
    const held = entry;
    let released = false;
    return {
      shared: held.shared,
      release: () => {
        if (released) return;
        released = true;
        held.users -= 1;
        if (held.users > 0 || this.byCluster.get(link.clusterName) !== held) return;
        this.byCluster.delete(link.clusterName);
        held.shared.close();
      },
    };
  }
}
