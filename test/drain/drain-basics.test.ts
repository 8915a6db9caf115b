import { describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

describe("drainNode: a simple node", () => {
  it("evicts every pod, waits until they are gone and reports drained", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 3, budget: { maxUnavailable: 1 } }));
    cluster.addWorkload(workload("Deployment", "api", { replicas: 2 }));

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(cluster.podsOn("node-a")).toEqual([]);
    expect(result.evicted).toHaveLength(5);
    expect(result.remaining).toEqual([]);
    expect(cluster.violations).toEqual([]);
    expect(cluster.deletions.every((deletion) => deletion.viaEviction)).toBe(true);
  });

  it("cordons, taints and labels the node and stores its state", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 1 }));

    await drain();

    const node = cluster.nodes.get("node-a");
    expect(node?.spec?.unschedulable).toBe(true);
    expect(node?.spec?.taints).toEqual([
      { key: "eks-node-drainer/draining", value: "true", effect: "NoSchedule" },
    ]);
    expect(node?.metadata?.labels?.["node.kubernetes.io/exclude-from-external-load-balancers"]).toBe("true");
    const state = node === undefined ? undefined : readDrainState(node);
    expect(state?.outcome).toBe("drained");
    expect(state?.phase).toBe("finished");
  });

  it("keeps existing taints and only cordons when taint and label are switched off", async () => {
    const { cluster, drain } = fixture();
    const node = cluster.nodes.get("node-a");
    if (node?.spec) node.spec.taints = [{ key: "dedicated", value: "db", effect: "NoSchedule" }];

    await drain();

    expect(cluster.nodes.get("node-a")?.spec?.taints?.map((taint) => taint.key)).toEqual([
      "dedicated",
      "eks-node-drainer/draining",
    ]);

    const second = fixture();
    await second.drain({ taintKey: undefined, excludeFromLoadBalancers: false });
    const plain = second.cluster.nodes.get("node-a");
    expect(plain?.spec?.unschedulable).toBe(true);
    expect(plain?.spec?.taints).toBeUndefined();
    expect(
      plain?.metadata?.labels?.["node.kubernetes.io/exclude-from-external-load-balancers"],
    ).toBeUndefined();
  });

  it("leaves DaemonSet, mirror and finished pods alone and says why", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("DaemonSet", "fluent-bit"));
    const [mirror] = cluster.addWorkload(workload("Pod", "kube-proxy"));
    if (mirror?.metadata) mirror.metadata.annotations = { "kubernetes.io/config.mirror": "hash" };
    const [job] = cluster.addWorkload(workload("Pod", "batch"));
    if (job?.status) job.status.phase = "Succeeded";
    cluster.addWorkload(workload("Deployment", "web"));

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(result.skipped.map((pod) => [pod.name.split("-uid")[0], pod.reason]).sort()).toEqual([
      ["batch", "finished"],
      ["fluent-bit", "daemonset"],
      ["kube-proxy", "mirror"],
    ]);
    expect(
      cluster.requests.filter((request) => request.verb === "evict").map((request) => request.target),
    ).toEqual([expect.stringMatching(/^default\/web-/)]);
    expect(eventsOf("skipped")).toHaveLength(3);
  });

  it("spends at most 3 requests per evicted pod besides refusals", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 30, budget: { maxUnavailable: 5 } }));
    cluster.addWorkload(workload("StatefulSet", "db", { replicas: 3, budget: { maxUnavailable: 1 } }));
    cluster.addWorkload(workload("Deployment", "api", { replicas: 20 }));

    const result = await drain();

    expect(result.status).toBe("drained");
    const accepted = result.evicted.length;
    expect(accepted).toBe(53);
    const refused = cluster.count("evict") - accepted;
    expect(cluster.requests.length - refused).toBeLessThanOrEqual(3 * accepted);
    expect(cluster.count("get-pod")).toBe(0);
    expect(cluster.violations).toEqual([]);
  });

  it("refuses a batch it cannot place itself in, naming the field", async () => {
    const { drain } = fixture();
    await expect(drain({}, { drainsAtOnce: 0 })).rejects.toThrow(
      /drainsAtOnce must be an integer ≥ 1, got 0/,
    );
    await expect(drain({}, { drainsAtOnce: 3, batchPosition: 3 })).rejects.toThrow(
      /batchPosition must be an integer from 0 to drainsAtOnce − 1 \(3\), got 3/,
    );
    await expect(drain({}, { batchPosition: 0 })).rejects.toThrow(/batchPosition .*\(not set\), got 0/);
  });

  it("reports a node that does not exist as failed, retry useless", async () => {
    const { drain } = fixture();
    const result = await drain({}, { nodeName: "node-x" });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "node-not-found", retryable: false });
  });
});
