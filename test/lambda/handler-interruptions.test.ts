import { afterEach, describe, expect, it } from "vitest";
import { ec2InstanceEvent } from "../../src/sim/spot-warnings.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, drainedNode, quickDrainScenario } from "./support/scenarios.js";

function stateChange(instanceId: string, state: string, at: number) {
  return {
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    source: "aws.ec2",
    account: "123456789012",
    time: new Date(at).toISOString(),
    region: "us-west-2",
    resources: [`arn:aws:ec2:us-west-2:123456789012:instance/${instanceId}`],
    detail: { "instance-id": instanceId, state },
  };
}

describe("EC2 interruption events through the handler", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  const shopPodsOnNode = () => harness?.sim.view.pods({ nodeName: drainedNode, namespace: "shop" }) ?? [];

  it("a rebalance recommendation cordons the node and evicts nothing (REBALANCE_ACTION=cordon)", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario });
    const event = ec2InstanceEvent("rebalance-recommendation", drainedInstance, { at: harness.clock.now() });
    const answer = await harness.invokeDirect(event, 60_000);
    expect(answer.outcome).toMatchObject({ kind: "drained", event: "rebalance-recommendation" });
    expect(harness.sim.view.node(drainedNode)?.spec.unschedulable).toBe(true);
    expect(shopPodsOnNode()).toHaveLength(2);
    expect(harness.asg.completions()).toEqual([]);
  }, 60_000);

  it("REBALANCE_ACTION=drain drains the node instead", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario, env: { REBALANCE_ACTION: "drain" } });
    const event = ec2InstanceEvent("rebalance-recommendation", drainedInstance, { at: harness.clock.now() });
    const answer = await harness.invokeDirect(event, 60_000);
    expect(answer.outcome).toMatchObject({ kind: "drained", status: "drained" });
    expect(shopPodsOnNode()).toEqual([]);
  }, 60_000);

  it("a Spot interruption warning drains under a deadline two minutes after the event minus the margin", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario });
    const at = harness.clock.now();
    const answer = await harness.invokeDirect(
      ec2InstanceEvent("spot-interruption", drainedInstance, { at }),
      60_000,
    );
    expect(answer.outcome).toMatchObject({ kind: "drained", status: "drained", event: "spot-interruption" });
    const started = harness.log.find("draining for spot-interruption")[0];
    const eventSecond = Math.floor(at / 1000) * 1000;
    expect(started?.fields.deadline).toBe(new Date(eventSecond + 110_000).toISOString());
    expect(shopPodsOnNode()).toEqual([]);
    const nodeEvents = harness.sim.view.events().filter((event) => event.reason === "DrainStarted");
    expect(nodeEvents.map((event) => event.message ?? event.note)).toEqual([
      expect.stringContaining(`Spot Instance interruption warning for ${drainedInstance}`),
    ]);
  }, 60_000);

  it("an instance shutting down is drained, unless a drain is already recorded on its node", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario });
    const first = await harness.invokeDirect(
      stateChange(drainedInstance, "shutting-down", harness.clock.now()),
      60_000,
    );
    expect(first.outcome).toMatchObject({ kind: "drained", event: "state-change" });
    const again = await harness.invokeDirect(
      stateChange(drainedInstance, "stopping", harness.clock.now()),
      60_000,
    );
    expect(again.outcome).toMatchObject({ kind: "ignored" });
    expect(again.outcome?.reason).toContain("already has a drain");
  }, 60_000);

  it("ignores an instance of a group this deployment does not serve", async () => {
    harness = await startLambdaHarness({ scenario: quickDrainScenario, env: { ASG_NAMES: "other-workers" } });
    const event = ec2InstanceEvent("spot-interruption", drainedInstance, { at: harness.clock.now() });
    const answer = await harness.invokeDirect(event, 60_000);
    expect(answer.outcome).toMatchObject({ kind: "ignored" });
    expect(shopPodsOnNode()).toHaveLength(2);
  }, 60_000);
});
