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
    expect(document.exitCode).toBe(0);
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

  it("a refresh cancelled while its first batch drains leaves the old nodes it kept untainted", async () => {
    const { document, sim } = await simulate("../test/fixtures/scenarios/rollout-cancelled.yaml");

    expect(document.lifecycleActions).toHaveLength(2);
    expect(document.lifecycleActions.every((action) => action.completions === 1)).toBe(true);
    expect(document.violations).toEqual([]);
    const texts = document.timeline.map((entry) => entry.text);
    expect(texts).toContain("instance refresh cancelled");
    expect(texts.some((text) => text.includes("rollout-aware placement"))).toBe(true);
    const nodes = sim?.view.nodes() ?? [];
    expect(nodes.map((node) => node.metadata.name).sort()).toEqual([
      "ip-10-0-1-12.us-west-2.compute.internal",
      "ip-10-0-1-13.us-west-2.compute.internal",
      "ip-10-0-1-20.us-west-2.compute.internal",
      "ip-10-0-1-21.us-west-2.compute.internal",
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
