import { afterEach, describe, expect, it } from "vitest";
import { SimulatedAutoScalingGroup } from "../../src/sim/auto-scaling-group.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import {
  drainedInstance,
  drainedNode,
  quickDrainScenario,
  spareInstance,
  unjoinedInstance,
} from "./support/scenarios.js";

describe("which notices the handler serves, and where their node is", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("completes with CONTINUE at once for an instance that never joined the cluster", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario });
    const { event, token } = harness.asg.terminate(unjoinedInstance);

    const answer = await harness.invokeDirect(event);

    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE", completion: "completed" });
    expect(answer.outcome.kind === "completed" && answer.outcome.reason).toContain("no Node");
    expect(harness.asg.completions().filter((entry) => entry.token === token)).toHaveLength(1);
    expect(harness.instances.lookups).toContain(unjoinedInstance);
    expect(harness.sim.view.node(drainedNode)?.spec?.unschedulable).not.toBe(true);
  }, 30_000);

  it("completes with CONTINUE for a termination from the warm pool, and for an instance EC2 forgot", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario });
    const warm = harness.asg.terminate(unjoinedInstance);
    const detail = warm.event.detail as Record<string, unknown>;
    detail.Origin = "WarmPool";
    detail.Destination = "EC2";
    const forgotten = harness.asg.terminate("i-0ffffffffffff0001");

    const answers = await harness.invokeSqs([warm.event, forgotten.event]);

    expect(answers.batchItemFailures).toEqual([]);
    for (const token of [warm.token, forgotten.token]) {
      expect(harness.asg.action(token)).toMatchObject({ state: "completed", result: "CONTINUE" });
    }
  }, 30_000);

  it("finds the cluster from the instance's tags when neither the hook nor the settings name it", async () => {
    harness = await startLambdaHarness({
      scenario: quickDrainScenario,
      env: { CLUSTER_NAME: "" },
      asg: { notificationMetadata: undefined },
    });
    const tagged = harness.asg.terminate(drainedInstance);
    const unknown = harness.asg.terminate("i-0ffffffffffff0002");

    const answer = await harness.invokeSqs([tagged.event, unknown.event]);

    expect(harness.instances.lookups).toContain(drainedInstance);
    expect(harness.asg.action(tagged.token)).toMatchObject({ state: "completed", result: "CONTINUE" });
    expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
    // Nothing names the cluster of an instance EC2 does not know: reported, never completed blindly.
    expect(answer.batchItemFailures).toHaveLength(1);
    expect(harness.asg.action(unknown.token)).toMatchObject({ state: "waiting" });
    const failure = harness.log.find("notice failed").at(-1);
    expect(String(failure?.fields.error)).toContain("no cluster for instance i-0ffffffffffff0002");
    expect(failure?.fields.retryable).toBe(false);
  }, 30_000);

  it("ignores notices of other groups and clusters with one log line", async () => {
    harness = await startLambdaHarness({
      scenario: quickDrainScenario,
      env: { ASG_NAMES: "prod-workers, prod-system" },
    });
    const other = new SimulatedAutoScalingGroup({ name: "batch-workers", clock: harness.clock });
    const otherGroup = other.terminate(spareInstance).event;
    const otherCluster = new SimulatedAutoScalingGroup({
      name: "prod-workers",
      notificationMetadata: '{"clusterName":"staging"}',
      clock: harness.clock,
    }).terminate(spareInstance).event;

    const ignored = await harness.invokeSqs([otherGroup, otherCluster]);

    expect(ignored.batchItemFailures).toEqual([]);
    const lines = harness.log.find("notice ignored");
    expect(lines.map((line) => String(line.fields.reason))).toEqual([
      expect.stringContaining("batch-workers is not served"),
      expect.stringContaining("cluster staging is not served"),
    ]);
    // Each is an explicit policy, logged as a warning: left to the hook's DefaultResult.
    const policy = harness.log.find("lifecycle action left to its hook's DefaultResult: not served here");
    expect(policy.map((line) => line.fields.asgName)).toEqual(["batch-workers", "prod-workers"]);
    expect(harness.asg.completions()).toEqual([]);
    expect(other.completions()).toEqual([]);
  }, 30_000);

  it("takes plain-text metadata naming no served cluster as a hint: drains in the configured cluster, with a warning", async () => {
    harness = await startLambdaHarness({
      scenario: quickDrainScenario,
      asg: { notificationMetadata: "additional-info" },
    });
    const { event, token } = harness.asg.terminate(drainedInstance);

    const answer = await harness.invokeSqs([event]);

    expect(answer.batchItemFailures).toEqual([]);
    expect(harness.log.find("notification metadata passed over").map((line) => line.fields.reason)).toEqual([
      'NotificationMetadata "additional-info" is not a cluster served here (prod): using CLUSTER_NAME prod',
    ]);
    expect(harness.asg.action(token)).toMatchObject({ state: "completed", result: "CONTINUE" });
    expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
  }, 30_000);
});
