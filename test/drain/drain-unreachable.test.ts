import { describe, expect, it } from "vitest";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

const HOUR = 3_600_000;

describe("drainNode: a node whose kubelet stopped", () => {
  it("evicts through the API, then counts pods terminating past their grace as gone once the node is unreachable for 60 s", async () => {
    const { cluster, clock, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2, budget: { maxUnavailable: 1 } }));
    const stoppedAt = clock.now();
    cluster.stopKubelet("node-a", 40_000);

    const result = await drain({}, { deadline: stoppedAt + HOUR });

    expect(result.status).toBe("drained");
    // Both evicted through the Eviction API (the budget's turn each), nothing force-deleted.
    expect(cluster.deletions.every((deletion) => deletion.viaEviction)).toBe(true);
    expect(cluster.deletions).toHaveLength(2);
    expect(result.forced).toEqual([]);
    expect(cluster.violations).toEqual([]);
    // Still there, terminating: no kubelet removed them.
    expect(cluster.podsOn("node-a")).toHaveLength(2);
    expect(result.skipped.map((pod) => pod.reason)).toEqual(["node-unreachable", "node-unreachable"]);
    expect(eventsOf("skipped")[0]?.message).toMatch(
      /^counted as gone: terminating past its grace period on a node whose Ready condition is Unknown \(NodeStatusUnknown\) for 60s/,
    );
    // Unknown 40 s after the stop, unreachable 60 s later: the drain ends within 2 minutes, not at the deadline.
    expect(clock.now() - stoppedAt).toBeGreaterThanOrEqual(100_000);
    expect(clock.now() - stoppedAt).toBeLessThan(120_000);
  });

  it("keeps waiting while the node is Ready, however long a pod takes past its grace", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web"));
    cluster.stoppedKubelets.add("node-a"); // pods never go, but the node still says Ready
    const deadline = clock.now() + 10 * 60_000;

    const result = await drain({ onDeadline: "leave" }, { deadline });

    expect(result.status).toBe("deadline-left");
    expect(result.remaining).toHaveLength(1);
    expect(clock.now()).toBe(deadline);
  });

  it("taints the unreachable node out-of-service when asked, after recording it in the state", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web"));
    cluster.stopKubelet("node-a", 40_000);

    const result = await drain({ outOfServiceTaint: true }, { deadline: clock.now() + HOUR });

    expect(result.status).toBe("drained");
    expect(cluster.nodes.get("node-a")?.spec?.taints).toContainEqual({
      key: "node.kubernetes.io/out-of-service",
      value: "nodeshutdown",
      effect: "NoExecute",
    });
    const state = JSON.parse(
      cluster.nodes.get("node-a")?.metadata?.annotations?.["eks-node-drainer/drain-state"] ?? "{}",
    );
    expect(state.outOfServiceTainted).toBe(true);
    expect(result.warnings).toContainEqual(
      expect.stringMatching(/tainted node\.kubernetes\.io\/out-of-service/),
    );
  });
});
