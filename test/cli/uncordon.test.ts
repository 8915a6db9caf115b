import { afterEach, describe, expect, it } from "vitest";
import type { SimCluster } from "../../src/sim/index.js";
import { instanceA, nodeA, smallCluster, startScenario } from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

let sim: SimCluster | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const drainerKeys = (record: Record<string, string> | undefined) =>
  Object.keys(record ?? {}).filter((key) => key.startsWith("eks-node-drainer/"));
const lbLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

describe("uncordon", () => {
  it("undoes what the drain changed, by instance ID, after a --dry-run that changed nothing", async () => {
    sim = await startScenario(smallCluster);
    const kubeconfig = ["--kubeconfig", sim.kubeconfigPath];
    const drained = await runInProcess(["drain", nodeA, ...kubeconfig, "--timeout", "5m"]);
    expect(drained.code, drained.stderr).toBe(0);

    const dry = await runInProcess(["uncordon", instanceA, ...kubeconfig, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`node ${nodeA} (dry run, nothing changed)`);
    expect(sim.view.node(nodeA)?.spec.unschedulable).toBe(true);

    const run = await runInProcess(["uncordon", instanceA, ...kubeconfig, "--output", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: "restored",
      uncordoned: true,
      taintsRemoved: ["eks-node-drainer/draining"],
      labelsRemoved: [lbLabel],
    });
    const node = sim.view.node(nodeA);
    expect(node?.spec.unschedulable).not.toBe(true);
    expect((node?.spec.taints ?? []).filter((taint) => taint.key.startsWith("eks-node-drainer/"))).toEqual(
      [],
    );
    expect(drainerKeys(node?.metadata.labels)).toEqual([]);
    expect(drainerKeys(node?.metadata.annotations)).toEqual([]);
    expect(node?.metadata.labels?.[lbLabel]).toBeUndefined();
  }, 60_000);

  it("keeps an operator's own cordon", async () => {
    sim = await startScenario(smallCluster);
    sim.setUnschedulable(nodeA, true);
    const kubeconfig = ["--kubeconfig", sim.kubeconfigPath];
    expect((await runInProcess(["drain", nodeA, ...kubeconfig, "--timeout", "5m"])).code).toBe(0);

    const run = await runInProcess(["uncordon", nodeA, ...kubeconfig]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("the node was cordoned before the drain: it stays cordoned");
    expect(sim.view.node(nodeA)?.spec.unschedulable).toBe(true);
  }, 60_000);

  it("has nothing to do on a node no drain touched", async () => {
    sim = await startScenario(smallCluster);
    const run = await runInProcess(["uncordon", nodeA, "--kubeconfig", sim.kubeconfigPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("nothing to restore");
  }, 60_000);
});
