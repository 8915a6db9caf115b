import { describe, expect, it } from "vitest";
import {
  EventError,
  type IntakeResult,
  parseInvocationEvent,
  parseSqsBody,
  readSqsBatch,
} from "../../src/events/index.js";
import { eventFixtures, type FixtureExpectation, loadEventFixture } from "../fixtures/events/catalog.js";

function outcome(read: () => IntakeResult): IntakeResult | EventError {
  try {
    return read();
  } catch (error) {
    if (error instanceof EventError) return error;
    throw error;
  }
}

function check(result: IntakeResult | EventError, expected: FixtureExpectation): void {
  switch (expected.kind) {
    case "notice":
      expect(result).toMatchObject({ kind: "notice", attempt: expected.attempt });
      if (result instanceof EventError || result.kind !== "notice") return;
      expect(result.notice.instanceId).toBe(expected.instanceId);
      expect(result.notice.via).toBe(expected.via);
      expect(result.notice.clusterName).toBe(expected.clusterName);
      return;
    case "ignored":
      expect(result).toMatchObject({ kind: "ignored" });
      if (result instanceof EventError || result.kind !== "ignored") return;
      expect(result.reason).toContain(expected.reasonIncludes);
      return;
    case "error":
      expect(result).toBeInstanceOf(EventError);
      if (!(result instanceof EventError)) return;
      expect(result.field).toBe(expected.field);
      expect(result.retryable).toBe(false);
      expect(result.message.startsWith(`${expected.field}: `)).toBe(true);
  }
}

describe("every event fixture", () => {
  it("lists every JSON file of the folder once", async () => {
    const { readdirSync } = await import("node:fs");
    const files = readdirSync(new URL("../fixtures/events/", import.meta.url)).filter((f) =>
      f.endsWith(".json"),
    );
    expect(eventFixtures.map((f) => f.file).sort()).toEqual(files.sort());
  });

  for (const fixture of eventFixtures) {
    it(`${fixture.file} reads as ${fixture.expect.map((e) => e.kind).join(", ")}`, () => {
      const event = loadEventFixture(fixture.file);
      if (fixture.delivery === "invocation") {
        expect(readSqsBatch(event)).toBeUndefined();
        const [expected] = fixture.expect;
        if (expected === undefined) throw new Error(`${fixture.file} has no expectation`);
        check(
          outcome(() => parseInvocationEvent(event)),
          expected,
        );
        return;
      }
      const messages = readSqsBatch(event);
      expect(messages?.length).toBe(fixture.expect.length);
      for (const [index, message] of (messages ?? []).entries()) {
        const expected = fixture.expect[index];
        if (expected === undefined) throw new Error(`${fixture.file} record ${index} has no expectation`);
        check(
          outcome(() => parseSqsBody(message.body)),
          expected,
        );
      }
    });
  }
});

describe("the notice read from the EventBridge fixture", () => {
  it("carries every field of the lifecycle action, with the event's time as its start", () => {
    const result = parseInvocationEvent(loadEventFixture("eventbridge-terminate.json"));
    expect(result).toEqual({
      kind: "notice",
      attempt: 0,
      notice: {
        instanceId: "i-0123456789abcdef0",
        asgName: "prod-workers",
        hookName: "drain-before-terminate",
        token: "87654321-4321-4321-4321-210987654321",
        clusterName: "prod",
        receivedAt: "2026-11-24T10:00:00.000Z",
        via: "eventbridge",
      },
    });
  });

  it("takes the start time of a direct notification from its Time field", () => {
    const [message] = readSqsBatch(loadEventFixture("sqs-direct-terminate.json")) ?? [];
    const result = parseSqsBody(message?.body);
    expect(result.kind === "notice" && result.notice.receivedAt).toBe("2026-11-24T10:05:12.345Z");
    expect(result.kind === "notice" && result.notice.token).toBe("c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f");
  });

  it("reads an SQS record's receive count", () => {
    const messages = readSqsBatch(loadEventFixture("sqs-eventbridge-batch.json"));
    expect(messages?.map((m) => [m.messageId, m.receiveCount])).toEqual([
      ["059f36b4-87a3-44ab-83d2-661975830a7d", 1],
      ["2e1424d4-f796-459a-8184-9c92662be6da", 2],
    ]);
  });
});
