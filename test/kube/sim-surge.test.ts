import { afterEach, describe, expect, it } from "vitest";
import { planDocument, planText } from "../../src/cli/plan-report.js";
import { DRAIN_STATE_ANNOTATION, decodeDrainState } from "../../src/drain/drain-state.js";
import type { DrainEvent } from "../../src/drain/events.js";
import { planDrain } from "../../src/drain/plan-drain.js";
import { drainPolicyWith } from "../../src/drain/policy.js";
import { SURGE_RECORD_ANNOTATION, SURGED_LABEL } from "../../src/drain/surge-record.js";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

/** Surge before evict, end to end: engine, Kubernetes adapter and simulated cluster on one manual clock. */

const drained = "ip-10-0-1-10.us-west-2.compute.internal";
const checkout = "shop/Deployment/checkout";

function scenario(options: {
  budget?: boolean;
  annotated?: boolean;
  replicas?: number;
  /** The other nodes refuse new pods: the replacement can never start. */
  noRoom?: boolean;
  autoscaler?: boolean;
  strategy?: string;
}): string {
  const taint = options.noRoom ? ", taints: [{ key: dedicated, value: db, effect: NoSchedule }]" : "";
  return `
drainNode: ${drained}
controllerDelaySeconds: 0.1
nodes:
  - { name: ${drained}, instanceId: i-0000000000000c001, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0000000000000c002, availabilityZone: us-west-2a${taint} }
workloads:
  - kind: Deployment
    name: checkout
    namespace: shop
    replicas: ${options.replicas ?? 1}
    node: ${drained}
    startupSeconds: 10
    shutdownSeconds: 1
${options.annotated === false ? "" : '    workloadAnnotations: { eks-node-drainer/surge: "true" }\n'}${options.budget ? "    pdb: { minAvailable: 1 }\n" : ""}${options.autoscaler ? "    autoscaler: { minReplicas: 1, maxReplicas: 4 }\n" : ""}${options.strategy ? `    strategy: ${options.strategy}\n` : ""}`;
}

let rig: SimDrainHarness | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

function deployment(subject: SimDrainHarness) {
  return subject.sim.view.workloads("Deployment").find((candidate) => candidate.metadata.name === "checkout");
}

const surgePhases = (events: DrainEvent[]) =>
  events.flatMap((event) => (event.kind === "surge" ? [event.phase] : []));

function expectRestored(subject: SimDrainHarness, replicas = 1) {
  const object = deployment(subject);
  expect(object?.spec.replicas).toBe(replicas);
  expect(object?.metadata.annotations?.[SURGE_RECORD_ANNOTATION]).toBeUndefined();
  expect(object?.metadata.labels?.[SURGED_LABEL]).toBeUndefined();
}

