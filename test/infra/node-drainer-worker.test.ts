import { App, Stack } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { NodeDrainerWorker, type NodeDrainerWorkerProps } from "../../infra/node-drainer-worker.js";
import { onlyResource, propertiesOf, templateOf } from "./drainer-stacks.js";

function workerStack(props: Partial<NodeDrainerWorkerProps> = {}) {
  const app = new App();
  const stack = new Stack(app, "Worker");
  const worker = new NodeDrainerWorker(stack, "NodeDrainer", {
    clusterName: "prod",
    autoScalingGroups: ["ng-a", "ng-b"],
    ...props,
  });
  return { app, stack, worker, template: templateOf(stack) };
}

interface Statement {
  Effect: string;
  Action: string | string[];
}

describe("NodeDrainerWorker: the construct's worker mode", () => {
  it("creates the hooks, the rule and the notices queue with its dead-letter queue, and no Lambda", () => {
    const { template } = workerStack();
    template.resourceCountIs("AWS::AutoScaling::LifecycleHook", 2);
    // The terminate hooks' rule, and the two EC2 rules (interruptions; instances shutting down or stopping).
    template.resourceCountIs("AWS::Events::Rule", 3);
    template.resourceCountIs("AWS::SQS::Queue", 2);
    template.resourceCountIs("AWS::Lambda::Function", 0);
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    template.resourceCountIs("AWS::EKS::AccessEntry", 0);
    template.hasResourceProperties("AWS::AutoScaling::LifecycleHook", {
      LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      NotificationMetadata: '{"clusterName":"prod"}',
    });
  });

  it("gives the worker's service account an IAM role through EKS Pod Identity", () => {
    const { template, stack, worker } = workerStack();
    const role = propertiesOf(onlyResource(template, "AWS::IAM::Role"));
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        },
      ],
    });
    const association = propertiesOf(onlyResource(template, "AWS::EKS::PodIdentityAssociation"));
    expect(association).toMatchObject({
      ClusterName: "prod",
      Namespace: "eks-node-drainer",
      ServiceAccount: "eks-node-drainer",
    });
    expect(stack.resolve(association.RoleArn)).toEqual(stack.resolve(worker.role.roleArn));
  });

  it("lets the role handle lifecycle actions, look up instances, and consume and feed the queue", () => {
    const { template } = workerStack();
    const actions = Object.values(template.findResources("AWS::IAM::Policy")).flatMap((policy) =>
      ((propertiesOf(policy).PolicyDocument as { Statement: Statement[] }).Statement ?? []).flatMap(
        (statement) => [statement.Action].flat(),
      ),
    );
    for (const action of [
      "autoscaling:CompleteLifecycleAction",
      "autoscaling:RecordLifecycleActionHeartbeat",
      "autoscaling:DescribeLifecycleHooks",
      "autoscaling:DescribeAutoScalingGroups",
      "ec2:DescribeInstances",
      "sqs:ReceiveMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:SendMessage",
    ]) {
      expect(actions, action).toContain(action);
    }
  });

  it("leaves the association out for IRSA, and takes another service account", () => {
    expect(
      workerStack({ podIdentity: false }).template.findResources("AWS::EKS::PodIdentityAssociation"),
    ).toEqual({});
    const { template } = workerStack({ serviceAccount: { namespace: "ops", name: "drainer" } });
    template.hasResourceProperties("AWS::EKS::PodIdentityAssociation", {
      Namespace: "ops",
      ServiceAccount: "drainer",
    });
  });

  it("passes the AwsSolutions checks", () => {
    const { app } = workerStack();
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});

describe("the CDK app with -c mode=worker", () => {
  it("builds the worker stack: queue URL and role as outputs, no function", async () => {
    const { readAppContext } = await import("../../infra/app-context.js");
    const { NodeDrainerWorkerStack } = await import("../../infra/node-drainer-worker-stack.js");
    const context: Record<string, string> = { clusterName: "prod", asgNames: "ng-a", mode: "worker" };
    const config = readAppContext((key) => context[key]);
    expect(config.mode).toBe("worker");
    const stack = new NodeDrainerWorkerStack(new App(), "eks-node-drainer-prod", { config });
    const template = templateOf(stack);
    template.resourceCountIs("AWS::Lambda::Function", 0);
    expect(Object.keys(template.findOutputs("*")).sort()).toEqual([
      "DeadLetterQueueUrl",
      "QueueUrl",
      "RoleArn",
    ]);
  });
});
