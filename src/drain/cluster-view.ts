import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { BudgetIndex, budgetKey } from "./budgets.js";
import type { ClusterError, ClusterPort, FeedSink, ResourceFeed } from "./cluster-port.js";

/**
 * What the drain knows of the cluster, kept current by two feeds (the node's pods, the budgets) so that
 * waiting costs no request per pod. Pods are keyed by UID: a new pod under an old name is another pod.
 */
export class ClusterView {
  private readonly podsByUid = new Map<string, V1Pod>();
  private readonly budgetsByKey = new Map<string, V1PodDisruptionBudget>();
  private budgetIndex: BudgetIndex | undefined;
  private readonly feeds: ResourceFeed[] = [];
  private podsReady = false;
  private budgetsReady = false;
  private podFailure: ClusterError | undefined;
  private budgetFailure: ClusterError | undefined;
  /** Bumped on every budget change, so callers can tell a fresh status from a stale one. */
  private budgetRevision = 0;
  private readonly budgetRevisions = new Map<string, number>();
  private changes = 0;

  constructor(
    private readonly notify: () => void,
    private readonly onGone: (pod: V1Pod) => void,
    private readonly onProblem: (feed: "pods" | "budgets", error: ClusterError) => void,
  ) {}

  private onChange(): void {
    this.changes += 1;
    this.notify();
  }

  open(cluster: ClusterPort, nodeName: string): void {
    this.feeds.push(cluster.watchPodsOnNode(nodeName, this.podSink()));
    this.feeds.push(cluster.watchBudgets(this.budgetSink()));
  }

  close(): void {
    for (const feed of this.feeds.splice(0)) feed.close();
  }

  /** Changes whenever anything in the view changes. */
  get revision(): number {
    return this.changes;
  }

  get podsSynced(): boolean {
    return this.podsReady;
  }

  /** Budgets are synced, or cannot be read (the drain then relies on the server's answers alone). */
  get budgetsSynced(): boolean {
    return this.budgetsReady || this.budgetFailure !== undefined;
  }

  get podFeedFailure(): ClusterError | undefined {
    return this.podFailure;
  }

  get budgetFeedFailure(): ClusterError | undefined {
    return this.budgetFailure;
  }

  pods(): V1Pod[] {
    return [...this.podsByUid.values()];
  }

  hasPod(uid: string): boolean {
    return this.podsByUid.has(uid);
  }

  /** Another pod (other UID) with this namespace/name on the node. */
  hasNamesake(namespace: string, name: string, uid: string): boolean {
    for (const pod of this.podsByUid.values()) {
      if (pod.metadata?.namespace === namespace && pod.metadata.name === name && pod.metadata.uid !== uid) {
        return true;
      }
    }
    return false;
  }

  /**
   * The server said this pod is gone (its eviction answered 404, or another pod now holds its name): a
   * UID never comes back, so the view drops it even if the watch never reports its deletion.
   */
  forgetPod(uid: string): void {
    if (this.podsByUid.delete(uid)) this.onChange();
  }

  budget(key: string): V1PodDisruptionBudget | undefined {
    return this.budgetsByKey.get(key);
  }

  /** A number that changes whenever this budget's object changes. */
  budgetRevisionOf(key: string): number {
    return this.budgetRevisions.get(key) ?? 0;
  }

  budgets(): BudgetIndex {
    this.budgetIndex ??= new BudgetIndex(this.budgetsByKey.values());
    return this.budgetIndex;
  }

  private podSink(): FeedSink<V1Pod> {
    return {
      replace: (items) => {
        const next = new Map(items.map((pod) => [pod.metadata?.uid ?? "", pod] as const));
        for (const [uid, pod] of this.podsByUid) {
          if (!next.has(uid)) this.onGone(pod);
        }
        this.podsByUid.clear();
        for (const [uid, pod] of next) this.podsByUid.set(uid, pod);
        this.podsReady = true;
        this.onChange();
      },
      upsert: (pod) => {
        this.podsByUid.set(pod.metadata?.uid ?? "", pod);
        this.onChange();
      },
      remove: (pod) => {
        const uid = pod.metadata?.uid ?? "";
        const known = this.podsByUid.get(uid);
        if (known !== undefined) {
          this.podsByUid.delete(uid);
          this.onGone(known);
        }
        this.onChange();
      },
      problem: (error) => this.onProblem("pods", error),
      fail: (error) => {
        this.podFailure = error;
        this.onProblem("pods", error);
        this.onChange();
      },
    };
  }

  private budgetSink(): FeedSink<V1PodDisruptionBudget> {
    const touch = (key: string) => {
      this.budgetRevision += 1;
      this.budgetRevisions.set(key, this.budgetRevision);
      this.budgetIndex = undefined;
    };
    return {
      replace: (items) => {
        this.budgetsByKey.clear();
        for (const budget of items) {
          this.budgetsByKey.set(budgetKey(budget), budget);
          touch(budgetKey(budget));
        }
        this.budgetIndex = undefined;
        this.budgetsReady = true;
        this.onChange();
      },
      upsert: (budget) => {
        this.budgetsByKey.set(budgetKey(budget), budget);
        touch(budgetKey(budget));
        this.onChange();
      },
      remove: (budget) => {
        this.budgetsByKey.delete(budgetKey(budget));
        touch(budgetKey(budget));
        this.onChange();
      },
      problem: (error) => this.onProblem("budgets", error),
      fail: (error) => {
        this.budgetFailure = error;
        this.onProblem("budgets", error);
        this.onChange();
      },
    };
  }
}
