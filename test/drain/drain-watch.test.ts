import { describe, expect, it } from "vitest";
import { fixture } from "./support/drain-fixture.js";
import { workload } from "./support/fake-workloads.js";

describe("drainNode: knowing when a pod is gone", () => {
  it("does not mistake a StatefulSet pod recreated under the same name for the old one", async () => {
    const { cluster, drain, eventsOf } = fixture();
    // Only node-a exists for the replacement: the StatefulSet recreates db-0 on it (it tolerates the cordon).
    cluster.nodes.delete("node-b");
    cluster.addWorkload(workload("StatefulSet", "db", { replicas: 1, shutdownMs: 2_000, startupMs: 1_000 }));
    const original = cluster.podsOn("node-a")[0];
    let recreated = false;

    const result = await drain(
      {},
      {
        observer: (event) => {
          if (event.kind === "gone" && event.pod.uid === original?.metadata?.uid && !recreated) {
            recreated = true;
            const spec = cluster.workloads.get("default/db");
            if (spec !== undefined) cluster.createPod({ ...spec, replicas: 0 }, "node-a", 0, true, "db-0");
          }
        },
      },
    );

    const gone = eventsOf("gone").find((event) => event.pod.uid === original?.metadata?.uid);
    expect(gone).toBeDefined();
    const evictedUids = result.evicted.map((pod) => pod.uid);
    expect(evictedUids[0]).toBe(original?.metadata?.uid);
    // The newcomer has the same name but another UID: it is a new pod to drain, never confused with the old.
    expect(evictedUids).toHaveLength(2);
    expect(evictedUids[1]).not.toBe(original?.metadata?.uid);
    expect(result.status).toBe("drained");
  });

  it("sees pods gone through a re-list after a dropped watch (missed deletions)", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 3, shutdownMs: 5_000 }));
    // The watch drops: deletions are not delivered, only the re-list 20 s later tells the truth.
    clock.after(1_000, () => cluster.dropPodWatches());
    clock.after(20_000, () => cluster.relistPods());

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(result.timings.runMs).toBeGreaterThanOrEqual(20_000);
    expect(cluster.count("evict")).toBe(3);
  });

  it("takes a 404 or a UID conflict on eviction as gone: no retry, no force", async () => {
    const { cluster, clock, drain } = fixture();
    const pods = cluster.addWorkload(workload("Deployment", "web", { replicas: 2 }));
    cluster.evictionFaults.push(
      { kind: "gone", reason: "not-found" },
      { kind: "gone", reason: "uid-changed" },
    );
    // Someone else deleted them; the watch reports it a little later than the eviction answers.
    clock.after(3_000, () => {
      for (const pod of pods) {
        const ref = { namespace: "default", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" };
        void cluster.deletePod(ref, { gracePeriodSeconds: 0 });
      }
    });

    const result = await drain();

    expect(result.status).toBe("drained");
    expect(result.evicted).toEqual([]);
    expect(result.forced).toEqual([]);
    expect(cluster.count("evict")).toBe(2);
  });

  it("ends when an eviction answers gone for a pod whose deletion the watch never reports", async () => {
    const { cluster, clock, drain } = fixture();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 1 }));
    // The pod vanished without a deletion event (its name taken over by a namesake elsewhere): the
    // eviction answers that another pod holds the name, while the watch stays silent and no re-list follows.
    cluster.evictionFaults.push({ kind: "gone", reason: "uid-changed" });
    clock.after(10, () => cluster.dropPodWatches());

    const result = await drain({}, { stopAt: clock.now() + 120_000 });

    expect(result.status).toBe("drained");
    expect(result.remaining).toEqual([]);
  });
});
