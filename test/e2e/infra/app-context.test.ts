import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { AppContextError, readAppContext } from "../../../infra/app-context.js";
import { projectRoot } from "../../../infra/lambda-bundle.js";
import { NodeDrainerStack } from "../../../infra/node-drainer-stack.js";
import { inlineCode } from "../../infra/drainer-stacks.js";

const from = (context: Record<string, unknown>) => readAppContext((key) => context[key]);

describe("app context", () => {
  it("reads the cluster and a comma-separated group list, as -c gives them", () => {
    expect(from({ clusterName: "prod", asgNames: "ng-a, ng-b,," })).toEqual({
      clusterName: "prod",
      asgNames: ["ng-a", "ng-b"],
    });
  });

  it("accepts cdk.json's typed values too", () => {
    expect(
      from({
        clusterName: "prod",
        asgNames: ["ng-a"],
        evictDaemonSets: true,
        heartbeatTimeout: 600,
        accessEntry: "false",
      }),
    ).toMatchObject({ asgNames: ["ng-a"], evictDaemonSets: true, heartbeatTimeout: 600, accessEntry: false });
  });

  it("names every missing key and shows how to pass them", () => {
    expect(() => from({})).toThrow(AppContextError);
    expect(() => from({})).toThrow(
      /missing context clusterName; missing context asgNames\nusage: npx cdk deploy -c clusterName=/,
    );
  });

  it("names an invalid value", () => {
    expect(() => from({ clusterName: "prod", asgNames: ",," })).toThrow(
      /context asgNames: name at least one Auto Scaling group/,
    );
    expect(() => from({ clusterName: "prod", asgNames: "a", heartbeatTimeout: "10" })).toThrow(
      /context heartbeatTimeout:/,
    );
    expect(() => from({ clusterName: "prod", asgNames: "a", evictDaemonSets: "yes" })).toThrow(
      /context evictDaemonSets:/,
    );
  });

  it("requires a VPC id with subnets, and subnets with a VPC id", () => {
    expect(() => from({ clusterName: "prod", asgNames: "a", subnetIds: "subnet-1" })).toThrow(/need vpcId/);
    expect(() => from({ clusterName: "prod", asgNames: "a", vpcId: "vpc-1" })).toThrow(
      /vpcId needs subnetIds/,
    );
  });
});

describe("the CDK app", () => {
  it("exits with the usage when run without context", async () => {
    const run = promisify(execFile)("npx", ["tsx", join("infra", "app.ts")], {
      cwd: projectRoot,
      env: { ...process.env, CDK_CONTEXT_JSON: "{}" },
      timeout: 60_000,
    });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/missing context clusterName/) });
  });
});

describe("the stack built from context", () => {
  it("runs the function in the named subnets and opens the cluster's security group to it", () => {
    const app = new App();
    const config = from({
      clusterName: "prod",
      asgNames: "ng-a",
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
      clusterSecurityGroupId: "sg-0123456789abcdef0",
      accessEntry: "false",
    });
    const template = Template.fromStack(
      new NodeDrainerStack(app, "eks-node-drainer-prod", { config, code: inlineCode }),
    );
    template.hasResourceProperties("AWS::Lambda::Function", {
      VpcConfig: { SubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
    });
    template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", {
      GroupId: "sg-0123456789abcdef0",
      FromPort: 443,
    });
    template.resourceCountIs("AWS::EKS::AccessEntry", 0);
    expect(Object.keys(template.toJSON().Outputs)).toEqual([
      "RoleArn",
      "QueueUrl",
      "DeadLetterQueueUrl",
      "FunctionName",
    ]);
  });
});
