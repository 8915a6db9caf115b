import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { defaultDrainPolicy } from "../../src/drain/policy.js";
import { recordedPods, workloadOf } from "../../src/timeline/index.js";

const pod = (
  name: string,
  extra: Partial<NonNullable<V1Pod["metadata"]>> = {},
  priorityClassName?: string,
): V1Pod => ({
  metadata: { name, namespace: "shop", uid: name, ...extra },
  spec: { containers: [], ...(priorityClassName === undefined ? {} : { priorityClassName }) },
});
const owned = (kind: string, name: string) => ({
  ownerReferences: [{ apiVersion: "apps/v1", kind, name, uid: `${name}-uid`, controller: true }],
});

describe("a pod's workload", () => {
  it("is the Deployment behind a ReplicaSet named after it", () => {
    expect(
      workloadOf(
        pod("web-7d9f8-abcde", {
          ...owned("ReplicaSet", "web-7d9f8"),
          labels: { "pod-template-hash": "7d9f8" },
        }),
      ),
    ).toBe("Deployment shop/web");
  });

  it("is the ReplicaSet itself when its name does not carry the pod's template hash", () => {
    expect(workloadOf(pod("cache-x", owned("ReplicaSet", "cache")))).toBe("ReplicaSet shop/cache");
  });

  it("names StatefulSets, bare pods and mirror pods", () => {
    expect(workloadOf(pod("kafka-0", owned("StatefulSet", "kafka")))).toBe("StatefulSet shop/kafka");
    expect(workloadOf(pod("debug"))).toBe("no controller");
    expect(
      workloadOf(pod("etcd", { annotations: { "kubernetes.io/config.mirror": "x" }, ...owned("Node", "n") })),
    ).toBe("static pods (mirror pods of the kubelet)");
  });
});

describe("recorded pods", () => {
  it("carry the tier the policy drains them in and the budgets covering them", () => {
    const budgets = [
      { metadata: { name: "web", namespace: "shop" }, spec: { selector: { matchLabels: { app: "web" } } } },
    ];
    const pods = [
      pod("web-1", { labels: { app: "web" } }),
      pod("dns-1", {}, "system-cluster-critical"),
      pod("agent-1", owned("DaemonSet", "agent")),
    ];
    expect(recordedPods(pods, budgets, defaultDrainPolicy())).toEqual([
      { pod: "shop/web-1", workload: "no controller", tier: "ordinary", budgets: ["shop/web"] },
      { pod: "shop/dns-1", workload: "no controller", tier: "critical", budgets: [] },
      { pod: "shop/agent-1", workload: "DaemonSet shop/agent", tier: "daemonset", budgets: [] },
    ]);
  });
});
