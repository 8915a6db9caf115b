import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrainResult } from "../../src/drain/result.js";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

describe("drain of the default scenario over HTTPS", () => {
  let harness: SimDrainHarness;
  let result: DrainResult;
  let mongoBefore: { uid?: string } | undefined;

  beforeAll(async () => {
    harness = await startHarness({ file: "scenarios/default.yaml" });
    mongoBefore = harness.sim.view
      .pods({ nodeName: harness.nodeName })
      .find((pod) => pod.metadata.name === "mongo-0")?.metadata;
    result = await harness.drain();
  }, 60_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("evicts every pod and waits until they are gone", () => {
    expect(result.status).toBe("drained");
    const left = harness.sim.view.pods({ nodeName: harness.nodeName });
    expect(left.every((pod) => pod.metadata.ownerReferences?.[0]?.kind === "DaemonSet")).toBe(true);
    expect(result.evicted.map((pod) => pod.name.split("-")[0]).sort()).toEqual([
      "coredns",
      "mongo",
      "web",
      "web",
    ]);
  });

  it("leaves the DaemonSet pods untouched", () => {
    const daemonPods = harness.sim.view.pods({ nodeName: harness.nodeName });
    expect(daemonPods).toHaveLength(3);
    const deleted = new Set(harness.sim.recorder.deletions().map((deletion) => deletion.uid));
    expect(daemonPods.some((pod) => deleted.has(pod.metadata.uid ?? ""))).toBe(false);
    expect(result.skipped.map((pod) => pod.reason)).toEqual(["daemonset", "daemonset", "daemonset"]);
  });

  it("never violates a disruption budget, holding pods back instead of collecting refusals", () => {
    expect(harness.sim.recorder.violations()).toEqual([]);
    expect(harness.sim.recorder.refusalsByCause().DisruptionBudget ?? 0).toBeLessThanOrEqual(2);
    expect(harness.events.some((event) => event.kind === "blocked")).toBe(true);
  });

  it("evicts the critical CoreDNS pod only after the ordinary pods are gone", () => {
    const gone = harness.events.filter((event) => event.kind === "gone");
    const ordinaryGone = Math.max(
      ...gone.filter((event) => !event.pod.name.startsWith("coredns")).map((e) => e.at),
    );
    const coredns = harness.events.find(
      (event) => event.kind === "evicted" && event.pod.name.startsWith("coredns"),
    );
    expect(coredns?.at).toBeGreaterThanOrEqual(ordinaryGone);
  });

  it("does not take mongo-0, recreated elsewhere under the same name, for the old pod", () => {
    const now = harness.sim.view.pod("data", "mongo-0");
    expect(now?.spec.nodeName).not.toBe(harness.nodeName);
    expect(now?.metadata.uid).not.toBe(mongoBefore?.uid);
    expect(harness.events.some((event) => event.kind === "gone" && event.pod.uid === mongoBefore?.uid)).toBe(
      true,
    );
  });

  it("cordons and taints the node and saves the finished state", () => {
    const node = harness.sim.view.node(harness.nodeName);
    expect(node?.spec.unschedulable).toBe(true);
    expect(node?.spec.taints?.map((taint) => taint.key)).toContain("eks-node-drainer/draining");
    expect(JSON.parse(node?.metadata.annotations?.["eks-node-drainer/drain-state"] ?? "{}")).toMatchObject({
      phase: "finished",
      outcome: "drained",
    });
  });

  it("uses no GET per pod and a handful of connections", () => {
    const counts = harness.sim.recorder.countsByRequest();
    expect(counts["get pods"] ?? 0).toBe(0);
    expect(counts["create pods/eviction"]).toBe(
      result.evicted.length + harness.sim.recorder.refusals().length,
    );
    // Two long-lived watches plus a small keep-alive pool, not one TLS connection per request.
    expect(harness.sim.recorder.connections()).toBeLessThanOrEqual(8);
    expect(harness.sim.recorder.requests().length).toBeGreaterThan(harness.sim.recorder.connections() * 2);
  });
});
