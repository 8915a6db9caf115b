import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AutoScalingLifecycle } from "../../src/aws/auto-scaling-lifecycle.js";
import { actionDeadline, type LifecycleActionRef } from "../../src/aws/lifecycle.js";

const autoScaling = mockClient(AutoScalingClient);
afterEach(() => autoScaling.reset());

const action: LifecycleActionRef = {
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  instanceId: "i-0123456789abcdef0",
  token: "87654321-4321-4321-4321-210987654321",
};

function serviceError(name: string, status: number, message: string) {
  return new AutoScalingServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message,
  });
}

const noActiveAction = () =>
  serviceError("ValidationError", 400, `No active Lifecycle Action found with token ${action.token}`);

describe("AutoScalingLifecycle.describeHook", () => {
  it("reads the hook's timing and caches it", async () => {
    autoScaling.on(DescribeLifecycleHooksCommand).resolves({
      LifecycleHooks: [
        {
          LifecycleHookName: "drain-before-terminate",
          AutoScalingGroupName: "prod-workers",
          HeartbeatTimeout: 300,
          GlobalTimeout: 30_000,
          DefaultResult: "CONTINUE",
        },
      ],
    });
    const lifecycle = new AutoScalingLifecycle(new AutoScalingClient({}));
    const hook = await lifecycle.describeHook("prod-workers", "drain-before-terminate");
    await lifecycle.describeHook("prod-workers", "drain-before-terminate");
    expect(hook).toEqual({
      heartbeatTimeoutSeconds: 300,
      defaultResult: "CONTINUE",
      globalTimeoutSeconds: 30_000,
    });
    expect(autoScaling.commandCalls(DescribeLifecycleHooksCommand)).toHaveLength(1);
    expect(autoScaling.commandCalls(DescribeLifecycleHooksCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "prod-workers",
      LifecycleHookNames: ["drain-before-terminate"],
    });
  });

  it("fills in Auto Scaling's defaults and computes the global timeout when absent", async () => {
    autoScaling.on(DescribeLifecycleHooksCommand).resolves({
      LifecycleHooks: [{ LifecycleHookName: "drain-before-terminate", HeartbeatTimeout: 900 }],
    });
    const hook = await new AutoScalingLifecycle(new AutoScalingClient({})).describeHook(
      "prod-workers",
      "drain-before-terminate",
    );
    expect(hook).toEqual({
      heartbeatTimeoutSeconds: 900,
      defaultResult: "ABANDON",
      globalTimeoutSeconds: 90_000,
    });
    expect(actionDeadline("2026-11-24T10:00:00Z", hook)).toBe(Date.parse("2026-11-25T11:00:00Z"));
  });

  it("caps the global timeout at 48 hours", async () => {
    autoScaling.on(DescribeLifecycleHooksCommand).resolves({
      LifecycleHooks: [{ LifecycleHookName: "drain-before-terminate", HeartbeatTimeout: 7200 }],
    });
    const hook = await new AutoScalingLifecycle(new AutoScalingClient({})).describeHook(
      "prod-workers",
      "drain-before-terminate",
    );
    expect(hook.globalTimeoutSeconds).toBe(172_800);
  });

  it("reports a missing hook as not retryable, and does not cache failures", async () => {
    autoScaling
      .on(DescribeLifecycleHooksCommand)
      .resolvesOnce({ LifecycleHooks: [] })
      .resolves({ LifecycleHooks: [{ LifecycleHookName: "drain-before-terminate" }] });
    const lifecycle = new AutoScalingLifecycle(new AutoScalingClient({}));
    await expect(lifecycle.describeHook("prod-workers", "drain-before-terminate")).rejects.toMatchObject({
      retryable: false,
      message:
        "describing lifecycle hook drain-before-terminate of Auto Scaling group prod-workers: no such hook",
    });
    expect(
      (await lifecycle.describeHook("prod-workers", "drain-before-terminate")).heartbeatTimeoutSeconds,
    ).toBe(3600);
  });
});

describe("AutoScalingLifecycle.recordHeartbeat", () => {
  it("names the action by group, hook, instance and token", async () => {
    autoScaling.on(RecordLifecycleActionHeartbeatCommand).resolves({});
    expect(await new AutoScalingLifecycle(new AutoScalingClient({})).recordHeartbeat(action)).toBe(
      "recorded",
    );
    expect(autoScaling.commandCalls(RecordLifecycleActionHeartbeatCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "prod-workers",
      LifecycleHookName: "drain-before-terminate",
      InstanceId: "i-0123456789abcdef0",
      LifecycleActionToken: "87654321-4321-4321-4321-210987654321",
    });
  });

  it("says the action is gone when none is active", async () => {
    autoScaling.on(RecordLifecycleActionHeartbeatCommand).rejects(noActiveAction());
    expect(await new AutoScalingLifecycle(new AutoScalingClient({})).recordHeartbeat(action)).toBe(
      "action-gone",
    );
  });
});

