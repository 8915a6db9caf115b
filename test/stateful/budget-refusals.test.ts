import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceFeed } from "../../src/drain/cluster-port.js";
import type { DrainResult } from "../../src/drain/result.js";
import { type StatefulSim, startStatefulSim } from "./support/stateful-sim.js";

/**
 * scenarios/stateful-budget.yaml: ten replicas on the node under maxUnavailable 1, each replacement Ready
 * 2 s after it is created. The drain's critical path is ten turns of the budget. Measured here before
 * the budget gate trusted the watch (blind probe from 200 ms): ~42 refusals in ~22 s; kubectl's fixed
 * 5 s retry of every pod at once: ~45 refusals in ~50 s. The target: at most ~1.5 × kubectl's ~2 refusals
 * per pod on a real cluster, without slowing the drain.
 */
describe("a drain paced by a budget that lets one pod go at a time", () => {
  let subject: StatefulSim;
  let result: DrainResult;
  let budgetFeed: ResourceFeed;
  /** When the budget's status, seen through a watch of its own, allowed a disruption again. */
  const allowedAt: number[] = [];

  beforeAll(async () => {
    subject = await startStatefulSim("stateful-budget.yaml");
    let allowing = true;
    const note = (budget: V1PodDisruptionBudget) => {
      const allows = (budget.status?.disruptionsAllowed ?? 0) > 0;
      if (allows && !allowing) allowedAt.push(subject.clock.now());
      allowing = allows;
    };
    budgetFeed = subject.cluster.watchBudgets({
      replace: (items) => items.forEach(note),
      upsert: note,
      remove: () => {},
      fail: () => {},
    });
    result = await subject.drain();
  }, 120_000);

  afterAll(async () => {
    budgetFeed.close();
    await subject.stop();
  });

  it("drains every replica without violating the budget", () => {
    expect(result.status).toBe("drained");
    expect(result.evicted).toHaveLength(10);
    expect(subject.sim.recorder.violations()).toEqual([]);
  });

  it("meets few 429 refusals: it waits for the budget's status instead of asking", () => {
    const refusals = subject.sim.recorder.refusalsByCause().DisruptionBudget;
    // The blind 200 ms probe met ~42 here; kubectl's pace ~2 per pod, 1.5 × that is 30.
    expect(refusals).toBeLessThanOrEqual(10);
    expect(subject.sim.recorder.countsByRequest()["create pods/eviction"]).toBe(10 + refusals);
  });

  it("evicts as soon as the budget allows, close to the critical path", () => {
    const evictions = result.evicted.map((pod) => pod.at).sort((a, b) => a - b);
    let lag = 0;
    for (let index = 1; index < evictions.length; index += 1) {
      const previous = evictions[index - 1] ?? 0;
      const allowed = allowedAt.find((at) => at > previous);
      expect(allowed).toBeDefined();
      lag += Math.max(0, (evictions[index] ?? 0) - (allowed ?? 0));
    }
    const total = result.timings.runMs;
    const criticalPath = total - lag;
    // On the cluster's virtual clock, whatever the machine's load (a 2 s blind probe would be ~2×).
    expect(total / criticalPath).toBeLessThan(1.5);
  });
});
