import { Watch } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { eventually, nodeA, nodeC, startCluster } from "./cluster-fixture.js";

/** Storage objects, discovery, the AWS-facing instance list, the recorder, and a large cluster. */

const scenario = `
nodes:
  - { name: ${nodeA}, instanceId: i-0000000000000000a, availabilityZone: us-west-2a }
  - { name: ${nodeC}, instanceId: i-0000000000000000c, availabilityZone: us-west-2b, privateDnsName: ip-10-0-2-20.ec2.internal }
  - { name: never-joined, instanceId: i-0000000000000000d, availabilityZone: us-west-2c, joined: false }
workloads:
  - { kind: StatefulSet, name: db, namespace: data, replicas: 1, node: ${nodeA}, volumes: { claimName: pgdata, sizeGi: 50 } }
`;

describe("storage objects", () => {
  it("serves the StatefulSet's claim, volume and attachment through client-node", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const claim = await subject.core.readNamespacedPersistentVolumeClaim({
      name: "pgdata-db-0",
      namespace: "data",
    });
    expect(claim.status?.phase).toBe("Bound");
    const volume = await subject.core.readPersistentVolume({ name: claim.spec?.volumeName ?? "" });
    expect(volume.spec?.csi?.driver).toBe("ebs.csi.aws.com");
    expect(volume.spec?.claimRef?.name).toBe("pgdata-db-0");
    const attachments = await subject.storage.listVolumeAttachment();
    expect(attachments.items).toHaveLength(1);
    expect(attachments.items[0]).toMatchObject({
      spec: {
        attacher: "ebs.csi.aws.com",
        nodeName: nodeA,
        source: { persistentVolumeName: volume.metadata?.name },
      },
      status: { attached: true },
    });
    const name = attachments.items[0]?.metadata?.name ?? "";
    expect((await subject.storage.readVolumeAttachment({ name })).spec.nodeName).toBe(nodeA);
  });

  it("streams attachment changes to a watch as the volume detaches", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const types: string[] = [];
    const watch = await new Watch(subject.config).watch(
      "/apis/storage.k8s.io/v1/volumeattachments",
      { resourceVersion: String(subject.cluster.view.resourceVersion()) },
      (type) => types.push(type),
      () => {},
    );
    await subject.core.deleteNamespacedPod({ name: "db-0", namespace: "data", gracePeriodSeconds: 0 });
    subject.cluster.scale("data", "db", 0);
    await subject.clock?.advance(3_000);
    await eventually(() => (types.includes("DELETED") ? true : undefined));
    watch.abort();
    expect(types).toEqual(["MODIFIED", "DELETED"]);
  });
});

describe("discovery and identity", () => {
  it("answers /version, /api, /apis and the resource lists", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    expect((await subject.request("GET", "/version")).json()).toMatchObject({
      major: "1",
      gitVersion: expect.any(String),
    });
    expect((await subject.request("GET", "/api")).json()).toMatchObject({
      kind: "APIVersions",
      versions: ["v1"],
    });
    const groups = (await subject.request("GET", "/apis")).json() as { groups: { name: string }[] };
    expect(groups.groups.map((group) => group.name)).toEqual(
      expect.arrayContaining(["policy", "storage.k8s.io", "apps"]),
    );
    const core = (await subject.request("GET", "/api/v1")).json() as { resources: { name: string }[] };
    expect(core.resources.map((resource) => resource.name)).toEqual(
      expect.arrayContaining(["pods", "pods/eviction", "nodes"]),
    );
    expect((await subject.request("GET", "/healthz")).text).toBe("ok");
  });

  it("lists the scenario's instances for the AWS side, joined or not", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    expect(subject.cluster.view.instances()).toEqual([
      {
        instanceId: "i-0000000000000000a",
        nodeName: nodeA,
        privateDnsName: nodeA,
        availabilityZone: "us-west-2a",
        joined: true,
      },
      {
        instanceId: "i-0000000000000000c",
        nodeName: nodeC,
        privateDnsName: "ip-10-0-2-20.ec2.internal",
        availabilityZone: "us-west-2b",
        joined: true,
      },
      {
        instanceId: "i-0000000000000000d",
        nodeName: "never-joined",
        privateDnsName: "never-joined",
        availabilityZone: "us-west-2c",
        joined: false,
      },
    ]);
    const nodes = await subject.core.listNode();
    expect(nodes.items.map((node) => node.spec?.providerID)).toEqual([
      "aws:///us-west-2a/i-0000000000000000a",
      "aws:///us-west-2b/i-0000000000000000c",
    ]);
    const hostnames = await subject.core.listNode({
      labelSelector: "kubernetes.io/hostname=ip-10-0-2-20.ec2.internal",
    });
    expect(hostnames.items.map((node) => node.metadata?.name)).toEqual([nodeC]);
  });
});

describe("recorder", () => {
  it("counts requests by verb and by request, with their codes", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.core.listNode();
    await subject.core.readNode({ name: nodeA });
    await subject.core.readNamespacedPod({ name: "db-0", namespace: "data" });
    await subject.request("GET", "/api/v1/namespaces/data/pods/nope");
    const recorder = subject.cluster.recorder;
    expect(recorder.countsByVerb()).toEqual({ list: 1, get: 3 });
    expect(recorder.countsByRequest()).toEqual({ "list nodes": 1, "get nodes": 1, "get pods": 2 });
    expect(recorder.requests().map((request) => request.code)).toEqual([200, 200, 200, 404]);
    expect(recorder.requests()[2]).toMatchObject({
      verb: "get",
      resource: "pods",
      namespace: "data",
      name: "db-0",
    });
    recorder.reset();
    expect(recorder.requests()).toEqual([]);
  });
});

describe("a large cluster", () => {
  it("serves 50 nodes of 110 pods each and lists one node's pods from the index", async () => {
    const nodes = Array.from({ length: 50 }, (_, index) => ({
      name: `node-${index}`,
      instanceId: `i-${String(index).padStart(17, "0")}`,
      availabilityZone: ["us-west-2a", "us-west-2b", "us-west-2c"][index % 3],
    }));
    const workloads = [
      ...nodes.map((node, index) => ({
        kind: "Deployment",
        name: `app-${index}`,
        namespace: `team-${index % 5}`,
        replicas: 108,
        node: node.name,
        pdb: { maxUnavailable: "10%" },
      })),
      { kind: "DaemonSet", name: "aws-node", namespace: "kube-system" },
      { kind: "DaemonSet", name: "kube-proxy", namespace: "kube-system" },
    ];
    const subject = await startCluster(JSON.stringify({ nodes, workloads }), { manualClock: true });
    expect(subject.cluster.view.pods()).toHaveLength(5500);
    const onOne = await subject.core.listPodForAllNamespaces({ fieldSelector: "spec.nodeName=node-17" });
    expect(onOne.items).toHaveLength(110);
    expect(subject.cluster.view.budget("team-2", "app-17")?.status).toMatchObject({
      expectedPods: 108,
      disruptionsAllowed: 11,
    });
  });
});
