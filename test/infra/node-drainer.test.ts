import { type CfnElement, Duration } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import { describe, expect, it } from "vitest";
import { readSettings, settingsSchema } from "../../src/lifecycle/settings.js";
import { drainerStack, onlyResource, propertiesOf, templateOf } from "./drainer-stacks.js";

// One synth for the whole file: two named groups, one group construct, an alarm topic, custom drain settings.
const { stack, drainer } = drainerStack({}, (scope) => ({
  autoScalingGroups: [
    "ng-a",
    "ng-b",
    autoscaling.AutoScalingGroup.fromAutoScalingGroupName(scope, "Imported", "ng-c"),
  ],
  heartbeatTimeout: Duration.minutes(40),
  defaultResult: "ABANDON",
  alarmTopic: new sns.Topic(scope, "Alarms", { enforceSSL: true }),
  logRetention: logs.RetentionDays.TWO_WEEKS,
  drain: {
    timeout: Duration.hours(2),
    onDeadline: "leave",
    deadlineResult: "abandon",
    evictDaemonSets: true,
    settle: Duration.seconds(15),
    surge: "singletons",
  },
}));
const template = templateOf(stack);
const alarmTopic = stack.node.findChild("Alarms") as sns.Topic;
const resolve = (value: unknown) => stack.resolve(value);

describe("lifecycle hooks", () => {
  const hooks = Object.values(template.findResources("AWS::AutoScaling::LifecycleHook")).map(propertiesOf);

  it("puts one terminate hook on each group", () => {
    expect(hooks.map((hook) => hook.AutoScalingGroupName).sort()).toEqual(["ng-a", "ng-b", "ng-c"]);
    for (const hook of hooks) {
      expect(hook).toMatchObject({
        LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        LifecycleHookName: "eks-node-drainer",
        HeartbeatTimeout: 2400,
        DefaultResult: "ABANDON",
      });
    }
  });

  it("carries the cluster name as JSON in the notification metadata", () => {
    for (const hook of hooks)
      expect(JSON.parse(hook.NotificationMetadata as string)).toEqual({ clusterName: "prod" });
  });

  it("keys each hook by its group, so reordering the list replaces no hook", () => {
    const reordered = drainerStack({ autoScalingGroups: ["ng-b", "ng-a"] });
    const ids = (t: ReturnType<typeof templateOf>) =>
      Object.entries(t.findResources("AWS::AutoScaling::LifecycleHook"))
        .map(([id, hook]) => `${id}=${propertiesOf(hook).AutoScalingGroupName}`)
        .sort();
    expect(ids(templateOf(reordered.stack))).toEqual(ids(templateOf(drainerStack().stack)));
  });
});

/** The rules, by their pattern's source. */
function rulesOf(source: string) {
  return Object.values(template.findResources("AWS::Events::Rule"))
    .map(propertiesOf)
    .filter((rule) => (rule.EventPattern as { source: string[] }).source.includes(source));
}

describe("EventBridge rule", () => {
  const [rule = {}] = rulesOf("aws.autoscaling");

  it("matches terminate lifecycle actions of the hooked groups and this drainer's hook only", () => {
    expect(rule.EventPattern).toEqual({
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
      detail: { AutoScalingGroupName: ["ng-a", "ng-b", "ng-c"], LifecycleHookName: ["eks-node-drainer"] },
    });
  });

  it("targets the notice queue, with the dead-letter queue for undeliverable events", () => {
    expect(rule.Targets).toEqual([
      {
        Id: "Target0",
        Arn: resolve(drainer.queue.queueArn),
        DeadLetterConfig: { Arn: resolve(drainer.deadLetterQueue.queueArn) },
      },
    ]);
  });
});

describe("queues", () => {
  const queue = propertiesOf(
    template.toJSON().Resources[stack.getLogicalId(drainer.queue.node.defaultChild as CfnElement)],
  );
  const deadLetters = propertiesOf(
    template.toJSON().Resources[stack.getLogicalId(drainer.deadLetterQueue.node.defaultChild as CfnElement)],
  );

  it("encrypts both and keeps dead letters 14 days", () => {
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(deadLetters).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it("hides a received notice at least as long as the function may run, and dead-letters after 5 failures", () => {
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(900);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: resolve(drainer.deadLetterQueue.queueArn),
      maxReceiveCount: 5,
    });
  });

  it("denies every request without TLS on both queues", () => {
    for (const q of [drainer.queue, drainer.deadLetterQueue]) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [resolve(q.queueUrl)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "sqs:*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("lets only this rule send to them", () => {
    const rule = resolve(drainer.rule.ruleArn);
    for (const q of [drainer.queue, drainer.deadLetterQueue]) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [resolve(q.queueUrl)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Condition: { ArnEquals: { "aws:SourceArn": rule } },
            }),
          ]),
        },
      });
    }
  });
});

