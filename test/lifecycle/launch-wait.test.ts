import type { V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { waitForReadyNode } from "../../src/lifecycle/launch-wait.js";
import { createManualClock } from "../../src/time/manual-clock.js";
import { onVirtualTime } from "../support/virtual-time.js";

function node(ready: boolean): V1Node {
  return {
    metadata: { name: "ip-10-0-1-10.us-west-2.compute.internal" },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

/** The Node as a script of (from ms since start → reading): undefined while not registered. */
function scripted(clock: { now(): number }, steps: [number, boolean | undefined][]) {
  const start = clock.now();
  return async () => {
    const elapsed = clock.now() - start;
    const current = steps.filter(([at]) => at <= elapsed).at(-1)?.[1];
    return current === undefined ? undefined : node(current);
  };
}

describe("waitForReadyNode", () => {
  it("waits until the Node registered and stayed Ready for the settle period", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const wait = await onVirtualTime(clock, () =>
      waitForReadyNode({
        clock,
        readNode: scripted(clock, [
          [0, undefined],
          [20_000, false],
          [25_000, true],
        ]),
        settleMs: 30_000,
        timeoutAt: start + 600_000,
        stopAt: start + 900_000,
      }),
    );
    expect(wait.kind).toBe("ready");
    if (wait.kind !== "ready") return;
    expect(wait.readySince - start).toBeGreaterThanOrEqual(25_000);
    expect(wait.readySince - start).toBeLessThan(35_000);
    expect(clock.now() - wait.readySince).toBeGreaterThanOrEqual(30_000);
  });

  it("re-checks readiness through the settle period: a NotReady reading starts it over", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const wait = await onVirtualTime(clock, () =>
      waitForReadyNode({
        clock,
        readNode: scripted(clock, [
          [0, true],
          [15_000, false],
          [20_000, true],
        ]),
        settleMs: 30_000,
        timeoutAt: start + 600_000,
        stopAt: start + 900_000,
      }),
    );
    expect(wait.kind).toBe("ready");
    if (wait.kind !== "ready") return;
    expect(wait.readySince - start).toBeGreaterThanOrEqual(20_000);
  });

  it("times out on a Node that never stays Ready, saying how it was", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const wait = await onVirtualTime(clock, () =>
      waitForReadyNode({
        clock,
        readNode: scripted(clock, [[0, false]]),
        settleMs: 30_000,
        timeoutAt: start + 120_000,
        stopAt: start + 900_000,
      }),
    );
    expect(wait).toEqual({ kind: "timed-out", lastSeen: expect.stringContaining("not Ready") });
  });

  it("hands over when the delivery's time runs out before the launch limit", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const wait = await onVirtualTime(clock, () =>
      waitForReadyNode({
        clock,
        readNode: scripted(clock, [[0, undefined]]),
        settleMs: 30_000,
        timeoutAt: start + 600_000,
        stopAt: start + 60_000,
      }),
    );
    expect(wait.kind).toBe("out-of-time");
  });
});
