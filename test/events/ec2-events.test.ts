import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EventError, type IntakeResult, parseInvocationEvent, parseSqsBody } from "../../src/events/index.js";

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/ec2-events/${name}`, import.meta.url), "utf8"));
}

describe("EC2 events, from the EC2 User Guide's samples", () => {
  it("reads a Spot Instance interruption warning as an interruption to drain, with the event's time", () => {
    expect(parseInvocationEvent(fixture("spot-interruption-warning.json"))).toEqual({
      kind: "interruption",
      notice: {
        kind: "spot-interruption",
        instanceId: "i-1234567890abcdef0",
        instanceAction: "terminate",
        eventTime: "2026-11-24T10:00:00.000Z",
        eventId: "12345678-1234-1234-1234-123456789012",
      },
    });
  });

  it("reads a rebalance recommendation, also when it comes through SQS", () => {
    const result = parseSqsBody(JSON.stringify(fixture("rebalance-recommendation.json")));
    expect(result).toEqual({
      kind: "interruption",
      notice: {
        kind: "rebalance-recommendation",
        instanceId: "i-1234567890abcdef0",
        eventTime: "2026-11-24T10:00:00.000Z",
        eventId: "12345678-1234-1234-1234-123456789012",
      },
    });
  });

  it.each(["shutting-down", "stopping"])("reads a state change to %s as an interruption", (state) => {
    const result = parseInvocationEvent(fixture(`state-change-${state}.json`));
    expect(result).toMatchObject({ kind: "interruption", notice: { kind: "state-change", state } });
  });

  it("ignores a state change to another state (the guide's own sample: pending)", () => {
    const result: IntakeResult = parseInvocationEvent(fixture("state-change-pending.json"));
    expect(result).toEqual({ kind: "ignored", reason: "i-1234567890abcdef0 is pending: nothing to drain" });
  });

  it("names the field at fault: a bad instance-action, a missing instance-id", () => {
    const bad = fixture("spot-interruption-warning.json");
    (bad.detail as Record<string, unknown>)["instance-action"] = "reboot";
    expect(() => parseInvocationEvent(bad)).toThrow(EventError);
    expect(() => parseInvocationEvent(bad)).toThrow(/^detail\.instance-action: /);
    const missing = fixture("rebalance-recommendation.json");
    delete (missing.detail as Record<string, unknown>)["instance-id"];
    expect(() => parseInvocationEvent(missing)).toThrow(/^detail\.instance-id: /);
  });

  it("ignores other EC2 events", () => {
    const other = {
      ...fixture("rebalance-recommendation.json"),
      "detail-type": "EC2 Fast Launch State-change Notification",
    };
    expect(parseInvocationEvent(other)).toMatchObject({ kind: "ignored" });
  });
});
