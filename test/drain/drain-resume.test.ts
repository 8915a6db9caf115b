import { describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

const HOUR = 3_600_000;

describe("drainNode: resuming", () => {
  it("stops at stopAt with its state saved, and a later run continues with the same deadline", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 6, startupMs: 20_000, budget: { maxUnavailable: 1 } }),
    );
    cluster.addWorkload(workload("Deployment", "dns", { priorityClassName: "system-node-critical" }));
    const firstDeadline = clock.now() + HOUR;

    const first = await drain({}, { deadline: firstDeadline, stopAt: clock.now() + 45_000 });

    expect(first.status).toBe("in-progress");
    expect(first.stoppedBy).toBe("stop-at");
    expect(first.evicted.length).toBeGreaterThan(0);
    expect(first.evicted.length).toBeLessThan(7);
    const saved = readDrainState(cluster.nodes.get("node-a") ?? {});
    expect(saved).toMatchObject({ phase: "evict:ordinary", tier: "ordinary", deadline: firstDeadline });

    const second = await drain({}, { deadline: clock.now() + 5 * HOUR });

    expect(second.status).toBe("drained");
    expect(second.deadline).toBe(firstDeadline);
    expect(second.startedAt).toBe(first.startedAt);
    expect(second.counts).toEqual({ evicted: 7, forced: 0, invocations: 2 });
    expect(first.evicted.length + second.evicted.length).toBe(7);
    expect(cluster.violations).toEqual([]);
  });

  it("takes a nearer deadline from a later run (a Spot interruption warning) and forces by it", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "solo", { graceSeconds: 30, budget: { minAvailable: 1 } }));
    const first = await drain({}, { deadline: clock.now() + HOUR, stopAt: clock.now() + 60_000 });
    expect(first.status).toBe("in-progress");

    const spotDeadline = clock.now() + 110_000;
    const second = await drain({}, { deadline: spotDeadline, nearerDeadlineHolds: true });

    expect(second.deadline).toBe(spotDeadline);
    expect(second.status).toBe("deadline-forced");
    expect(second.forced).toEqual([expect.objectContaining({ at: spotDeadline - 30_000 })]);
  });

  it("resumes after an abort (a killed run) and keeps the original deadline for forcing", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    cluster.addWorkload(workload("Deployment", "solo", { graceSeconds: 30, budget: { minAvailable: 1 } }));
    const originalDeadline = clock.now() + HOUR;
    const controller = new AbortController();
    clock.after(10 * 60_000, () => controller.abort(new Error("invocation killed")));

    const first = await drain({}, { deadline: originalDeadline, signal: controller.signal });
    expect(first.status).toBe("in-progress");
    expect(first.stoppedBy).toBe("abort");

    const second = await drain({}, { deadline: clock.now() + 10 * HOUR });

    expect(second.status).toBe("deadline-forced");
    expect(second.forced).toEqual([expect.objectContaining({ at: originalDeadline - 30_000 })]);
    expect(second.counts.invocations).toBe(2);
  });

  it("does not force again a pod forced by an earlier run", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(
      workload("Deployment", "stuck", {
        graceSeconds: 30,
        shutdownMs: 3 * HOUR,
        budget: { minAvailable: 1 },
      }),
    );
    const deadline = clock.now() + HOUR;

    const first = await drain({}, { deadline, stopAt: deadline - 10_000 });
    expect(first.status).toBe("in-progress");
    expect(first.forced).toHaveLength(1);

    const second = await drain({}, { deadline });
    expect(second.status).toBe("deadline-forced");
    expect(cluster.count("delete-pod")).toBe(1);
  });

  it("continues a drain whose node carries state from an earlier run without touching what is done", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    await drain();
    const patchesBefore = cluster.count("patch-node");

    const again = await drain();

    expect(again.status).toBe("drained");
    expect(again.counts.invocations).toBe(2);
    expect(cluster.count("evict")).toBe(2);
    expect(cluster.count("patch-node") - patchesBefore).toBe(1);
  });

  it("starts afresh, with a warning, when the saved state cannot be read", async () => {
    const { cluster, clock, drain } = fixture();
    const node = cluster.nodes.get("node-a");
    if (node?.metadata) node.metadata.annotations = { "eks-node-drainer/drain-state": '{"version":1}' };
    const deadline = clock.now() + HOUR;

    const result = await drain({}, { deadline });

    expect(result.status).toBe("drained");
    expect(result.deadline).toBe(deadline);
    expect(result.warnings[0]).toMatch(/drain-state on node node-a is invalid: phase/);
  });
});

describe("drainNode: dry run and refusals", () => {
  it("plans without writing anything", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    cluster.addWorkload(workload("DaemonSet", "agent"));

    const result = await drain({ dryRun: true });

    expect(result.status).toBe("planned");
    expect(result.plan?.pods.map((pod) => pod.action).sort()).toEqual(["evict", "evict", "skip"]);
    const writes = cluster.requests.filter(
      (request) => !["get-node", "list-pods", "list-budgets"].includes(request.verb),
    );
    expect(writes).toEqual([]);
    expect(cluster.nodes.get("node-a")?.spec?.unschedulable).toBeUndefined();
  });

  it("refuses to drain a node with a bare pod when bare pods are refused, evicting nothing", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web"));
    cluster.addWorkload(workload("Pod", "handmade"));

    const result = await drain({ barePods: "refuse" });

    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "refused-pods" });
    expect(result.error?.message).toMatch(/default\/handmade \(no controller will recreate this pod\)/);
    expect(cluster.count("evict")).toBe(0);
  });

  it("drains only the pods matching the pod selector", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    cluster.addWorkload(workload("Deployment", "db"));

    const result = await drain({ podSelector: "app=web" });

    expect(result.status).toBe("drained");
    expect(result.evicted.every((pod) => pod.name.startsWith("web"))).toBe(true);
    expect(cluster.podsOn("node-a").map((pod) => pod.metadata?.labels?.app)).toEqual(["db"]);
  });
});