describe("AutoScalingLifecycle.complete", () => {
  it("completes with the result asked for", async () => {
    autoScaling.on(CompleteLifecycleActionCommand).resolves({});
    const lifecycle = new AutoScalingLifecycle(new AutoScalingClient({}));
    expect(await lifecycle.complete(action, "ABANDON")).toBe("completed");
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0].input).toMatchObject({
      LifecycleActionResult: "ABANDON",
      LifecycleActionToken: action.token,
      InstanceId: action.instanceId,
    });
  });

  it("completes by instance ID alone when no token is known", async () => {
    autoScaling.on(CompleteLifecycleActionCommand).resolves({});
    const { token: _unknown, ...byInstance } = action;
    await new AutoScalingLifecycle(new AutoScalingClient({})).complete(byInstance, "CONTINUE");
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0].input).not.toHaveProperty(
      "LifecycleActionToken",
    );
  });

  it("treats 'No active Lifecycle Action found' as already complete", async () => {
    autoScaling.on(CompleteLifecycleActionCommand).rejects(noActiveAction());
    expect(await new AutoScalingLifecycle(new AutoScalingClient({})).complete(action, "CONTINUE")).toBe(
      "already-complete",
    );
  });

  it.each([
    ["ValidationError", 400, "1 validation error detected: Value 'MAYBE' at 'lifecycleActionResult'", false],
    ["AccessDenied", 403, "User is not authorized to perform: autoscaling:CompleteLifecycleAction", false],
    ["Throttling", 400, "Rate exceeded", true],
    ["InternalFailure", 500, "internal failure", true],
    ["ServiceUnavailable", 503, "try later", true],
  ])("wraps %s (%i) with context, retryable %s", async (name, status, message, retryable) => {
    autoScaling.on(CompleteLifecycleActionCommand).rejects(serviceError(name, status, message));
    const completing = new AutoScalingLifecycle(new AutoScalingClient({})).complete(action, "CONTINUE");
    await expect(completing).rejects.toMatchObject({
      name: "AwsCallError",
      retryable,
      code: name,
      message: `completing the lifecycle action of i-0123456789abcdef0 (group prod-workers, hook drain-before-terminate) with CONTINUE: ${name}: ${message}`,
    });
  });
});

describe("AutoScalingLifecycle.instanceRefresh", () => {
  const startTime = new Date("2026-12-02T10:00:00Z");

  it("reads the latest refresh and, while it runs, the group's instances in service", async () => {
    autoScaling.on(DescribeInstanceRefreshesCommand).resolves({
      InstanceRefreshes: [{ InstanceRefreshId: "r-1", Status: "InProgress", StartTime: startTime }],
    });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: "prod-workers",
          MinSize: 0,
          MaxSize: 4,
          DesiredCapacity: 3,
          DefaultCooldown: 300,
          AvailabilityZones: [],
          HealthCheckType: "EC2",
          CreatedTime: startTime,
          Instances: [
            {
              InstanceId: "i-1",
              LifecycleState: "InService",
              AvailabilityZone: "us-west-2a",
              HealthStatus: "Healthy",
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: "i-2",
              LifecycleState: "Terminating:Wait",
              AvailabilityZone: "us-west-2a",
              HealthStatus: "Healthy",
              ProtectedFromScaleIn: false,
            },
          ],
        },
      ],
    });
    const lifecycle = new AutoScalingLifecycle(new AutoScalingClient({}));

    expect(await lifecycle.instanceRefresh("prod-workers")).toEqual({
      id: "r-1",
      status: "InProgress",
      startedAt: startTime.getTime(),
      inService: ["i-1"],
    });
    expect(autoScaling.commandCalls(DescribeInstanceRefreshesCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "prod-workers",
      MaxRecords: 1,
    });
  });

  it("does not list the instances of a refresh that is over, and answers undefined without any", async () => {
    autoScaling
      .on(DescribeInstanceRefreshesCommand)
      .resolvesOnce({
        InstanceRefreshes: [{ InstanceRefreshId: "r-1", Status: "Cancelled", StartTime: startTime }],
      })
      .resolves({ InstanceRefreshes: [] });
    const lifecycle = new AutoScalingLifecycle(new AutoScalingClient({}));

    expect(await lifecycle.instanceRefresh("prod-workers")).toEqual({
      id: "r-1",
      status: "Cancelled",
      startedAt: startTime.getTime(),
    });
    expect(await lifecycle.instanceRefresh("prod-workers")).toBeUndefined();
    expect(autoScaling.commandCalls(DescribeAutoScalingGroupsCommand)).toHaveLength(0);
  });
});
