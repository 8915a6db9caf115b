import * as z from "zod";
import { describeValue, EventError, eventErrorFromZod } from "./event-error.js";

/** One SQS message of a batch, as far as the drainer needs it. `body` is checked by `parseSqsBody`. */
export interface SqsMessage {
  messageId: string;
  body: unknown;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number | undefined;
}

const recordSchema = z.object(
  {
    messageId: z
      .string({ error: "expected the SQS messageId string" })
      .min(1, { error: "expected a non-empty messageId" })
      .max(256, { error: "expected a messageId of at most 256 characters" }),
    eventSource: z.literal("aws:sqs", { error: 'expected "aws:sqs"' }),
    body: z.unknown(),
    attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).optional().catch(undefined),
  },
  { error: "expected an SQS record object" },
);

/**
 * The messages of an SQS batch event, or undefined when the event is not an SQS batch (no `Records`).
 * A malformed record envelope throws: without a messageId it cannot be reported as a batch item failure.
 * Bodies are not read here, so that one bad body fails only its own record.
 */
export function readSqsBatch(event: unknown): SqsMessage[] | undefined {
  if (event === null || typeof event !== "object" || !Object.hasOwn(event, "Records")) return undefined;
  const records: unknown = (event as Record<string, unknown>).Records;
  if (!Array.isArray(records)) {
    throw new EventError("Records", `expected an array of SQS records, got ${describeValue(records)}`);
  }
  return records.map((record, index): SqsMessage => {
    const parsed = recordSchema.safeParse(record);
    if (!parsed.success) throw eventErrorFromZod(parsed.error, record, `Records[${index}]`);
    const count = Number(parsed.data.attributes?.ApproximateReceiveCount);
    return {
      messageId: parsed.data.messageId,
      body: parsed.data.body,
      receiveCount: Number.isInteger(count) && count > 0 ? count : undefined,
    };
  });
}
