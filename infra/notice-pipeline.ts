import { Annotations, Duration, Lazy, Names, Stack, Token } from "aws-cdk-lib";
import * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  type AutoScalingGroupRef,
  defaults,
  NodeDrainerConfigError,
  type NodeDrainerProps,
} from "./node-drainer-props.js";

export const terminateDetailType = "EC2 Instance-terminate Lifecycle Action";

/**
 * EC2 events about instances going away, which the drainer also acts on. EC2 events carry the instance,
 * not its group, so no pattern can select the group's instances: the drainer looks the group up from the
 * instance's aws:autoscaling:groupName tag and ignores other groups' (ASG_NAMES).
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
 */
export const interruptionDetailTypes = [
  "EC2 Spot Instance Interruption Warning",
  "EC2 Instance Rebalance Recommendation",
];
export const stateChangeDetailType = "EC2 Instance State-change Notification";

interface HookedGroup {
  /** Construct id of its hook: stable when the list is reordered, so no hook is replaced needlessly. */
  readonly key: string;
  readonly name: string;
}

export function hookedGroups(refs: readonly AutoScalingGroupRef[]): HookedGroup[] {
  const groups = refs.map((ref, index): HookedGroup => {
    if (typeof ref !== "string") return { key: Names.uniqueId(ref), name: ref.autoScalingGroupName };
    return { key: Token.isUnresolved(ref) ? `Group${index}` : ref, name: ref };
  });
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group.key)) throw new NodeDrainerConfigError(`autoScalingGroups lists ${group.key} twice`);
    seen.add(group.key);
  }
  return groups;
}

/**
 * One lifecycle hook of `transition` on each group, its NotificationMetadata naming the cluster: the
 * terminate hooks here, the opt-in launch hooks (launch-hooks.ts). Construct ids `<idPrefix>-<group key>`.
 */
export function lifecycleHooksOn(
  scope: Construct,
  groups: readonly HookedGroup[],
  hook: {
    idPrefix: string;
    name: string;
    transition: "autoscaling:EC2_INSTANCE_TERMINATING" | "autoscaling:EC2_INSTANCE_LAUNCHING";
    heartbeatTimeout: Duration;
    defaultResult: string;
    clusterName: string;
  },
): autoscaling.CfnLifecycleHook[] {
  return groups.map(
    (group) =>
      new autoscaling.CfnLifecycleHook(scope, `${hook.idPrefix}-${group.key}`, {
        autoScalingGroupName: group.name,
        lifecycleHookName: hook.name,
        lifecycleTransition: hook.transition,
        heartbeatTimeout: hook.heartbeatTimeout.toSeconds(),
        defaultResult: hook.defaultResult,
        notificationMetadata: Stack.of(scope).toJsonString({ clusterName: hook.clusterName }),
      }),
  );
}

/** What brings the notices to a drainer, whichever shell handles them (the Lambda or the queue worker). */
export interface NoticePipeline {
  groupNames: string[];
  lifecycleHooks: autoscaling.CfnLifecycleHook[];
  queue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
  rule: events.Rule;
  /** Spot interruption warnings and rebalance recommendations; state changes to shutting-down / stopping. */
  ec2Rules: events.Rule[];
}

/**
 * A terminate lifecycle hook on each group → an EventBridge rule matching only these hooks → the notices
 * queue (+ dead-letter queue). Created in `scope` itself (no construct of its own), so that the logical
 * IDs stay those of the construct that calls it.
 */
export function createNoticePipeline(
  scope: Construct,
  props: Pick<
    NodeDrainerProps,
    | "autoScalingGroups"
    | "heartbeatTimeout"
    | "queueVisibilityTimeout"
    | "lifecycleHookName"
    | "defaultResult"
    | "clusterName"
    | "maxReceiveCount"
  >,
): NoticePipeline {
  const groups = hookedGroups(props.autoScalingGroups);
  const groupNames = groups.map((group) => group.name);
  const heartbeatTimeout = props.heartbeatTimeout ?? defaults.heartbeatTimeout;
  const visibilityTimeout = props.queueVisibilityTimeout ?? defaults.queueVisibilityTimeout;
  const hookName = props.lifecycleHookName ?? defaults.lifecycleHookName;

  const lifecycleHooks = lifecycleHooksOn(scope, groups, {
    idPrefix: "TerminateHook",
    name: hookName,
    transition: "autoscaling:EC2_INSTANCE_TERMINATING",
    heartbeatTimeout,
    defaultResult: props.defaultResult ?? defaults.defaultResult,
    clusterName: props.clusterName,
  });
  const heartbeatSeconds = heartbeatTimeout.toSeconds();
  const visibilitySeconds = visibilityTimeout.toSeconds();
  if (!Token.isUnresolved(heartbeatSeconds) && !Token.isUnresolved(visibilitySeconds)) {
    if (heartbeatSeconds <= visibilitySeconds) {
      Annotations.of(scope).addWarningV2(
        "eks-node-drainer:heartbeat-below-visibility",
        `heartbeatTimeout (${heartbeatSeconds} s) does not exceed the queue visibility timeout (${visibilitySeconds} s): after a crashed invocation the hook may expire before the notice is retried`,
      );
    }
  }

  const deadLetterQueue = new sqs.Queue(scope, "DeadLetterQueue", {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  // Continuations (a drain that outlives one invocation) are new delayed messages on this queue, sent
  // by the function itself, so maxReceiveCount counts failed attempts only.
  const queue = new sqs.Queue(scope, "NoticeQueue", {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout,
    deadLetterQueue: {
      queue: deadLetterQueue,
      maxReceiveCount: props.maxReceiveCount ?? defaults.maxReceiveCount,
    },
  });

  const rule = new events.Rule(scope, "TerminateRule", {
    description:
      "Terminate lifecycle actions of the drained Auto Scaling groups, to the node drainer's queue",
    eventPattern: {
      source: ["aws.autoscaling"],
      detailType: [terminateDetailType],
      detail: {
        AutoScalingGroupName: groupNames,
        // Only this drainer's hook: another terminate hook on the same group is another tool's to complete.
        LifecycleHookName: Lazy.list({
          produce: () => [...new Set(lifecycleHooks.map((hook) => hook.lifecycleHookName ?? hookName))],
        }),
      },
    },
    targets: [new targets.SqsQueue(queue, { deadLetterQueue })],
  });
  const ec2Rules = [
    new events.Rule(scope, "InterruptionRule", {
      description:
        "Spot Instance interruption warnings and rebalance recommendations, to the node drainer's queue",
      eventPattern: { source: ["aws.ec2"], detailType: interruptionDetailTypes },
      targets: [new targets.SqsQueue(queue, { deadLetterQueue })],
    }),
    new events.Rule(scope, "StateChangeRule", {
      description: "EC2 instances shutting down or stopping, to the node drainer's queue",
      eventPattern: {
        source: ["aws.ec2"],
        detailType: [stateChangeDetailType],
        detail: { state: ["shutting-down", "stopping"] },
      },
      targets: [new targets.SqsQueue(queue, { deadLetterQueue })],
    }),
  ];
  return { groupNames, lifecycleHooks, queue, deadLetterQueue, rule, ec2Rules };
}
