import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/sim/index.js";
import { onVirtualTime } from "../support/virtual-time.js";
import { startCluster } from "./cluster-fixture.js";
import { referenceDrain } from "./reference-drain.js";

/**
 * The shipped scenarios drained end to end by the plainest budget-respecting drain, on the cluster's manual
 * clock (advanced whenever the drain waits): the time checked is the scenario's own, not the machine's.
 */

const scenarios = fileURLToPath(new URL("../../scenarios/", import.meta.url));

describe("shipped scenarios", () => {
  it("drains the default scenario well under 30 s without a budget violation", async () => {
    const scenario = await loadScenario(`${scenarios}default.yaml`);
    const subject = await startCluster(JSON.stringify(scenario), { manualClock: true });
    const clock = subject.clock;
    if (clock === undefined) throw new Error("the cluster has no manual clock");
    const node = scenario.drainNode ?? "";
    const started = clock.now();
    const result = await onVirtualTime(clock, (track) =>
      referenceDrain(subject.core, node, { clock, track }),
    );
    const virtualSeconds = (clock.now() - started) / 1000;
    console.log(`default scenario drained in ${virtualSeconds} s of cluster time`);
    expect(virtualSeconds).toBeLessThan(30);
    expect(subject.cluster.recorder.violations()).toEqual([]);
    expect(result.refusals).toBeGreaterThan(0);
    const left = subject.cluster.view.pods({ nodeName: node });
    expect(left.every((pod) => pod.metadata.ownerReferences?.[0]?.kind === "DaemonSet")).toBe(true);
    expect(left).toHaveLength(3);
  });
});
