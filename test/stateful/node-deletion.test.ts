import { afterEach, describe, expect, it } from "vitest";
import { type StatefulSim, startStatefulSim } from "./support/stateful-sim.js";

/** Deleting the Node object is the very last step, and only of a drain that succeeded. */
describe("deleting the Node after the drain", () => {
  let subject: StatefulSim | undefined;

  afterEach(async () => {
    await subject?.stop();
    subject = undefined;
  });

  it("deletes it once the pods are gone and the drained volume detached, when asked to", async () => {
    subject = await startStatefulSim("stateful.yaml");
    const { sim, nodeName } = subject;
    const postgresVolume = subject.volumeOfClaim("db", "data-postgres-0");
    const seen: { drainedPodsLeft?: number; attached?: string[] } = {};

    const result = await subject.drain(
      { waitForVolumeDetach: true, deleteNode: true },
      {
        observer: (event) => {
          if (event.kind !== "node-deleted") return;
          // What the cluster looks like at the moment the drain reports the deletion.
          seen.drainedPodsLeft = sim.view
            .pods({ nodeName })
            .filter((pod) => !pod.metadata.name.startsWith("log-buffer-")).length;
          seen.attached = subject?.attachedToNode();
        },
      },
    );

    expect(result.status).toBe("drained");
    expect(result.nodeDeleted).toBe(true);
    expect(sim.view.node(nodeName)).toBeUndefined();
    expect(sim.recorder.countsByRequest()["delete nodes"]).toBe(1);
    expect(seen.drainedPodsLeft).toBe(0);
    expect(seen.attached).not.toContain(postgresVolume);
    const kinds = subject.events.map((event) => event.kind);
    expect(kinds.indexOf("node-deleted")).toBeGreaterThan(kinds.indexOf("volumes-detached"));
    expect(kinds.at(-1)).toBe("finished");
  }, 90_000);

  it("keeps it when the drain fails", async () => {
    subject = await startStatefulSim("stateful.yaml");
    subject.sim.addWorkload({ kind: "Pod", name: "debug", namespace: "shop", node: subject.nodeName });

    const result = await subject.drain({ deleteNode: true, barePods: "refuse" });

    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("refused-pods");
    expect(subject.sim.view.node(subject.nodeName)).toBeDefined();
    expect(subject.sim.recorder.countsByRequest()["delete nodes"]).toBeUndefined();
  }, 90_000);
});
