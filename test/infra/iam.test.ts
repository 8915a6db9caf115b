import * as ec2 from "aws-cdk-lib/aws-ec2";
import { describe, expect, it } from "vitest";
import { templateName } from "../../infra/wildcard-acknowledgment.js";
import { drainerStack, propertiesOf, templateOf } from "./drainer-stacks.js";

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const sorted = (value: string | string[]) => [value].flat().sort();

/** Every statement of every identity policy in a template, ARNs written out as readable strings. */
function identityStatements(stack: ReturnType<typeof drainerStack>["stack"]) {
  const template = templateOf(stack);
  return Object.values(template.findResources("AWS::IAM::Policy")).flatMap((policy) =>
    (propertiesOf(policy).PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
      sid: statement.Sid,
      effect: statement.Effect,
      actions: sorted(statement.Action),
      resources: [statement.Resource].flat().map((resource) => templateName(stack.resolve(resource))),
    })),
  );
}

const region = "<AWS::Region>";
const account = "<AWS::AccountId>";
const partition = "<AWS::Partition>";

describe("the drainer's role", () => {
  const { stack } = drainerStack();
  const statements = identityStatements(stack);
  const logicalId = (prefix: string) =>
    Object.keys(templateOf(stack).toJSON().Resources).find((id) => id.startsWith(prefix)) ?? prefix;

  it("holds exactly these statements", () => {
    const queue = `<${logicalId("NodeDrainerNoticeQueue")}.Arn>`;
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          sid: undefined,
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`<${logicalId("NodeDrainerLogGroup")}.Arn>`],
        },
        {
          sid: "HeartbeatAndCompleteLifecycleActions",
          effect: "Allow",
          actions: ["autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"],
          resources: ["ng-a", "ng-b"].map(
            (name) =>
              `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`,
          ),
        },
        {
          sid: "DescribeLifecycleHooks",
          effect: "Allow",
          actions: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeInstanceRefreshes",
            "autoscaling:DescribeLifecycleHooks",
          ],
          resources: ["*"],
        },
        { sid: "DescribeInstances", effect: "Allow", actions: ["ec2:DescribeInstances"], resources: ["*"] },
        {
          sid: "DescribeLoadBalancerTargets",
          effect: "Allow",
          actions: ["autoscaling:DescribeTrafficSources", "elasticloadbalancing:DescribeTargetHealth"],
          resources: ["*"],
        },
        {
          sid: "DescribeClusters",
          effect: "Allow",
          actions: ["eks:DescribeCluster"],
          resources: [`arn:${partition}:eks:${region}:${account}:cluster/prod`],
        },
        {
          sid: undefined,
          effect: "Allow",
          actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
          resources: [queue],
        },
        {
          sid: undefined,
          effect: "Allow",
          actions: [
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage",
          ],
          resources: [queue],
        },
      ]),
    );
    expect(statements).toHaveLength(9);
  });

  it("may invoke only the function itself, any version or alias of it (continuations of direct invocations)", () => {
    const fn = `<${logicalId("NodeDrainerFunction")}.Arn>`;
    expect(statements).toContainEqual({
      sid: "InvokeItselfForContinuations",
      effect: "Allow",
      actions: ["lambda:InvokeFunction"],
      resources: [fn, `${fn}:*`],
    });
  });

  it("allows no wildcard action", () => {
    for (const statement of statements) {
      for (const action of statement.actions) expect(action).not.toContain("*");
    }
  });

  it("uses a bare * resource only for actions AWS cannot scope", () => {
    const unscoped = statements
      .filter((statement) => statement.resources.includes("*"))
      .flatMap((s) => s.actions);
    expect(unscoped.sort()).toEqual([
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeInstanceRefreshes",
      "autoscaling:DescribeLifecycleHooks",
      "autoscaling:DescribeTrafficSources",
      "ec2:DescribeInstances",
      "elasticloadbalancing:DescribeTargetHealth",
    ]);
  });

  it("has no managed policy and trusts only Lambda", () => {
    const role = Object.values(templateOf(stack).findResources("AWS::IAM::Role"))[0];
    expect(propertiesOf(role ?? {}).ManagedPolicyArns).toBeUndefined();
    expect(propertiesOf(role ?? {}).AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } },
      ],
    });
  });
});

describe("in a VPC", () => {
  const { stack } = drainerStack({}, (scope) => ({
    vpc: ec2.Vpc.fromVpcAttributes(scope, "Vpc", {
      vpcId: "vpc-0123456789abcdef0",
      availabilityZones: ["eu-west-1a"],
      privateSubnetIds: ["subnet-0123456789abcdef0"],
    }),
  }));
  const statements = identityStatements(stack);

  it("adds only the network-interface actions Lambda needs, which AWS cannot scope", () => {
    expect(statements).toContainEqual({
      sid: "ManageVpcNetworkInterfaces",
      effect: "Allow",
      actions: [
        "ec2:AssignPrivateIpAddresses",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:UnassignPrivateIpAddresses",
      ],
      resources: ["*"],
    });
    expect(statements).toHaveLength(10);
  });
});

describe("with deregisterTargetGroups", () => {
  const targetGroup =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/workers/73e2d6bc24d8a067";
  const { stack } = drainerStack({ deregisterTargetGroups: [targetGroup] });
  const statements = identityStatements(stack);

  it("may deregister targets of exactly those target groups", () => {
    expect(statements).toContainEqual({
      sid: "DeregisterTargetsOfTheGroups",
      effect: "Allow",
      actions: ["elasticloadbalancing:DeregisterTargets"],
      resources: [targetGroup],
    });
  });
});
