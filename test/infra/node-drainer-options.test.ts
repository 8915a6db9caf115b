import { Duration } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import * as ssm from "aws-cdk-lib/aws-ssm";
import { describe, expect, it } from "vitest";
import type { DeadlineResult, OnDeadline } from "../../infra/drainer-environment.js";
import { type LifecycleDefaultResult, NodeDrainerConfigError } from "../../infra/node-drainer.js";
import { drainerStack, onlyResource, propertiesOf, templateOf } from "./drainer-stacks.js";

describe("invalid configuration fails the synth, naming what is wrong", () => {
  it.each([
    [
      { heartbeatTimeout: Duration.seconds(29) },
      /heartbeatTimeout must be a whole number from 30 to 7200 s, got 29/,
    ],
    [{ heartbeatTimeout: Duration.seconds(7201) }, /heartbeatTimeout .* got 7201/],
    [
      { defaultResult: "RETRY" as LifecycleDefaultResult },
      /defaultResult must be CONTINUE or ABANDON, got "RETRY"/,
    ],
    [{ autoScalingGroups: [] }, /autoScalingGroups must name at least one/],
    [{ autoScalingGroups: ["ng-a", "ng-a"] }, /autoScalingGroups lists ng-a twice/],
    [{ clusterName: "prod cluster" }, /clusterName "prod cluster" is invalid/],
    [{ kubernetesGroup: "system:masters" }, /kubernetesGroup "system:masters" is invalid: .*system:/],
    [{ batchSize: 11 }, /batchSize must be a whole number from 1 to 10, got 11/],
    [
      { queueVisibilityTimeout: Duration.minutes(10) },
      /queueVisibilityTimeout must be a whole number from 900 to 43200 s \(at least the function timeout, at most 12 h\), got 600/,
    ],
    [{ lifecycleHookName: "drain hook" }, /lifecycleHookName "drain hook" is invalid/],
    [
      { drain: { timeout: Duration.millis(1500) } },
      /drain timeout must be a whole number of seconds ≥ 1, got 1.5/,
    ],
    [{ heartbeatTimeout: Duration.millis(45_500) }, /heartbeatTimeout .* got 45.5/],
    [{ drain: { onDeadline: "wait" as OnDeadline } }, /onDeadline must be force or leave, got "wait"/],
    [
      { drain: { deadlineResult: "CONTINUE" as DeadlineResult } },
      /deadlineResult must be abandon or default-result, got "CONTINUE"/,
    ],
    [
      { drain: { onDeadline: "abandon" as OnDeadline, deadlineResult: "default-result" as DeadlineResult } },
      /onDeadline: "abandon" \(an older spelling of onDeadline: "leave" with deadlineResult: "abandon"\) contradicts deadlineResult: "default-result"/,
    ],
  ])("%o", (props, message) => {
    expect(() => drainerStack(props)).toThrow(message);
  });

  it("throws a NodeDrainerConfigError", () => {
    expect(() => drainerStack({ batchSize: 0 })).toThrow(NodeDrainerConfigError);
  });
});

it("warns when the heartbeat timeout does not exceed the visibility timeout", () => {
  const { stack } = drainerStack({ heartbeatTimeout: Duration.minutes(15) });
  Annotations.fromStack(stack).hasWarning(
    "*",
    Match.stringLikeRegexp("does not exceed the queue visibility timeout"),
  );
  Annotations.fromStack(drainerStack().stack).hasNoWarning("*", Match.anyValue());
});

describe("onDeadline's older spellings", () => {
  it.each(["abandon", "default-result"] as const)(
    "reads onDeadline %s as leave with that deadlineResult, with a warning",
    (older) => {
      const { stack } = drainerStack({ drain: { onDeadline: older } });
      const fn = propertiesOf(onlyResource(templateOf(stack), "AWS::Lambda::Function"));
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        ON_DEADLINE: "leave",
        DEADLINE_RESULT: older,
      });
      Annotations.fromStack(stack).hasWarning(
        "*",
        Match.stringLikeRegexp(`onDeadline: "${older}" is an older spelling of onDeadline: "leave"`),
      );
    },
  );
});

