import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/sim/index.js";
import { startCluster } from "./cluster-fixture.js";
import { referenceDrain } from "./reference-drain.js";

/** The shipped scenarios drained end to end, in real time, by the plainest budget-respecting drain. */

const scenarios = fileURLToPath(new URL("../../scenarios/", import.meta.url));

describe("shipped scenarios", () => {
  it("drains the default scenario well under 30 s without a budget violation", async () => {
    const scenario = await loadScenario(`${scenarios}default.yaml`);
    const subject = await startCluster(JSON.stringify(scenario));
    const node = scenario.drainNode ?? "";
    const started = Date.now();
    const result = await referenceDrain(subject.core, node);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(subject.cluster.recorder.violations()).toEqual([]);
    expect(result.refusals).toBeGreaterThan(0);
    const left = subject.cluster.view.pods({ nodeName: node });
    expect(left.every((pod) => pod.metadata.ownerReferences?.[0]?.kind === "DaemonSet")).toBe(true);
    expect(left).toHaveLength(3);
  });
});
