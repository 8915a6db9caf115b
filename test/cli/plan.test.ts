import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCluster } from "../../src/sim/index.js";
import { eventually } from "../sim/cluster-fixture.js";
import { type CliRun, removeBuiltCli, runBuiltCli } from "./support/built-cli.js";
import { blockerCluster, instanceA, nodeA, startScenario, writeRequests } from "./support/cli-scenarios.js";

afterAll(removeBuiltCli);

let sim: SimCluster;
let text: CliRun;
let json: CliRun;
let nodeVersionBefore: string | undefined;

beforeAll(async () => {
  sim = await startScenario(blockerCluster);
  // Let the disruption controller publish the budgets' status first (the condition, not a fixed sleep).
  await eventually(
    () =>
      sim.view
        .budgets()
        .every((budget) => (budget.status?.observedGeneration ?? 0) >= (budget.metadata.generation ?? 1)) ||
      undefined,
  );
  nodeVersionBefore = sim.view.node(nodeA)?.metadata.resourceVersion;
  text = await runBuiltCli(["plan", nodeA, "--kubeconfig", sim.kubeconfigPath]);
  json = await runBuiltCli(["plan", instanceA, "--kubeconfig", sim.kubeconfigPath, "--output", "json"]);
}, 60_000);

afterAll(() => sim.stop());

describe("plan", () => {
  it("changes nothing in the cluster", () => {
    expect(text.code, text.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    expect(writeRequests(sim)).toBe(0);
    expect(sim.view.node(nodeA)?.spec.unschedulable).toBeFalsy();
    expect(sim.view.pods({ nodeName: nodeA })).toHaveLength(4);
    // The node itself is untouched. (The whole store's resourceVersion is no measure: the cluster's own
    // kubelets and controllers may still be settling pod and budget status while the plan runs.)
    expect(nodeVersionBefore).toBeDefined();
    expect(sim.view.node(nodeA)?.metadata.resourceVersion).toBe(nodeVersionBefore);
  });

  it("prints a row per pod with action, tier, reason, budget and disruptionsAllowed", () => {
    const rows = text.stdout.split("\n");
    const header = rows.find((row) => row.startsWith("POD"));
    expect(header?.split(/\s{2,}/)).toEqual([
      "POD",
      "ACTION",
      "TIER",
      "REASON",
      "PDB",
      "ALLOWED",
      "GRACE",
      "NOTE",
    ]);
    const row = (prefix: string) => rows.find((candidate) => candidate.startsWith(prefix))?.split(/\s{2,}/);
    expect(row("shop/solo-")?.slice(1, 7)).toEqual(["evict", "ordinary", "ordinary", "shop/solo", "0", "1s"]);
    expect(row("shop/dual-")?.slice(1, 6)).toEqual([
      "evict",
      "ordinary",
      "ordinary",
      "shop/dual,shop/pay-team",
      "1,1",
    ]);
    expect(row("jobs/batch-")?.slice(1, 4)).toEqual(["wait", "ordinary", "opted-out"]);
    expect(row("kube-system/agent-")?.slice(1, 4)).toEqual(["skip", "-", "daemonset"]);
  });

  it("calls out the blockers", () => {
    const blockers = text.stdout.slice(text.stdout.indexOf("Blockers:"));
    expect(blockers).toMatch(
      /shop\/solo-\S+: budget-never-allows: budget shop\/solo needs 1 healthy of 1 expected/,
    );
    expect(blockers).toMatch(
      /shop\/dual-\S+: multiple-budgets: covered by 2 budgets \(shop\/dual, shop\/pay-team\)/,
    );
    expect(blockers).toMatch(/jobs\/batch-\S+: opted-out: /);
  });

  it("gives an estimate of the drain's time, with its bottleneck", () => {
    expect(text.stdout).toMatch(
      /Estimated drain time: \S+; bottleneck: shop\/(solo|dual)-\S+ cannot be evicted/,
    );
  });

  it("prints the same plan as one JSON document", () => {
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({
      kind: "DrainPlan",
      node: nodeA,
      instanceId: instanceA,
      nodeExists: true,
      cordoned: false,
      counts: { evict: 2, wait: 1, skip: 1, force: 0, refuse: 0 },
      estimate: { seconds: expect.any(Number), assumptions: expect.any(String) },
    });
    const solo = document.pods.find((pod: { name: string }) => pod.name.startsWith("solo-"));
    expect(solo).toMatchObject({
      action: "evict",
      tier: "ordinary",
      ready: true,
      graceSeconds: 1,
      budgets: [
        { name: "shop/solo", disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
      ],
      forceAt: expect.stringMatching(/Z$/),
    });
    expect(document.blockers.map((blocker: { kind: string }) => blocker.kind).sort()).toEqual([
      "budget-never-allows",
      "multiple-budgets",
      "opted-out",
    ]);
  });
});
