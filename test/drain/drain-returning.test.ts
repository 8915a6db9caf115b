import { describe, expect, it } from "vitest";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

describe("drainNode: pods that come back to the cordoned node", () => {
  it("evicts a tolerate-all workload at most twice, then leaves the pod that came back and reports why", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "agent", { tolerateAll: true }));
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));

    const result = await drain();

    expect(result.status).toBe("drained");
    const agentEvictions = cluster.deletions.filter((deletion) => deletion.pod.startsWith("default/agent-"));
    expect(agentEvictions).toHaveLength(2);
    const [left] = cluster.podsOn("node-a");
    expect(cluster.podsOn("node-a")).toHaveLength(1);
    expect(left?.metadata?.name).toMatch(/^agent-/);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        name: left?.metadata?.name,
        reason: "returning",
        message: expect.stringMatching(
          /after 2 evictions of ReplicaSet agent's pods: it tolerates the cordoned node's taints \(\{any key, operator Exists, any effect\}\)/,
        ),
      }),
    ]);
    expect(eventsOf("skipped")).toEqual([expect.objectContaining({ reason: "returning" })]);
    expect(result.remaining).toEqual([]);
  });

  it("counts evictions per owner across runs: a resumed drain does not start the count over", async () => {
    const { cluster, clock, drain } = fixture();
    // Opted out for 2 s: its replacements are created 2 s into the drain, as they would be on a real node.
    cluster.addWorkload(
      workload("Deployment", "agent", {
        tolerateAll: true,
        shutdownMs: 10_000,
        annotations: { "eks-node-drainer/opt-out": "2s" },
      }),
    );

    const first = await drain({}, { stopAt: clock.now() + 5_000 });
    expect(first.status).toBe("in-progress");
    const second = await drain();

    expect(second.status).toBe("drained");
    expect(cluster.deletions.filter((deletion) => deletion.viaEviction)).toHaveLength(2);
  });

  it("honours a larger bound", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "agent", { tolerateAll: true }));

    const result = await drain({ maxEvictionsPerOwner: 4 });

    expect(result.status).toBe("drained");
    expect(cluster.deletions).toHaveLength(4);
  });
});