describe("surge before evict", () => {
  it("a single replica under minAvailable 1: the replacement is Ready before the eviction, never zero Ready", async () => {
    rig = await startHarness({ yaml: scenario({ budget: true }) }, { virtualTime: true });
    const result = await rig.drain();
    expect(result.status).toBe("drained");
    expect(surgePhases(rig.events)).toEqual(["started", "ready", "restored"]);
    const readyAt = rig.events.find((event) => event.kind === "surge" && event.phase === "ready")?.at ?? 0;
    const evictedAt = rig.events.find((event) => event.kind === "evicted")?.at ?? 0;
    expect(evictedAt).toBeGreaterThanOrEqual(readyAt);
    await rig.pass(2_000);
    const [entry] = rig.sim.availability.entries([checkout]);
    expect(entry).toMatchObject({ zeroReadySeconds: 0, minReady: 1, restored: true });
    expectRestored(rig);
    expect(rig.sim.recorder.violations()).toEqual([]);
    expect(rig.sim.recorder.refusals()).toHaveLength(0);
    const state = decodeDrainState(
      rig.sim.view.node(drained)?.metadata.annotations?.[DRAIN_STATE_ANNOTATION] ?? "",
      drained,
    );
    expect(state.surges).toEqual([
      expect.objectContaining({ workload: "shop/checkout", replicas: 1, surged: 2, status: "restored" }),
    ]);
  }, 60_000);

  it("surge off: the same drain waits for the budget until the deadline, then forces", async () => {
    rig = await startHarness({ yaml: scenario({ budget: true }) }, { virtualTime: true });
    const deadline = rig.clock.now() + 60_000;
    const result = await rig.drain({ surge: "off" }, { deadline });
    expect(result.status).toBe("deadline-forced");
    expect(surgePhases(rig.events)).toEqual([]);
    expect(deployment(rig)?.spec.replicas).toBe(1);
  }, 60_000);

  it("a single replica without a budget, mode singletons (no annotation): zero Ready 0 s; without surge about the start-up", async () => {
    rig = await startHarness({ yaml: scenario({ annotated: false }) }, { virtualTime: true });
    expect((await rig.drain({ surge: "singletons" })).status).toBe("drained");
    await rig.pass(12_000);
    expect(rig.sim.availability.entries([checkout])[0]).toMatchObject({
      zeroReadySeconds: 0,
      restored: true,
    });
    await rig.stop();

    rig = await startHarness({ yaml: scenario({ annotated: false }) }, { virtualTime: true });
    expect((await rig.drain({ surge: "annotated" })).status).toBe("drained");
    await rig.pass(12_000);
    const [entry] = rig.sim.availability.entries([checkout]);
    expect(entry?.zeroReadySeconds).toBeGreaterThanOrEqual(10);
    expect(surgePhases(rig.events)).toEqual([]);
  }, 60_000);

  it("never changes the replicas of a Deployment a HorizontalPodAutoscaler owns", async () => {
    rig = await startHarness({ yaml: scenario({ autoscaler: true }) }, { virtualTime: true });
    const result = await rig.drain({ surge: "singletons" });
    expect(result.status).toBe("drained");
    expect(surgePhases(rig.events)).toEqual([]);
    const patches = rig.sim.recorder
      .requests()
      .filter((request) => request.resource === "deployments" && request.verb === "patch");
    expect(patches).toEqual([]);
    expectRestored(rig);
  }, 60_000);

  it("never surges a Deployment whose strategy forbids it (Recreate, maxSurge 0)", async () => {
    for (const strategy of [
      "{ type: Recreate }",
      "{ type: RollingUpdate, maxSurge: 0, maxUnavailable: 1 }",
    ]) {
      rig = await startHarness({ yaml: scenario({ strategy }) }, { virtualTime: true });
      expect((await rig.drain()).status).toBe("drained");
      expect(surgePhases(rig.events)).toEqual([]);
      await rig.stop();
      rig = undefined;
    }
  }, 60_000);

  it("a replacement that never becomes Ready: gives up by the surge timeout, restores, falls back within the deadline", async () => {
    rig = await startHarness({ yaml: scenario({ budget: true, noRoom: true }) }, { virtualTime: true });
    const started = rig.clock.now();
    const deadline = started + 3 * 60_000;
    const result = await rig.drain({ surgeTimeoutMs: 60_000 }, { deadline });
    expect(surgePhases(rig.events)).toEqual(["started", "fell-back"]);
    const fellBack = rig.events.find((event) => event.kind === "surge" && event.phase === "fell-back");
    expect(fellBack?.at).toBeGreaterThanOrEqual(started + 60_000);
    expect(fellBack?.at).toBeLessThan(deadline);
    // The budget still never allows: the normal path waits, and the deadline rule ends it.
    expect(result.status).toBe("deadline-forced");
    expect(result.warnings.some((warning) => warning.includes("given up"))).toBe(true);
    expectRestored(rig);
    expect(rig.sim.view.pods({ nodeName: drained }).filter((pod) => !pod.metadata.deletionTimestamp)).toEqual(
      [],
    );
  }, 60_000);

  it("a replacement that never becomes Ready, no budget: restored, then evicted the usual way long before the deadline", async () => {
    rig = await startHarness({ yaml: scenario({ noRoom: true }) }, { virtualTime: true });
    const deadline = rig.clock.now() + 10 * 60_000;
    const result = await rig.drain({ surgeTimeoutMs: 30_000 }, { deadline });
    expect(result.status).toBe("drained");
    expect(surgePhases(rig.events)).toEqual(["started", "fell-back"]);
    expect(result.timings.finishedAt).toBeLessThan(deadline - 60_000);
    expectRestored(rig);
  }, 60_000);
});

