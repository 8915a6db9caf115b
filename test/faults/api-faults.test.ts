import { afterAll, describe, expect, it } from "vitest";
import { OPT_OUT_ANNOTATION } from "../../src/drain/policy.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { expectNoUnsafeRemoval, podsLeftToDrain } from "./support/drain-invariants.js";
import { startEngineRig } from "./support/engine-rig.js";
import { drainedNode, faultScenario } from "./support/fault-scenarios.js";
import { addClusterRecord, emptyTally, tallyLine } from "./support/fault-tally.js";

/**
 * API errors and latency injected at random, API priority-and-fairness throttling, watches cut every
 * second or so: each seed draws its own mix. Whatever the mix, the drain ends drained, through evictions
 * only, without violating a budget.
 */

const seeds = [101, 102, 103, 104];

/** A fault mix drawn from the seed: every run has all four kinds, in different doses. */
function faultsOf(seed: number): string {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + (high - low) * random();
  const errorRate = between(0.05, 0.2).toFixed(2);
  const evictionErrorRate = between(0.1, 0.2).toFixed(2);
  const latency = Math.round(between(0, 25));
  const evictionLatency = Math.round(between(10, 60));
  const throttleRate = between(0.03, 0.1).toFixed(2);
  const dropAfter = between(0.5, 1.5).toFixed(2);
  const body = random() < 0.5 ? "text" : "status";
  return [
    `  errorRate: { all: ${errorRate}, eviction: ${evictionErrorRate} }`,
    `  latencyMs: { all: ${latency}, eviction: ${evictionLatency} }`,
    `  throttleRate: ${throttleRate}`,
    "  throttleRetryAfterSeconds: 1",
    `  throttleBody: ${body}`,
    `  dropWatchesAfterSeconds: ${dropAfter}`,
  ].join("\n");
}

describe("API faults injected at random", () => {
  const tally = emptyTally();

  afterAll(() => {
    console.log(tallyLine("API errors, latency, throttling, dropped watches", tally));
  });

  it.each(seeds)(
    "seed %i: drains through 5xx, latency, throttling and dropped watches",
    async (seed) => {
      const rig = await startEngineRig(faultScenario({ seed, faults: faultsOf(seed) }), drainedNode);
      try {
        const result = await rig.drain({ seed });

        addClusterRecord(tally, rig.sim, 2);
        tally.runs += 1;
        expect(result.status, result.error?.message).toBe("drained");
        expect(podsLeftToDrain(rig.sim, drainedNode)).toEqual([]);
        expectNoUnsafeRemoval(rig.sim, drainedNode);
        const injected = rig.sim.recorder.requests().filter((request) => request.code >= 500).length;
        expect(injected, "faults were injected").toBeGreaterThan(0);
      } finally {
        await rig.stop();
      }
    },
    60_000,
  );

  it("forces only the opted-out pod, only at (deadline − its grace), while faults keep coming", async () => {
    const seed = 111;
    const optedOut = `
  - kind: Deployment
    name: ledger
    namespace: payments
    replicas: 1
    node: ${drainedNode}
    annotations: { "${OPT_OUT_ANNOTATION}": "true" }
    terminationGracePeriodSeconds: 2
    shutdownSeconds: 0.5`;
    const rig = await startEngineRig(
      faultScenario({ seed, faults: faultsOf(seed), extraWorkloads: optedOut }),
      drainedNode,
    );
    try {
      const podsAtStart = rig.sim.view.pods({ nodeName: drainedNode });
      // On the virtual clock the ten minutes to the deadline pass as soon as the drain only waits.
      const deadline = rig.clock.now() + 10 * 60_000;
      let forcedAt: number | undefined;

      const result = await rig.drain({
        seed,
        deadline,
        observer: (event) => {
          if (event.kind === "forced") forcedAt ??= event.at;
        },
      });

      addClusterRecord(tally, rig.sim, 2);
      tally.runs += 1;
      expect(forcedAt).toBeGreaterThanOrEqual(deadline - 2_000);
      expect(result.status, result.error?.message).toBe("deadline-forced");
      expect(result.forced.map((pod) => pod.namespace)).toEqual(["payments"]);
      expect(podsLeftToDrain(rig.sim, drainedNode)).toEqual([]);
      expectNoUnsafeRemoval(rig.sim, drainedNode, { deadline, forced: result.forced, podsAtStart });
      const deletes = rig.sim.recorder.deletions().filter((deletion) => deletion.via === "delete");
      expect(deletes.map((deletion) => deletion.name)).toEqual(result.forced.map((pod) => pod.name));
    } finally {
      await rig.stop();
    }
  }, 60_000);
});
