import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/sim/index.js";
import { type ClusterUnderTest, nodeA, nodeB, startCluster, threeNodes } from "./cluster-fixture.js";

/** The Deployment controller's rollout semantics and the availability record, on a manual clock. */

const ready = (pod: Pod) =>
  pod.metadata.deletionTimestamp === undefined &&
  (pod.status.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false);

function webPods(subject: ClusterUnderTest): Pod[] {
  return subject.cluster.view
    .pods({ namespace: "shop" })
    .filter((pod) => pod.metadata.name.startsWith("web-"));
}

async function patchDeployment(
  subject: ClusterUnderTest,
  name: string,
  patch: unknown,
  type = "application/merge-patch+json",
) {
  const answer = await subject.request("PATCH", `/apis/apps/v1/namespaces/shop/deployments/${name}`, {
    body: patch,
    contentType: type,
  });
  return answer;
}

describe("Deployment controller", () => {
  it("scales its ReplicaSet when replicas change, and a scale-down removes the newest Ready pod first", async () => {
    const subject = await startCluster(
      threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 1, node: ${nodeA}, startupSeconds: 2 }
`),
      { manualClock: true },
    );
    const [original] = webPods(subject);
    const up = await patchDeployment(subject, "web", { spec: { replicas: 2 } });
    expect(up.status).toBe(200);
    expect((up.json() as { metadata: { generation: number } }).metadata.generation).toBe(2);
    await subject.clock?.advance(3_000);
    expect(webPods(subject).filter(ready)).toHaveLength(2);
    const [set] = subject.cluster.view.workloads("ReplicaSet");
    expect(set?.spec.replicas).toBe(2);
    const status = subject.cluster.view.workloads("Deployment")[0]?.status;
    expect(status).toMatchObject({ observedGeneration: 2, readyReplicas: 2, replicas: 2 });

    await patchDeployment(subject, "web", { spec: { replicas: 1 } });
    await subject.clock?.advance(500);
    const left = webPods(subject).filter(ready);
    // Both Ready and Running: the one Ready for less time (the newer) goes, the original stays.
    expect(left.map((pod) => pod.metadata.name)).toEqual([original?.metadata.name]);
  });

  it("rolls a template change out within maxSurge 1 / maxUnavailable 0: never fewer Ready pods than replicas", async () => {
    const subject = await startCluster(
      threeNodes(`
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 3
    nodes: [${nodeA}, ${nodeB}]
    startupSeconds: 2
    strategy: { type: RollingUpdate, maxSurge: 1, maxUnavailable: 0 }
`),
      { manualClock: true },
    );
    const answer = await patchDeployment(subject, "web", {
      spec: { template: { metadata: { annotations: { restartedAt: "now" } } } },
    });
    expect(answer.status).toBe(200);
    let fewest = 3;
    let most = 0;
    for (let step = 0; step < 200; step++) {
      await subject.clock?.advance(100);
      const pods = webPods(subject);
      fewest = Math.min(fewest, pods.filter(ready).length);
      most = Math.max(most, pods.filter((pod) => pod.metadata.deletionTimestamp === undefined).length);
    }
    const sets = subject.cluster.view.workloads("ReplicaSet");
    expect(sets).toHaveLength(2);
    const replicas = sets.map((set) => set.spec.replicas).sort();
    expect(replicas).toEqual([0, 3]);
    expect(fewest).toBe(3);
    expect(most).toBe(4);
    expect(webPods(subject).every((pod) => pod.metadata.annotations?.restartedAt === "now")).toBe(true);
  });

  it("Recreate: the old pods are gone before a new one starts", async () => {
    const subject = await startCluster(
      threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 2, node: ${nodeA}, startupSeconds: 2, shutdownSeconds: 1, strategy: { type: Recreate } }
`),
      { manualClock: true },
    );
    await patchDeployment(subject, "web", { spec: { template: { metadata: { labels: { version: "2" } } } } });
    let overlap = false;
    for (let step = 0; step < 60; step++) {
      await subject.clock?.advance(100);
      const pods = webPods(subject);
      const versions = new Set(pods.map((pod) => pod.metadata.labels?.version ?? "1"));
      if (versions.size > 1) overlap = true;
    }
    expect(overlap).toBe(false);
    expect(
      webPods(subject)
        .filter(ready)
        .map((pod) => pod.metadata.labels?.version),
    ).toEqual(["2", "2"]);
  });

  it("refuses negative replicas with 422 naming the field", async () => {
    const subject = await startCluster(
      threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 1, node: ${nodeA} }
`),
      { manualClock: true },
    );
    const answer = await patchDeployment(subject, "web", { spec: { replicas: -1 } });
    expect(answer.status).toBe(422);
    expect(answer.text).toContain("spec.replicas");
  });
});

describe("availability record", () => {
  it("counts the seconds a workload spends below its replicas and with none Ready", async () => {
    const subject = await startCluster(
      threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 1, node: ${nodeA}, startupSeconds: 10, shutdownSeconds: 1 }
  - { kind: Deployment, name: api, namespace: shop, replicas: 2, node: ${nodeB}, startupSeconds: 10 }
`),
      { manualClock: true },
    );
    const workloads = subject.cluster.availability.workloadsOn(nodeA);
    expect(workloads).toEqual(["shop/Deployment/web"]);
    const [victim] = webPods(subject);
    await subject.request("DELETE", `/api/v1/namespaces/shop/pods/${victim?.metadata.name}`);
    await subject.clock?.advance(15_000);
    const [entry] = subject.cluster.availability.entries(workloads);
    expect(entry).toMatchObject({ workload: "shop/Deployment/web", desired: 1, minReady: 0, restored: true });
    // Not Ready from the delete until the replacement is Ready: controller delay + scheduling + 10 s startup.
    expect(entry?.zeroReadySeconds).toBeGreaterThanOrEqual(10);
    expect(entry?.zeroReadySeconds).toBeLessThan(11);
    expect(subject.cluster.availability.entries(["shop/Deployment/api"])[0]).toMatchObject({
      minReady: 2,
      zeroReadySeconds: 0,
      belowDesiredSeconds: 0,
    });
  });

  it("says a workload is not restored while its replicas differ from the start", async () => {
    const subject = await startCluster(
      threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 1, node: ${nodeA} }
`),
      { manualClock: true },
    );
    await patchDeployment(subject, "web", { spec: { replicas: 2 } });
    expect(subject.cluster.availability.entries(["shop/Deployment/web"])[0]?.restored).toBe(false);
    await patchDeployment(subject, "web", { spec: { replicas: 1 } });
    expect(subject.cluster.availability.entries(["shop/Deployment/web"])[0]?.restored).toBe(true);
  });
});
