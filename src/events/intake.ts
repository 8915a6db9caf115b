import { looksLikeAutoScalingNotification, readAutoScalingNotification } from "./asg-notification.js";
import { looksLikeContinuation, readContinuation } from "./continuation.js";
import { isEc2Event, readEc2Event } from "./ec2-event.js";
import { describeValue, EventError } from "./event-error.js";
import { looksLikeEventBridgeEvent, readEventBridgeEvent } from "./eventbridge-event.js";
import type { IntakeResult } from "./intake-result.js";

/** The largest SQS message is 1 MiB; no body we accept can be longer in characters. */
export const maxBodyCharacters = 1_048_576;

/**
 * A Lambda invocation that is not an SQS batch: an EventBridge event delivered to the function directly,
 * or a continuation the function sent itself with an asynchronous invocation.
 * Check `readSqsBatch` first: an SQS batch is read record by record.
 */
export function parseInvocationEvent(event: unknown): IntakeResult {
  const message = asObject(event, "(event)");
  if (Object.hasOwn(message, "Records")) {
    throw new EventError("Records", "an SQS or SNS batch is not a single event; read it with readSqsBatch");
  }
  return readMessage(message, false);
}

/**
 * The body of one SQS message: an EventBridge event (EventBridge → SQS target), a flat lifecycle
 * notification (hook → SQS directly), an Auto Scaling test notification, the same wrapped in an SNS
 * envelope (hook → SNS → SQS without raw delivery), or a continuation.
 */
export function parseSqsBody(body: unknown): IntakeResult {
  const message = asObject(parseJson(body, "body"), "body");
  if (
    message.Type === "Notification" &&
    typeof message.Message === "string" &&
    Object.hasOwn(message, "TopicArn")
  ) {
    return readMessage(asObject(parseJson(message.Message, "body.Message"), "body.Message"), true);
  }
  return readMessage(message, true);
}

function readMessage(message: Record<string, unknown>, viaSqs: boolean): IntakeResult {
  if (looksLikeContinuation(message)) return readContinuation(message);
  if (looksLikeEventBridgeEvent(message)) {
    return isEc2Event(message) ? readEc2Event(message) : readEventBridgeEvent(message, viaSqs);
  }
  if (looksLikeAutoScalingNotification(message)) return readAutoScalingNotification(message);
  throw new EventError(
    "(message)",
    "expected an EventBridge event (source, detail-type, detail), an Auto Scaling notification " +
      `(Service, LifecycleTransition) or a continuation, got ${describeValue(message)}`,
  );
}

function parseJson(text: unknown, field: string): unknown {
  if (typeof text !== "string") throw new EventError(field, `expected JSON text, got ${describeValue(text)}`);
  if (text.length > maxBodyCharacters) {
    throw new EventError(
      field,
      `expected at most ${maxBodyCharacters} characters, got ${describeValue(text)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.slice(0, 120) : "unparseable";
    throw new EventError(field, `is not valid JSON (${reason}), got ${describeValue(text)}`, { cause });
  }
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new EventError(field, `expected a JSON object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}
