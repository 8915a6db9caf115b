import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { isRetryable } from "../drain/cluster-port.js";
import { describeValue, EventError } from "../events/event-error.js";
import { parseInvocationEvent, parseSqsBody } from "../events/intake.js";
import type { IntakeResult } from "../events/intake-result.js";
import { readSqsBatch, type SqsMessage } from "../events/sqs-batch.js";
import { noticeKey } from "../events/termination-notice.js";
import {
  type ContinuationScheduler,
  type Delivery,
  describeError,
  type InterruptionDelivery,
  type JobLog,
  type LogFields,
  type NoticeOutcome,
} from "../lifecycle/index.js";

/** The parts of the Lambda context the handler reads. */
export interface InvocationContext {
  awsRequestId: string;
  /** The ARN this invocation was made with (alias or version included): continuations invoke it. */
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

/** A direct invocation's answer (an SQS batch gets an SQSBatchResponse). */
export interface InvocationSummary {
  outcome: NoticeOutcome;
}

export type HandlerResponse = SQSBatchResponse | InvocationSummary;

export interface InvocationShellOptions {
  /** The lifecycle job (LifecycleJob), run once per notice. */
  job: { run(delivery: Delivery): Promise<NoticeOutcome> };
  /** The EC2 interruption events' job (InterruptionJob); without it they are ignored. */
  interruptions?: { run(delivery: InterruptionDelivery): Promise<NoticeOutcome> };
  log: JobLog;
  /** How a notice that arrived on SQS is continued (SendMessage, or self-invocation without a queue). */
  sqsContinuations: (context: InvocationContext) => ContinuationScheduler;
  /** How a notice that arrived by direct invocation is continued (asynchronous self-invocation). */
  directContinuations: (context: InvocationContext) => ContinuationScheduler;
}

/**
 * Reads an invocation — an SQS batch, or one EventBridge event / continuation invoked directly — and runs
 * each notice. SQS: every record is settled on its own (a failed or malformed record becomes a batch item
 * failure, the others are acknowledged). Direct: a failure fails the invocation. Ignored notices are
 * acknowledged with one log line. Deliveries of the same notice and attempt running at once in this
 * container share one run.
 */
export class InvocationShell {
  private readonly inFlight = new Map<string, Promise<NoticeOutcome>>();

  constructor(private readonly options: InvocationShellOptions) {}

  async handle(event: unknown, context: InvocationContext): Promise<HandlerResponse> {
    const records = recordsOf(event);
    if (records === undefined) return this.handleDirect(event, context);
    for (const { messageId, error } of records.invalid) {
      this.logFailure("malformed SQS record: reported as a batch item failure", error, { messageId });
    }
    const scheduler = this.options.sqsContinuations(context);
    const messages = new Map(records.valid.map(({ record, message }) => [record, message]));
    // Powertools runs the records at once and reports each failed one by its messageId; a failure of
    // every record is answered the same way, not thrown, so that each record keeps its own retry count.
    const processed = await processPartialResponse(
      { Records: records.valid.map(({ record }) => record) },
      async (record: SQSRecord) => {
        const message = messages.get(record);
        if (message === undefined) throw new Error(`SQS record ${record.messageId} was not read`);
        await this.handleRecord(message, context, scheduler);
      },
      new BatchProcessor(EventType.SQS),
      { throwOnFullBatchFailure: false },
    );
    if (records.unreportable.length > 0) {
      const [first] = records.unreportable;
      this.logFailure("SQS record without a messageId: failing the whole batch", first, {});
      throw new Error(
        `${records.unreportable.length} SQS record(s) without a messageId cannot be reported as batch ` +
          `item failures (${describeError(first)}): failing the whole batch so that none is lost`,
        { cause: first },
      );
    }
    const failed = new Set([
      ...records.invalid.map(({ messageId }) => messageId),
      ...processed.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier),
    ]);
    return {
      batchItemFailures: records.order
        .filter((messageId) => failed.has(messageId))
        .map((itemIdentifier) => ({ itemIdentifier })),
    };
  }

  /** Settles one SQS record; throws (logged) when it must be reported as a batch item failure. */
  private async handleRecord(
    message: SqsMessage,
    context: InvocationContext,
    scheduler: ContinuationScheduler,
  ): Promise<void> {
    const fields = { messageId: message.messageId, receiveCount: message.receiveCount };
    let intake: IntakeResult;
    try {
      intake = parseSqsBody(message.body);
    } catch (error) {
      this.logFailure("malformed SQS record: reported as a batch item failure", error, fields);
      throw error;
    }
    try {
      await this.runIntake(
        intake,
        `${context.awsRequestId}/${message.messageId}`,
        context,
        scheduler,
        fields,
      );
    } catch (error) {
      this.logFailure("notice failed: reported as a batch item failure", error, fields);
      throw error;
    }
  }

