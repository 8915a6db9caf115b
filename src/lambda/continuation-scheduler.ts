import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { wrapAwsError } from "../aws/aws-error.js";
import type { ContinuationMessage } from "../events/continuation.js";

/** Sends the message that resumes a drain in a later invocation. Failures are AwsCallErrors. */
export interface ContinuationScheduler {
  /** Resolves once the message is accepted; the text says where it went, for the log. */
  schedule(message: ContinuationMessage): Promise<string>;
}

/** A short pause before the continuation is delivered, so that a hand-off never becomes a hot loop. */
export const defaultContinuationDelaySeconds = 5;

/**
 * SQS mode: SendMessage of the continuation on the notices queue with a short DelaySeconds. The current
 * record is then acknowledged, so that the queue's redelivery limit counts failures only.
 */
export class SqsContinuations implements ContinuationScheduler {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly delaySeconds = defaultContinuationDelaySeconds,
  ) {
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw new RangeError(`continuation delay must be 0–900 whole seconds, got ${delaySeconds}`);
    }
  }

  async schedule(message: ContinuationMessage): Promise<string> {
    try {
      const sent = await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: this.delaySeconds,
        }),
      );
      return `SQS message ${sent.MessageId ?? "?"} on ${this.queueUrl} (delay ${this.delaySeconds} s)`;
    } catch (cause) {
      throw wrapAwsError(`sending continuation ${message.attempt} to ${this.queueUrl}`, cause);
    }
  }
}

/**
 * Direct mode: an asynchronous invocation of this same function (its invoked ARN, alias included) with the
 * continuation as payload. Lambda queues it and retries it on failure like any asynchronous event.
 */
export class SelfInvocationContinuations implements ContinuationScheduler {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async schedule(message: ContinuationMessage): Promise<string> {
    try {
      const answer = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionArn,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(message)),
        }),
      );
      if (answer.FunctionError !== undefined) {
        throw new Error(`the invocation answered FunctionError ${answer.FunctionError}`);
      }
      return `asynchronous invocation of ${this.functionArn} (status ${answer.StatusCode ?? "?"})`;
    } catch (cause) {
      throw wrapAwsError(`invoking ${this.functionArn} with continuation ${message.attempt}`, cause);
    }
  }
}
