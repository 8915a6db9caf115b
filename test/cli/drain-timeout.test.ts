import { afterAll, describe, expect, it } from "vitest";
import { loadScenario, type SimCluster, startSimCluster } from "../../src/sim/index.js";
import { createManualClock } from "../../src/time/manual-clock.js";
import { repoRoot } from "./support/built-cli.js";
import { drainablePodsOn } from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

/**
 * kubectl's --timeout: ten replicas under maxUnavailable 1 need ~30 s; with 8 s the drain evicts what the
 * budget allows, then stops at the deadline, deleting nothing, and names the pods it leaves.
 */
describe("drain --timeout on scenarios/stateful-budget.yaml", () => {
  const started: SimCluster[] = [];
  const start = async () => {
    const scenario = await loadScenario(`${repoRoot}/scenarios/stateful-budget.yaml`);
    const clock = createManualClock();
    const sim = await startSimCluster(scenario, { clock });
    started.push(sim);
    return { sim, node: scenario.drainNode ?? "", virtualTime: { clock, sim } };
  };
  afterAll(async () => {
    await Promise.all(started.map((sim) => sim.stop()));
  });

  it("by default leaves the pods at the deadline: no deletion, no violation, exit 2 naming them", async () => {
    const { sim, node, virtualTime } = await start();
    const run = await runInProcess(["drain", node, "--kubeconfig", sim.kubeconfigPath, "--timeout", "8s"], {
      virtualTime,
    });

    expect(run.code, run.stderr).toBe(2);
    expect(sim.recorder.deletions().filter((deletion) => deletion.via === "delete")).toEqual([]);
    expect(sim.recorder.violations()).toEqual([]);
    const left = drainablePodsOn(sim, node);
    expect(left.length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(
      /deadline reached after .* \(deadline \S+Z, timeout 8\.0s\); \d+ pod\(s\) left/,
    );
    const remaining = /remaining: (.*)/.exec(run.stdout)?.[1]?.split(", ") ?? [];
    expect(remaining.length).toBeGreaterThan(0);
    expect(remaining.every((pod) => pod.startsWith("shop/web-"))).toBe(true);
  });

  it("with --on-deadline force deletes what is left at once (grace 30 s > 8 s), at least 1 s grace each", async () => {
    const { sim, node, virtualTime } = await start();
    const run = await runInProcess(
      ["drain", node, "--kubeconfig", sim.kubeconfigPath, "--timeout", "8s", "--on-deadline", "force"],
      { virtualTime },
    );

    expect(run.code, run.stderr).toBe(2);
    const forced = sim.recorder.deletions().filter((deletion) => deletion.via === "delete");
    expect(forced.length).toBeGreaterThan(0);
    expect(forced.every((deletion) => (deletion.gracePeriodSeconds ?? 0) >= 1)).toBe(true);
    expect(run.stdout).toMatch(/deadline reached after .*; \d+ pod\(s\) forced/);
  });
});
