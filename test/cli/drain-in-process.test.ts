import { afterEach, describe, expect, it } from "vitest";
import type { DrainDocument } from "../../src/cli/drain-report.js";
import type { SimCluster } from "../../src/sim/index.js";
import {
  blockerCluster,
  drainablePodsOn,
  nodeA,
  smallCluster,
  startScenario,
  stuckCluster,
} from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

let sim: SimCluster | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("an interrupted drain (Ctrl-C)", () => {
  it("exits 130 with its state saved on the node, and the next run continues it", async () => {
    sim = await startScenario(stuckCluster);
    const interrupt = interruptAtFirstEviction(sim, { accepted: false });
    const first = await runInProcess(
      ["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "--timeout", "10m"],
      {
        signal: interrupt.signal,
      },
    );
    expect(first.code, first.stderr).toBe(130);
    expect(first.stdout).toMatch(
      /drain interrupted after .*; its state is saved on the node, run again to continue/,
    );
    const saved = JSON.parse(
      sim.view.node(nodeA)?.metadata.annotations?.["eks-node-drainer/drain-state"] ?? "{}",
    );
    expect(saved.outcome).toBeUndefined();
    expect(saved.phase).toMatch(/^evict/);

    // The second run resumes with the first run's deadline (10 minutes), not its own --timeout.
    const second = await runInProcess([
      "drain",
      nodeA,
      "--kubeconfig",
      sim.kubeconfigPath,
      "--timeout",
      "2s",
      "--dry-run",
      "--output",
      "json",
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(Date.parse(JSON.parse(second.stdout).deadline)).toBe(
      Date.parse(saved.deadline.replace(/\.\d+Z$/, "Z")),
    );
  });
});

describe("a drain continued by a second run", () => {
  it("reports that run's own time and evictions, and the totals since the drain began apart", async () => {
    sim = await startScenario(smallCluster);
    const interrupt = interruptAtFirstEviction(sim);
    const first = await runInProcess(["drain", nodeA, "--kubeconfig", sim.kubeconfigPath], {
      signal: interrupt.signal,
    });
    expect(first.code, first.stderr).toBe(130);

    const second = await runInProcess(["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "-o", "json"]);

    expect(second.code, second.stderr).toBe(0);
    const document = JSON.parse(second.stdout) as DrainDocument;
    const accepted = sim.recorder
      .requests()
      .filter((request) => request.subresource === "eviction" && request.code < 300).length;
    expect(document.counts).toMatchObject({ invocations: 2, evicted: accepted });
    expect(document.run?.evicted).toBe(document.evicted?.length);
    expect(document.run?.evicted).toBeLessThan(accepted);
    expect(Date.parse(document.run?.startedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(document.startedAt ?? ""),
    );
    expect(document.run?.durationSeconds).toBeLessThanOrEqual(document.durationSeconds ?? 0);
  });
});

/**
 * Aborts as the API server answers the first eviction (accepted, unless `accepted` is false: any answer),
 * in its handler: however loaded the machine, the drain is stopped there.
 */
function interruptAtFirstEviction(cluster: SimCluster, options = { accepted: true }): AbortController {
  const interrupt = new AbortController();
  const unsubscribe = cluster.recorder.onRequest((request) => {
    if (request.subresource !== "eviction" || (options.accepted && request.code >= 300)) return;
    unsubscribe();
    interrupt.abort(new Error("interrupted"));
  });
  return interrupt;
}

describe("policy flags", () => {
  it("--pod-selector leaves other pods alone and --include-daemonsets evicts DaemonSet pods last", async () => {
    sim = await startScenario(blockerCluster);
    const run = await runInProcess([
      "plan",
      nodeA,
      "--kubeconfig",
      sim.kubeconfigPath,
      "--pod-selector",
      "app in (solo, agent)",
      "--include-daemonsets",
      "--output",
      "json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const byApp = Object.fromEntries(
      JSON.parse(run.stdout).pods.map(
        (pod: { name: string; action: string; reason: string; tier?: string }) => [
          pod.name.split("-")[0],
          { action: pod.action, reason: pod.reason, tier: pod.tier },
        ],
      ),
    );
    expect(byApp).toEqual({
      solo: { action: "evict", reason: "ordinary", tier: "ordinary" },
      agent: { action: "evict", reason: "daemonset", tier: "daemonset" },
      dual: { action: "skip", reason: "not-selected", tier: undefined },
      batch: { action: "skip", reason: "not-selected", tier: undefined },
    });
  });

  it("--dry-run drains nothing", async () => {
    sim = await startScenario(blockerCluster);
    const run = await runInProcess(["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Dry run: nothing was changed.");
    expect(drainablePodsOn(sim, nodeA)).toHaveLength(3);
  });
});
