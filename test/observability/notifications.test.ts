import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryLog } from "../lambda/support/memory-log.js";
import { drainedInstance, drainedNode, quickDrainScenario } from "../lambda/support/scenarios.js";
import { type ObservedHarness, startObservedHarness } from "./support/observed-handler.js";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.js";

const topicArn = "arn:aws:sns:us-west-2:123456789012:node-drains";
const parameterArn = "arn:aws:ssm:us-west-2:123456789012:parameter/eks-node-drainer/webhook-url";

describe("drain notifications through the handler", () => {
  let harness: ObservedHarness | undefined;
  let receiver: WebhookReceiver;
  let sns: AwsClientStub<SNSClient>;
  let ssm: AwsClientStub<SSMClient>;
  let log: MemoryLog;
  const metrics: Record<string, unknown>[] = [];

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    // The SNS client is built by the handler itself, on the first notification: mocked for every instance.
    sns = mockClient(SNSClient);
    ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: parameterArn, Value: receiver.url } });
    log = new MemoryLog();
    metrics.length = 0;
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    sns.restore();
    ssm.restore();
    await receiver.stop();
  });

  async function drainWithNotifications(): Promise<void> {
    harness = await startObservedHarness({
      scenario: quickDrainScenario,
      log,
      env: { NOTIFY_TOPIC_ARN: topicArn, WEBHOOK_URL_PARAMETER: parameterArn },
      dependencies: { metrics: (line) => metrics.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const { event } = harness.asg.terminate(drainedInstance);
    const answer = await harness.invokeDirect(event);
    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
  }

  it("posts Slack-compatible JSON to the webhook read from SSM when the drain starts and when it ends", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });

    await drainWithNotifications();

    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: parameterArn, WithDecryption: true },
    ]);
    expect(receiver.posts.map((post) => post.path)).toEqual([
      "/services/T0001/B0002/hook-secret-0123456789abcdef",
      "/services/T0001/B0002/hook-secret-0123456789abcdef",
    ]);
    const [started, finished] = receiver.posts;
    expect(started?.contentType).toMatch(/^application\/json/);
    expect(started?.body).toMatchObject({
      text: expect.stringContaining(`Draining node ${drainedNode}`),
      blocks: [
        { type: "header", text: { type: "plain_text", text: `Draining node ${drainedNode}` } },
        {
          type: "section",
          fields: expect.arrayContaining([
            { type: "mrkdwn", text: "*Cluster*\nprod" },
            { type: "mrkdwn", text: `*Node*\n${drainedNode}` },
            { type: "mrkdwn", text: `*Instance*\n${drainedInstance}` },
            { type: "mrkdwn", text: "*Auto Scaling group*\nprod-workers" },
          ]),
        },
        { type: "context", elements: [{ type: "mrkdwn", text: expect.stringContaining("drain-started") }] },
      ],
    });
    expect(finished?.body.text).toContain(`Drained node ${drainedNode}`);
    expect(finished?.body.blocks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          fields: expect.arrayContaining([
            { type: "mrkdwn", text: "*Lifecycle action*\nCONTINUE" },
            { type: "mrkdwn", text: "*Pods evicted*\n2" },
          ]),
        }),
      ]),
    );
  }, 60_000);

  it("publishes the same notifications to SNS, with a subject and filterable attributes", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });

    await drainWithNotifications();

    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.MessageAttributes?.type?.StringValue)).toEqual([
      "drain-started",
      "drain-finished",
    ]);
    const finished = inputs[1];
    expect(finished).toMatchObject({
      TopicArn: topicArn,
      Subject: `eks-node-drainer: Drained node ${drainedNode}`,
      MessageAttributes: {
        severity: { DataType: "String", StringValue: "info" },
        clusterName: { DataType: "String", StringValue: "prod" },
        asgName: { DataType: "String", StringValue: "prod-workers" },
      },
    });
    expect(JSON.parse(finished?.Message ?? "{}")).toMatchObject({
      source: "eks-node-drainer",
      type: "drain-finished",
      instanceId: drainedInstance,
      nodeName: drainedNode,
      clusterName: "prod",
      details: { "Lifecycle action": "CONTINUE", Ending: "drained" },
    });
    expect(log.find("notification sent").map((line) => line.fields.channels)).toEqual([
      ["sns", "webhook"],
      ["sns", "webhook"],
    ]);
  }, 60_000);

  it("goes on with the drain when both channels fail, logs why without the webhook URL, and counts it", async () => {
    receiver.answerWith(500);
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error("User is not authorized"), { name: "AuthorizationError" }));

    await drainWithNotifications();

    const warnings = log.find("notification failed");
    expect(warnings.map((line) => line.fields.channel).sort()).toEqual(["sns", "sns", "webhook", "webhook"]);
    expect(warnings.find((line) => line.fields.channel === "webhook")?.fields.error).toBe(
      "the webhook answered HTTP 500",
    );
    expect(String(warnings.find((line) => line.fields.channel === "sns")?.fields.error)).toContain(
      "AuthorizationError",
    );
    const everything = JSON.stringify(log.lines);
    expect(everything).not.toContain("hook-secret-0123456789abcdef");
    expect(metrics.find((document) => "NotificationFailures" in document)?.NotificationFailures).toBe(4);
  }, 60_000);
});
