import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { maxTemplateGroups } from "../../infra/template-stack.js";
import { synthesizeTemplate, templatePath } from "../../infra/template-synthesis.js";
import { readSettings } from "../../src/lifecycle/settings.js";
import { type TemplateDocument, TemplateEvaluator } from "./cfn-evaluator.js";

const fresh = synthesizeTemplate();
const template = fresh as unknown as TemplateDocument;
const required = { ClusterName: "prod", CodeBucket: "artifacts", CodeKey: "eks-node-drainer/0.1.0/abc.zip" };

function stackWith(parameters: Record<string, string>) {
  return new TemplateEvaluator(template, { ...required, ...parameters });
}

function properties(evaluator: TemplateEvaluator, id: string) {
  return evaluator.evaluate(template.Resources[id]?.Properties) as Record<string, unknown>;
}

it("is committed as synthesized (regenerate with: npx tsx infra/synth-template.ts)", () => {
  const committed = JSON.parse(readFileSync(templatePath, "utf8"));
  expect(
    committed,
    "deploy/eks-node-drainer.template.json is stale: run npx tsx infra/synth-template.ts",
  ).toEqual(fresh);
});

it("needs no CDK bootstrap and no assets", () => {
  const text = JSON.stringify(fresh);
  expect(text).not.toContain("BootstrapVersion");
  expect(text).not.toContain("cdk-hnb659fds");
  expect(text).not.toContain("AssetParameters");
  expect(Object.keys(template.Parameters)).not.toContain("BootstrapVersion");
});

it("asks for the cluster, groups, hook, drain, code and identity settings", () => {
  expect(Object.keys(template.Parameters)).toEqual([
    "ClusterName",
    "AsgNames",
    "HeartbeatTimeout",
    "DefaultResult",
    "LaunchHooks",
    "LaunchSettleSeconds",
    "LaunchTimeoutResult",
    "OnDeadline",
    "DeadlineResult",
    "DrainTimeoutSeconds",
    "EvictDaemonSets",
    "DeleteNode",
    "SettleSeconds",
    "WaitForVolumeDetach",
    "Surge",
    "WaitForTargetDeregistration",
    "SpotDeadlineMarginSeconds",
    "RebalanceAction",
    "CodeBucket",
    "CodeKey",
    "KubernetesGroup",
    "CreateAccessEntry",
    "AlarmTopicArn",
    "ReportBucket",
    "LogRetentionDays",
    "SubnetIds",
    "SecurityGroupIds",
  ]);
  expect(template.Parameters.AsgNames?.Type).toBe("CommaDelimitedList");
  expect(template.Parameters.HeartbeatTimeout).toMatchObject({
    Type: "Number",
    MinValue: 30,
    MaxValue: 7200,
  });
  expect(template.Parameters.OnDeadline).toMatchObject({
    AllowedValues: ["force", "leave", "abandon", "default-result"],
    Default: "force",
  });
  expect(template.Parameters.DeadlineResult).toMatchObject({
    AllowedValues: ["abandon", "default-result"],
    Default: "default-result",
  });
  expect(template.Parameters.Surge).toMatchObject({
    AllowedValues: ["off", "annotated", "singletons", "blocked"],
    Default: "annotated",
  });
});

describe("lifecycle hooks", () => {
  it("creates one hook per listed group, up to the limit", () => {
    for (const count of [1, 3, maxTemplateGroups]) {
      const names = Array.from({ length: count }, (_, index) => `ng-${index}`);
      const stack = stackWith({ AsgNames: names.join(",") });
      const hooks = stack
        .createdResources("AWS::AutoScaling::LifecycleHook")
        .map((id) => properties(stack, id));
      expect(hooks.map((hook) => hook.AutoScalingGroupName)).toEqual(names);
      expect(new Set(hooks.map((hook) => hook.LifecycleHookName)).size).toBe(count);
    }
  });

  it("configures each hook from the parameters, with the cluster in its metadata", () => {
    const stack = stackWith({ AsgNames: "ng-a,ng-b", HeartbeatTimeout: "900", DefaultResult: "ABANDON" });
    const [first] = stack.createdResources("AWS::AutoScaling::LifecycleHook");
    expect(properties(stack, first ?? "")).toEqual({
      AutoScalingGroupName: "ng-a",
      LifecycleHookName: "eks-node-drainer-1",
      LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      HeartbeatTimeout: "900",
      DefaultResult: "ABANDON",
      NotificationMetadata: '{"clusterName":"prod"}',
    });
  });

  it("matches, in the rule, exactly the listed groups and the template's hook names", () => {
    const stack = stackWith({ AsgNames: "ng-a,ng-b" });
    const [rule] = stack.createdResources("AWS::Events::Rule");
    const pattern = properties(stack, rule ?? "").EventPattern as { detail: Record<string, string[]> };
    expect(pattern.detail.AutoScalingGroupName).toEqual(["ng-a", "ng-b"]);
    const hookNames = stack
      .createdResources("AWS::AutoScaling::LifecycleHook")
      .map((id) => properties(stack, id).LifecycleHookName);
    for (const name of hookNames) expect(pattern.detail.LifecycleHookName).toContain(name);
  });
});

