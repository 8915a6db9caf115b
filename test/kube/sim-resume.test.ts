import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRAIN_STATE_ANNOTATION, decodeDrainState } from "../../src/drain/drain-state.js";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

describe("a drain killed midway, over HTTPS", () => {
  let harness: SimDrainHarness;

  beforeAll(async () => {
    harness = await startHarness({
      yaml: `
drainNode: ip-10-0-1-10.us-west-2.compute.internal
controllerDelaySeconds: 0.1
nodes:
  - { name: ip-10-0-1-10.us-west-2.compute.internal, instanceId: i-0000000000000b001, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0000000000000b002, availabilityZone: us-west-2a }
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 4
    node: ip-10-0-1-10.us-west-2.compute.internal
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.5
    startupSeconds: 1
`,
    });
  }, 30_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("resumes from its node annotation and keeps its deadline", async () => {
    const originalDeadline = harness.clock.now() + 10 * 60_000;
    const controller = new AbortController();
    const first = harness.drain(
      {},
      {
        deadline: originalDeadline,
        signal: controller.signal,
        observer: (event) => {
          if (event.kind === "evicted") controller.abort(new Error("invocation killed"));
        },
      },
    );
    const stopped = await first;
    expect(stopped.status).toBe("in-progress");
    expect(stopped.stoppedBy).toBe("abort");

    const annotation = harness.sim.view.node(harness.nodeName)?.metadata.annotations?.[
      DRAIN_STATE_ANNOTATION
    ];
    expect(decodeDrainState(annotation ?? "", harness.nodeName).deadline).toBe(originalDeadline);
    expect(harness.sim.view.pods({ nodeName: harness.nodeName }).length).toBeGreaterThan(0);

    const resumed = await harness.drain({}, { deadline: harness.clock.now() + 60 * 60_000 });

    expect(resumed.status).toBe("drained");
    expect(resumed.deadline).toBe(originalDeadline);
    expect(resumed.startedAt).toBe(stopped.startedAt);
    expect(resumed.counts.invocations).toBe(2);
    expect(resumed.counts.evicted).toBe(4);
    expect(harness.sim.view.pods({ nodeName: harness.nodeName })).toEqual([]);
    expect(harness.sim.recorder.violations()).toEqual([]);
  }, 60_000);
});