  private async handleDirect(event: unknown, context: InvocationContext): Promise<InvocationSummary> {
    let intake: IntakeResult;
    try {
      intake = parseInvocationEvent(event);
    } catch (error) {
      this.logFailure("malformed event: failing the invocation", error, {});
      throw error;
    }
    const fields: LogFields = {};
    try {
      const scheduler = this.options.directContinuations(context);
      return { outcome: await this.runIntake(intake, context.awsRequestId, context, scheduler, fields) };
    } catch (error) {
      this.logFailure("notice failed: failing the invocation", error, fields);
      throw error;
    }
  }

  private async runIntake(
    intake: IntakeResult,
    owner: string,
    context: InvocationContext,
    continuations: ContinuationScheduler,
    fields: LogFields,
  ): Promise<NoticeOutcome> {
    if (intake.kind === "ignored") {
      this.options.log.info("notice ignored", { ...fields, reason: intake.reason });
      return { kind: "ignored", reason: intake.reason };
    }
    if (intake.kind === "interruption") {
      const notice = intake.notice;
      Object.assign(fields, { instanceId: notice.instanceId, event: notice.kind });
      const handler = this.options.interruptions;
      const outcome: NoticeOutcome =
        handler === undefined
          ? { kind: "ignored", reason: `${notice.kind} events are not handled here` }
          : await handler.run({ notice, remainingMs: () => context.getRemainingTimeInMillis() });
      const { kind, ...details } = outcome;
      this.options.log.info(`notice ${kind}`, { ...fields, ...details });
      return outcome;
    }
    const { notice, attempt } = intake;
    // The callers' failure lines read `fields` too: from here on they name the notice.
    Object.assign(fields, {
      instanceId: notice.instanceId,
      asg: notice.asgName,
      hook: notice.hookName,
      ...(notice.clusterName === undefined ? {} : { cluster: notice.clusterName }),
    });
    const key = `${noticeKey(notice)}#${attempt}`;
    let running = this.inFlight.get(key);
    if (running === undefined) {
      running = this.options.job
        .run({
          notice,
          attempt,
          owner,
          remainingMs: () => context.getRemainingTimeInMillis(),
          continuations,
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    } else {
      this.options.log.info("same notice already running in this container: sharing its outcome", fields);
    }
    const outcome = await running;
    const { kind, ...details } = outcome;
    this.options.log.info(`notice ${kind}`, {
      ...fields,
      token: notice.token,
      attempt,
      ...details,
    });
    return outcome;
  }

  private logFailure(message: string, error: unknown, fields: LogFields): void {
    const details: LogFields = { ...fields, error: describeError(error), retryable: isRetryable(error) };
    if (error instanceof EventError) details.field = error.field;
    this.options.log.error(message, details);
  }
}

interface BatchRecords {
  /** Records whose envelope is well formed, each with what the drainer reads of it. */
  valid: { record: SQSRecord; message: SqsMessage }[];
  /** Records whose envelope is malformed, by message ID. */
  invalid: { messageId: string; error: unknown }[];
  /** Why each malformed record without a usable messageId is malformed. */
  unreportable: unknown[];
  /** The message IDs in the batch's order, for the failures' order. */
  order: string[];
}

/** The records of an SQS batch, each envelope read on its own; undefined for a direct invocation. */
function recordsOf(event: unknown): BatchRecords | undefined {
  if (event === null || typeof event !== "object" || !Object.hasOwn(event, "Records")) return undefined;
  const records: unknown = (event as Record<string, unknown>).Records;
  if (!Array.isArray(records)) {
    const error = new EventError(
      "Records",
      `expected an array of SQS records, got ${describeValue(records)}`,
    );
    return { valid: [], invalid: [], unreportable: [error], order: [] };
  }
  const batch: BatchRecords = { valid: [], invalid: [], unreportable: [], order: [] };
  for (const [index, record] of records.entries()) {
    try {
      const [message] = readSqsBatch({ Records: [record] }) ?? [];
      // readSqsBatch checked the envelope Powertools reads (messageId, eventSource).
      if (message !== undefined) {
        batch.valid.push({ record: record as SQSRecord, message });
        batch.order.push(message.messageId);
      }
    } catch (caught) {
      const error =
        caught instanceof EventError
          ? new EventError(caught.field.replace(/^Records\[0\]/, `Records[${index}]`), problemOf(caught))
          : caught;
      const id = (record as { messageId?: unknown } | null)?.messageId;
      if (typeof id === "string" && id.length > 0) {
        batch.invalid.push({ messageId: id, error });
        batch.order.push(id);
      } else batch.unreportable.push(error);
    }
  }
  return batch;
}

/** The problem part of an EventError's message (after "field: "). */
function problemOf(error: EventError): string {
  return error.message.slice(error.field.length + 2);
}
