import { describe, expect, it } from "vitest";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

describe("drainNode: tiers", () => {
  it("evicts critical pods only once every ordinary pod is gone", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 4, shutdownMs: 5_000 }));
    cluster.addWorkload(
      workload("Deployment", "coredns", { replicas: 2, priorityClassName: "system-cluster-critical" }),
    );

    const result = await drain();

    expect(result.status).toBe("drained");
    const lastOrdinaryGone = Math.max(
      ...eventsOf("gone")
        .filter((event) => event.pod.name.startsWith("web"))
        .map((event) => event.at),
    );
    const criticalEvictions = eventsOf("evicted").filter((event) => event.pod.name.startsWith("coredns"));
    expect(criticalEvictions).toHaveLength(2);
    for (const eviction of criticalEvictions) {
      expect(eviction.tier).toBe("critical");
      expect(eviction.at).toBeGreaterThanOrEqual(lastOrdinaryGone);
    }
    expect(eventsOf("tier-started").map((event) => event.tier)).toEqual(["ordinary", "critical"]);
  });

  it("evicts DaemonSet pods last when asked, and does not chase the ones their DaemonSet recreates", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    const [agent] = cluster.addWorkload(workload("DaemonSet", "agent"));
    const daemonSet = cluster.workloads.get("default/agent");

    const result = await drain(
      { evictDaemonSets: true },
      {
        observer: (event) => {
          // The DaemonSet controller puts a new pod on the node as soon as its pod is evicted.
          if (
            event.kind === "evicted" &&
            event.pod.name === agent?.metadata?.name &&
            daemonSet !== undefined
          ) {
            cluster.clock.after(10, () => cluster.createPod(daemonSet, "node-a", 1, true, "agent-new"));
          }
        },
      },
    );

    expect(result.status).toBe("drained");
    const evictedNames = result.evicted.map((pod) => pod.name);
    expect(evictedNames).toContain(agent?.metadata?.name);
    expect(evictedNames).not.toContain("agent-new");
    expect(result.evicted.at(-1)?.tier).toBe("daemonset");
    expect(result.skipped.find((pod) => pod.name === "agent-new")?.message).toMatch(
      /recreated by its DaemonSet/,
    );
    expect(eventsOf("tier-started").map((event) => event.tier)).toEqual(["ordinary", "daemonset"]);
  });
});
