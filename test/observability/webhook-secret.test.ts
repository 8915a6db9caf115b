import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it, vi } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import { parseSecretReference, SecretReferenceError } from "../../src/aws/secret-reference.js";
import { snsPublisherFor } from "../../src/aws/sns-publisher.js";
import { WebhookUrlError, WebhookUrlSource, webhookUrlOf } from "../../src/aws/webhook-url-source.js";
import { notifierFromSettings } from "../../src/lifecycle/drain-notifier.js";

const parameterArn = "arn:aws:ssm:eu-west-1:123456789012:parameter/team/slack-webhook";
const secretArn = "arn:aws:secretsmanager:us-east-2:123456789012:secret:slack-webhook-AbCdEf";
const slackUrl = "https://hooks.slack.com/services/T0001/B0002/abcdefghijklmnop";

describe("WEBHOOK_URL_PARAMETER", () => {
  it.each([
    [parameterArn, { service: "ssm", region: "eu-west-1", name: "/team/slack-webhook" }],
    [secretArn, { service: "secretsmanager", region: "us-east-2", name: "slack-webhook-AbCdEf" }],
    [
      "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/hook",
      { service: "ssm", region: "us-gov-west-1", name: "/hook" },
    ],
  ])("reads %s", (arn, expected) => {
    expect(parseSecretReference(arn, "WEBHOOK_URL_PARAMETER")).toEqual({ arn, ...expected });
  });

  it.each([
    ["/team/slack-webhook", '"/team/slack-…"'],
    [slackUrl, "a URL (put the URL in the parameter or secret, and its ARN here)"],
    ["arn:aws:s3:::bucket/key", '"arn:aws:s3::…"'],
  ])("refuses %s, naming the setting without echoing a URL", (value, described) => {
    const attempt = () => parseSecretReference(value, "WEBHOOK_URL_PARAMETER");
    expect(attempt).toThrow(SecretReferenceError);
    expect(attempt).toThrow(`WEBHOOK_URL_PARAMETER: expected the ARN of an SSM parameter`);
    expect(attempt).toThrow(described);
    expect(() => attempt()).not.toThrow("abcdefghijklmnop");
  });

  it("turns the webhook off, not the drain, when the setting is not an ARN", () => {
    const built = notifierFromSettings({ WEBHOOK_URL_PARAMETER: slackUrl });
    expect(built.notifier).toBeUndefined();
    expect(built.problems).toHaveLength(1);
    expect(built.problems[0]).not.toContain("abcdefghijklmnop");
  });
});

describe("the webhook URL's value", () => {
  it("is the URL itself, or JSON with a url or webhookUrl field", () => {
    expect(webhookUrlOf(`  ${slackUrl}\n`, "p").href).toBe(slackUrl);
    expect(webhookUrlOf(JSON.stringify({ url: slackUrl }), "p").href).toBe(slackUrl);
    expect(webhookUrlOf(JSON.stringify({ webhookUrl: slackUrl }), "p").href).toBe(slackUrl);
  });

  it.each([
    ["http://hooks.example.com/x", "p: the webhook URL must use https (got http:)"],
    ["not a url", "p: the value is not a URL"],
    ['{"hook": "x"}', 'p: a JSON value needs a string field "url" or "webhookUrl"'],
    ["{nope", 'p: the value starts with "{" but is not JSON'],
  ])("refuses %s without repeating it", (value, message) => {
    expect(() => webhookUrlOf(value, "p")).toThrow(new WebhookUrlError(message));
  });
});

