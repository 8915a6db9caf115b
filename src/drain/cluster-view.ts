import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { BudgetBoard } from "./budget-board.js";
import type { BudgetIndex } from "./budgets.js";
import type { ClusterError, ClusterPort, FeedSink, ResourceFeed } from "./cluster-port.js";

/**
 * What the drain knows of the cluster, kept current by two feeds (the node's pods, the budgets) so that
 * waiting costs no request per pod. Pods are keyed by UID: a new pod under an old name is another pod.
 */
export class ClusterView {
  private readonly podsByUid = new Map<string, V1Pod>();
  private readonly feeds: ResourceFeed[] = [];
  private podsReady = false;
  private podFailure: ClusterError | undefined;
  private changes = 0;
  /** The budgets: this drain's own watch, or one shared by the drains of the process. */
  readonly board: BudgetBoard;
  private readonly ownBoard: boolean;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly notify: () => void,
    private readonly onGone: (pod: V1Pod) => void,
    private readonly onProblem: (feed: "pods" | "budgets", error: ClusterError) => void,
    sharedBoard?: BudgetBoard,
    /** Does the drain wait for room under this budget? Default: it waits for every budget. */
    private readonly waitsFor: (budgetKey: string) => boolean = () => true,
  ) {
    this.board = sharedBoard ?? new BudgetBoard();
    this.ownBoard = sharedBoard === undefined;
  }

  private onChange(): void {
    this.changes += 1;
    this.notify();
  }

  open(cluster: ClusterPort, nodeName: string): void {
    this.feeds.push(cluster.watchPodsOnNode(nodeName, this.podSink()));
    this.unsubscribe = this.board.subscribe({
      // A status change wakes the drain; only a change of which pods a budget covers changes the view's
      // revision (and so the pods' snapshot, which holds each pod's budgets).
      // A status change wakes the drain only when it waits for that budget (with fifty drains sharing a
      // board, waking every drain on every eviction's status write cost more than the drains' own work).
      changed: (covers, key) => {
        if (covers) this.onChange();
        else if (key === undefined || this.waitsFor(key)) this.notify();
      },
      problem: (error) => this.onProblem("budgets", error),
    });
    this.board.open(cluster);
  }

  close(): void {
    for (const feed of this.feeds.splice(0)) feed.close();
    this.unsubscribe?.();
    if (this.ownBoard) this.board.close();
  }

  /**
   * Changes whenever the node's pods change or which pods a budget covers; not on a budget's status alone
   * (read it with `budget(key)`: the pods' snapshot keeps each pod's budget objects as they were).
   */
  get revision(): number {
    return this.changes;
  }

  get podsSynced(): boolean {
    return this.podsReady;
  }

  /** Budgets are synced, or cannot be read (the drain then relies on the server's answers alone). */
  get budgetsSynced(): boolean {
    return this.board.synced;
  }

  get podFeedFailure(): ClusterError | undefined {
    return this.podFailure;
  }

  get budgetFeedFailure(): ClusterError | undefined {
    return this.board.feedFailure;
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
    return this.board.budget(key);
  }

  /** A number that changes whenever this budget's object changes. */
  budgetRevisionOf(key: string): number {
    return this.board.revisionOf(key);
  }

  /** A status of the budget named the pod in `disruptedPods` (budget-board.ts). */
  wasDisrupted(key: string, podName: string): boolean {
    return this.board.wasDisrupted(key, podName);
  }

  disruptedCountOf(key: string): number {
    return this.board.disruptedCountOf(key);
  }

  budgets(): BudgetIndex {
    return this.board.index();
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
}
