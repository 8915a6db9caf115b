import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SimCluster } from "../../../src/sim/index.js";
import { createManualClock, type ManualClock } from "../../../src/time/manual-clock.js";
import { type CliRun, removeBuiltCli, runBuiltCli } from "../../cli/support/built-cli.js";
import {
  drainablePodsOn,
  instanceB,
  nodeA,
  nodeB,
  smallCluster,
  startScenario,
  stuckCluster,
} from "../../cli/support/cli-scenarios.js";
import { runInProcess } from "../../cli/support/in-process.js";

afterAll(removeBuiltCli);

describe("drain of a small cluster, by node name and by instance ID", () => {
  let sim: SimCluster;
  let byName: CliRun;
  let byInstance: CliRun;

  beforeAll(async () => {
    sim = await startScenario(smallCluster);
    byName = await runBuiltCli(["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "--timeout", "2m"]);
    // The instance is found through spec.providerID, with the kubeconfig named by $KUBECONFIG.
    byInstance = await runBuiltCli(["drain", instanceB, "--output", "json", "--grace-period", "5"], {
      env: { KUBECONFIG: sim.kubeconfigPath },
    });
  }, 120_000);

  afterAll(() => sim.stop());

  it("exits 0 with the node drained: only DaemonSet pods left, cordoned", () => {
    expect(byName.code, byName.stderr).toBe(0);
    expect(drainablePodsOn(sim, nodeA)).toEqual([]);
    expect(sim.view.pods({ nodeName: nodeA }).map((pod) => pod.metadata.name)).toEqual([
      expect.stringMatching(/^agent-/),
    ]);
    expect(sim.view.node(nodeA)?.spec.unschedulable).toBe(true);
    expect(byName.stdout).toMatch(/^node ip-10-0-1-10\.us-west-2\.compute\.internal drained in /);
  });

  it("drains the node behind the instance ID too", () => {
    expect(byInstance.code, byInstance.stderr).toBe(0);
    expect(drainablePodsOn(sim, nodeB)).toEqual([]);
    expect(sim.view.node(nodeB)?.spec.unschedulable).toBe(true);
  });

  it("never violates a budget", () => {
    expect(sim.recorder.violations()).toEqual([]);
  });

  it("prints progress on stderr as plain lines when it is not a terminal", () => {
    expect(byName.stderr).not.toContain("\u001b[");
    const lines = byName.errorLines;
    expect(lines.every((line) => /^\[\s*\d+\.\d+s\] /.test(line))).toBe(true);
    expect(lines.some((line) => / cordoned ip-10-0-1-10/.test(line))).toBe(true);
    expect(lines.filter((line) => / evicted shop\//.test(line))).toHaveLength(3);
    expect(lines.filter((line) => / gone shop\//.test(line))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/finished: drained in/);
  });

  it("prints one JSON document with --output json", () => {
    const document = JSON.parse(byInstance.stdout);
    expect(document).toMatchObject({
      kind: "DrainResult",
      status: "drained",
      exitCode: 0,
      node: nodeB,
      instanceId: instanceB,
      dryRun: false,
      counts: { forced: 0 },
      forced: [],
      remaining: [],
    });
    // B's own three pods, and whichever replacements of A's pods were scheduled onto it meanwhile.
    expect(document.evicted.length).toBeGreaterThanOrEqual(3);
    expect(document.counts.evicted).toBe(document.evicted.length);
    expect(document.evicted[0]).toEqual({
      pod: expect.stringMatching(/^shop\/(web|api)-/),
      uid: expect.any(String),
      tier: "ordinary",
      at: expect.stringMatching(/Z$/),
    });
    expect(document.skipped).toEqual([expect.objectContaining({ reason: "daemonset" })]);
    for (const time of [document.startedAt, document.deadline, document.finishedAt]) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(document.durationSeconds).toBeGreaterThan(0);
  });

  it("gives each evicted pod at most --grace-period seconds", () => {
    const evictedFromB = sim.recorder
      .deletions()
      .filter((deletion) => deletion.via === "eviction" && deletion.nodeName === nodeB);
    expect(evictedFromB).toHaveLength(JSON.parse(byInstance.stdout).evicted.length);
    expect(evictedFromB.every((deletion) => deletion.gracePeriodSeconds === 5)).toBe(true);
    const evictedFromA = sim.recorder
      .deletions()
      .filter((deletion) => deletion.via === "eviction" && deletion.nodeName === nodeA);
    expect(evictedFromA.map((deletion) => deletion.gracePeriodSeconds).sort()).toEqual([20, 20, 30]);
  });
});

describe("drain --dry-run", () => {
  let sim: SimCluster;
  let run: CliRun;

  beforeAll(async () => {
    sim = await startScenario(smallCluster);
    run = await runBuiltCli([
      "drain",
      nodeA,
      "--dry-run",
      "--output",
      "json",
      "--kubeconfig",
      sim.kubeconfigPath,
    ]);
  }, 60_000);

  afterAll(() => sim.stop());

  it("changes nothing and reports the plan", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(
      sim.recorder.requests().filter((request) => !["get", "list", "watch"].includes(request.verb)),
    ).toEqual([]);
    expect(sim.view.node(nodeA)?.spec.unschedulable).toBeFalsy();
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ status: "planned", dryRun: true, exitCode: 0 });
    expect(document.plan.pods.filter((pod: { action: string }) => pod.action === "evict")).toHaveLength(3);
  });
});

describe("drain that reaches its deadline", () => {
  let sim: SimCluster;
  let clock: ManualClock;

  // Each case on a cluster of its own, on its own virtual clock.
  beforeEach(async () => {
    clock = createManualClock();
    sim = await startScenario(stuckCluster, { clock });
  });

  afterEach(() => sim.stop());

  it("exits 2 and leaves the pod with --on-deadline leave", async () => {
    const run = await runInProcess(
      [
        "drain",
        nodeA,
        "--kubeconfig",
        sim.kubeconfigPath,
        "--timeout",
        "3s",
        "--on-deadline",
        "leave",
        "--output",
        "json",
      ],
      { virtualTime: { clock, sim } },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: "deadline-left",
      exitCode: 2,
      remaining: [expect.stringMatching(/^shop\/solo-/)],
    });
    expect(drainablePodsOn(sim, nodeA)).toHaveLength(1);
    expect(run.stderr).toMatch(/deadline reached with 1 pod left: leaving them on the node/);
  });

  it("exits 2 after forcing the pod with --on-deadline force", async () => {
    const run = await runInProcess(
      ["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "--timeout", "3s", "--on-deadline", "force"],
      { virtualTime: { clock, sim } },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toMatch(
      /deadline reached after .* \(deadline \S+Z, timeout 3\.0s\); 1 pod\(s\) forced/,
    );
    expect(drainablePodsOn(sim, nodeA)).toEqual([]);
    expect(sim.recorder.deletions().filter((deletion) => deletion.via === "delete")).toHaveLength(1);
    // Forcing a pod its budget protects is the deadline's explicit choice, said as such: the drain held
    // the pod back for its budget (it never asks while the budget's status allows none) until the deadline.
    expect(run.stderr).toMatch(/held back: shop\/solo-\S+, budget shop\/solo allows 0 now/);
  });
});

describe("drain interrupted by Ctrl-C", () => {
  let sim: SimCluster;

  beforeAll(async () => {
    sim = await startScenario(stuckCluster);
  });

  afterAll(() => sim.stop());

  it("exits 130 on Ctrl-C, after saving its state on the node", async () => {
    const run = await runBuiltCli(["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "--timeout", "10m"], {
      interruptWhen: /tier ordinary/,
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/interrupted: stopping/);
    expect(run.stdout).toMatch(/drain interrupted after .*run again to continue/);
    const saved = JSON.parse(
      sim.view.node(nodeA)?.metadata.annotations?.["eks-node-drainer/drain-state"] ?? "{}",
    );
    expect(saved).toMatchObject({ phase: expect.stringMatching(/^evict/) });
    expect(saved.outcome).toBeUndefined();
  });
});
