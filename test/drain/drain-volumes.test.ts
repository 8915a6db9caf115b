import { describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import { fixture } from "./support/drain-fixture.js";
import { claimReadFailure } from "./support/fake-volumes.js";
import { workload } from "./support/fake-workloads.js";

const waitForVolumes = { waitForVolumeDetach: true } as const;

describe("drainNode: waiting for the drained pods' volumes to detach", () => {
  it("ends only after the StatefulSet's attachment on the node is deleted, naming the volume meanwhile", async () => {
    const { cluster, clock, drain, eventsOf } = fixture();
    cluster.volumes.detachMs = 20_000;
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));

    const result = await drain(waitForVolumes);

    expect(result.status).toBe("drained");
    const detached = cluster.volumes.deleted.find((attachment) => attachment.node === "node-a");
    expect(detached?.persistentVolumeName).toBe("pv-default-data-db-0");
    expect(clock.now()).toBeGreaterThanOrEqual(detached?.deletedAt ?? Number.POSITIVE_INFINITY);
    expect(eventsOf("volumes-waiting")).toEqual([
      expect.objectContaining({ volumes: ["pv-default-data-db-0"], attachments: [detached?.name] }),
    ]);
    expect(result.volumes).toMatchObject({
      volumes: ["pv-default-data-db-0"],
      attached: [],
      outcome: "detached",
    });
    expect(cluster.volumes.onNode("node-a")).toEqual([]);
  });

  it("does not wait for a DaemonSet's volume, nor for one of a pod the selector leaves", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("DaemonSet", "agent", { volume: "claim" }));
    cluster.addWorkload(workload("StatefulSet", "other", { volume: "claim" }));
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));
    const started = clock.now();

    const result = await drain({ ...waitForVolumes, podSelector: "app in (db, agent)" });

    expect(result.status).toBe("drained");
    expect(result.volumes?.volumes).toEqual(["pv-default-data-db-0"]);
    const left = cluster.volumes.onNode("node-a").map((attachment) => attachment.persistentVolumeName);
    expect(left).toHaveLength(2);
    expect(left).not.toContain("pv-default-data-db-0");
    // Bounded by db's own detach, far from the one-hour deadline.
    expect(clock.now() - started).toBeLessThan(60_000);
  });

  it("knows the volume of a generic ephemeral volume whose claim goes away with its pod", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.volumes.detachMs = 15_000;
    const [pod] = cluster.addWorkload(workload("Deployment", "cache", { volume: "ephemeral" }));
    const claim = `default/${pod?.metadata?.name}-cache`;

    const result = await drain(waitForVolumes);

    expect(result.status).toBe("drained");
    expect(cluster.volumes.claims.has(claim)).toBe(false);
    const volume = `pv-${claim.replace("/", "-")}`;
    expect(result.volumes?.volumes).toEqual([volume]);
    const detached = cluster.volumes.deleted.find((attachment) => attachment.persistentVolumeName === volume);
    expect(clock.now()).toBeGreaterThanOrEqual(detached?.deletedAt ?? Number.POSITIVE_INFINITY);
  });

  it("matches an inline EBS volume to its attachment by volume ID", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.volumes.detachMs = 12_000;
    cluster.addWorkload(workload("StatefulSet", "legacy", { volume: "inline" }));

    const result = await drain(waitForVolumes);

    expect(result.status).toBe("drained");
    expect(result.volumes?.volumes).toEqual(["inline:vol-legacy-0"]);
    const detached = cluster.volumes.deleted.find(
      (attachment) => attachment.inlineVolumeHandle === "vol-legacy-0",
    );
    expect(clock.now()).toBeGreaterThanOrEqual(detached?.deletedAt ?? Number.POSITIVE_INFINITY);
  });

  it("goes on without a volume that never detaches at the deadline (force) and says so", async () => {
    const { cluster, clock, drain, eventsOf } = fixture();
    cluster.volumes.stuck.add("pv-default-data-db-0");
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));
    const deadline = clock.now() + 10 * 60_000;

    const result = await drain({ ...waitForVolumes, deleteNode: true }, { deadline });

    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toEqual([]);
    expect(clock.now()).toBeGreaterThanOrEqual(deadline);
    expect(clock.now()).toBeLessThan(deadline + 5_000);
    expect(result.volumes).toMatchObject({ attached: ["pv-default-data-db-0"], outcome: "deadline" });
    expect(eventsOf("volumes-waiting")[0]?.detachErrors).toEqual([
      "pv-default-data-db-0: rpc error: code = DeadlineExceeded",
    ]);
    expect(eventsOf("volumes-detached")).toEqual([
      expect.objectContaining({ timedOut: true, atDeadline: true, volumes: ["pv-default-data-db-0"] }),
    ]);
    // Not a clean success: the Node object stays.
    expect(cluster.nodes.has("node-a")).toBe(true);
    expect(result.warnings.join(" ")).toMatch(/still attached at the deadline.*pv-default-data-db-0/);
  });

  it("stops at the deadline with deadline-left under policy leave", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.volumes.stuck.add("pv-default-data-db-0");
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));
    const deadline = clock.now() + 10 * 60_000;

    const result = await drain({ ...waitForVolumes, onDeadline: "leave", deleteNode: true }, { deadline });

    expect(result.status).toBe("deadline-left");
    expect(result.volumes?.outcome).toBe("deadline");
    expect(readDrainState(cluster.nodes.get("node-a") ?? {})?.outcome).toBe("deadline-left");
    expect(cluster.count("delete-node")).toBe(0);
  });

  it("gives up before the deadline when a timeout is set, and the drain succeeds with a warning", async () => {
    const { cluster, drain } = fixture();
    cluster.volumes.stuck.add("pv-default-data-db-0");
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));

    const result = await drain({ ...waitForVolumes, volumeDetachTimeoutMs: 30_000 });

    expect(result.status).toBe("drained");
    expect(result.volumes?.outcome).toBe("timed-out");
    expect(result.warnings.join(" ")).toMatch(/volumes still attached after 30s: pv-default-data-db-0/);
  });

  it("resumes the wait in a later run from the state on the node, after the pod is gone", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.volumes.detachMs = 5 * 60_000;
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));

    const first = await drain(waitForVolumes, { stopAt: clock.now() + 60_000 });
    expect(first.status).toBe("in-progress");
    const saved = readDrainState(cluster.nodes.get("node-a") ?? {});
    expect(saved?.phase).toBe("volumes");
    expect(saved?.volumeWait).toMatchObject({
      claims: { "default/data-db-0": "pv-default-data-db-0" },
      volumes: ["pv-default-data-db-0"],
    });

    const second = await drain(waitForVolumes);

    expect(second.status).toBe("drained");
    expect(second.volumes).toMatchObject({ volumes: ["pv-default-data-db-0"], outcome: "detached" });
    const detached = cluster.volumes.deleted.find((attachment) => attachment.node === "node-a");
    expect(clock.now()).toBeGreaterThanOrEqual(detached?.deletedAt ?? Number.POSITIVE_INFINITY);
  });

  it("keeps the claims of pods evicted in a run that stopped before they were gone", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.volumes.detachMs = 40_000;
    cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim", shutdownMs: 20_000 }));

    const first = await drain(waitForVolumes, { stopAt: clock.now() + 5_000 });
    expect(first.status).toBe("in-progress");
    expect(first.evicted).toHaveLength(1);
    expect(readDrainState(cluster.nodes.get("node-a") ?? {})?.volumeWait?.claims).toEqual({
      "default/data-db-0": "pv-default-data-db-0",
    });

    const second = await drain(waitForVolumes);

    expect(second.status).toBe("drained");
    const detached = cluster.volumes.deleted.find((attachment) => attachment.node === "node-a");
    expect(clock.now()).toBeGreaterThanOrEqual(detached?.deletedAt ?? Number.POSITIVE_INFINITY);
  });

  it("reads a claim again after a transient failure, and warns about one it may not read", async () => {
    const transient = fixture();
    transient.cluster.volumes.claimFaults.push(claimReadFailure("network"));
    transient.cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));
    const retried = await transient.drain(waitForVolumes);
    expect(retried.status).toBe("drained");
    expect(retried.volumes?.volumes).toEqual(["pv-default-data-db-0"]);
    expect(transient.cluster.count("get-claim")).toBe(2);

    const forbidden = fixture();
    forbidden.cluster.volumes.claimFaults.push(claimReadFailure("forbidden"));
    forbidden.cluster.volumes.stuck.add("pv-default-data-db-0");
    forbidden.cluster.addWorkload(workload("StatefulSet", "db", { volume: "claim" }));
    const blind = await forbidden.drain(waitForVolumes);
    expect(blind.status).toBe("drained");
    expect(blind.volumes?.volumes).toEqual([]);
    expect(blind.warnings.join(" ")).toMatch(
      /reading claim default\/data-db-0: .*forbidden; its volume is not waited for/,
    );
  });
});
