import { describe, expect, it } from "vitest";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

const HOUR = 3_600_000;

describe("drainNode: deadline", () => {
  it("waits for an opted-out pod and forces it at deadline minus its grace (hours in milliseconds)", async () => {
    const { cluster, clock, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    const [batch] = cluster.addWorkload(
      workload("Deployment", "batch", {
        graceSeconds: 120,
        annotations: { "eks-node-drainer/opt-out": "true" },
      }),
    );
    const started = clock.now();
    const deadline = started + 6 * HOUR;

    const result = await drain({}, { deadline });

    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toEqual([
      expect.objectContaining({ name: batch?.metadata?.name, at: deadline - 120_000, graceSeconds: 120 }),
    ]);
    expect(result.evicted.map((pod) => pod.name)).not.toContain(batch?.metadata?.name);
    expect(result.waitedFor).toEqual([
      expect.objectContaining({ name: batch?.metadata?.name, reason: "opted-out" }),
    ]);
    expect(eventsOf("deadline-approaching")).toHaveLength(1);
    expect(eventsOf("deadline-approaching")[0]?.at).toBe(deadline - 5 * 60_000);
    expect(cluster.podsOn("node-a")).toEqual([]);
    // The drain ends once the forced pod is gone, not at the deadline itself.
    expect(clock.now()).toBeLessThan(deadline);
  });

  it("evicts a pod opted out for a duration once the duration has passed", async () => {
    const { cluster, clock, drain } = fixture();
    const [batch] = cluster.addWorkload(
      workload("Deployment", "batch", { annotations: { "eks-node-drainer/opt-out": "30m" } }),
    );
    const started = clock.now();

    const result = await drain({}, { deadline: started + 2 * HOUR });

    expect(result.status).toBe("drained");
    expect(result.forced).toEqual([]);
    expect(result.evicted).toEqual([
      expect.objectContaining({ name: batch?.metadata?.name, at: started + 30 * 60_000 }),
    ]);
  });

  it("finishes early when an opted-out pod leaves by itself", async () => {
    const { cluster, clock, drain } = fixture();
    const [batch] = cluster.addWorkload(
      workload("Pod", "batch", { annotations: { "eks-node-drainer/opt-out": "true" } }),
    );
    clock.after(
      20 * 60_000,
      () =>
        void cluster.deletePod(
          { namespace: "default", name: "batch", uid: batch?.metadata?.uid ?? "" },
          { gracePeriodSeconds: 30 },
        ),
    );

    const result = await drain({}, { deadline: clock.now() + 4 * HOUR });

    expect(result.status).toBe("drained");
    expect(result.waitedFor).toEqual([expect.objectContaining({ name: "batch", gone: true })]);
    expect(result.timings.runMs).toBeLessThan(21 * 60_000);
  });

  it("stops at the deadline itself and leaves the pods when the policy says leave", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "solo", { budget: { minAvailable: 1 } }));
    const deadline = clock.now() + HOUR;

    const result = await drain({ onDeadline: "leave" }, { deadline });

    expect(result.status).toBe("deadline-left");
    expect(result.forced).toEqual([]);
    expect(result.remaining).toHaveLength(1);
    expect(result.blocked).toEqual([expect.objectContaining({ cause: "budget", budget: "default/solo" })]);
    expect(cluster.deletions).toEqual([]);
    // kubectl's --timeout: the drain gives up at the deadline, not a grace period before it.
    expect(clock.now()).toBe(deadline);
  });

  it("under leave, keeps each pod's whole grace period and evicts what the budgets allow until the deadline", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "slow", { graceSeconds: 600, shutdownMs: 600_000 }));
    const deadline = clock.now() + 90_000;

    const result = await drain({ onDeadline: "leave" }, { deadline });

    expect(result.status).toBe("deadline-left");
    expect(result.evicted).toEqual([expect.not.objectContaining({ gracePeriodSeconds: expect.anything() })]);
    expect(cluster.deletions).toEqual([expect.objectContaining({ grace: 600, viaEviction: true })]);
    expect(result.forced).toEqual([]);
    expect(clock.now()).toBe(deadline);
  });

  it("shortens an eviction's grace period to end by the deadline", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "slow", { graceSeconds: 600, shutdownMs: 600_000 }));

    const result = await drain({}, { deadline: clock.now() + 90_000 });

    expect(result.evicted).toEqual([expect.objectContaining({ gracePeriodSeconds: 90 })]);
    expect(cluster.deletions[0]).toMatchObject({ grace: 90, viaEviction: true });
    expect(result.status).toBe("drained");
  });

  it("force-deletes a terminating pod whose grace would outlast the deadline, with the time left", async () => {
    const { cluster, clock, drain } = fixture();
    const [pod] = cluster.addWorkload(
      workload("Deployment", "slow", { graceSeconds: 3_600, shutdownMs: 3_600_000 }),
    );
    await cluster.deletePod(
      { namespace: "default", name: pod?.metadata?.name ?? "", uid: pod?.metadata?.uid ?? "" },
      { gracePeriodSeconds: 3_600 },
    );
    const deadline = clock.now() + 10 * 60_000;

    const result = await drain({}, { deadline });

    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toEqual([expect.objectContaining({ graceSeconds: 600 })]);
    expect(cluster.count("evict")).toBe(0);
  });
});
