import { createHash, randomUUID } from "node:crypto";
import type { Clock } from "../time/clock.js";

/** One message as the queue keeps it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  /** When it may be received (again): after its delay, or when its visibility timeout ends. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The receipt handle of the latest receive; only it deletes the message or changes its visibility. */
  receiptHandle?: string;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes: Record<string, string>;
}

/** An SQS error as the JSON protocol names it (`__type`) with its query-compatible code. */
export class QueueError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface SimulatedQueueOptions {
  name: string;
  url: string;
  clock: Clock;
  /** Seconds a received message stays invisible unless the receive says otherwise; SQS's default 30. */
  visibilityTimeoutSeconds?: number;
  /** Redrive: after this many receives, the next receive moves the message to `deadLetter` instead. */
  redrive?: { deadLetter: SimulatedQueue; maxReceiveCount: number };
}

/**
 * A standard SQS queue in memory, on the simulation's clock: delays, visibility timeouts, receive counts,
 * receipt handles (only the latest one deletes: an older handle's DeleteMessage succeeds and deletes
 * nothing, as SQS documents), and a redrive policy that moves a message received maxReceiveCount times
 * to its dead-letter queue on the next receive.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export class SimulatedQueue {
  readonly name: string;
  readonly url: string;
  private readonly messages: QueuedMessage[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: SimulatedQueueOptions) {
    this.name = options.name;
    this.url = options.url;
  }

  send(body: string, delaySeconds = 0): QueuedMessage {
    checkRange("DelaySeconds", delaySeconds, 900);
    const now = this.options.clock.now();
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: createHash("md5").update(body).digest("hex"),
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.messages.push(message);
    this.wake();
    return message;
  }

  /** Takes up to `max` visible messages, making them invisible for `visibilitySeconds`. */
  receive(max: number, visibilitySeconds?: number): ReceivedMessage[] {
    const now = this.options.clock.now();
    const taken: ReceivedMessage[] = [];
    for (const message of [...this.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      const redrive = this.options.redrive;
      if (redrive !== undefined && message.receiveCount >= redrive.maxReceiveCount) {
        this.remove(message);
        redrive.deadLetter.adopt(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomUUID();
      message.visibleAt = now + (visibilitySeconds ?? this.options.visibilityTimeoutSeconds ?? 30) * 1000;
      taken.push({
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: message.md5OfBody,
        Body: message.body,
        Attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
      });
    }
    return taken;
  }

  delete(receiptHandle: string): void {
    const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (message !== undefined) this.remove(message);
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    checkRange("VisibilityTimeout", seconds, 43_200);
    const now = this.options.clock.now();
    const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (message === undefined || message.visibleAt <= now) {
      throw new QueueError(
        "com.amazonaws.sqs#MessageNotInflight",
        "AWS.SimpleQueueService.MessageNotInflight",
        "The message referred to isn't in flight.",
      );
    }
    message.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.wake();
  }

  /** Every message still in the queue (in flight or not), oldest first. */
  all(): QueuedMessage[] {
    return this.messages.map((message) => ({ ...message }));
  }

  /** When the next message becomes visible (epoch ms), or undefined for an empty queue. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.messages) next = Math.min(next ?? message.visibleAt, message.visibleAt);
    return next;
  }

  /** Resolves when a message may have become visible (sent, or handed back), or the signal aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private adopt(message: QueuedMessage): void {
    const { receiptHandle: _handle, ...kept } = message;
    this.messages.push({ ...kept, visibleAt: this.options.clock.now() });
    this.wake();
  }

  private remove(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** SQS's answer to a parameter out of its range (whole seconds from 0). */
function checkRange(parameter: string, value: number, max: number): void {
  if (Number.isInteger(value) && value >= 0 && value <= max) return;
  throw new QueueError(
    "com.amazonaws.sqs#InvalidParameterValue",
    "InvalidParameterValue",
    `Value ${value} for parameter ${parameter} is invalid. Reason: must be between 0 and ${max}.`,
  );
}
