import { afterEach, describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, drainedNode, slowDrainScenario } from "./support/scenarios.js";

/** Each invocation gets this much time: far less than the drain needs. */
const tinyBudgetMs = 1_200;

describe("a drain that outlives its invocations", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function expectOneDrainAndOneCompletion(h: LambdaHarness, token: string, invocations: number) {
    expect(invocations).toBeGreaterThanOrEqual(3);
    const completions = h.asg.completions().filter((entry) => entry.token === token);
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ result: "CONTINUE", outcome: "completed" });
    const completedAt = completions[0]?.at ?? 0;
    const beats = h.asg.heartbeats().filter((entry) => entry.token === token);
    expect(beats.length).toBeGreaterThanOrEqual(invocations - 1);
    expect(beats.every((beat) => beat.outcome === "recorded" && beat.at <= completedAt)).toBe(true);
    expect(h.asg.action(token)).toMatchObject({ state: "completed", result: "CONTINUE" });

    const web = h.sim.view.pods({ nodeName: drainedNode }).filter((pod) => pod.metadata.namespace === "shop");
    expect(web).toEqual([]);
    expect(h.sim.recorder.violations()).toEqual([]);
    const state = readDrainState(h.sim.view.node(drainedNode) as never);
    expect(state?.outcome).toBe("drained");
    expect(state?.counts.invocations).toBe(invocations);
    expect(state?.counts.evicted).toBe(4);
  }

  it("hands off through SQS continuations and completes once", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const { event, token } = harness.asg.terminate(drainedInstance);

    const { invocations } = await harness.runToEnd({ mode: "sqs", message: event }, tinyBudgetMs);

    await expectOneDrainAndOneCompletion(harness, token, invocations);
    expect(harness.sent).toHaveLength(invocations - 1);
    expect(harness.sent.every((message) => message.delaySeconds === 5)).toBe(true);
    expect(harness.invoked).toEqual([]);
    const attempts = harness.sent.map((message) => (JSON.parse(message.body) as { attempt: number }).attempt);
    expect(attempts).toEqual(attempts.map((_, index) => index + 1));
  }, 90_000);

  it("hands off through asynchronous self-invocations when invoked directly", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const { event, token } = harness.asg.terminate(drainedInstance);

    const { invocations } = await harness.runToEnd({ mode: "direct", event }, tinyBudgetMs);

    await expectOneDrainAndOneCompletion(harness, token, invocations);
    expect(harness.invoked).toHaveLength(invocations - 1);
    expect(harness.invoked.every((call) => call.invocationType === "Event")).toBe(true);
    expect(harness.invoked[0]?.functionName).toMatch(/:function:eks-node-drainer:live$/);
    expect(harness.sent).toEqual([]);
  }, 90_000);
});
