import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/sim/index.js";
import {
  type ClusterUnderTest,
  evictionOf,
  nodeA,
  nodeB,
  nodeC,
  startCluster,
  threeNodes,
} from "./cluster-fixture.js";

/** Controllers, scheduler and attach-detach on a manual clock. */

const scenario = threeNodes(`
controllerDelaySeconds: 0.1
detachSeconds: 2
attachSeconds: 1
podGcSeconds: 2
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 2, node: ${nodeA}, startupSeconds: 2, shutdownSeconds: 1 }
  - kind: StatefulSet
    name: mongo
    namespace: data
    replicas: 2
    nodes: [${nodeA}, ${nodeC}]
    volumes: true
    startupSeconds: 3
    shutdownSeconds: 2
  - { kind: DaemonSet, name: agent, namespace: kube-system }
  - { kind: Pod, name: bare, namespace: shop, node: ${nodeA}, shutdownSeconds: 1 }
  - { kind: Pod, name: static, namespace: kube-system, node: ${nodeA}, mirror: true }
`);

async function cordon(subject: ClusterUnderTest, node: string, unschedulable = true) {
  await subject.core.patchNode(
    { name: node, body: { spec: { unschedulable } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
}

async function evict(subject: ClusterUnderTest, namespace: string, name: string) {
  await subject.core.createNamespacedPodEviction({ name, namespace, body: evictionOf(namespace, name) });
}

const ready = (pod: Pod | undefined) =>
  pod?.status.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
  false;

function webPods(subject: ClusterUnderTest): Pod[] {
  return subject.cluster.view
    .pods({ namespace: "shop" })
    .filter((pod) => pod.metadata.name.startsWith("web-"));
}

describe("Deployment (ReplicaSet) controller and scheduler", () => {
  it("creates a replacement while the evicted pod terminates, on another schedulable node, Ready after startup", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await cordon(subject, nodeA);
    const [victim] = webPods(subject);
    await evict(subject, "shop", victim?.metadata.name ?? "");
    await subject.clock?.advance(300);
    // Both original pods run on the cordoned node A: the replacement is the one that does not.
    const replacement = webPods(subject).find((pod) => pod.spec.nodeName !== nodeA);
    expect(
      subject.cluster.view.pod("shop", victim?.metadata.name ?? "")?.metadata.deletionTimestamp,
    ).toBeDefined();
    expect(replacement?.spec.nodeName).toBeOneOf([nodeB, nodeC]);
    expect(ready(replacement)).toBe(false);
    await subject.clock?.advance(1_800);
    expect(ready(subject.cluster.view.pod("shop", replacement?.metadata.name ?? ""))).toBe(false);
    await subject.clock?.advance(300);
    expect(ready(subject.cluster.view.pod("shop", replacement?.metadata.name ?? ""))).toBe(true);
    expect(subject.cluster.view.pod("shop", victim?.metadata.name ?? "")).toBeUndefined();
  });

  it("leaves a replacement Pending with FailedScheduling when no node fits, and binds it once one does", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    for (const node of [nodeA, nodeB, nodeC]) await cordon(subject, node);
    const [victim] = webPods(subject);
    await evict(subject, "shop", victim?.metadata.name ?? "");
    await subject.clock?.advance(300);
    const pending = webPods(subject).find((pod) => pod.spec.nodeName === undefined);
    expect(pending?.status.phase).toBe("Pending");
    expect(pending?.status.conditions).toContainEqual(
      expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable" }),
    );
    expect(
      pending?.status.conditions?.find((condition) => condition.type === "PodScheduled")?.message,
    ).toContain("3 node(s) were unschedulable");
    expect(subject.cluster.view.events().map((event) => event.reason)).toContain("FailedScheduling");
    await cordon(subject, nodeB, false);
    await subject.clock?.advance(300);
    expect(subject.cluster.view.pod("shop", pending?.metadata.name ?? "")?.spec.nodeName).toBe(nodeB);
  });

  it("does not replace a bare pod", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const before = subject.cluster.view.pods({ namespace: "shop" }).length;
    await evict(subject, "shop", "bare");
    await subject.clock?.advance(5_000);
    expect(subject.cluster.view.pod("shop", "bare")).toBeUndefined();
    expect(subject.cluster.view.pods({ namespace: "shop" })).toHaveLength(before - 1);
  });
});