describe("WebhookUrlSource", () => {
  it("reads an SSM SecureString once per container, decrypted, and tells who must scrub it", async () => {
    const ssm = new SSMClient({ region: "eu-west-1" });
    const stub = mockClient(ssm);
    stub.on(GetParameterCommand).resolves({ Parameter: { Value: slackUrl } });
    const loaded: string[] = [];
    const source = new WebhookUrlSource({
      reference: parseSecretReference(parameterArn, "p"),
      ssm,
      onLoaded: (url) => loaded.push(url),
    });

    const urls = await Promise.all([source.url(), source.url()]);
    await source.url();

    expect(urls.map(String)).toEqual([slackUrl, slackUrl]);
    expect(stub.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: parameterArn, WithDecryption: true },
    ]);
    expect(loaded).toEqual([slackUrl]);
    source.forget();
    await source.url();
    expect(stub.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("keeps the URL for 15 minutes in the Powertools cache, then reads a rotated one", async () => {
    const ssm = new SSMClient({ region: "eu-west-1" });
    const stub = mockClient(ssm);
    const rotated = "https://hooks.slack.com/services/T0001/B0002/rotated";
    stub
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: slackUrl } })
      .resolves({ Parameter: { Value: rotated } });
    const loaded: string[] = [];
    const source = new WebhookUrlSource({
      reference: parseSecretReference(parameterArn, "p"),
      ssm,
      onLoaded: (url) => loaded.push(url),
    });
    // The provider's cache reads Date.now(); only the system time is moved, no timer runs.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-02T10:00:00Z") });
    try {
      expect(String(await source.url())).toBe(slackUrl);
      vi.setSystemTime(Date.parse("2026-12-02T10:14:00Z"));
      expect(String(await source.url())).toBe(slackUrl);
      expect(stub.commandCalls(GetParameterCommand)).toHaveLength(1);
      vi.setSystemTime(Date.parse("2026-12-02T10:16:00Z"));
      expect(String(await source.url())).toBe(rotated);
      expect(stub.commandCalls(GetParameterCommand)).toHaveLength(2);
      expect(loaded).toEqual([slackUrl, rotated]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not keep a failed read, and says whether retrying can help", async () => {
    const ssm = new SSMClient({ region: "eu-west-1" });
    const stub = mockClient(ssm);
    stub
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))
      .resolves({ Parameter: { Value: slackUrl } });
    const source = new WebhookUrlSource({ reference: parseSecretReference(parameterArn, "p"), ssm });

    const failure = await source.url().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true, code: "ThrottlingException" });
    expect((failure as Error).message).toContain(
      `reading the webhook URL from SSM parameter ${parameterArn}`,
    );
    expect(String(await source.url())).toBe(slackUrl);
  });

  it("reads a Secrets Manager secret by ARN with a client built in the secret's region", async () => {
    const stub = mockClient(SecretsManagerClient);
    try {
      stub.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: slackUrl }) });
      const source = new WebhookUrlSource({ reference: parseSecretReference(secretArn, "p") });

      expect(String(await source.url())).toBe(slackUrl);

      const call = stub.commandCalls(GetSecretValueCommand)[0];
      expect(call?.args[0].input).toEqual({ SecretId: secretArn });
      const client = call?.thisValue as SecretsManagerClient | undefined;
      expect(await client?.config.region()).toBe("us-east-2");
    } finally {
      stub.restore();
    }
  });
});

describe("SNS publishing", () => {
  it("publishes in the topic's region and refuses a value that is not a topic ARN", async () => {
    const stub = mockClient(SNSClient);
    try {
      stub.on(PublishCommand).resolves({ MessageId: "m-1" });
      const publisher = await snsPublisherFor("arn:aws:sns:ap-southeast-2:123456789012:drains");

      const id = await publisher.publish({
        subject: "s",
        message: "{}",
        attributes: { type: "drain-started" },
      });

      expect(id).toBe("m-1");
      const call = stub.commandCalls(PublishCommand)[0];
      const client = call?.thisValue as SNSClient | undefined;
      expect(await client?.config.region()).toBe("ap-southeast-2");
      await expect(snsPublisherFor("drains")).rejects.toThrow("NOTIFY_TOPIC_ARN: expected an SNS topic ARN");
    } finally {
      stub.restore();
    }
  });
});
