import { afterEach, describe, expect, it } from "vitest";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

const nodes = `
drainNode: ip-10-0-1-10.us-west-2.compute.internal
controllerDelaySeconds: 0.1
nodes:
  - { name: ip-10-0-1-10.us-west-2.compute.internal, instanceId: i-0000000000000a001, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0000000000000a002, availabilityZone: us-west-2a }
`;

describe("blocked pods over HTTPS", () => {
  let harness: SimDrainHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("reports a pod under two budgets as blocked by both, and never evicts it", async () => {
    harness = await startHarness(
      {
        yaml: `${nodes}
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 2
    node: ip-10-0-1-10.us-west-2.compute.internal
    labels: { app: web }
    pdb: { maxUnavailable: 1 }
budgets:
  - { name: web-extra, namespace: shop, labels: { app: web }, maxUnavailable: 1 }
`,
      },
      { virtualTime: true },
    );

    const result = await harness.drain({}, { stopAt: harness.clock.now() + 3_000 });

    expect(result.status).toBe("in-progress");
    expect(result.blocked).toHaveLength(2);
    for (const blocked of result.blocked) {
      expect(blocked).toMatchObject({ cause: "multiple-budgets", budget: "shop/web, shop/web-extra" });
      expect(blocked.message).toMatch(/more than one PodDisruptionBudget/);
    }
    expect(harness.sim.view.pods({ nodeName: harness.nodeName })).toHaveLength(2);
    // Retried rarely: a human must fix the budgets.
    expect(harness.sim.recorder.countsByRequest()["create pods/eviction"]).toBe(2);
  }, 30_000);

  it("waits for an opted-out pod and forces it at deadline minus its grace period", async () => {
    harness = await startHarness(
      {
        yaml: `${nodes}
workloads:
  - kind: Deployment
    name: batch
    namespace: jobs
    replicas: 1
    node: ip-10-0-1-10.us-west-2.compute.internal
    annotations: { eks-node-drainer/opt-out: "true" }
    terminationGracePeriodSeconds: 2
    shutdownSeconds: 1
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 2
    node: ip-10-0-1-10.us-west-2.compute.internal
`,
      },
      { virtualTime: true },
    );
    const deadline = harness.clock.now() + 5_000;

    const result = await harness.drain({}, { deadline });

    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toHaveLength(1);
    expect(result.forced[0]?.name).toMatch(/^batch-/);
    expect(result.forced[0]?.at).toBeGreaterThanOrEqual(deadline - 2_000);
    expect(result.forced[0]?.graceSeconds).toBeLessThanOrEqual(2);
    expect(result.waitedFor).toEqual([expect.objectContaining({ reason: "opted-out", gone: true })]);
    expect(result.evicted.map((pod) => pod.name).every((name) => name.startsWith("web-"))).toBe(true);
    const forcedDeletion = harness.sim.recorder
      .deletions()
      .find((deletion) => deletion.name.startsWith("batch-"));
    expect(forcedDeletion?.via).toBe("delete");
    expect(harness.sim.view.pods({ nodeName: harness.nodeName })).toEqual([]);
  }, 30_000);
});
