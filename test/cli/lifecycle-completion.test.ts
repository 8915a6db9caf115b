import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AutoScalingLifecycle } from "../../src/aws/auto-scaling-lifecycle.js";
import type { SimCluster } from "../../src/sim/index.js";
import { createManualClock } from "../../src/time/manual-clock.js";
import {
  drainablePodsOn,
  instanceA,
  nodeA,
  smallCluster,
  startScenario,
  stuckCluster,
  writeRequests,
} from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

const autoScaling = mockClient(AutoScalingClient);
const hookFlags = [
  "--complete-lifecycle-action",
  "--asg",
  "prod-workers",
  "--hook",
  "drain-before-terminate",
];

function serviceError(name: string, status: number, message: string) {
  return new AutoScalingServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message,
  });
}

function lifecycle(): AutoScalingLifecycle {
  return new AutoScalingLifecycle(new AutoScalingClient({ region: "us-west-2" }));
}

let sim: SimCluster | undefined;

beforeEach(() => {
  autoScaling.reset();
  autoScaling.on(DescribeLifecycleHooksCommand).resolves({
    LifecycleHooks: [
      {
        LifecycleHookName: "drain-before-terminate",
        AutoScalingGroupName: "prod-workers",
        HeartbeatTimeout: 300,
        DefaultResult: "ABANDON",
      },
    ],
  });
  autoScaling.on(RecordLifecycleActionHeartbeatCommand).resolves({});
  autoScaling.on(CompleteLifecycleActionCommand).resolves({});
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** `drain --on-deadline leave` of a node whose one pod its budget never lets go, on the virtual clock. */
async function drainLeftAtDeadline(flags: string[]) {
  const clock = createManualClock();
  sim = await startScenario(stuckCluster, { clock });
  return runInProcess(
    [
      "drain",
      instanceA,
      "--kubeconfig",
      sim.kubeconfigPath,
      "--timeout",
      "3s",
      "--on-deadline",
      "leave",
      ...flags,
      ...hookFlags,
    ],
    { lifecycle: lifecycle(), virtualTime: { clock, sim } },
  );
}

describe("drain --complete-lifecycle-action", () => {
  it("completes the instance's action once with CONTINUE after the node is drained", async () => {
    sim = await startScenario(smallCluster);
    const run = await runInProcess(
      ["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, "--output", "json", ...hookFlags],
      {
        lifecycle: lifecycle(),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(drainablePodsOn(sim, nodeA)).toEqual([]);
    const completions = autoScaling.commandCalls(CompleteLifecycleActionCommand);
    expect(completions).toHaveLength(1);
    expect(completions[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "prod-workers",
      LifecycleHookName: "drain-before-terminate",
      InstanceId: instanceA,
      LifecycleActionResult: "CONTINUE",
    });
    expect(JSON.parse(run.stdout).lifecycleAction).toEqual({
      asgName: "prod-workers",
      hookName: "drain-before-terminate",
      instanceId: instanceA,
      result: "CONTINUE",
      outcome: "completed",
      heartbeats: 1,
    });
    // The action may have waited long already: a heartbeat at once (this drain is shorter than 150 s).
    const [beat, ...laterBeats] = autoScaling.commandCalls(RecordLifecycleActionHeartbeatCommand);
    expect(laterBeats).toEqual([]);
    expect(beat?.args[0].input).toEqual({
      AutoScalingGroupName: "prod-workers",
      LifecycleHookName: "drain-before-terminate",
      InstanceId: instanceA,
    });
  });

  it("completes with the --result given, found from the node name's providerID", async () => {
    sim = await startScenario(smallCluster);
    const run = await runInProcess(
      ["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, ...hookFlags, "--result", "abandon"],
      {
        lifecycle: lifecycle(),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(
      autoScaling.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0].input.LifecycleActionResult,
    ).toBe("ABANDON");
    expect(run.stdout).toContain(
      `lifecycle action of ${instanceA} (group prod-workers, hook drain-before-terminate) completed with ABANDON`,
    );
  });

  it("counts an action that is no longer waiting as already complete", async () => {
    sim = await startScenario(smallCluster);
    autoScaling
      .on(CompleteLifecycleActionCommand)
      .rejects(
        serviceError(
          "ValidationError",
          400,
          `No active Lifecycle Action found with instance ID ${instanceA}`,
        ),
      );
    const run = await runInProcess(["drain", instanceA, "--kubeconfig", sim.kubeconfigPath, ...hookFlags], {
      lifecycle: lifecycle(),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("was already complete");
  });

  it("exits 1 when completing fails, still reporting the drain", async () => {
    sim = await startScenario(smallCluster);
    autoScaling.on(CompleteLifecycleActionCommand).rejects(serviceError("AccessDenied", 403, "not allowed"));
    const run = await runInProcess(
      ["drain", instanceA, "--kubeconfig", sim.kubeconfigPath, "--output", "json", ...hookFlags],
      {
        lifecycle: lifecycle(),
      },
    );
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.status).toBe("drained");
    expect(document.lifecycleAction).toMatchObject({
      outcome: "failed",
      reason: expect.stringContaining("not allowed"),
    });
    expect(run.stderr).toMatch(/error: completing the lifecycle action failed: .*not allowed/);
  });

  it("fails before touching the node when the hook does not exist", async () => {
    sim = await startScenario(smallCluster);
    autoScaling.on(DescribeLifecycleHooksCommand).resolves({ LifecycleHooks: [] });
    const run = await runInProcess(["drain", nodeA, "--kubeconfig", sim.kubeconfigPath, ...hookFlags], {
      lifecycle: lifecycle(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: describing lifecycle hook drain-before-terminate of Auto Scaling group prod-workers: no such hook\n",
    );
    expect(writeRequests(sim)).toBe(0);
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)).toHaveLength(0);
  });

  it("leaves the action waiting when pods were left at the deadline (--deadline-result default-result)", async () => {
    const run = await drainLeftAtDeadline([]);
    expect(run.code).toBe(2);
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)).toHaveLength(0);
    expect(run.stdout).toContain("not completed: pods were left on the node at the deadline");
  });

  it("completes with ABANDON once when pods were left at the deadline with --deadline-result abandon", async () => {
    const run = await drainLeftAtDeadline(["--deadline-result", "abandon"]);
    expect(run.code).toBe(2);
    const completions = autoScaling.commandCalls(CompleteLifecycleActionCommand);
    expect(completions.map((call) => call.args[0].input.LifecycleActionResult)).toEqual(["ABANDON"]);
    expect(drainablePodsOn(sim as SimCluster, nodeA)).toHaveLength(1);
  });

  it("does not complete on a dry run", async () => {
    sim = await startScenario(smallCluster);
    const run = await runInProcess(
      ["drain", nodeA, "--dry-run", "--kubeconfig", sim.kubeconfigPath, "--output", "json", ...hookFlags],
      {
        lifecycle: lifecycle(),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)).toHaveLength(0);
    expect(JSON.parse(run.stdout).lifecycleAction).toMatchObject({
      outcome: "not-completed",
      reason: "dry run",
    });
    expect(autoScaling.commandCalls(RecordLifecycleActionHeartbeatCommand)).toHaveLength(0);
    expect(writeRequests(sim)).toBe(0);
  });
});
