import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ContinuationMessage } from "../events/continuation.js";
import { wrapAwsError } from "./aws-error.js";

/** A short pause before the continuation is delivered, so that a hand-off never becomes a hot loop. */
export const defaultContinuationDelaySeconds = 5;

/**
 * SendMessage of a continuation on the notices queue with a short DelaySeconds (the Lambda's SQS mode and
 * the queue worker). The current message is then acknowledged, so that the queue's redelivery limit
 * counts failures only. It fits the lifecycle job's ContinuationScheduler port.
 */
export class SqsContinuations {
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
