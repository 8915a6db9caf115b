import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { BudgetIndex, budgetKey } from "./budgets.js";
import type { ClusterError, ClusterPort, FeedSink, ResourceFeed } from "./cluster-port.js";

/** Pod names remembered per budget from its `disruptedPods`. */
const MAX_DISRUPTED_NAMES = 4_096;

/** Told of every change of the budgets (and of the feed's problems). */
export interface BudgetListener {
  /**
   * `covers`: which pods a budget covers may have changed (a budget added, removed, its selector edited);
   * `key`: the budget whose status alone changed otherwise.
   */
  changed: (covers: boolean, key?: string) => void;
  problem: (error: ClusterError) => void;
}

/**
 * The PodDisruptionBudgets as one watch shows them. One drain has its own; drains in one process (the CLI
 * with several nodes, the queue worker) share one, so that they read the same statuses at the same time
 * and the server serves one watch instead of one per drain.
 */
export class BudgetBoard {
  private readonly budgetsByKey = new Map<string, V1PodDisruptionBudget>();
  private budgetIndex: BudgetIndex | undefined;
  private readonly listeners = new Set<BudgetListener>();
  private feed: ResourceFeed | undefined;
  private ready = false;
  private failure: ClusterError | undefined;
  /** Bumped on every budget change, so callers can tell a fresh status from a stale one. */
  private revision = 0;
  private readonly revisions = new Map<string, number>();
  /** Per budget, the pods any of its statuses named in `disruptedPods` (the most recent, bounded). */
  private readonly disrupted = new Map<string, Set<string>>();
  /** Per budget, how many pods its statuses have named in `disruptedPods` (each counted once). */
  private readonly disruptedCounts = new Map<string, number>();

  /** Starts the watch (once; later calls do nothing). */
  open(cluster: ClusterPort): void {
    this.feed ??= cluster.watchBudgets(this.sink());
  }

  close(): void {
    this.feed?.close();
    this.feed = undefined;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: BudgetListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Budgets are synced, or cannot be read (the drain then relies on the server's answers alone). */
  get synced(): boolean {
    return this.ready || this.failure !== undefined;
  }

  get feedFailure(): ClusterError | undefined {
    return this.failure;
  }

  budget(key: string): V1PodDisruptionBudget | undefined {
    return this.budgetsByKey.get(key);
  }

  /** A number that changes whenever this budget's object changes. */
  revisionOf(key: string): number {
    return this.revisions.get(key) ?? 0;
  }

  /**
   * True once a status of the budget named the pod in `disruptedPods`: its eviction is counted in that
   * status and every later one, even after the disruption controller drops the name again.
   */
  wasDisrupted(key: string, podName: string): boolean {
    return this.disrupted.get(key)?.has(podName) ?? false;
  }

  /** How many pods the budget's statuses have named in `disruptedPods`: the evictions it accepted. */
  disruptedCountOf(key: string): number {
    return this.disruptedCounts.get(key) ?? 0;
  }

  index(): BudgetIndex {
    this.budgetIndex ??= new BudgetIndex(this.budgetsByKey.values());
    return this.budgetIndex;
  }

  private noteDisrupted(key: string, budget: V1PodDisruptionBudget): void {
    const names = Object.keys(budget.status?.disruptedPods ?? {});
    if (names.length === 0) return;
    let seen = this.disrupted.get(key);
    if (seen === undefined) {
      seen = new Set();
      this.disrupted.set(key, seen);
    }
    let added = 0;
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      added += 1;
    }
    if (added === 0) return;
    this.disruptedCounts.set(key, (this.disruptedCounts.get(key) ?? 0) + added);
    // Oldest first (as first named): keep the last named (far more than evictions in flight under one budget).
    for (const name of seen) {
      if (seen.size <= MAX_DISRUPTED_NAMES) break;
      seen.delete(name);
    }
  }

  private changed(covers: boolean, key?: string): void {
    for (const listener of this.listeners) listener.changed(covers, key);
  }

  private sink(): FeedSink<V1PodDisruptionBudget> {
    const touch = (key: string, budget?: V1PodDisruptionBudget) => {
      if (budget !== undefined) this.noteDisrupted(key, budget);
      this.revision += 1;
      this.revisions.set(key, this.revision);
    };
    return {
      replace: (items) => {
        this.budgetsByKey.clear();
        for (const budget of items) {
          this.budgetsByKey.set(budgetKey(budget), budget);
          touch(budgetKey(budget), budget);
        }
        this.budgetIndex = undefined;
        this.ready = true;
        this.changed(true);
      },
      upsert: (budget) => {
        const key = budgetKey(budget);
        const known = this.budgetsByKey.get(key);
        this.budgetsByKey.set(key, budget);
        touch(key, budget);
        // Most changes are of the status (every eviction, every pod that turns Ready): the index of which
        // budget covers which pod, and the drains' pod verdicts, stay as they are.
        const covers = known === undefined || !sameSelector(known, budget);
        if (covers) this.budgetIndex = undefined;
        this.changed(covers, key);
      },
      remove: (budget) => {
        this.budgetsByKey.delete(budgetKey(budget));
        touch(budgetKey(budget));
        this.budgetIndex = undefined;
        this.changed(true);
      },
      problem: (error) => {
        for (const listener of this.listeners) listener.problem(error);
      },
      fail: (error) => {
        this.failure = error;
        for (const listener of this.listeners) listener.problem(error);
        this.changed(true);
      },
    };
  }
}

/**
 * Whether two versions of a budget select the same pods. The API server bumps metadata.generation on any
 * change of the spec
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/policy/poddisruptionbudget/strategy.go):
 * the same object at the same generation has the same selector, whatever its status says. Otherwise (no
 * generation, a budget made anew under the same name) the selectors are compared.
 */
function sameSelector(a: V1PodDisruptionBudget, b: V1PodDisruptionBudget): boolean {
  const { generation, uid } = a.metadata ?? {};
  if (
    generation !== undefined &&
    uid !== undefined &&
    generation === b.metadata?.generation &&
    uid === b.metadata?.uid
  )
    return true;
  return JSON.stringify(a.spec?.selector ?? null) === JSON.stringify(b.spec?.selector ?? null);
}
