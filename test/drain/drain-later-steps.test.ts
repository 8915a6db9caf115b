import { describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

describe("drainNode: the steps after the pods are gone", () => {
  it("settles for the configured time, then deletes the Node object", async () => {
    const { cluster, clock, drain, eventsOf } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));

    const result = await drain({ settleMs: 90_000, deleteNode: true });

    expect(result.status).toBe("drained");
    expect(cluster.nodes.has("node-a")).toBe(false);
    const lastGone = Math.max(...eventsOf("gone").map((event) => event.at));
    const deleted = cluster.requests.find((request) => request.verb === "delete-node");
    expect(deleted?.at).toBeGreaterThanOrEqual(lastGone + 90_000);
    expect(eventsOf("node-deleted")).toHaveLength(1);
    expect(result.nodeDeleted).toBe(true);
    expect(clock.now() - lastGone).toBeLessThan(91_000);
  });

  it("keeps the settle time already spent when a run resumes in the middle of it", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web"));
    const first = await drain({ settleMs: 10 * 60_000 }, { stopAt: clock.now() + 5 * 60_000 });
    expect(first.status).toBe("in-progress");
    expect(readDrainState(cluster.nodes.get("node-a") ?? {})?.phase).toBe("settle");
    const settleStarted = readDrainState(cluster.nodes.get("node-a") ?? {})?.phaseStartedAt ?? 0;

    const second = await drain({ settleMs: 10 * 60_000 });

    expect(second.status).toBe("drained");
    expect(clock.now()).toBeGreaterThanOrEqual(settleStarted + 10 * 60_000);
    expect(clock.now()).toBeLessThan(settleStarted + 10 * 60_000 + 1_000);
  });

  it("asks about volume attachments only when told to wait for them", async () => {
    const { cluster, drain } = fixture();
    cluster.addWorkload(workload("StatefulSet", "db"));

    await drain();
    expect(cluster.count("list-volume-attachments")).toBe(0);

    const again = fixture();
    again.cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));
    const result = await again.drain({ waitForVolumeDetach: true });
    expect(result.status).toBe("drained");
    expect(again.cluster.count("list-volume-attachments")).toBeGreaterThanOrEqual(1);
  });

  it("never settles past the deadline", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web"));
    const deadline = clock.now() + 2 * 60_000;

    const result = await drain({ settleMs: 10 * 60_000 }, { deadline });

    expect(result.status).toBe("drained");
    expect(clock.now()).toBeGreaterThanOrEqual(deadline);
    expect(clock.now()).toBeLessThan(deadline + 1_000);
    expect(result.warnings.join(" ")).toMatch(/settle cut short by the deadline/);
  });

  it("keeps the Node object after a drain that had to force pods at the deadline", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "solo", { budget: { minAvailable: 1 } }));
    const deadline = clock.now() + 10 * 60_000;

    const result = await drain({ deleteNode: true }, { deadline });

    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toHaveLength(1);
    expect(cluster.count("delete-node")).toBe(0);
    expect(cluster.nodes.has("node-a")).toBe(true);
    expect(result.nodeDeleted).toBeUndefined();
  });

  it("keeps the Node object after a failed drain, and when not asked to delete it", async () => {
    const refused = fixture();
    refused.cluster.addWorkload(workload("Pod", "bare"));
    const failed = await refused.drain({ deleteNode: true, barePods: "refuse" });
    expect(failed.status).toBe("failed");
    expect(refused.cluster.nodes.has("node-a")).toBe(true);

    const plain = fixture();
    plain.cluster.addWorkload(workload("Deployment", "web"));
    const drained = await plain.drain();
    expect(drained.status).toBe("drained");
    expect(plain.cluster.count("delete-node")).toBe(0);
  });
});