describe("function", () => {
  const fn = propertiesOf(onlyResource(template, "AWS::Lambda::Function"));
  const environment = (fn.Environment as { Variables: Record<string, unknown> }).Variables;

  it("runs Node.js 22 on arm64 for up to 15 minutes with 512 MB", () => {
    expect(fn).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Timeout: 900,
      MemorySize: 512,
    });
  });

  it("logs to its own log group with the requested retention", () => {
    expect(fn.LoggingConfig).toEqual({ LogGroup: resolve(drainer.logGroup.logGroupName) });
    expect(propertiesOf(onlyResource(template, "AWS::Logs::LogGroup"))).toEqual({ RetentionInDays: 14 });
  });

  it("sets only variables of the Lambda's settings schema", () => {
    const known = Object.keys(settingsSchema.shape);
    for (const name of Object.keys(environment)) expect(known).toContain(name);
  });

  it("sets an environment the Lambda reads back as the configured drain", () => {
    const concrete = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [
        name,
        typeof value === "string" ? value : "https://sqs.eu-west-1.amazonaws.com/123456789012/notices",
      ]),
    );
    expect(readSettings(concrete)).toEqual({
      CLUSTER_NAME: "prod",
      ASG_NAMES: ["ng-a", "ng-b", "ng-c"],
      DRAIN_TIMEOUT_SECONDS: 7200,
      ON_DEADLINE: "leave",
      DEADLINE_RESULT: "abandon",
      EVICT_DAEMONSETS: true,
      DELETE_NODE: false,
      SETTLE_SECONDS: 15,
      WAIT_FOR_VOLUME_DETACH: true,
      SURGE: "singletons",
      LAUNCH_SETTLE_SECONDS: 30,
      LAUNCH_TIMEOUT_SECONDS: 600,
      LAUNCH_TIMEOUT_RESULT: "ABANDON",
      DEREGISTER_TARGETS: false,
      SPOT_DEADLINE_MARGIN_SECONDS: 10,
      REBALANCE_ACTION: "cordon",
      UNREACHABLE_AFTER_SECONDS: 60,
      OUT_OF_SERVICE_TAINT: false,
      MAX_EVICTIONS_PER_OWNER: 2,
      ROLLOUT_PLACEMENT: true,
      QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/notices",
    });
    expect(environment.QUEUE_URL).toEqual(resolve(drainer.queue.queueUrl));
  });

  it("consumes the queue in small batches, reporting failed items one by one", () => {
    expect(propertiesOf(onlyResource(template, "AWS::Lambda::EventSourceMapping"))).toEqual({
      EventSourceArn: resolve(drainer.queue.queueArn),
      FunctionName: resolve(drainer.function.functionName),
      BatchSize: 5,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });
});

describe("Kubernetes identity", () => {
  it("maps the role to the eks-node-drainer group with an access entry", () => {
    expect(propertiesOf(onlyResource(template, "AWS::EKS::AccessEntry"))).toEqual({
      ClusterName: "prod",
      PrincipalArn: resolve(drainer.role.roleArn),
      KubernetesGroups: ["eks-node-drainer"],
      Type: "STANDARD",
    });
  });

  it("creates no access entry for aws-auth clusters, and honours another group name", () => {
    const withoutEntry = templateOf(drainerStack({ accessEntry: false }).stack);
    withoutEntry.resourceCountIs("AWS::EKS::AccessEntry", 0);
    templateOf(drainerStack({ kubernetesGroup: "drainers" }).stack).hasResourceProperties(
      "AWS::EKS::AccessEntry",
      {
        KubernetesGroups: ["drainers"],
      },
    );
  });
});

describe("alarms", () => {
  const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(propertiesOf);
  const byMetric = (name: string) => alarms.find((alarm) => alarm.MetricName === name);

  it("fires on the first dead letter, function error and throttle, to the alarm topic", () => {
    expect(alarms).toHaveLength(3);
    const topic = resolve(alarmTopic.topicArn);
    for (const [metric, namespace] of [
      ["ApproximateNumberOfMessagesVisible", "AWS/SQS"],
      ["Errors", "AWS/Lambda"],
      ["Throttles", "AWS/Lambda"],
    ] as const) {
      expect(byMetric(metric)).toMatchObject({
        Namespace: namespace,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        EvaluationPeriods: 1,
        AlarmActions: [topic],
      });
    }
    expect(byMetric("ApproximateNumberOfMessagesVisible")?.Dimensions).toEqual([
      { Name: "QueueName", Value: resolve(drainer.deadLetterQueue.queueName) },
    ]);
    expect(byMetric("Errors")?.Dimensions).toEqual([
      { Name: "FunctionName", Value: resolve(drainer.function.functionName) },
    ]);
  });
});
