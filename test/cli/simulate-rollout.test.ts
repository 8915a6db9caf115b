import { describe, expect, it } from "vitest";
import { REPLACING_TAINT_KEY } from "../../src/drain/replacing-taint.js";
import { simulate } from "./support/virtual-simulation.js";

/** `simulate scenarios/rollout.yaml`: an instance refresh of four nodes in batches of two, on the virtual clock. */
describe("simulate scenarios/rollout.yaml", () => {
  it("completes every lifecycle action once, moves each pod once, violates no budget, leaves no taint", async () => {
    const { document, sim } = await simulate("rollout.yaml");

    expect(document.lifecycleActions).toHaveLength(4);
    for (const action of document.lifecycleActions) {
      expect(action.state).toBe("completed");
      expect(action.completions).toBe(1);
    }
    expect(document.violations).toEqual([]);
    expect(document.evictionsPerPod?.max).toBe(1);
    expect(document.evictionsPerPod?.mean).toBe(1);
    const nodes = sim?.view.nodes() ?? [];
    expect(nodes.map((node) => node.metadata.name).sort()).toEqual([
      "ip-10-0-1-20.us-west-2.compute.internal",
      "ip-10-0-1-21.us-west-2.compute.internal",
      "ip-10-0-1-22.us-west-2.compute.internal",
      "ip-10-0-1-23.us-west-2.compute.internal",
    ]);
    const tainted = nodes.filter((node) =>
      node.spec.taints?.some((taint) => taint.key === REPLACING_TAINT_KEY),
    );
    expect(tainted).toEqual([]);
  }, 120_000);

  it("without rollout-aware placement, some pod is moved twice", async () => {
    const { document } = await simulate("rollout.yaml", "lambda", { ROLLOUT_PLACEMENT: "false" });

    expect(document.violations).toEqual([]);
    expect(document.evictionsPerPod?.max).toBeGreaterThan(1);
  }, 120_000);
});
