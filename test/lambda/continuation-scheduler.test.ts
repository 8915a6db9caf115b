import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import { SqsContinuations } from "../../src/aws/sqs-continuations.js";
import { continuationMessage } from "../../src/events/continuation.js";
import { parseInvocationEvent, parseSqsBody } from "../../src/events/intake.js";
import type { TerminationNotice } from "../../src/events/termination-notice.js";
import { SelfInvocationContinuations } from "../../src/lambda/self-invocation.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const queueUrl = "https://sqs.us-west-2.amazonaws.com/123456789012/notices";
const functionArn = "arn:aws:lambda:us-west-2:123456789012:function:drainer:live";
const notice: TerminationNotice = {
  instanceId: "i-0123456789abcdef0",
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  token: "87654321-4321-4321-4321-210987654321",
  clusterName: "prod",
  receivedAt: "2026-11-24T10:00:00.000Z",
  via: "sqs-eventbridge",
};

describe("SqsContinuations", () => {
  it("sends the continuation on the queue with a short delay, readable by the intake", async () => {
    const sqs = new SQSClient({ region: "us-west-2", credentials });
    const mock = mockClient(sqs);
    mock.on(SendMessageCommand).resolves({ MessageId: "m-1" });

    const where = await new SqsContinuations(sqs, queueUrl, 5).schedule(continuationMessage(notice, 3));

    const [call] = mock.commandCalls(SendMessageCommand);
    expect(call?.args[0].input).toMatchObject({ QueueUrl: queueUrl, DelaySeconds: 5 });
    expect(parseSqsBody(call?.args[0].input.MessageBody)).toEqual({ kind: "notice", notice, attempt: 3 });
    expect(where).toContain("m-1");
  });

  it("fails with a retryable AwsCallError when SQS throttles", async () => {
    const sqs = new SQSClient({ region: "us-west-2", credentials, maxAttempts: 1 });
    mockClient(sqs)
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));

    const failure = new SqsContinuations(sqs, queueUrl).schedule(continuationMessage(notice, 1));

    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining(queueUrl),
    });
  });

  it("refuses a delay SQS would refuse", () => {
    const sqs = new SQSClient({ region: "us-west-2", credentials });
    expect(() => new SqsContinuations(sqs, queueUrl, 901)).toThrow(/0–900/);
  });
});

describe("SelfInvocationContinuations", () => {
  it("invokes the same function version asynchronously with the continuation", async () => {
    const lambda = new LambdaClient({ region: "us-west-2", credentials });
    const mock = mockClient(lambda);
    mock.on(InvokeCommand).resolves({ StatusCode: 202 });

    await new SelfInvocationContinuations(lambda, functionArn).schedule(continuationMessage(notice, 2));

    const input = mock.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: functionArn, InvocationType: "Event" });
    const payload = JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array));
    expect(parseInvocationEvent(payload)).toEqual({ kind: "notice", notice, attempt: 2 });
  });

  it("fails with a non-retryable AwsCallError when the function may not invoke itself", async () => {
    const lambda = new LambdaClient({ region: "us-west-2", credentials, maxAttempts: 1 });
    mockClient(lambda)
      .on(InvokeCommand)
      .rejects(
        Object.assign(new Error("not authorized"), {
          name: "AccessDeniedException",
          $metadata: { httpStatusCode: 403 },
        }),
      );

    await expect(
      new SelfInvocationContinuations(lambda, functionArn).schedule(continuationMessage(notice, 2)),
    ).rejects.toMatchObject({ name: "AwsCallError", retryable: false });
  });
});
