import { describe, expect, it } from "vitest";
import { EventError, parseInvocationEvent, parseSqsBody, readSqsBatch } from "../../src/events/index.js";
import { loadEventFixture } from "../fixtures/events/catalog.js";

type Json = Record<string, unknown>;
const terminate = () => loadEventFixture("eventbridge-terminate.json") as Json & { detail: Json };

function errorOf(read: () => unknown): EventError {
  try {
    read();
  } catch (error) {
    if (error instanceof EventError) return error;
    throw error;
  }
  throw new Error("expected an EventError");
}

describe("EventBridge events", () => {
  it("ignore other Auto Scaling events a broader rule could deliver", () => {
    const event = { ...terminate(), "detail-type": "EC2 Instance Terminate Successful" };
    expect(parseInvocationEvent(event)).toMatchObject({ kind: "ignored" });
  });

  it("refuse a terminate event whose transition says launching", () => {
    const event = terminate();
    event.detail.LifecycleTransition = "autoscaling:EC2_INSTANCE_LAUNCHING";
    expect(errorOf(() => parseInvocationEvent(event)).field).toBe("detail.LifecycleTransition");
  });

  it("tolerate unknown keys and deep junk outside the fields they read", () => {
    let junk: unknown = "bottom";
    for (let depth = 0; depth < 5_000; depth++) junk = { nested: junk };
    const event = { ...terminate(), junk, detail: { ...terminate().detail, Extra: junk } };
    expect(parseInvocationEvent(event)).toMatchObject({ kind: "notice" });
  });

  it("accept a time with an offset and normalise it to UTC", () => {
    const event = { ...terminate(), time: "2026-11-24T12:00:00+02:00" };
    const result = parseInvocationEvent(event);
    expect(result.kind === "notice" && result.notice.receivedAt).toBe("2026-11-24T10:00:00.000Z");
  });

  it("name the field and its type, never the huge value", () => {
    const event = terminate();
    event.detail.LifecycleHookName = "x".repeat(1_000_000);
    const error = errorOf(() => parseInvocationEvent(event));
    expect(error.message).toBe(
      "detail.LifecycleHookName: expected a lifecycle hook name of 1–255 letters, digits, '-', '_' or '/', got a string of 1000000 characters",
    );
  });
});

describe("direct invocations", () => {
  it("refuse an SQS batch passed as a single event", () => {
    expect(errorOf(() => parseInvocationEvent(loadEventFixture("sqs-direct-terminate.json"))).field).toBe(
      "Records",
    );
  });

  it.each([null, 3, "text", [], true])("refuse %j with the type found", (event) => {
    const error = errorOf(() => parseInvocationEvent(event));
    expect(error.field).toBe("(event)");
    expect(error.message).toMatch(/^\(event\): expected a JSON object, got /);
  });
});

describe("SQS bodies", () => {
  it("refuse a body longer than SQS allows before parsing it", () => {
    const body = JSON.stringify({ padding: "p".repeat(1_100_000) });
    expect(errorOf(() => parseSqsBody(body)).message).toMatch(/^body: expected at most 1048576 characters/);
  });

  it("refuse a body that is not text", () => {
    expect(errorOf(() => parseSqsBody({ already: "parsed" })).message).toBe(
      "body: expected JSON text, got an object with keys [already]",
    );
  });

  it("refuse JSON nested a hundred thousand levels deep without crashing", () => {
    const body = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(errorOf(() => parseSqsBody(body)).field).toBe("body");
  });

  it("unwrap an SNS envelope and refuse a broken inner message by its path", () => {
    const body = JSON.stringify({
      Type: "Notification",
      TopicArn: "arn:aws:sns:us-west-2:1:t",
      Message: "{oops",
    });
    expect(errorOf(() => parseSqsBody(body)).field).toBe("body.Message");
  });

  it("refuse a direct notification from another service", () => {
    const [message] = readSqsBatch(loadEventFixture("sqs-direct-terminate.json")) ?? [];
    const body = JSON.parse(String(message?.body)) as Json;
    const error = errorOf(() => parseSqsBody(JSON.stringify({ ...body, Service: "Amazon EC2" })));
    expect(error.message).toBe('Service: expected "AWS Auto Scaling", got the string "Amazon EC2"');
  });

  it("refuse an unknown notification event type", () => {
    const error = errorOf(() => parseSqsBody(JSON.stringify({ Event: { nested: true } })));
    expect(error.field).toBe("Event");
  });
});

describe("SQS batches", () => {
  it("are undefined for events without Records", () => {
    expect(readSqsBatch(terminate())).toBeUndefined();
    expect(readSqsBatch(null)).toBeUndefined();
    expect(readSqsBatch("Records")).toBeUndefined();
  });

  it("refuse Records that are not an array", () => {
    expect(errorOf(() => readSqsBatch({ Records: "x" })).field).toBe("Records");
  });

  it("refuse a record without a messageId, naming its index", () => {
    const event = loadEventFixture("sqs-eventbridge-batch.json") as { Records: Json[] };
    const second = event.Records[1];
    if (second) delete second.messageId;
    expect(errorOf(() => readSqsBatch(event)).field).toBe("Records[1].messageId");
  });

  it("refuse SNS records delivered to the function", () => {
    const event = { Records: [{ EventSource: "aws:sns", Sns: { Message: "{}" } }] };
    expect(errorOf(() => readSqsBatch(event)).field).toBe("Records[0].messageId");
  });

  it("leave a bad body to its own record", () => {
    const event = loadEventFixture("sqs-eventbridge-batch.json") as { Records: Json[] };
    const first = event.Records[0];
    if (first) first.body = 17;
    const messages = readSqsBatch(event) ?? [];
    expect(messages).toHaveLength(2);
    expect(errorOf(() => parseSqsBody(messages[0]?.body)).field).toBe("body");
    expect(parseSqsBody(messages[1]?.body)).toMatchObject({ kind: "notice" });
  });
});