describe("StatefulSet controller and volumes", () => {
  it("recreates the pod under the same name only after the old one is gone, in its volume's zone", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await cordon(subject, nodeA);
    const old = subject.cluster.view.pod("data", "mongo-0");
    const claim = old?.spec.volumes?.find((volume) => volume.persistentVolumeClaim)?.persistentVolumeClaim
      ?.claimName;
    expect(claim).toBe("data-mongo-0");
    const attachedTo = () =>
      subject.cluster.view
        .volumeAttachments()
        .filter(
          (attachment) =>
            attachment.spec.source.persistentVolumeName ===
            subject.cluster.view.persistentVolumeClaims("data").find((pvc) => pvc.metadata.name === claim)
              ?.spec.volumeName,
        )
        .map((attachment) => ({
          node: attachment.spec.nodeName,
          attached: attachment.status?.attached,
          detaching: attachment.metadata.deletionTimestamp !== undefined,
        }));
    expect(attachedTo()).toEqual([{ node: nodeA, attached: true, detaching: false }]);

    await evict(subject, "data", "mongo-0");
    await subject.clock?.advance(1_900);
    expect(subject.cluster.view.pod("data", "mongo-0")?.metadata.uid).toBe(old?.metadata.uid);
    await subject.clock?.advance(400);
    const recreated = subject.cluster.view.pod("data", "mongo-0");
    expect(recreated?.metadata.uid).not.toBe(old?.metadata.uid);
    expect(recreated?.spec.nodeName).toBe(nodeB);
    expect(recreated?.status.phase).toBe("Pending");
    expect(attachedTo()).toEqual([{ node: nodeA, attached: true, detaching: true }]);

    await subject.clock?.advance(2_200);
    expect(attachedTo()).toEqual([{ node: nodeB, attached: false, detaching: false }]);
    await subject.clock?.advance(1_100);
    expect(attachedTo()).toEqual([{ node: nodeB, attached: true, detaching: false }]);
    expect(ready(subject.cluster.view.pod("data", "mongo-0"))).toBe(false);
    await subject.clock?.advance(3_100);
    expect(ready(subject.cluster.view.pod("data", "mongo-0"))).toBe(true);
  });

  it("never starts the recreated pod while a stuck detach holds the volume on the old node", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ stuckDetach: ["data-mongo-0"] });
    await cordon(subject, nodeA);
    await evict(subject, "data", "mongo-0");
    await subject.clock?.advance(30_000);
    const pod = subject.cluster.view.pod("data", "mongo-0");
    expect(pod?.spec.nodeName).toBe(nodeB);
    expect(pod?.status.phase).toBe("Pending");
    const stuck = subject.cluster.view
      .volumeAttachments()
      .find((attachment) => attachment.spec.nodeName === nodeA);
    expect(stuck?.metadata.deletionTimestamp).toBeDefined();
    expect(stuck?.status?.detachError).toBeDefined();
    expect(subject.cluster.view.events().map((event) => event.reason)).toContain("FailedAttachVolume");
  });
});

describe("DaemonSet, mirror pods and node deletion", () => {
  it("brings a deleted daemon pod back on the same node once it is gone", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const old = subject.cluster.view
      .pods({ namespace: "kube-system", nodeName: nodeA })
      .find((pod) => pod.metadata.name.startsWith("agent-"));
    await subject.core.deleteNamespacedPod({ name: old?.metadata.name ?? "", namespace: "kube-system" });
    await subject.clock?.advance(500);
    const during = subject.cluster.view
      .pods({ namespace: "kube-system", nodeName: nodeA })
      .filter((pod) => pod.metadata.name.startsWith("agent-"));
    expect(during.map((pod) => pod.metadata.uid)).toEqual([old?.metadata.uid]);
    await subject.clock?.advance(3_000);
    const after = subject.cluster.view
      .pods({ namespace: "kube-system", nodeName: nodeA })
      .filter((pod) => pod.metadata.name.startsWith("agent-"));
    expect(after).toHaveLength(1);
    expect(after[0]?.metadata.uid).not.toBe(old?.metadata.uid);
  });

  it("brings an evicted mirror pod back under the same name", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const name = `static-${nodeA}`;
    const old = subject.cluster.view.pod("kube-system", name);
    expect(old?.metadata.annotations?.["kubernetes.io/config.mirror"]).toBeDefined();
    await evict(subject, "kube-system", name);
    await subject.clock?.advance(3_000);
    const back = subject.cluster.view.pod("kube-system", name);
    expect(back?.metadata.uid).not.toBe(old?.metadata.uid);
    expect(ready(back)).toBe(true);
  });

  it("keeps the unschedulable taint in step with spec.unschedulable", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await cordon(subject, nodeA);
    await subject.clock?.advance(200);
    expect(subject.cluster.view.node(nodeA)?.spec.taints).toContainEqual(
      expect.objectContaining({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }),
    );
    await cordon(subject, nodeA, false);
    await subject.clock?.advance(200);
    expect(subject.cluster.view.node(nodeA)?.spec.taints).toBeUndefined();
  });

  it("collects the pods of a deleted node and replaces the managed ones elsewhere", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const onA = subject.cluster.view.pods({ nodeName: nodeA }).length;
    subject.cluster.deleteNode(nodeA);
    await subject.clock?.advance(2_100);
    expect(subject.cluster.view.pods({ nodeName: nodeA })).toEqual([]);
    const collected = subject.cluster.recorder.deletions().filter((deletion) => deletion.via === "pod-gc");
    expect(collected).toHaveLength(onA);
    await subject.clock?.advance(3_000);
    expect(webPods(subject).filter((pod) => ready(pod))).toHaveLength(2);
    expect(
      subject.cluster.view
        .pods({ namespace: "kube-system" })
        .filter((pod) => pod.metadata.name.startsWith("agent-")),
    ).toHaveLength(2);
    expect(subject.cluster.recorder.violations()).toEqual([]);
  });
});
