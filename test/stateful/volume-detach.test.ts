import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrainResult } from "../../src/drain/result.js";
import { type StatefulSim, startStatefulSim } from "./support/stateful-sim.js";

/**
 * scenarios/stateful.yaml drained over HTTPS, waiting for volumes: postgres-0 (an EBS volume through a
 * StatefulSet claim) must be detached from the node before the drain ends; the log-buffer DaemonSet's
 * per-node volume stays attached with its pod and must not hold the drain.
 */
describe("a drain that waits for the drained pods' volumes", () => {
  let subject: StatefulSim;
  let result: DrainResult;
  let postgresVolume: string;
  let daemonVolume: string;
  /** What the simulated cluster had attached to the node when the drain announced its wait, and when it ended. */
  const attachedWhen: { waiting?: string[]; finished?: string[] } = {};

  beforeAll(async () => {
    subject = await startStatefulSim("stateful.yaml");
    postgresVolume = subject.volumeOfClaim("db", "data-postgres-0");
    const daemonPod = subject.sim.view
      .pods({ namespace: "logging", nodeName: subject.nodeName })
      .find((pod) => pod.metadata.name.startsWith("log-buffer-"));
    daemonVolume = subject.volumeOfClaim("logging", `${daemonPod?.metadata.name}-buffer`);
    expect(subject.attachedToNode().sort()).toEqual([postgresVolume, daemonVolume].sort());

    result = await subject.drain(
      { waitForVolumeDetach: true },
      {
        observer: (event) => {
          if (event.kind === "volumes-waiting") attachedWhen.waiting = subject.attachedToNode();
          if (event.kind === "finished") attachedWhen.finished = subject.attachedToNode();
        },
      },
    );
  }, 90_000);

  afterAll(async () => {
    await subject.stop();
  });

  it("ends only once the StatefulSet member's attachment on the node is deleted", () => {
    expect(result.status).toBe("drained");
    expect(attachedWhen.waiting).toContain(postgresVolume);
    expect(attachedWhen.finished).not.toContain(postgresVolume);
    expect(result.volumes).toMatchObject({ volumes: [postgresVolume], attached: [], outcome: "detached" });
  });

  it("names the volume it waits for in an event while waiting", () => {
    const waiting = subject.eventsOf("volumes-waiting");
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.volumes).toEqual([postgresVolume]);
    expect(waiting[0]?.until).toBe(result.deadline);
  });

  it("does not wait for the DaemonSet's volume, which stays attached with its pod", () => {
    expect(attachedWhen.finished).toEqual([daemonVolume]);
    expect(subject.attachedToNode()).toEqual([daemonVolume]);
    expect(result.skipped.map((pod) => pod.reason)).toEqual(["daemonset"]);
  });

  it("lets the replacement attach the volume on the other node of its zone, within the budgets", () => {
    const replacement = subject.sim.view.pod("db", "postgres-0");
    expect(replacement?.spec.nodeName).toBe("ip-10-0-1-11.us-west-2.compute.internal");
    const attachedThere = subject.sim.view
      .volumeAttachments()
      .find((attachment) => attachment.spec.source.persistentVolumeName === postgresVolume);
    expect(attachedThere?.spec.nodeName).toBe("ip-10-0-1-11.us-west-2.compute.internal");
    expect(subject.sim.recorder.violations()).toEqual([]);
  });

  it("reads the drained pods' claims, and keeps the node (not asked to delete it)", () => {
    expect(subject.sim.recorder.countsByRequest()["get persistentvolumeclaims"]).toBeGreaterThanOrEqual(1);
    expect(subject.sim.view.node(subject.nodeName)).toBeDefined();
  });
});
