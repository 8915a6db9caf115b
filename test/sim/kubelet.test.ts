import { Watch } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { isReady } from "../../src/sim/pod-state.js";
import { eventually, evictionOf, nodeA, startCluster, threeNodes } from "./cluster-fixture.js";

/** The simulated kubelet's timing, on a manual clock: seconds of shutdown take no real time. */

const scenario = threeNodes(`
workloads:
  - { kind: Pod, name: quick, namespace: shop, node: ${nodeA}, shutdownSeconds: 5, terminationGracePeriodSeconds: 30 }
  - { kind: Pod, name: slow, namespace: shop, node: ${nodeA}, shutdownSeconds: 10, terminationGracePeriodSeconds: 30 }
  - { kind: Pod, name: nowhere, namespace: shop, nodeSelector: { pool: none } }
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 3
    node: ${nodeA}
    shutdownSeconds: 3
    pdb: { minAvailable: 2 }
  - kind: Deployment
    name: api
    namespace: shop
    replicas: 3
    node: ${nodeA}
    startupSeconds: 1
    pdb: { maxUnavailable: 1 }
`);

describe("kubelet", () => {
  it("removes a deleted pod once its shutdown is over, not before", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.core.deleteNamespacedPod({ name: "quick", namespace: "shop" });
    expect(subject.cluster.view.pod("shop", "quick")?.metadata.deletionGracePeriodSeconds).toBe(30);
    await subject.clock?.advance(4_900);
    expect(subject.cluster.view.pod("shop", "quick")).toBeDefined();
    await subject.clock?.advance(200);
    expect(subject.cluster.view.pod("shop", "quick")).toBeUndefined();
  });

  it("stops a slow pod at the end of its grace period, with phase Failed before it goes", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const seen: { type: string; phase?: string }[] = [];
    const controller = await new Watch(subject.config).watch(
      "/api/v1/namespaces/shop/pods",
      {
        fieldSelector: "metadata.name=slow",
        resourceVersion: String(subject.cluster.view.resourceVersion()),
      },
      (type, object: { status?: { phase?: string } }) => seen.push({ type, phase: object.status?.phase }),
      () => {},
    );
    await subject.core.deleteNamespacedPod({ name: "slow", namespace: "shop", gracePeriodSeconds: 2 });
    await subject.clock?.advance(1_900);
    expect(subject.cluster.view.pod("shop", "slow")).toBeDefined();
    await subject.clock?.advance(200);
    expect(subject.cluster.view.pod("shop", "slow")).toBeUndefined();
    await eventually(() => (seen.some((event) => event.type === "DELETED") ? true : undefined));
    controller.abort();
    expect(seen.map((event) => event.type)).toEqual(["MODIFIED", "MODIFIED", "DELETED"]);
    expect(seen[1]?.phase).toBe("Failed");
  });

  it("lets a second delete shorten the grace period but never lengthen it", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.core.deleteNamespacedPod({ name: "slow", namespace: "shop", gracePeriodSeconds: 8 });
    await subject.core.deleteNamespacedPod({ name: "slow", namespace: "shop", gracePeriodSeconds: 20 });
    expect(subject.cluster.view.pod("shop", "slow")?.metadata.deletionGracePeriodSeconds).toBe(8);
    await subject.core.deleteNamespacedPod({ name: "slow", namespace: "shop", gracePeriodSeconds: 1 });
    await subject.clock?.advance(1_100);
    expect(subject.cluster.view.pod("shop", "slow")).toBeUndefined();
  });

  it("removes a pod at once with grace 0, and an unbound pod whatever the grace", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    expect(subject.cluster.view.pod("shop", "nowhere")?.spec.nodeName).toBeUndefined();
    await subject.core.deleteNamespacedPod({ name: "quick", namespace: "shop", gracePeriodSeconds: 0 });
    await subject.core.deleteNamespacedPod({ name: "nowhere", namespace: "shop" });
    expect(subject.cluster.view.pod("shop", "quick")).toBeUndefined();
    expect(subject.cluster.view.pod("shop", "nowhere")).toBeUndefined();
    expect(
      subject.cluster.recorder.deletions().map((deletion) => [deletion.name, deletion.gracePeriodSeconds]),
    ).toEqual([
      ["quick", 0],
      ["nowhere", 0],
    ]);
  });

  it("stops counting an evicted pod as healthy at once, while it still shuts down", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [pod] = subject.cluster.view
      .pods({ namespace: "shop" })
      .filter((candidate) => candidate.metadata.name.startsWith("web-"));
    const name = pod?.metadata.name ?? "";
    await subject.core.createNamespacedPodEviction({
      name,
      namespace: "shop",
      body: evictionOf("shop", name),
    });
    await subject.clock?.advance(150);
    expect(subject.cluster.view.pod("shop", name)?.metadata.deletionTimestamp).toBeDefined();
    expect(subject.cluster.view.budget("shop", "web")?.status).toMatchObject({
      currentHealthy: 2,
      disruptionsAllowed: 0,
    });
    expect(subject.cluster.recorder.violations()).toEqual([]);
  });

  it("records a violation when a plain delete leaves a budget short", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const webs = subject.cluster.view
      .pods({ namespace: "shop" })
      .filter((candidate) => candidate.metadata.name.startsWith("web-"));
    for (const pod of webs.slice(0, 2)) {
      await subject.core.deleteNamespacedPod({ name: pod.metadata.name, namespace: "shop" });
    }
    const violations = subject.cluster.recorder.violations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      budget: "shop/web",
      pod: `shop/${webs[1]?.metadata.name}`,
      healthy: 1,
      desiredHealthy: 2,
      cause: "delete",
    });
  });

  it("reads a budget's goal from its controller's replicas as they are now", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const apiPods = () =>
      subject.cluster.view.pods({ namespace: "shop" }).filter((pod) => pod.metadata.name.startsWith("api-"));
    subject.cluster.scale("shop", "api", 5);
    const ready = () => apiPods().filter((pod) => isReady(pod)).length;
    for (let step = 0; step < 20 && ready() < 5; step += 1) await subject.clock?.advance(500);
    expect(ready()).toBe(5);
    // maxUnavailable 1 of 5 replicas: 4 must stay healthy (of 3 replicas it would have been 2).
    for (const pod of apiPods().slice(0, 2)) {
      await subject.core.deleteNamespacedPod({ name: pod.metadata.name, namespace: "shop" });
    }
    expect(subject.cluster.recorder.violations()).toMatchObject([
      { budget: "shop/api", healthy: 3, desiredHealthy: 4, cause: "delete" },
    ]);
  });
});
