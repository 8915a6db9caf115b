import { App, Duration, Stack } from "aws-cdk-lib";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { launchDetailType } from "../../infra/launch-hooks.js";
import { NodeDrainerWorker } from "../../infra/node-drainer-worker.js";
import { synthesizeTemplate } from "../../infra/template-synthesis.js";
import { type TemplateDocument, TemplateEvaluator } from "./cfn-evaluator.js";
import { drainerStack, templateOf } from "./drainer-stacks.js";

const launching = "autoscaling:EC2_INSTANCE_LAUNCHING";

function launchHooksOf(template: ReturnType<typeof templateOf>) {
  return Object.values(template.findResources("AWS::AutoScaling::LifecycleHook"))
    .map((hook) => hook.Properties as Record<string, unknown>)
    .filter((hook) => hook.LifecycleTransition === launching);
}

describe("launch hooks in the construct (opt-in)", () => {
  it("are off by default: no launch hook, no launch rule, no launch settings", () => {
    const template = templateOf(drainerStack().stack);
    expect(launchHooksOf(template)).toEqual([]);
    expect(launchRulesOf(template)).toEqual([]);
    const variables = Object.values(template.findResources("AWS::Lambda::Function"))[0]?.Properties
      ?.Environment?.Variables as Record<string, unknown>;
    expect(Object.keys(variables).filter((name) => name.startsWith("LAUNCH_"))).toEqual([]);
  });

  it("with launchHooks: true hook each group's launches, route them to the queue and set the defaults", () => {
    const { stack } = drainerStack({ launchHooks: true });
    const template = templateOf(stack);
    expect(launchHooksOf(template)).toEqual(
      ["ng-a", "ng-b"].map((group) => ({
        AutoScalingGroupName: group,
        LifecycleHookName: "eks-node-drainer-launch",
        LifecycleTransition: launching,
        HeartbeatTimeout: 900,
        DefaultResult: "ABANDON",
        NotificationMetadata: '{"clusterName":"prod"}',
      })),
    );
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.autoscaling"],
        "detail-type": [launchDetailType],
        detail: { AutoScalingGroupName: ["ng-a", "ng-b"], LifecycleHookName: ["eks-node-drainer-launch"] },
      },
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("NoticeQueue"), "Arn"] } })],
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ LAUNCH_SETTLE_SECONDS: "30", LAUNCH_TIMEOUT_RESULT: "ABANDON" }),
      },
    });
  });

  it("take a settle time, a timeout result and a heartbeat timeout", () => {
    const template = templateOf(
      drainerStack({
        launchHooks: {
          settle: Duration.seconds(90),
          timeoutResult: "CONTINUE",
          heartbeatTimeout: Duration.minutes(20),
        },
      }).stack,
    );
    expect(launchHooksOf(template)[0]).toMatchObject({ HeartbeatTimeout: 1200, DefaultResult: "CONTINUE" });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ LAUNCH_SETTLE_SECONDS: "90", LAUNCH_TIMEOUT_RESULT: "CONTINUE" }),
      },
    });
  });

  it("refuse a heartbeat timeout Auto Scaling would refuse", () => {
    expect(() => drainerStack({ launchHooks: { heartbeatTimeout: Duration.seconds(10) } })).toThrow(
      /launchHooks.heartbeatTimeout/,
    );
  });

  it("exist in the worker mode too", () => {
    const stack = new Stack(new App(), "Worker");
    new NodeDrainerWorker(stack, "NodeDrainer", {
      clusterName: "prod",
      autoScalingGroups: ["ng-a"],
      launchHooks: true,
    });
    const template = templateOf(stack);
    expect(launchHooksOf(template)).toHaveLength(1);
    expect(launchRulesOf(template)).toHaveLength(1);
  });
});

describe("launch hooks in the plain template", () => {
  const template = synthesizeTemplate() as unknown as TemplateDocument;
  const required = { ClusterName: "prod", CodeBucket: "b", CodeKey: "k.zip", AsgNames: "ng-a,ng-b" };
  const launchHookNames = (stack: TemplateEvaluator) =>
    stack
      .createdResources("AWS::AutoScaling::LifecycleHook")
      .map((id) => stack.evaluate(template.Resources[id]?.Properties) as Record<string, unknown>)
      .filter((hook) => hook.LifecycleTransition === launching)
      .map((hook) => `${hook.AutoScalingGroupName}/${hook.LifecycleHookName}/${hook.DefaultResult}`);

  it("are created only with LaunchHooks=true, one per listed group", () => {
    expect(launchHookNames(new TemplateEvaluator(template, required))).toEqual([]);
    const on = new TemplateEvaluator(template, {
      ...required,
      LaunchHooks: "true",
      LaunchTimeoutResult: "CONTINUE",
    });
    expect(launchHookNames(on)).toEqual([
      "ng-a/eks-node-drainer-launch-1/CONTINUE",
      "ng-b/eks-node-drainer-launch-2/CONTINUE",
    ]);
  });

  it("pass the settle time and the timeout result to the function", () => {
    const stack = new TemplateEvaluator(template, {
      ...required,
      LaunchHooks: "true",
      LaunchSettleSeconds: "45",
      LaunchTimeoutResult: "ABANDON",
    });
    const fnId = stack.createdResources("AWS::Lambda::Function")[0] ?? "";
    const fn = stack.evaluate(template.Resources[fnId]?.Properties) as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(fn.Environment.Variables).toMatchObject({
      LAUNCH_SETTLE_SECONDS: "45",
      LAUNCH_TIMEOUT_RESULT: "ABANDON",
    });
  });
});

/** The EventBridge rules that route launch lifecycle actions. */
function launchRulesOf(template: Template): unknown[] {
  return Object.values(
    template.findResources("AWS::Events::Rule", {
      Properties: { EventPattern: { "detail-type": [launchDetailType] } },
    }),
  );
}
