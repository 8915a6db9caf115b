import { Watch } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  type ClusterUnderTest,
  eventually,
  evictionOf,
  nodeA,
  startCluster,
  threeNodes,
} from "./cluster-fixture.js";

const scenario = threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 3, node: ${nodeA} }
`);

function webPodNames(subject: ClusterUnderTest): string[] {
  return subject.cluster.view.pods({ namespace: "shop" }).map((pod) => pod.metadata.name);
}

describe("faults", () => {
  it("holds requests of a verb for the configured latency, on the cluster's clock", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ latencyMs: { list: 300 } });
    const clock = subject.clock;
    if (clock === undefined) throw new Error("the cluster has no manual clock");
    const sleepersBefore = clock.pending();
    let answered = false;
    const listing = subject.core.listNode().then((list) => {
      answered = true;
      return list;
    });
    // The request is held: one more sleeper on the cluster's clock.
    await eventually(() => clock.pending() > sleepersBefore || undefined);
    await clock.advance(299);
    expect(answered).toBe(false);
    await clock.advance(1);
    expect((await listing).items.length).toBeGreaterThan(0);
  });

  it("fails a verb at the configured error rate with 500/503 Status bodies and leaves other verbs alone", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ errorRate: { eviction: 1 } });
    const [name = ""] = webPodNames(subject);
    const response = await subject.request("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, {
      body: evictionOf("shop", name),
    });
    expect([500, 503]).toContain(response.status);
    expect(response.json()).toMatchObject({ kind: "Status", status: "Failure", code: response.status });
    expect(subject.cluster.view.pod("shop", name)?.metadata.deletionTimestamp).toBeUndefined();
    expect((await subject.request("GET", "/api/v1/nodes")).status).toBe(200);
    subject.cluster.faults.update({ errorCodes: [503] });
    expect(
      (
        await subject.request("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, {
          body: evictionOf("shop", name),
        })
      ).status,
    ).toBe(503);
  });

  it("throttles like API priority and fairness: 429, Retry-After, no DisruptionBudget cause", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ throttleRate: 1, throttleRetryAfterSeconds: 2 });
    const [name = ""] = webPodNames(subject);
    const response = await subject.request("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, {
      body: evictionOf("shop", name),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Too many requests, please try again later.",
      reason: "TooManyRequests",
      details: { retryAfterSeconds: 2 },
      code: 429,
    });
    expect(subject.cluster.recorder.refusalsByCause()).toMatchObject({ Throttled: 1, DisruptionBudget: 0 });
    subject.cluster.faults.update({ throttleBody: "text" });
    const text = await subject.request("GET", "/api/v1/nodes");
    expect(text.status).toBe(429);
    expect(text.text).toBe("Too many requests, please try again later.\n");
    subject.cluster.faults.reset();
    expect((await subject.request("GET", "/api/v1/nodes")).status).toBe(200);
  });

  it("cuts watch streams after the configured time, and on demand", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ dropWatchesAfterSeconds: 0.3 });
    let ended: unknown = "open";
    await new Watch(subject.config).watch(
      "/api/v1/pods",
      {},
      () => {},
      (error) => {
        ended = error ?? null;
      },
    );
    await eventually(() => (ended !== "open" ? true : undefined), 15_000);
    subject.cluster.faults.update({ dropWatchesAfterSeconds: undefined });
    let second: unknown = "open";
    await new Watch(subject.config).watch(
      "/api/v1/nodes",
      {},
      () => {},
      (error) => {
        second = error ?? null;
      },
    );
    expect(subject.cluster.faults.dropWatchesNow()).toBe(1);
    await eventually(() => (second !== "open" ? true : undefined), 15_000);
  });

  it("deletes the node once the configured number of pods were evicted from it", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ deleteNode: { node: nodeA, afterEvictions: 2 } });
    const [first = "", second = ""] = webPodNames(subject);
    await subject.core.createNamespacedPodEviction({
      name: first,
      namespace: "shop",
      body: evictionOf("shop", first),
    });
    await subject.clock?.advance(10);
    expect(subject.cluster.view.node(nodeA)).toBeDefined();
    await subject.core.createNamespacedPodEviction({
      name: second,
      namespace: "shop",
      body: evictionOf("shop", second),
    });
    await subject.clock?.advance(10);
    expect(subject.cluster.view.node(nodeA)).toBeUndefined();
  });

  it("draws the same faults from the same seed", async () => {
    const codes = async (seed: number) => {
      const subject = await startCluster(scenario, { manualClock: true, seed });
      subject.cluster.faults.update({ errorRate: { get: 0.5 } });
      const seen: number[] = [];
      for (let i = 0; i < 12; i++) seen.push((await subject.request("GET", `/api/v1/nodes/${nodeA}`)).status);
      return seen;
    };
    const first = await codes(42);
    expect(await codes(42)).toEqual(first);
    expect(first.some((code) => code === 200)).toBe(true);
    expect(first.some((code) => code >= 500)).toBe(true);
  });
});

describe("fault settings", () => {
  it("rejects invalid settings at run time with the field named", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    expect(() => subject.cluster.faults.update({ errorRate: { get: 3 } })).toThrow(
      /invalid fault settings: errorRate\.get/,
    );
    expect(subject.cluster.faults.current().errorRate).toBeUndefined();
  });
});
