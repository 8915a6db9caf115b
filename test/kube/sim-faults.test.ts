import { afterEach, describe, expect, it } from "vitest";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

const cluster = (faults: string) => `
drainNode: ip-10-0-1-10.us-west-2.compute.internal
controllerDelaySeconds: 0.1
seed: 3
nodes:
  - { name: ip-10-0-1-10.us-west-2.compute.internal, instanceId: i-0000000000000c001, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0000000000000c002, availabilityZone: us-west-2a }
  - { name: ip-10-0-2-20.us-west-2.compute.internal, instanceId: i-0000000000000c003, availabilityZone: us-west-2b }
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 6
    node: ip-10-0-1-10.us-west-2.compute.internal
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.5
    startupSeconds: 1
  - kind: StatefulSet
    name: db
    namespace: data
    replicas: 2
    nodes: [ip-10-0-1-10.us-west-2.compute.internal, ip-10-0-2-20.us-west-2.compute.internal]
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.5
    startupSeconds: 1
  - kind: DaemonSet
    name: agent
    namespace: kube-system
faults:
${faults}
`;

describe("faults do not break a drain", () => {
  let harness: SimDrainHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("survives 5xx answers, latency and dropped watches", async () => {
    harness = await startHarness({
      yaml: cluster(`
  errorRate: { all: 0.15 }
  latencyMs: { all: 30 }
  dropWatchesAfterSeconds: 1
`),
    });

    const result = await harness.drain();

    expect(result.status).toBe("drained");
    expect(harness.sim.view.pods({ nodeName: harness.nodeName }).map((pod) => pod.metadata.name)).toEqual([
      expect.stringMatching(/^agent-/),
    ]);
    expect(harness.sim.recorder.violations()).toEqual([]);
    const injected = harness.sim.recorder
      .requests()
      .filter((request) => request.code === 500 || request.code === 503);
    expect(injected.length).toBeGreaterThan(0);
    expect(harness.events.some((event) => event.kind === "api-error" || event.kind === "retrying")).toBe(
      true,
    );
  }, 60_000);

  it("honours API throttling (429 with Retry-After, even with a plain-text body)", async () => {
    harness = await startHarness({
      yaml: cluster(`
  throttleRate: 0.3
  throttleRetryAfterSeconds: 1
  throttleBody: text
`),
    });

    const result = await harness.drain();

    expect(result.status).toBe("drained");
    expect(harness.sim.recorder.refusalsByCause().Throttled).toBeGreaterThan(0);
    expect(harness.sim.recorder.violations()).toEqual([]);
  }, 60_000);

  it("re-lists after an expired resourceVersion (410) and still sees pods go", async () => {
    harness = await startHarness({ yaml: cluster("  {}") });
    const sim = harness.sim;
    const result = await harness.drain(
      {},
      {
        observer: (event) => {
          // Forget history and cut the streams: the resumed watches get 410 Expired and must re-list.
          if (event.kind === "evicted") {
            sim.compactWatchHistory();
            sim.faults.dropWatchesNow();
          }
        },
      },
    );

    expect(result.status).toBe("drained");
    expect(harness.sim.recorder.countsByRequest()["list pods"]).toBeGreaterThan(1);
    expect(harness.sim.recorder.violations()).toEqual([]);
  }, 60_000);
});

describe("volumes and vanishing nodes", () => {
  let harness: SimDrainHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("waits for the drained StatefulSet's volume to detach from the node", async () => {
    harness = await startHarness({ file: "scenarios/default.yaml" });
    const node = harness.nodeName;
    const attachedBefore = harness.sim.view.volumeAttachments().filter((va) => va.spec.nodeName === node);
    expect(attachedBefore.length).toBeGreaterThan(0);

    const result = await harness.drain({ waitForVolumeDetach: true });

    expect(result.status).toBe("drained");
    expect(harness.sim.view.volumeAttachments().filter((va) => va.spec.nodeName === node)).toEqual([]);
    const detached = harness.events.find((event) => event.kind === "volumes-detached");
    expect(detached).toMatchObject({ timedOut: false });
  }, 60_000);

  it("goes on with a warning when a volume never detaches", async () => {
    harness = await startHarness({ file: "scenarios/default.yaml" });
    harness.sim.faults.update({ stuckDetach: true });

    const result = await harness.drain({ waitForVolumeDetach: true, volumeDetachTimeoutMs: 3_000 });

    expect(result.status).toBe("drained");
    expect(result.warnings.join(" ")).toMatch(/volumes still attached after \d+s/);
  }, 60_000);

  it("finishes when the node is deleted midway (its pods are collected)", async () => {
    harness = await startHarness({ yaml: cluster("  {}") });
    const sim = harness.sim;
    const nodeName = harness.nodeName;
    let deleted = false;

    const result = await harness.drain(
      {},
      {
        observer: (event) => {
          if (event.kind === "evicted" && !deleted) {
            deleted = true;
            sim.deleteNode(nodeName);
          }
        },
      },
    );

    expect(result.status).toBe("drained");
    // Its state can no longer be saved on it: said, not fatal.
    expect(result.warnings.join(" ")).toMatch(/saving drain state on node .*404/);
    expect(sim.view.pods({ nodeName })).toEqual([]);
    expect(sim.recorder.violations()).toEqual([]);
  }, 60_000);
});
