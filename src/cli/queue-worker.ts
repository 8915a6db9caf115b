import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Clock } from "../drain/clock.js";
import { EventError } from "../events/event-error.js";
import { parseSqsBody } from "../events/intake.js";
import {
  type ContinuationScheduler,
  type Delivery,
  describeError,
  type InterruptionDelivery,
  isRetryable,
  type JobLog,
  type NoticeOutcome,
} from "../lifecycle/index.js";

export interface QueueWorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The lifecycle job (LifecycleJob), run once per message. */
  job: { run(delivery: Delivery): Promise<NoticeOutcome> };
  /** The EC2 interruption events' job (InterruptionJob); without it they are ignored. */
  interruptions?: { run(delivery: InterruptionDelivery): Promise<NoticeOutcome> };
  /** How a drain is continued (SendMessage on the same queue); used only if a drain outlives its turn. */
  continuations: ContinuationScheduler;
  log: JobLog;
  clock: Clock;
  /** Messages handled at once. */
  concurrency: number;
  /** ReceiveMessage long polling, seconds (0–20). */
  waitTimeSeconds: number;
  /** How long a received message stays invisible; extended every third of it while its drain runs. */
  visibilityTimeoutSeconds: number;
  /** After a failed notice, the message becomes visible again after this long (then the DLQ's count). */
  retryDelaySeconds: number;
  /** Told of each message's end: acknowledged (outcome kind), failed, or handed back. */
  onSettled?: (settled: { messageId: string; result: string }) => void;
}

/** A failed ReceiveMessage is tried again after this long, at most. */
const maxPollBackoffMs = 30_000;

/**
 * The in-cluster queue worker: long-polls the notices queue (the same queue the CDK construct creates),
 * runs the lifecycle job for each message with bounded concurrency, keeps the message invisible while its
 * drain runs, deletes it once the job answers, and gives it back otherwise: after `retryDelaySeconds` when
 * the notice failed (so that a poison message reaches the dead-letter queue after maxReceiveCount), at once
 * when the worker shuts down (the drain stops with its state saved; another replica resumes it). The lease
 * belongs to the message (`owner` is its ID): a copy of the message received again after a crash takes
 * the drain over, while a duplicated notice (another message) is acknowledged as a duplicate.
 */
export class QueueWorker {
  private readonly running = new Set<Promise<void>>();
  private polledOnce = false;
  private pollFailures = 0;

  constructor(private readonly options: QueueWorkerOptions) {}

  /** True once a poll of the queue has succeeded, and as long as the last one did. */
  get ready(): boolean {
    return this.polledOnce && this.pollFailures === 0;
  }

  /** Messages being handled now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Polls until `shutdown` aborts, then hands back what is in flight and resolves once all is settled. */
  async run(shutdown: AbortSignal): Promise<void> {
    const { clock, log } = this.options;
    const stopped = aborted(shutdown);
    while (!shutdown.aborted) {
      if (this.running.size >= this.options.concurrency) {
        await Promise.race([...this.running, stopped]);
        continue;
      }
      let messages: Message[];
      try {
        messages = await this.receive(this.options.concurrency - this.running.size, shutdown);
        this.polledOnce = true;
        this.pollFailures = 0;
      } catch (error) {
        if (shutdown.aborted) break;
        this.pollFailures += 1;
        const backoff = Math.min(maxPollBackoffMs, 500 * 2 ** Math.min(this.pollFailures, 6));
        log.warn("receiving from the queue failed", { error: describeError(error), retryInMs: backoff });
        await clock.sleep(backoff, shutdown).catch(() => undefined);
        continue;
      }
      for (const message of messages) {
        const handling = this.handle(message, shutdown).finally(() => this.running.delete(handling));
        this.running.add(handling);
      }
    }
    log.info("shutting down: giving back the messages in flight", { inFlight: this.running.size });
    await Promise.all([...this.running]);
  }

  private async receive(max: number, shutdown: AbortSignal): Promise<Message[]> {
    const answer = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: this.options.waitTimeSeconds,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
      { abortSignal: shutdown },
    );
    return answer.Messages ?? [];
  }

  private async handle(message: Message, shutdown: AbortSignal): Promise<void> {
    const { log } = this.options;
    const messageId = message.MessageId ?? "?";
    const receiptHandle = message.ReceiptHandle ?? "";
    const fields = { messageId, receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0) };
    const keeper = this.keepInvisible(receiptHandle, messageId);
    let result: string;
    try {
      const intake = parseSqsBody(message.Body ?? "");
      if (intake.kind === "ignored") {
        log.info("notice ignored", { ...fields, reason: intake.reason });
        result = "ignored";
      } else if (intake.kind === "interruption") {
        const handler = this.options.interruptions;
        const outcome: NoticeOutcome =
          handler === undefined
            ? { kind: "ignored", reason: `${intake.notice.kind} events are not handled here` }
            : await handler.run({
                notice: intake.notice,
                remainingMs: () => Number.POSITIVE_INFINITY,
                signal: shutdown,
              });
        const { kind, ...details } = outcome;
        log.info(`notice ${kind}`, { ...fields, instanceId: intake.notice.instanceId, ...details });
        result = kind;
      } else {
        const outcome = await this.options.job.run({
          notice: intake.notice,
          attempt: intake.attempt,
          owner: `sqs:${messageId}`,
          remainingMs: () => Number.POSITIVE_INFINITY,
          continuations: this.options.continuations,
          signal: shutdown,
        });
        const { kind, ...details } = outcome;
        log.info(`notice ${kind}`, { ...fields, instanceId: intake.notice.instanceId, ...details });
        result = kind;
      }
      keeper.stop();
      await this.settle(() =>
        this.options.sqs.send(
          new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: receiptHandle }),
        ),
      );
    } catch (error) {
      keeper.stop();
      const handBack = shutdown.aborted;
      const delay = handBack ? 0 : this.options.retryDelaySeconds;
      const details = {
        ...fields,
        error: describeError(error),
        retryable: isRetryable(error),
        ...(error instanceof EventError ? { field: error.field } : {}),
      };
      if (handBack) log.info("handing the message back: the worker is shutting down", details);
      else
        log.error("notice failed: the message is given back for a retry", {
          ...details,
          retryInSeconds: delay,
        });
      result = handBack ? "handed-back" : "failed";
      await this.settle(() =>
        this.options.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: this.options.queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: delay,
          }),
        ),
      );
    }
    this.options.onSettled?.({ messageId, result });
  }

  /** Extends the message's visibility every third of the timeout while its notice is handled. */
  private keepInvisible(receiptHandle: string, messageId: string): { stop(): void } {
    const { clock, visibilityTimeoutSeconds, queueUrl, sqs, log } = this.options;
    const stop = new AbortController();
    const period = (visibilityTimeoutSeconds * 1000) / 3;
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          await clock.sleep(period, stop.signal);
        } catch {
          return;
        }
        try {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: receiptHandle,
              VisibilityTimeout: visibilityTimeoutSeconds,
            }),
            { abortSignal: stop.signal },
          );
        } catch (error) {
          if (!stop.signal.aborted) {
            log.warn("extending the message's visibility failed", { messageId, error: describeError(error) });
          }
        }
      }
    })();
    return { stop: () => stop.abort() };
  }

  /** Deletes or gives back a message; a failure is logged (the message then reappears on its own). */
  private async settle(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.options.log.warn("settling the message failed; it reappears when its visibility ends", {
        error: describeError(error),
      });
    }
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
