import { describe, expect, it } from "vitest";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

describe("drainNode: disruption budgets", () => {
  it("finishes a 429-blocked drain as replacements become Ready, without violating the budget", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 4, startupMs: 3_000, budget: { maxUnavailable: 1 } }),
    );

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(cluster.podsOn("node-a")).toEqual([]);
    expect(cluster.violations).toEqual([]);
    expect(eventsOf("blocked").length).toBeGreaterThan(0);
    expect(result.blocked).toEqual([]);
  });

  it("retries right after the budget allows again, not on a fixed 5 s beat", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.controllerDelayMs = 100;
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 3, startupMs: 7_000, budget: { maxUnavailable: 1 } }),
    );

    await drain({ budgetBackoff: { initialMs: 200, maxMs: 60_000 } });

    const evictions = eventsOf("evicted").map((event) => event.at);
    expect(evictions).toHaveLength(3);
    // Each replacement is Ready 7 s after its predecessor's eviction, and its budget status follows
    // 100 ms later: the next eviction follows that status, long before the 60 s backoff would.
    for (let index = 1; index < evictions.length; index += 1) {
      const gap = (evictions[index] ?? 0) - (evictions[index - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(7_000);
      expect(gap).toBeLessThan(7_500);
    }
  });

  it("keeps refusals few: one probe per budget at a time", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 10, startupMs: 2_000, budget: { maxUnavailable: 1 } }),
    );

    const result = await drain();

    expect(result.status).toBe("drained");
    const refusals = cluster.count("evict") - result.evicted.length;
    // kubectl's fixed 5 s retry refuses about twice per pod here; a blind 100 ms loop ~200 times. With
    // the budget's status seen through the watch, the drain waits for it instead of asking.
    expect(refusals).toBeLessThanOrEqual(2);
    expect(result.timings.runMs).toBeLessThan(30_000);
    expect(cluster.violations).toEqual([]);
  });

  it("starts every budget's first wave at once: the budgets take turns for the free slots", async () => {
    const { cluster, drain } = fixture();
    for (const name of ["api", "web"]) {
      cluster.addWorkload(
        workload("Deployment", name, { replicas: 4, startupMs: 2_000, budget: { maxUnavailable: 2 } }),
      );
    }

    const result = await drain({ concurrency: 2 });

    expect(result.status).toBe("drained");
    const evictions = cluster.requests.filter((request) => request.verb === "evict");
    const firstWave = evictions.filter((request) => request.at === evictions[0]?.at);
    // Two slots and two budgets: each budget's wave starts with the first pass, one pod each.
    expect(firstWave.slice(0, 2).map((request) => request.target.split("/")[1]?.split("-")[0])).toEqual([
      "api",
      "web",
    ]);
    expect(cluster.violations).toEqual([]);
  });

  it("reports pods held back by a budget as blocked without asking the server to refuse them", async () => {
    const { cluster, clock, drain, eventsOf } = fixture();
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 3, startupMs: 60_000, budget: { maxUnavailable: 1 } }),
    );

    const stopped = await drain({}, { stopAt: clock.now() + 30_000 });

    expect(stopped.status).toBe("in-progress");
    expect(stopped.evicted).toHaveLength(1);
    expect(stopped.blocked).toHaveLength(2);
    expect(stopped.blocked[0]).toMatchObject({
      cause: "budget",
      budget: "default/web",
      disruptionsAllowed: 0,
    });
    // The watch's word until a probe is refused, the server's after.
    expect(stopped.blocked[0]?.message).toMatch(/disruption budget .*web.* needs 2 healthy pods/);
    expect(eventsOf("blocked")).toHaveLength(2);
    expect(eventsOf("blocked")[0]?.message).toBe(
      "the disruption budget default/web allows no further disruption now (it needs 2 healthy pods)",
    );
    // 30 s of waiting for the replacement: a few blind probes at most (~2 s, then backing off to ~10 s).
    const refusals = cluster.count("evict") - 1;
    expect(refusals).toBeLessThanOrEqual(5);
  });

  it("falls back to slow blind probes when the budget watch stalls, and still finishes", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 3, startupMs: 3_000, budget: { maxUnavailable: 1 } }),
    );
    cluster.feeds.muteBudgets();

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(cluster.violations).toEqual([]);
    const attempts = cluster.requests
      .filter((request) => request.verb === "evict")
      .map((request) => request.at);
    // The watch says nothing after the first eviction: the probes find the budget allowing again.
    expect(result.evicted).toHaveLength(3);
    for (let index = 1; index < attempts.length; index += 1) {
      expect((attempts[index] ?? 0) - (attempts[index - 1] ?? 0)).toBeGreaterThanOrEqual(2_000);
    }
  });

  it("reports a pod under two budgets as blocked and forces it at the deadline", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2, budget: { maxUnavailable: 1 } }));
    cluster.addBudget("default", "web-extra", "web", { maxUnavailable: 1 });
    const deadline = clock.now() + 10 * 60_000;

    const stopped = await drain({}, { deadline, stopAt: clock.now() + 60_000 });
    expect(stopped.status).toBe("in-progress");
    expect(stopped.blocked).toHaveLength(2);
    expect(stopped.blocked[0]).toMatchObject({
      cause: "multiple-budgets",
      budget: "default/web, default/web-extra",
    });
    expect(stopped.blocked[0]?.message).toMatch(/more than one PodDisruptionBudget/);

    const finished = await drain({}, { deadline });
    expect(finished.status).toBe("deadline-forced");
    expect(finished.forced).toHaveLength(2);
    expect(finished.forced.every((pod) => pod.at === deadline - 30_000)).toBe(true);
    expect(cluster.podsOn("node-a")).toEqual([]);
  });

  it("waits out a single replica under minAvailable 1 until the deadline, then forces it", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(
      workload("Deployment", "solo", { replicas: 1, graceSeconds: 60, budget: { minAvailable: 1 } }),
    );
    const deadline = clock.now() + 2 * 3_600_000;

    const result = await drain({}, { deadline });

    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toEqual([expect.objectContaining({ graceSeconds: 60, at: deadline - 60_000 })]);
    expect(cluster.deletions.at(-1)).toMatchObject({ viaEviction: false, grace: 60 });
    // Two hours of refusals backing off to 2.5–5 s (jittered): not a 100 ms hammer.
    expect(cluster.count("evict")).toBeLessThan((2 * 3_600) / 2.5);
  });

  it("honours Retry-After on API throttling", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 1 }));
    cluster.evictionFaults.push({
      kind: "retry",
      cause: "throttled",
      message: "Too many requests",
      retryAfterMs: 3_000,
    });

    const result = await drain();

    expect(result.status).toBe("drained");
    const attempts = cluster.requests
      .filter((request) => request.verb === "evict")
      .map((request) => request.at);
    expect(attempts).toHaveLength(2);
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(3_000);
  });

  it("honours Retry-After for a pod whose budget allows it", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 3, budget: { maxUnavailable: 2 } }));
    cluster.evictionFaults.push({
      kind: "retry",
      cause: "throttled",
      message: "slow down",
      retryAfterMs: 4_000,
    });

    const result = await drain();

    expect(result.status).toBe("drained");
    const attempts = cluster.requests.filter((request) => request.verb === "evict");
    const throttled = attempts[0];
    const retried = attempts.slice(1).find((request) => request.target === throttled?.target);
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(4_000);
  });

  it("retries transient server errors and network failures", async () => {
    const { cluster, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 1 }));
    cluster.evictionFaults.push(
      { kind: "retry", cause: "server-error", message: "500 etcdserver: request timed out" },
      { kind: "retry", cause: "network", message: "fetch failed" },
    );

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(cluster.count("evict")).toBe(3);
    expect(eventsOf("retrying")).toHaveLength(2);
  });

  it("fails on an answer that retrying cannot fix", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 1 }));
    cluster.evictionFaults.push({ kind: "fatal", status: 403, message: "pods/eviction is forbidden" });

    const result = await drain();

    expect(result.status).toBe("failed");
    expect(result.error?.message).toMatch(/evicting pod default\/web-.*forbidden/);
  });
});
