import type { SQSBatchResponse } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import type { InvocationSummary } from "../../src/lambda/invocation-shell.js";
import { sqsBatchOf } from "../../src/sim/auto-scaling-group.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, drainedNode, slowDrainScenario } from "./support/scenarios.js";

/** Evictions the API server accepted, per pod: a single drain evicts each pod once. */
function acceptedEvictions(harness: LambdaHarness): number {
  return harness.sim.recorder
    .requests()
    .filter((request) => request.subresource === "eviction" && request.code < 300).length;
}

function expectOneDrainAndOneCompletion(harness: LambdaHarness, token: string): void {
  const completions = harness.asg.completions().filter((entry) => entry.token === token);
  expect(completions).toHaveLength(1);
  expect(completions[0]).toMatchObject({ result: "CONTINUE", outcome: "completed" });
  const state = readDrainState(harness.sim.view.node(drainedNode) as never);
  expect(state?.outcome).toBe("drained");
  expect(state?.counts.invocations).toBe(1);
  expect(acceptedEvictions(harness)).toBe(4);
  expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
  expect(harness.sim.recorder.violations()).toEqual([]);
}

describe("the same notice delivered several times", () => {
  let harness: LambdaHarness | undefined;
  const others: LambdaHarness["handler"][] = [];

  afterEach(async () => {
    await Promise.all(others.splice(0).map((handler) => handler.close()));
    await harness?.stop();
    harness = undefined;
  });

  it("one after the other: the second is acknowledged without a second completion", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const { event, token } = harness.asg.terminate(drainedInstance);

    const first = await harness.invokeDirect(event);
    const second = await harness.invokeDirect(event);
    const third = await harness.invokeSqs([event]);

    expect(first.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
    expect(second.outcome).toMatchObject({ kind: "duplicate" });
    expect(second.outcome.kind === "duplicate" && second.outcome.reason).toContain("already completed");
    expect(third.batchItemFailures).toEqual([]);
    expectOneDrainAndOneCompletion(harness, token);
  }, 60_000);

  it("at the same time in one container (one SQS batch, and a direct invocation): one drain", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const { event, token } = harness.asg.terminate(drainedInstance);

    const [batch, direct] = await Promise.all([
      harness.invokeSqs([event, event]),
      harness.invokeDirect(event),
    ]);

    expect(batch.batchItemFailures).toEqual([]);
    expect(direct.outcome.kind === "completed" || direct.outcome.kind === "duplicate").toBe(true);
    expectOneDrainAndOneCompletion(harness, token);
  }, 60_000);

  it("at the same time in separate containers: the node's lease lets one drain, the others acknowledge", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);
    // Two more warm containers: their own handler, caches and connections, the same cluster and group.
    const containers = [h.handler, ...(await Promise.all([1, 2].map(() => containerLike(h))))];

    const answers = await h.virtually(() =>
      Promise.all(
        containers.map((handler, index) =>
          index === 1
            ? (handler(sqsBatchOf([event]), h.context()) as Promise<SQSBatchResponse>)
            : (handler(event, h.context()) as Promise<InvocationSummary>),
        ),
      ),
    );

    const kinds = answers.map((answer) =>
      "outcome" in answer
        ? answer.outcome.kind
        : answer.batchItemFailures.length === 0
          ? "acknowledged"
          : "failed",
    );
    expect(kinds).not.toContain("failed");
    expect(kinds.filter((kind) => kind === "completed").length).toBeLessThanOrEqual(1);
    expect(kinds.filter((kind) => kind === "duplicate" || kind === "acknowledged")).toHaveLength(2);
    expect(h.log.find("notice duplicate")).toHaveLength(2);
    expectOneDrainAndOneCompletion(h, token);
  }, 60_000);

  async function containerLike(h: LambdaHarness): Promise<LambdaHarness["handler"]> {
    const { createHandler } = await import("../../src/lambda/create-handler.js");
    const { readSettings } = await import("../../src/lifecycle/settings.js");
    const { simulatedClusterAccess } = await import("../../src/sim/auto-scaling-group.js");
    const { SQSClient } = await import("@aws-sdk/client-sqs");
    const { LambdaClient } = await import("@aws-sdk/client-lambda");
    const handler = createHandler({
      settings: readSettings({ CLUSTER_NAME: "prod" }),
      lifecycle: h.asg,
      clusterAccess: simulatedClusterAccess(h.sim),
      instances: h.instances,
      sqs: new SQSClient({ region: "us-west-2" }),
      lambda: new LambdaClient({ region: "us-west-2" }),
      log: h.log,
      clock: h.clock,
      timing: { invocationMarginMs: 0 },
      kube: { pollIntervalMs: 500 },
    });
    others.push(handler);
    return handler;
  }
});
