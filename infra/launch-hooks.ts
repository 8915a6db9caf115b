import { Duration, Lazy, Token, Tokenization } from "aws-cdk-lib";
import type * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { SettingName } from "./drainer-environment.js";
import {
  defaults,
  type LifecycleDefaultResult,
  NodeDrainerConfigError,
  type NodeDrainerProps,
} from "./node-drainer-props.js";
import { hookedGroups, lifecycleHooksOn } from "./notice-pipeline.js";

/**
 * The detail-type of a launch lifecycle action in EventBridge:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-event-reference.html#launch-lifecycle-action
 */
export const launchDetailType = "EC2 Instance-launch Lifecycle Action";

/** The drainer's settings for launch actions, read by the Lambda and the worker (src/lifecycle/settings.ts). */
export type LaunchSettingName = Extract<SettingName, "LAUNCH_SETTLE_SECONDS" | "LAUNCH_TIMEOUT_RESULT">;

/**
 * Launch lifecycle hooks: the instance waits in Pending:Wait until its Node has registered and stayed
 * Ready for `settle`, so that an instance refresh waits for real capacity.
 */
export interface LaunchHookSettings {
  /** LAUNCH_SETTLE_SECONDS: how long the Node must stay Ready before the action completes CONTINUE. Default 30 s. */
  readonly settle?: Duration;
  /**
   * LAUNCH_TIMEOUT_RESULT, and the hook's own DefaultResult: the result when the Node is not Ready in
   * time. Default ABANDON, so that a broken AMI stops an instance refresh.
   */
  readonly timeoutResult?: LifecycleDefaultResult;
  /** How long a launch action waits without a heartbeat (30 s to 7200 s). Default 15 minutes. */
  readonly heartbeatTimeout?: Duration;
}

export const launchDefaults = {
  settle: Duration.seconds(30),
  timeoutResult: "ABANDON" as LifecycleDefaultResult,
  heartbeatTimeout: Duration.minutes(15),
};

/** `launchHooks: true` takes every default; an object sets some; absent or false creates nothing. */
export function launchSettingsOf(
  option: boolean | LaunchHookSettings | undefined,
): LaunchHookSettings | undefined {
  if (option === undefined || option === false) return undefined;
  return option === true ? {} : option;
}

/** The two variables the drainer reads for launch actions, always explicit when launch hooks are on. */
export function launchEnvironment(settings: LaunchHookSettings): Record<LaunchSettingName, string> {
  const settle = (settings.settle ?? launchDefaults.settle).toSeconds({ integral: false });
  if (!Token.isUnresolved(settle) && (!Number.isInteger(settle) || settle < 0)) {
    throw new NodeDrainerConfigError(
      `launchHooks.settle must be a whole number of seconds ≥ 0, got ${settle}`,
    );
  }
  const result = settings.timeoutResult ?? launchDefaults.timeoutResult;
  if (!Token.isUnresolved(result) && result !== "CONTINUE" && result !== "ABANDON") {
    throw new NodeDrainerConfigError(
      `launchHooks.timeoutResult must be CONTINUE or ABANDON, got ${JSON.stringify(result)}`,
    );
  }
  // A template parameter's number token becomes a string token (String() would print its encoding).
  return { LAUNCH_SETTLE_SECONDS: Tokenization.stringifyNumber(settle), LAUNCH_TIMEOUT_RESULT: result };
}

export interface LaunchHooks {
  hooks: autoscaling.CfnLifecycleHook[];
  rule: events.Rule;
  settings: LaunchHookSettings;
}

/**
 * When `launchHooks` is on: an `autoscaling:EC2_INSTANCE_LAUNCHING` hook on each group (named
 * `<hook name>-launch`, beside the terminate hook) and an EventBridge rule sending their actions to the
 * notices queue. Created in `scope` itself, like the notice pipeline.
 */
export function createLaunchHooks(
  scope: Construct,
  props: Pick<NodeDrainerProps, "autoScalingGroups" | "clusterName" | "lifecycleHookName"> & {
    readonly launchHooks?: NodeDrainerProps["launchHooks"] | undefined;
  },
  pipeline: { queue: sqs.IQueue; deadLetterQueue: sqs.IQueue },
): LaunchHooks | undefined {
  const settings = launchSettingsOf(props.launchHooks);
  if (settings === undefined) return undefined;
  const groups = hookedGroups(props.autoScalingGroups);
  const heartbeatTimeout = settings.heartbeatTimeout ?? launchDefaults.heartbeatTimeout;
  const heartbeatSeconds = heartbeatTimeout.toSeconds({ integral: false });
  if (!Token.isUnresolved(heartbeatSeconds) && (heartbeatSeconds < 30 || heartbeatSeconds > 7200)) {
    throw new NodeDrainerConfigError(
      `launchHooks.heartbeatTimeout must be a whole number from 30 to 7200 s, got ${heartbeatSeconds}`,
    );
  }
  const launchHookName = `${props.lifecycleHookName ?? defaults.lifecycleHookName}-launch`;
  const hooks = lifecycleHooksOn(scope, groups, {
    idPrefix: "LaunchHook",
    name: launchHookName,
    transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
    heartbeatTimeout,
    defaultResult: settings.timeoutResult ?? launchDefaults.timeoutResult,
    clusterName: props.clusterName,
  });
  const rule = new events.Rule(scope, "LaunchRule", {
    description: "Launch lifecycle actions of the drained Auto Scaling groups, to the node drainer's queue",
    eventPattern: {
      source: ["aws.autoscaling"],
      detailType: [launchDetailType],
      detail: {
        AutoScalingGroupName: groups.map((group) => group.name),
        LifecycleHookName: Lazy.list({
          produce: () => [...new Set(hooks.map((hook) => hook.lifecycleHookName ?? launchHookName))],
        }),
      },
    },
    targets: [new targets.SqsQueue(pipeline.queue, { deadLetterQueue: pipeline.deadLetterQueue })],
  });
  return { hooks, rule, settings };
}
