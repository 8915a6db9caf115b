import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { evictionOf, nodeA, startCluster, threeNodes } from "./cluster-fixture.js";

/** A stopped kubelet, the node lifecycle controller and the pod GC, on a manual clock. */

const scenario = threeNodes(`
controllerDelaySeconds: 0.1
nodeMonitorGraceSeconds: 40
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 2, node: ${nodeA}, terminationGracePeriodSeconds: 30 }
`);

describe("a node whose kubelet stopped", () => {
  it("keeps evicted pods terminating, goes Unknown after the grace period with the unreachable taints, and its pods not Ready", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.stopKubelet(nodeA);
    const [victim, other] = subject.cluster.view.pods({ namespace: "shop" });
    const name = victim?.metadata.name ?? "";
    await subject.core.createNamespacedPodEviction({
      name,
      namespace: "shop",
      body: evictionOf("shop", name),
    });

    await subject.clock?.advance(35_000);
    expect(subject.cluster.view.pod("shop", name)?.metadata.deletionTimestamp).toBeDefined();
    expect(subject.cluster.view.node(nodeA)?.status.conditions?.find((c) => c.type === "Ready")?.status).toBe(
      "True",
    );

    await subject.clock?.advance(6_000);
    const node = subject.cluster.view.node(nodeA);
    expect(node?.status.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    });
    expect(node?.spec.taints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }),
        expect.objectContaining({ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }),
      ]),
    );
    const stillThere = subject.cluster.view.pod("shop", other?.metadata.name ?? "");
    expect(stillThere?.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    expect(subject.cluster.view.pod("shop", name)).toBeDefined();
  });

  it("lets the pod GC force-delete its terminating pods once it is tainted out-of-service", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.stopKubelet(nodeA);
    const [victim] = subject.cluster.view.pods({ namespace: "shop" });
    const name = victim?.metadata.name ?? "";
    await subject.core.createNamespacedPodEviction({
      name,
      namespace: "shop",
      body: evictionOf("shop", name),
    });
    await subject.clock?.advance(41_000);
    const taints = subject.cluster.view.node(nodeA)?.spec.taints ?? [];

    await subject.core.patchNode(
      {
        name: nodeA,
        body: {
          spec: {
            taints: [
              ...taints,
              { key: "node.kubernetes.io/out-of-service", value: "nodeshutdown", effect: "NoExecute" },
            ],
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await subject.clock?.advance(500);

    expect(subject.cluster.view.pod("shop", name)).toBeUndefined();
    expect(
      subject.cluster.recorder
        .deletions()
        .filter((deletion) => deletion.via === "pod-gc")
        .map((d) => d.name),
    ).toEqual([name]);
  });
});

describe("a stopped instance that starts again (warm pool, new root volume)", () => {
  it("posts Ready on the same Node and keeps its cordon, taints and labels, as a re-registering kubelet does", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.setUnschedulable(nodeA, true);
    await subject.core.patchNode(
      {
        name: nodeA,
        body: {
          metadata: { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "true" } },
          spec: { taints: [{ key: "eks-node-drainer/draining", value: "true", effect: "NoSchedule" }] },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    subject.cluster.stopKubelet(nodeA);
    await subject.clock?.advance(41_000);
    expect(subject.cluster.view.node(nodeA)?.status.conditions?.find((c) => c.type === "Ready")?.status).toBe(
      "Unknown",
    );

    subject.cluster.startKubelet(nodeA);
    await subject.clock?.advance(1_000);

    const node = subject.cluster.view.node(nodeA);
    expect(node?.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(node?.spec.unschedulable).toBe(true);
    const keys = (node?.spec.taints ?? []).map((taint) => taint.key);
    expect(keys).toContain("eks-node-drainer/draining");
    expect(keys).not.toContain("node.kubernetes.io/unreachable");
    expect(node?.metadata.labels?.["node.kubernetes.io/exclude-from-external-load-balancers"]).toBe("true");
  });

  it("started within the grace period, the Node never goes Unknown", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.stopKubelet(nodeA);
    await subject.clock?.advance(10_000);
    subject.cluster.startKubelet(nodeA);
    await subject.clock?.advance(60_000);
    expect(subject.cluster.view.node(nodeA)?.status.conditions?.find((c) => c.type === "Ready")?.status).toBe(
      "True",
    );
  });
});
