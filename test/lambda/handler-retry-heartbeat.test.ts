import { afterEach, describe, expect, it } from "vitest";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, slowDrainScenario } from "./support/scenarios.js";

/**
 * A notice given back for a retry (here: the API server answers 5xx) comes again only after the queue's
 * visibility timeout; the action's heartbeat timeout runs on meanwhile. The handler heartbeats before it
 * gives the notice back.
 */
describe("a notice given back for a retry", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("is heartbeated first, and the action stays waiting", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);
    h.sim.faults.update({ errorRate: { all: 1 } });

    const failed = await h.invokeSqs([event]);

    expect(failed.batchItemFailures).toHaveLength(1);
    const beats = h.asg.heartbeats().filter((beat) => beat.token === token);
    expect(beats).toEqual([expect.objectContaining({ outcome: "recorded" })]);
    expect(h.log.find("heartbeat recorded before the retry")).toHaveLength(1);
    expect(h.asg.action(token)).toMatchObject({ state: "waiting" });
    expect(h.asg.completions()).toEqual([]);
  }, 60_000);

  it("is not heartbeated when it is ignored (another group's action)", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario, env: { ASG_NAMES: "other-workers" } });
    const h = harness;
    const { event } = h.asg.terminate(drainedInstance);

    const failed = await h.invokeSqs([event]);

    expect(failed.batchItemFailures).toEqual([]);
    expect(h.asg.heartbeats()).toEqual([]);
  }, 60_000);
});
