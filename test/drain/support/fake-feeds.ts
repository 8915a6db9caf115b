import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { FeedSink, ResourceFeed } from "../../../src/drain/cluster-port.js";

/** The fake cluster's watch side: delivers changes to open feeds asynchronously, as a stream would. */
export class FakeFeeds {
  private readonly podSinks: Array<{ node: string; sink: FeedSink<V1Pod> }> = [];
  private readonly budgetSinks: Array<FeedSink<V1PodDisruptionBudget>> = [];
  private muted = false;
  private budgetsMuted = false;

  openPods(node: string, sink: FeedSink<V1Pod>, initial: () => V1Pod[]): ResourceFeed {
    const entry = { node, sink };
    this.podSinks.push(entry);
    queueMicrotask(() => sink.replace(initial().map(clone)));
    return { close: () => this.podSinks.splice(this.podSinks.indexOf(entry), 1) };
  }

  openBudgets(sink: FeedSink<V1PodDisruptionBudget>, initial: () => V1PodDisruptionBudget[]): ResourceFeed {
    this.budgetSinks.push(sink);
    queueMicrotask(() => sink.replace(initial().map(clone)));
    return { close: () => this.budgetSinks.splice(this.budgetSinks.indexOf(sink), 1) };
  }

  /** A dropped pod watch: changes stop arriving until `relistPods`. */
  mutePods(): void {
    this.muted = true;
  }

  /** A budget watch that stalls silently: status changes stop arriving. */
  muteBudgets(): void {
    this.budgetsMuted = true;
  }

  /** The re-list after a dropped watch: every pod feed receives a full list. */
  relistPods(podsOn: (node: string) => V1Pod[]): void {
    this.muted = false;
    for (const { node, sink } of this.podSinks) sink.replace(podsOn(node).map(clone));
  }

  pod(kind: "upsert" | "remove", pod: V1Pod): void {
    if (this.muted) return;
    const copy = clone(pod);
    for (const { node, sink } of [...this.podSinks]) {
      if (pod.spec?.nodeName !== node) continue;
      queueMicrotask(() => (kind === "upsert" ? sink.upsert(copy) : sink.remove(copy)));
    }
  }

  budget(budget: V1PodDisruptionBudget): void {
    if (this.budgetsMuted) return;
    const copy = clone(budget);
    for (const sink of [...this.budgetSinks]) queueMicrotask(() => sink.upsert(copy));
  }
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
