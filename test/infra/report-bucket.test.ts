import { App, Duration, type Stack } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { readAppContext } from "../../infra/app-context.js";
import { NodeDrainerStack } from "../../infra/node-drainer-stack.js";
import { NodeDrainerWorkerStack } from "../../infra/node-drainer-worker-stack.js";
import { drainerStack, inlineCode, onlyResource, propertiesOf, templateOf } from "./drainer-stacks.js";

describe("the drain reports' bucket (reportBucket)", () => {
  it("is not created by default", () => {
    const template = templateOf(drainerStack().stack);
    template.resourceCountIs("AWS::S3::Bucket", 0);
    const fn = propertiesOf(onlyResource(template, "AWS::Lambda::Function"));
    expect(JSON.stringify(fn)).not.toContain("REPORT_BUCKET");
  });

  it("is encrypted, private, TLS only, expires reports, and only takes PutObject from the function", () => {
    const { stack, drainer } = drainerStack({ reportBucket: true });
    const template = templateOf(stack);
    const bucketId = stack.getLogicalId(drainer.reportBucket?.node.defaultChild as never);
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, Status: "Enabled" })]),
      },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ REPORT_BUCKET: { Ref: bucketId } }) },
    });
    const statements = Object.values(template.findResources("AWS::IAM::Policy")).flatMap(
      (policy) =>
        (propertiesOf(policy) as { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } })
          .PolicyDocument.Statement,
    );
    const s3Statements = statements.filter((statement) => JSON.stringify(statement.Action).includes("s3:"));
    expect(s3Statements).toEqual([
      expect.objectContaining({
        Action: "s3:PutObject",
        Resource: { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/*"]] },
      }),
    ]);
  });

  it("keeps reports as long as asked", () => {
    const { stack } = drainerStack({ reportBucket: { expiration: Duration.days(7) } });
    templateOf(stack).hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) },
    });
  });

  it("is created by the app with -c reportBucket=true, its expiry from -c reportExpirationDays", () => {
    const app = new App();
    const config = readAppContext(
      (key) =>
        ({ clusterName: "prod", asgNames: "ng-a", reportBucket: "true", reportExpirationDays: "14" })[key],
    );
    const stack = new NodeDrainerStack(app, "eks-node-drainer-prod", { config, code: inlineCode });
    templateOf(stack as Stack).hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 14 })]) },
    });
  });

  it("leaves no unacknowledged AwsSolutions finding", () => {
    const { app } = drainerStack({ reportBucket: true });
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      ),
    ).toEqual([]);
  });

  it("is created for the worker too (-c mode=worker), its name an output for the Deployment's REPORT_BUCKET", () => {
    const app = new App();
    const config = readAppContext(
      (key) => ({ clusterName: "prod", asgNames: "ng-a", mode: "worker", reportBucket: "true" })[key],
    );
    const stack = new NodeDrainerWorkerStack(app, "eks-node-drainer-worker", { config });
    const template = templateOf(stack);
    template.resourceCountIs("AWS::S3::Bucket", 1);
    const bucketId = stack.getLogicalId(stack.worker.reportBucket?.node.defaultChild as never);
    template.hasOutput("ReportBucket", { Value: { Ref: bucketId } });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "s3:PutObject",
            Resource: { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/*"]] },
          }),
        ]),
      },
    });
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.flatMap((violation) => violation.violatingResources)).toEqual([]);
  });
});
