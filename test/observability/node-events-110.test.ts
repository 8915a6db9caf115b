import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrainResult } from "../../src/drain/result.js";
import type { DrainEventReporter } from "../../src/kube/drain-event-reporter.js";
import { nodeDrainEvents } from "../../src/kube/node-drain-events.js";
import { type SimDrainHarness, startHarness } from "../kube/support/sim-harness.js";

/** Event writes the API server received: creates, and patches raising a repeated event's count. */
function eventWrites(harness: SimDrainHarness): number {
  const counts = harness.sim.recorder.countsByRequest();
  return (counts["create events"] ?? 0) + (counts["patch events"] ?? 0) + (counts["update events"] ?? 0);
}

describe("Kubernetes Events of a 110-pod drain under several budgets", () => {
  let harness: SimDrainHarness;
  let reporter: DrainEventReporter;
  let result: DrainResult;
  const failures: Error[] = [];

  beforeAll(async () => {
    harness = await startHarness({ file: "scenarios/mixed-110.yaml" }, { virtualTime: true });
    reporter = nodeDrainEvents(harness.client, {
      nodeName: harness.nodeName,
      trigger: "termination of instance i-0b1c2d3e4f5a60001",
      onError: (error) => failures.push(error),
    });
    result = await harness.drain({}, { observer: reporter.observe });
    await reporter.flush();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("drains the node with evictions refused along the way", () => {
    expect(result.status).toBe("drained");
    expect(harness.sim.recorder.violations()).toEqual([]);
    expect(
      harness.sim.recorder.refusals().length + harness.events.filter((e) => e.kind === "blocked").length,
    ).toBeGreaterThan(20);
  });

  it("writes a bounded number of events: far fewer than one per pod, let alone one per refusal", () => {
    const blockedReports = harness.events.filter((event) => event.kind === "blocked").length;
    const writes = eventWrites(harness);
    expect(failures).toEqual([]);
    // Milestones (a handful, plus one per blocking budget named on the node) + the write budget's burst (30)
    // + its refill over the drain (6 a minute) + the batches flushed at tier boundaries and at the end.
    const runMinutes = result.timings.runMs / 60_000;
    expect(writes).toBeLessThanOrEqual(10 + 10 + 30 + Math.ceil(6 * runMinutes) + 6);
    expect(writes).toBeLessThan(result.evicted.length + blockedReports);
    expect(reporter.stats.written).toBeGreaterThan(0);
  });

  it("names every PodDisruptionBudget that held evictions back, on the node", () => {
    const onNode = harness.sim.view
      .events()
      .filter((event) => event.involvedObject?.kind === "Node" && event.reason === "EvictionBlocked");
    const budgets = new Set(
      harness.events.flatMap((event) => (event.kind === "blocked" && event.budget ? [event.budget] : [])),
    );
    expect(budgets.size).toBeGreaterThan(1);
    for (const budget of budgets) {
      expect(onNode.some((event) => event.message?.includes(`PodDisruptionBudget ${budget} `))).toBe(true);
    }
  });

  it("accounts for every evicted pod in the node's PodsEvicted events", () => {
    const evicted = harness.sim.view
      .events()
      .filter((event) => event.involvedObject?.kind === "Node" && event.reason === "PodsEvicted");
    const total = evicted.reduce(
      (sum, event) => sum + Number(/^Evicted (\d+)/.exec(event.message ?? "")?.[1]),
      0,
    );
    expect(total).toBe(result.evicted.length);
  });
});