describe("surge after a crash", () => {
  for (const crashOn of ["ready", "evicted"] as const) {
    it(`a run stopped after ${crashOn === "ready" ? "the replacement is Ready" : "the eviction, before the restore"}: the next run restores`, async () => {
      rig = await startHarness({ yaml: scenario({ budget: true }) }, { virtualTime: true });
      const controller = new AbortController();
      const first = await rig.drain(
        {},
        {
          signal: controller.signal,
          observer: (event) => {
            const hit =
              crashOn === "ready"
                ? event.kind === "surge" && event.phase === "ready"
                : event.kind === "evicted";
            if (hit) controller.abort(new Error("invocation killed"));
          },
        },
      );
      expect(first.status).toBe("in-progress");
      expect(deployment(rig)?.spec.replicas).toBe(2);
      expect(deployment(rig)?.metadata.annotations?.[SURGE_RECORD_ANNOTATION]).toBeDefined();

      const second = await rig.drain();
      expect(second.status).toBe("drained");
      expectRestored(rig);
      await rig.pass(2_000);
      expect(rig.sim.availability.entries([checkout])[0]).toMatchObject({
        zeroReadySeconds: 0,
        restored: true,
      });
      expect(rig.sim.recorder.violations()).toEqual([]);
    }, 60_000);
  }

  it("a surge record whose drain state was lost is found on the Deployment and restored by the next drain", async () => {
    rig = await startHarness({ yaml: scenario({ budget: true }) }, { virtualTime: true });
    const controller = new AbortController();
    await rig.drain(
      {},
      {
        signal: controller.signal,
        observer: (event) => {
          if (event.kind === "evicted") controller.abort(new Error("invocation killed"));
        },
      },
    );
    // The node's drain state is gone (say, an operator removed it): only the Deployment remembers.
    await rig.cluster.patchNode(drained, { metadata: { annotations: { [DRAIN_STATE_ANNOTATION]: null } } });
    expect(deployment(rig)?.spec.replicas).toBe(2);
    const second = await rig.drain();
    expect(second.status).toBe("drained");
    expectRestored(rig);
  }, 60_000);
});

describe("plan with surge", () => {
  it("says which pods would be surged and why, and which not", async () => {
    rig = await startHarness(
      {
        yaml: `${scenario({ budget: true })}
  - { kind: Deployment, name: api, namespace: shop, replicas: 1, node: ${drained}, autoscaler: { minReplicas: 1, maxReplicas: 3 } }
  - { kind: Deployment, name: web, namespace: shop, replicas: 3, node: ${drained} }
  - { kind: StatefulSet, name: db, namespace: shop, replicas: 1, node: ${drained} }
`,
      },
      { virtualTime: true },
    );
    const plan = await planDrain({
      cluster: rig.cluster,
      clock: rig.clock,
      nodeName: drained,
      policy: drainPolicyWith({ dryRun: true, surge: "singletons" }),
    });
    const surgeOf = (prefix: string) => plan.pods.find((pod) => pod.name.startsWith(prefix))?.surge;
    expect(surgeOf("checkout-")).toEqual({ surge: true, reason: 'annotated eks-node-drainer/surge: "true"' });
    expect(surgeOf("api-")).toMatchObject({
      surge: false,
      reason: expect.stringContaining("HorizontalPodAutoscaler shop/api"),
    });
    expect(surgeOf("web-")).toEqual({ surge: false, reason: "3 replicas" });
    expect(surgeOf("db-")).toMatchObject({ surge: false, reason: expect.stringContaining("StatefulSet") });
    const checkoutBlocker = plan.blockers.find((blocker) => blocker.pod.name.startsWith("checkout-"));
    expect(checkoutBlocker?.message).toContain("surge starts a replacement first");
    const text = planText(plan, rig.clock.now());
    expect(text).toMatch(
      /Surge \(the Deployment's replacement started and Ready before the eviction\):\n {2}shop\/checkout-\S+: annotated/,
    );
    expect(
      planDocument(plan, rig.clock.now()).pods.find((pod) => pod.name.startsWith("checkout-"))?.surge,
    ).toEqual({
      surge: true,
      reason: 'annotated eks-node-drainer/surge: "true"',
    });
    // A plan changes nothing.
    expect(rig.sim.recorder.requests().filter((request) => request.verb === "patch")).toEqual([]);
  }, 60_000);
});
