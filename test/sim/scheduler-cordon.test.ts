import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { evictionOf, nodeA, nodeB, nodeC, startCluster, threeNodes } from "./cluster-fixture.js";

/** The scheduler's NodeUnschedulable filter, on a manual clock. */

const scenario = threeNodes(`
controllerDelaySeconds: 0.1
workloads:
  - { kind: Deployment, name: agent, namespace: monitoring, replicas: 1, node: ${nodeA}, tolerations: [{ operator: Exists }] }
  - { kind: Deployment, name: web, namespace: shop, replicas: 1, node: ${nodeA} }
  - { kind: Deployment, name: filler, namespace: jobs, replicas: 6, nodes: [${nodeB}, ${nodeB}, ${nodeB}, ${nodeC}, ${nodeC}, ${nodeC}] }
`);

describe("scheduler and a cordoned node", () => {
  it("places a replacement that tolerates node.kubernetes.io/unschedulable back on the cordoned node, and no other", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.core.patchNode(
      { name: nodeA, body: { spec: { unschedulable: true } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await subject.clock?.advance(200);
    expect(subject.cluster.view.node(nodeA)?.spec.taints).toEqual([
      expect.objectContaining({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }),
    ]);
    for (const namespace of ["monitoring", "shop"]) {
      const [pod] = subject.cluster.view.pods({ namespace });
      const name = pod?.metadata.name ?? "";
      await subject.core.createNamespacedPodEviction({ name, namespace, body: evictionOf(namespace, name) });
    }
    await subject.clock?.advance(300);

    const live = (namespace: string) =>
      subject.cluster.view.pods({ namespace }).filter((pod) => pod.metadata.deletionTimestamp === undefined);
    // The node holds the fewest pods, but only the tolerating agent may go there.
    expect(live("monitoring").map((pod) => pod.spec.nodeName)).toEqual([nodeA]);
    expect(live("shop").map((pod) => pod.spec.nodeName)).not.toContain(nodeA);
    expect(live("shop")).toHaveLength(1);
  });
});

describe("scheduler and a PreferNoSchedule taint", () => {
  it("places a replacement on an untainted node even when the tainted one holds fewer pods", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.core.patchNode(
      {
        name: nodeA,
        body: { spec: { taints: [{ key: "eks-node-drainer/replacing", effect: "PreferNoSchedule" }] } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const [pod] = subject.cluster.view.pods({ namespace: "shop" });
    const name = pod?.metadata.name ?? "";
    await subject.core.createNamespacedPodEviction({
      name,
      namespace: "shop",
      body: evictionOf("shop", name),
    });
    await subject.clock?.advance(300);

    const live = subject.cluster.view
      .pods({ namespace: "shop" })
      .filter((candidate) => candidate.metadata.deletionTimestamp === undefined);
    expect(live).toHaveLength(1);
    expect(live[0]?.spec.nodeName).not.toBe(nodeA);
  });
});
