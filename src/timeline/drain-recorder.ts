import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { BudgetIndex, budgetKey } from "../drain/budgets.js";
import type { Clock } from "../drain/clock.js";
import type { ClusterPort, FeedSink } from "../drain/cluster-port.js";
import { podKey, podRef } from "../drain/cluster-port.js";
import type { DrainEvent } from "../drain/events.js";
import type { DrainPolicy } from "../drain/policy.js";
import { tierOf } from "../drain/tiers.js";
import type { RecordedPod } from "./drain-record.js";
import { workloadOf } from "./pod-inventory.js";

/** A budget's status when it changed, as the drain's own watch saw it. */
export interface BudgetSample {
  /** Epoch ms. */
  at: number;
  budget: string;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
}

/**
 * Records a drain as it runs, without a request of its own: the engine's observer events, and — through
 * `watching`, a pass-through ClusterPort — the node's pods and every budget status the engine's own list
 * and watches receive. Progress repeats (retries, state saves, a pod refused again by the same budget)
 * are left out.
 */
export class DrainRecorder {
  readonly events: DrainEvent[] = [];
  readonly budgetSamples: BudgetSample[] = [];
  /** Evictions the API server refused (429/500/403), each retry counted; pods held back are not counted. */
  refusals = 0;
  /** Each pod seen on the node, by UID: what the record needs of it, not the whole object. */
  private readonly pods = new Map<
    string,
    RecordedPod & { namespace: string; labels?: Record<string, string> }
  >();
  private readonly budgets = new Map<string, V1PodDisruptionBudget>();
  private readonly lastBlocker = new Map<string, string>();

  constructor(
    private readonly clock: Pick<Clock, "now">,
    /** The policy the drain runs with: which tier each pod is in. */
    private readonly policy: DrainPolicy,
  ) {}

  readonly observe = (event: DrainEvent): void => {
    if (event.kind === "retrying" || event.kind === "state-saved") return;
    if (event.kind === "blocked") {
      if (event.refused === true) this.refusals += 1;
      const blocker = `${event.cause} ${event.budget ?? ""} ${event.disruptionsAllowed ?? ""}`;
      if (this.lastBlocker.get(event.pod.uid) === blocker) return;
      this.lastBlocker.set(event.pod.uid, blocker);
    }
    this.events.push(event);
  };

  /** `inner`, with what its pod and budget lists and feeds deliver recorded on the way. */
  watching(inner: ClusterPort): ClusterPort {
    const overrides: Pick<
      ClusterPort,
      "listPodsOnNode" | "watchPodsOnNode" | "listBudgets" | "watchBudgets"
    > = {
      listPodsOnNode: async (nodeName) => this.seePods(await inner.listPodsOnNode(nodeName)),
      watchPodsOnNode: (nodeName, sink) =>
        inner.watchPodsOnNode(
          nodeName,
          this.tapped(sink, (pods) => this.seePods(pods)),
        ),
      listBudgets: async () => this.seeBudgets(await inner.listBudgets()),
      watchBudgets: (sink) => inner.watchBudgets(this.tapped(sink, (budgets) => this.seeBudgets(budgets))),
    };
    return new Proxy(inner, {
      get(target, property) {
        if (Object.hasOwn(overrides, property)) return overrides[property as keyof typeof overrides];
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** The pods seen on the node (each once, as first seen), with the budgets (as last seen) covering them. */
  recordedPods(): RecordedPod[] {
    const index = new BudgetIndex(this.budgets.values());
    return [...this.pods.values()].map(({ namespace, labels, ...pod }) => ({
      ...pod,
      budgets: index
        .forPod({ metadata: { namespace, ...(labels === undefined ? {} : { labels }) } })
        .map(budgetKey),
    }));
  }

  private tapped<T>(sink: FeedSink<T>, see: (items: readonly T[]) => unknown): FeedSink<T> {
    return {
      ...sink,
      replace: (items) => {
        see(items);
        sink.replace(items);
      },
      upsert: (item) => {
        see([item]);
        sink.upsert(item);
      },
      remove: (item) => sink.remove(item),
      fail: (error) => sink.fail(error),
      ...(sink.problem === undefined ? {} : { problem: (error) => sink.problem?.(error) }),
    };
  }

  private seePods<P extends readonly V1Pod[]>(pods: P): P {
    for (const pod of pods) {
      const uid = pod.metadata?.uid;
      if (uid === undefined || this.pods.has(uid)) continue;
      const labels = pod.metadata?.labels;
      this.pods.set(uid, {
        pod: podKey(podRef(pod)),
        workload: workloadOf(pod),
        tier: tierOf(pod, this.policy),
        budgets: [],
        namespace: pod.metadata?.namespace ?? "default",
        ...(labels === undefined ? {} : { labels }),
      });
    }
    return pods;
  }

  private seeBudgets<B extends readonly V1PodDisruptionBudget[]>(budgets: B): B {
    const at = this.clock.now();
    for (const budget of budgets) {
      const key = budgetKey(budget);
      const before = this.budgets.get(key)?.status;
      this.budgets.set(key, budget);
      const status = budget.status;
      if (status === undefined) continue;
      if (
        before !== undefined &&
        before.disruptionsAllowed === status.disruptionsAllowed &&
        before.currentHealthy === status.currentHealthy &&
        before.desiredHealthy === status.desiredHealthy
      ) {
        continue;
      }
      this.budgetSamples.push({
        at,
        budget: key,
        disruptionsAllowed: status.disruptionsAllowed ?? 0,
        currentHealthy: status.currentHealthy ?? 0,
        desiredHealthy: status.desiredHealthy ?? 0,
      });
    }
    return budgets;
  }
}
