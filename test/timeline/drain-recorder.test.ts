import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { ClusterPort, FeedSink } from "../../src/drain/cluster-port.js";
import type { DrainEvent } from "../../src/drain/events.js";
import { defaultDrainPolicy } from "../../src/drain/policy.js";
import { DrainRecorder } from "../../src/timeline/index.js";

const budget = (allowed: number, healthy: number): V1PodDisruptionBudget => ({
  metadata: { name: "web", namespace: "shop" },
  spec: { selector: { matchLabels: { app: "web" } } },
  status: { disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: 1, expectedPods: 2 },
});
const pod = (name: string): V1Pod => ({
  metadata: { name, namespace: "shop", uid: `${name}-uid`, labels: { app: "web" } },
  spec: { containers: [] },
});

/** A port whose feeds hand their sinks to the test; everything else is never called. */
function feedsPort() {
  const sinks: { pods?: FeedSink<V1Pod>; budgets?: FeedSink<V1PodDisruptionBudget> } = {};
  const closed = { close: () => {} };
  const port = {
    watchPodsOnNode: (_node: string, sink: FeedSink<V1Pod>) => {
      sinks.pods = sink;
      return closed;
    },
    watchBudgets: (sink: FeedSink<V1PodDisruptionBudget>) => {
      sinks.budgets = sink;
      return closed;
    },
  } as unknown as ClusterPort;
  return { port, sinks };
}

const noop = { replace: () => {}, upsert: () => {}, remove: () => {}, fail: () => {} };

describe("the drain recorder", () => {
  it("records what the engine's own feeds deliver, passing everything on", () => {
    let now = 1_000;
    const recorder = new DrainRecorder({ now: () => now }, defaultDrainPolicy());
    const { port, sinks } = feedsPort();
    const delivered: string[] = [];
    const watched = recorder.watching(port);
    watched.watchPodsOnNode("node-a", { ...noop, replace: (pods) => delivered.push(`pods ${pods.length}`) });
    watched.watchBudgets({
      ...noop,
      upsert: (item) => delivered.push(`budget ${item.status?.disruptionsAllowed}`),
    });

    sinks.pods?.replace([pod("web-1"), pod("web-2")]);
    sinks.budgets?.replace([budget(1, 2)]);
    now = 2_000;
    sinks.budgets?.upsert(budget(1, 2));
    now = 3_000;
    sinks.budgets?.upsert(budget(0, 1));

    expect(delivered).toEqual(["pods 2", "budget 1", "budget 0"]);
    expect(recorder.budgetSamples.map((sample) => [sample.at, sample.disruptionsAllowed])).toEqual([
      [1_000, 1],
      [3_000, 0],
    ]);
    expect(recorder.recordedPods()).toEqual([
      { pod: "shop/web-1", workload: "no controller", tier: "ordinary", budgets: ["shop/web"] },
      { pod: "shop/web-2", workload: "no controller", tier: "ordinary", budgets: ["shop/web"] },
    ]);
  });

  it("keeps a refusal by the same budget once, but counts every one the server answered", () => {
    const recorder = new DrainRecorder({ now: () => 0 }, defaultDrainPolicy());
    const blocked = (at: number, allowed: number, refused = true): DrainEvent => ({
      at,
      nodeName: "node-a",
      kind: "blocked",
      pod: { namespace: "shop", name: "web-2", uid: "web-2-uid" },
      cause: "budget",
      budget: "shop/web",
      disruptionsAllowed: allowed,
      message: "refused",
      retryInMs: 1000,
      refused,
    });
    // Held back by the budget's status (never asked), then refused three times by the server.
    for (const event of [blocked(0, 0, false), blocked(1, 0), blocked(2, 0), blocked(3, 0)])
      recorder.observe(event);
    recorder.observe({ at: 4, nodeName: "node-a", kind: "state-saved", phase: "evict:ordinary" });
    expect(recorder.events.map((event) => event.at)).toEqual([0]);
    expect(recorder.refusals).toBe(3);
  });
});
