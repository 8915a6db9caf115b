import { App, type CfnElement, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { readAppContext } from "../../infra/app-context.js";
import { NodeDrainerStack } from "../../infra/node-drainer-stack.js";
import { NodeDrainerTemplateStack } from "../../infra/template-stack.js";
import { drainerStack, inlineCode } from "./drainer-stacks.js";

/** Unacknowledged AwsSolutions findings, as "rule at construct path". */
function findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );
}

/** Every acknowledgment in the tree: rule id → reason. */
function acknowledgments(scope: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id, reason);
    }
  }
  return found;
}

const asgArn = (name: string) =>
  `Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/${name}]`;

describe("AwsSolutions checks", () => {
  it("find nothing unacknowledged in the construct with its defaults", () => {
    expect(findings(drainerStack().app)).toEqual([]);
  });

  it("find nothing unacknowledged in the construct in a VPC with every option", () => {
    const options = { reservedConcurrency: 2, servedClusters: ["staging"], launchHooks: true };
    const { app } = drainerStack(options, (scope) => ({
      vpc: ec2.Vpc.fromVpcAttributes(scope, "Vpc", {
        vpcId: "vpc-0123456789abcdef0",
        availabilityZones: ["eu-west-1a"],
        privateSubnetIds: ["subnet-0123456789abcdef0"],
      }),
      clusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(scope, "Cluster", "sg-0123456789abcdef0"),
    }));
    expect(findings(app)).toEqual([]);
  });

  it("find nothing unacknowledged in the CDK app's stack, and synthesis with the plugin succeeds", () => {
    const app = new App();
    const config = readAppContext((key) => ({ clusterName: "prod", asgNames: "ng-a,ng-b" })[key]);
    new NodeDrainerStack(app, "eks-node-drainer-prod", { config, code: inlineCode });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(findings(app)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it("find nothing unacknowledged in the plain CloudFormation template", () => {
    const app = new App();
    new NodeDrainerTemplateStack(app, "EksNodeDrainer");
    expect(findings(app)).toEqual([]);
  });

  it("acknowledge exactly the wildcards and the runtime, each of which is a real finding", () => {
    const { app, stack, drainer } = drainerStack();
    const functionId = stack.getLogicalId(drainer.function.node.defaultChild as CfnElement);
    const acknowledged = [...acknowledgments(app).keys()];
    expect(acknowledged.sort()).toEqual(
      [
        "Annotation::AwsSolutions-IAM5[Resource::*]",
        asgArn("ng-a"),
        asgArn("ng-b"),
        `Annotation::AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
        "Annotation::AwsSolutions-L1",
      ].sort(),
    );
    // Point cdk-nag at a metadata key nobody writes: it then reports what the acknowledgments hide.
    const key = Object.getOwnPropertyDescriptor(Validations, "ACKNOWLEDGED_RULES_METADATA_KEY");
    Object.defineProperty(Validations, "ACKNOWLEDGED_RULES_METADATA_KEY", {
      value: "ignored",
      configurable: true,
    });
    try {
      const unacknowledged = new Set(findings(app).map((finding) => finding.split(" at ")[0]));
      expect([...unacknowledged].sort()).toEqual(
        acknowledged.map((id) => id.replace("Annotation::", "")).sort(),
      );
    } finally {
      if (key) Object.defineProperty(Validations, "ACKNOWLEDGED_RULES_METADATA_KEY", key);
    }
  });

  it("acknowledge each finding with a written reason", () => {
    const { app } = drainerStack();
    for (const reason of acknowledgments(app).values()) expect(reason.length).toBeGreaterThan(60);
  });
});