describe("private cluster endpoint", () => {
  let clusterGroup: ec2.ISecurityGroup | undefined;
  const { stack, drainer } = drainerStack({}, (scope) => {
    const vpc = ec2.Vpc.fromVpcAttributes(scope, "Vpc", {
      vpcId: "vpc-0123456789abcdef0",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    });
    clusterGroup = ec2.SecurityGroup.fromSecurityGroupId(scope, "Cluster", "sg-0123456789abcdef0");
    return {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      clusterSecurityGroup: clusterGroup,
    };
  });
  const template = templateOf(stack);

  it("runs the function in the private subnets", () => {
    expect(propertiesOf(onlyResource(template, "AWS::Lambda::Function")).VpcConfig).toEqual({
      SubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      SecurityGroupIds: [stack.resolve(drainer.function.connections.securityGroups[0]?.securityGroupId)],
    });
  });

  it("opens HTTPS from the function to the cluster's security group, nothing else inbound", () => {
    expect(propertiesOf(onlyResource(template, "AWS::EC2::SecurityGroupIngress"))).toMatchObject({
      GroupId: "sg-0123456789abcdef0",
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
    });
    expect(
      propertiesOf(onlyResource(template, "AWS::EC2::SecurityGroup")).SecurityGroupIngress,
    ).toBeUndefined();
  });
});

describe("optional integrations", () => {
  it("names the notification topic and lets the function publish to it", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:drains";
    const { stack } = drainerStack({}, (scope) => ({
      notificationTopic: sns.Topic.fromTopicArn(scope, "Notify", topic),
    }));
    const template = templateOf(stack);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ NOTIFY_TOPIC_ARN: topic }) },
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: "sns:Publish", Effect: "Allow", Resource: topic }]),
      },
    });
  });

  it("passes the webhook parameter's ARN and lets the function read it", () => {
    const { stack } = drainerStack({}, (scope) => ({
      webhookUrl: ssm.StringParameter.fromSecureStringParameterAttributes(scope, "Hook", {
        parameterName: "/drainer/webhook",
      }),
    }));
    const template = templateOf(stack);
    const variables = propertiesOf(onlyResource(template, "AWS::Lambda::Function")).Environment as {
      Variables: Record<string, unknown>;
    };
    expect(JSON.stringify(variables.Variables.WEBHOOK_URL_PARAMETER)).toContain(":parameter/drainer/webhook");
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(["ssm:GetParameter"]),
            Resource: variables.Variables.WEBHOOK_URL_PARAMETER,
          }),
        ]),
      },
    });
  });

  it("passes a webhook secret's ARN and lets the function read it", () => {
    const { stack } = drainerStack({}, (scope) => ({
      webhookUrl: secretsmanager.Secret.fromSecretNameV2(scope, "Hook", "drainer/webhook"),
    }));
    const secret = stack.node.findChild("Hook") as secretsmanager.ISecret;
    const template = templateOf(stack);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ WEBHOOK_URL_PARAMETER: stack.resolve(secret.secretArn) }),
      },
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(["secretsmanager:GetSecretValue"]) }),
        ]),
      },
    });
  });

  it("serves further clusters: SERVED_CLUSTERS, DescribeCluster and an access entry on each", () => {
    const template = templateOf(drainerStack({ servedClusters: ["staging"] }).stack);
    const entries = Object.values(template.findResources("AWS::EKS::AccessEntry")).map(
      (entry) => (entry.Properties as { ClusterName: string; KubernetesGroups: string[] }).ClusterName,
    );
    expect(entries.sort()).toEqual(["prod", "staging"]);
    template.allResourcesProperties("AWS::EKS::AccessEntry", { KubernetesGroups: ["eks-node-drainer"] });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ SERVED_CLUSTERS: "prod,staging" }) },
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: "DescribeClusters",
            Resource: [Match.objectLike({}), Match.objectLike({})],
          }),
        ]),
      },
    });
  });

  it("reserves concurrency when asked", () => {
    templateOf(drainerStack({ reservedConcurrency: 3 }).stack).hasResourceProperties(
      "AWS::Lambda::Function",
      {
        ReservedConcurrentExecutions: 3,
      },
    );
  });
});
