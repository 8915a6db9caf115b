import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrainResult } from "../../src/drain/result.js";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

describe("a 110-pod node of mixed workloads", () => {
  let harness: SimDrainHarness;
  let result: DrainResult;

  beforeAll(async () => {
    harness = await startHarness({ file: "scenarios/mixed-110.yaml" });
    result = await harness.drain();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("drains with no budget violated", () => {
    expect(result.status).toBe("drained");
    expect(harness.sim.recorder.violations()).toEqual([]);
    expect(result.remaining).toEqual([]);
  });

  it("leaves only DaemonSet and mirror pods on the node", () => {
    const left = harness.sim.view.pods({ nodeName: harness.nodeName });
    const reasons = result.skipped.map((pod) => pod.reason).sort();
    expect(reasons).toEqual(["daemonset", "daemonset", "daemonset", "mirror"]);
    expect(left).toHaveLength(4);
    expect(result.evicted).toHaveLength(106);
  });

  it("stays within 3 requests per evicted pod besides refusals", () => {
    const requests = harness.sim.recorder.requests().length;
    const refusals = harness.sim.recorder.refusals().length;
    expect(requests - refusals).toBeLessThanOrEqual(3 * result.evicted.length);
    expect(harness.sim.recorder.countsByRequest()["get pods"] ?? 0).toBe(0);
  });
});
