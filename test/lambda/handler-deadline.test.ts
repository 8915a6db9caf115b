import { afterEach, describe, expect, it } from "vitest";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, drainedNode } from "./support/scenarios.js";

/** Two pods under a budget that never allows a disruption: only the deadline can end this drain. */
const blockedScenario = `
controllerDelaySeconds: 0.05
podGcSeconds: 1
nodes:
  - { name: ${drainedNode}, instanceId: ${drainedInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0a1b2c3d4e5f60002, availabilityZone: us-west-2a }
workloads:
  - kind: Deployment
    name: ledger
    namespace: bank
    replicas: 2
    node: ${drainedNode}
    pdb: { minAvailable: 2 }
    terminationGracePeriodSeconds: 2
    shutdownSeconds: 0.3
    startupSeconds: 0.3
`;

/** DRAIN_TIMEOUT_SECONDS=60 gives a deadline 54 s after the action's start (a tenth kept as margin). */
const drainTimeoutSeconds = 60;
const secondsUntilDeadline = 3;

async function runPastDeadline(
  deadlineSettings: Record<string, string>,
): Promise<{ harness: LambdaHarness; token: string; event: Record<string, unknown> }> {
  const harness = await startLambdaHarness({
    scenario: blockedScenario,
    env: { ...deadlineSettings, DRAIN_TIMEOUT_SECONDS: String(drainTimeoutSeconds) },
  });
  const { event, token } = harness.asg.terminate(drainedInstance);
  // The action started long enough ago that its deadline is a few seconds away.
  const startedAgoMs = (drainTimeoutSeconds * 0.9 - secondsUntilDeadline) * 1000;
  event.time = new Date(harness.clock.now() - startedAgoMs).toISOString();
  await harness.runToEnd({ mode: "sqs", message: event }, 1_500);
  return { harness, token, event };
}

describe("a drain that reaches its deadline", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("ON_DEADLINE=force: force-deletes the pods left, with their grace, then completes with CONTINUE", async () => {
    const run = await runPastDeadline({ ON_DEADLINE: "force" });
    harness = run.harness;

    expect(harness.asg.completions()).toEqual([
      expect.objectContaining({ token: run.token, result: "CONTINUE", outcome: "completed" }),
    ]);
    const forced = harness.sim.recorder.deletions().filter((deletion) => deletion.via === "delete");
    expect(forced).toHaveLength(2);
    expect(forced.every((deletion) => deletion.gracePeriodSeconds <= 2)).toBe(true);
    expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "bank" })).toEqual([]);
  }, 60_000);

  /** The warning an older ON_DEADLINE value is read with, or none. */
  const olderSpellingWarnings = (harness: LambdaHarness) =>
    harness.log.lines.filter((line) => line.level === "warn" && /older spelling/.test(line.message));

  it.each([
    [{ ON_DEADLINE: "leave", DEADLINE_RESULT: "abandon" }, 0],
    [{ ON_DEADLINE: "abandon" }, 1],
  ])(
    "%o: leaves the pods and completes with ABANDON once",
    async (settings, warnings) => {
      const run = await runPastDeadline(settings);
      harness = run.harness;

      expect(harness.asg.completions()).toEqual([
        expect.objectContaining({ token: run.token, result: "ABANDON", outcome: "completed" }),
      ]);
      expect(harness.sim.recorder.deletions().filter((deletion) => deletion.via === "delete")).toEqual([]);
      expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "bank" })).toHaveLength(2);
      expect(olderSpellingWarnings(harness)).toHaveLength(warnings);
    },
    60_000,
  );

  it.each([
    [{ ON_DEADLINE: "leave", DEADLINE_RESULT: "default-result" }, 0],
    [{ ON_DEADLINE: "leave" }, 0],
    [{ ON_DEADLINE: "default-result" }, 1],
  ])(
    "%o: makes no completion call, and a redelivery does not either",
    async (settings, warnings) => {
      const run = await runPastDeadline(settings);
      harness = run.harness;
      expect(harness.asg.completions()).toEqual([]);
      expect(harness.log.find("notice left-to-default-result")).toHaveLength(1);
      const again = await harness.invokeSqs([run.event]);
      expect(again.batchItemFailures).toEqual([]);
      expect(harness.log.find("notice duplicate")).toHaveLength(1);
      expect(harness.asg.completions()).toEqual([]);
      expect(harness.asg.action(run.token)).toMatchObject({ state: "waiting" });
      expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "bank" })).toHaveLength(2);
      expect(olderSpellingWarnings(harness)).toHaveLength(warnings);
    },
    60_000,
  );
});

describe("a delivery that starts past the drain's deadline", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function lateDelivery(timing: { deadlineSlackMs?: number } = {}) {
    harness = await startLambdaHarness({
      scenario: blockedScenario,
      env: { ON_DEADLINE: "force", DRAIN_TIMEOUT_SECONDS: String(drainTimeoutSeconds) },
      timing,
    });
    const { event, token } = harness.asg.terminate(drainedInstance);
    // The deadline (54 s after the start) passed 20 s before this delivery.
    event.time = new Date(harness.clock.now() - (drainTimeoutSeconds * 0.9 + 20) * 1000).toISOString();
    const response = await harness.invokeSqs([event], 60_000);
    return { harness, token, response };
  }

  it("applies ON_DEADLINE=force and completes CONTINUE instead of failing", async () => {
    const late = await lateDelivery();

    expect(late.response.batchItemFailures).toEqual([]);
    expect(late.harness.asg.completions()).toEqual([
      expect.objectContaining({ token: late.token, result: "CONTINUE", outcome: "completed" }),
    ]);
    const forced = late.harness.sim.recorder.deletions().filter((deletion) => deletion.via === "delete");
    expect(forced).toHaveLength(2);
  }, 60_000);

  it("a run that stops in progress at once past the deadline is run once more to force", async () => {
    const late = await lateDelivery({ deadlineSlackMs: 0 });

    expect(late.response.batchItemFailures).toEqual([]);
    expect(late.harness.log.lines.map((line) => line.message)).toContain(
      "the drain stopped at its deadline before forcing: running it once more to force",
    );
    expect(late.harness.asg.completions()).toEqual([
      expect.objectContaining({ token: late.token, result: "CONTINUE", outcome: "completed" }),
    ]);
    const forced = late.harness.sim.recorder.deletions().filter((deletion) => deletion.via === "delete");
    expect(forced).toHaveLength(2);
  }, 60_000);
});
