import type { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsCallError, wrapAwsError } from "./aws-error.js";

export interface SnsMessage {
  /** At most 100 printable ASCII characters (e-mail subscribers see it). */
  subject: string;
  message: string;
  /** String attributes, for subscription filter policies. */
  attributes: Record<string, string>;
}

const topicArnPattern =
  /^arn:aws(?:-[a-z]+)*:sns:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

/** Publishes to one SNS topic. Failures are AwsCallErrors saying whether a retry can help. */
export class SnsPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly command: typeof PublishCommand,
    readonly topicArn: string,
  ) {}

  async publish(message: SnsMessage): Promise<string | undefined> {
    try {
      const answer = await this.client.send(
        new this.command({
          TopicArn: this.topicArn,
          Subject: message.subject,
          Message: message.message,
          MessageAttributes: Object.fromEntries(
            Object.entries(message.attributes).map(([name, value]) => [
              name,
              { DataType: "String", StringValue: value },
            ]),
          ),
        }),
      );
      return answer.MessageId;
    } catch (error) {
      throw wrapAwsError(`publishing to SNS topic ${this.topicArn}`, error);
    }
  }
}

/**
 * A publisher for `topicArn`, with a client in the topic's own region unless one is given. The SNS SDK is
 * imported here, on first use: a drainer without a topic never loads it.
 */
export async function snsPublisherFor(topicArn: string, client?: SNSClient): Promise<SnsPublisher> {
  const region = topicArnPattern.exec(topicArn)?.[1];
  if (region === undefined) {
    throw new AwsCallError(
      `NOTIFY_TOPIC_ARN: expected an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got "${topicArn}"`,
      { retryable: false },
    );
  }
  const sns = await import("@aws-sdk/client-sns");
  return new SnsPublisher(client ?? new sns.SNSClient({ region }), sns.PublishCommand, topicArn);
}