describe("options", () => {
  const functionId = () =>
    Object.keys(template.Resources).find((id) => template.Resources[id]?.Type === "AWS::Lambda::Function") ??
    "";

  it("sets the drain settings and the code location from the parameters", () => {
    const stack = stackWith({
      AsgNames: "ng-a,ng-b",
      OnDeadline: "leave",
      DeadlineResult: "abandon",
      EvictDaemonSets: "true",
    });
    const fn = properties(stack, functionId());
    expect(fn.Code).toEqual({ S3Bucket: "artifacts", S3Key: "eks-node-drainer/0.1.0/abc.zip" });
    expect(fn.Handler).toBe("index.handler");
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      CLUSTER_NAME: "prod",
      ASG_NAMES: "ng-a,ng-b",
      ON_DEADLINE: "leave",
      DEADLINE_RESULT: "abandon",
      EVICT_DAEMONSETS: "true",
      DRAIN_TIMEOUT_SECONDS: "3600",
    });
  });

  it.each([
    [{}, { ON_DEADLINE: "force", DEADLINE_RESULT: "default-result" }],
    [{ OnDeadline: "leave" }, { ON_DEADLINE: "leave", DEADLINE_RESULT: "default-result" }],
    // An older OnDeadline names its deadline result; the function reads it so, with a warning.
    [{ OnDeadline: "abandon" }, { ON_DEADLINE: "abandon", DEADLINE_RESULT: "abandon" }],
    [
      { OnDeadline: "default-result", DeadlineResult: "abandon" },
      { ON_DEADLINE: "default-result", DEADLINE_RESULT: "default-result" },
    ],
  ])("passes OnDeadline and DeadlineResult %o as settings the function accepts: %o", (given, expected) => {
    const variables = (
      properties(stackWith({ AsgNames: "ng-a", ...given }), functionId()).Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    expect(variables).toMatchObject(expected);
    const { ON_DEADLINE, DEADLINE_RESULT } = variables;
    expect(() => readSettings({ ON_DEADLINE, DEADLINE_RESULT })).not.toThrow();
  });

  it("runs in the VPC and grants network interfaces only when subnets are given", () => {
    const outside = stackWith({ AsgNames: "ng-a" });
    expect(properties(outside, functionId()).VpcConfig).toBeUndefined();
    // The role's default policy and the self-invocation policy.
    expect(outside.createdResources("AWS::IAM::Policy")).toHaveLength(2);

    const inside = stackWith({
      AsgNames: "ng-a",
      SubnetIds: "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
      SecurityGroupIds: "sg-0123456789abcdef0",
    });
    expect(properties(inside, functionId()).VpcConfig).toEqual({
      SubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      SecurityGroupIds: ["sg-0123456789abcdef0"],
    });
    expect(inside.createdResources("AWS::IAM::Policy")).toHaveLength(3);
  });

  it("lets the function put drain reports only in the bucket ReportBucket names, when it names one", () => {
    const none = stackWith({ AsgNames: "ng-a" });
    expect(none.createdResources("AWS::IAM::Policy")).toHaveLength(2);
    const env = (stack: TemplateEvaluator) =>
      (properties(stack, functionId()).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env(none).REPORT_BUCKET).toBe("");

    const withBucket = stackWith({ AsgNames: "ng-a", ReportBucket: "drain-reports" });
    expect(env(withBucket).REPORT_BUCKET).toBe("drain-reports");
    const policies = withBucket.createdResources("AWS::IAM::Policy");
    expect(policies).toHaveLength(3);
    const statements = policies.flatMap(
      (id) =>
        (properties(withBucket, id).PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    );
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes("s3:"))).toEqual([
      expect.objectContaining({
        Action: "s3:PutObject",
        Resource: "arn:<AWS::Partition>:s3:::drain-reports/*",
      }),
    ]);
  });

  it("creates the access entry unless told not to", () => {
    expect(stackWith({ AsgNames: "ng-a" }).createdResources("AWS::EKS::AccessEntry")).toHaveLength(1);
    expect(
      stackWith({ AsgNames: "ng-a", CreateAccessEntry: "false" }).createdResources("AWS::EKS::AccessEntry"),
    ).toHaveLength(0);
  });

  it("notifies the alarm topic only when one is given", () => {
    const alarmActions = (stack: TemplateEvaluator) =>
      stack.createdResources("AWS::CloudWatch::Alarm").map((id) => properties(stack, id).AlarmActions);
    expect(alarmActions(stackWith({ AsgNames: "ng-a" }))).toEqual([undefined, undefined, undefined]);
    const topic = "arn:aws:sns:eu-west-1:123456789012:alarms";
    expect(alarmActions(stackWith({ AsgNames: "ng-a", AlarmTopicArn: topic }))).toEqual([
      [topic],
      [topic],
      [topic],
    ]);
  });
});
