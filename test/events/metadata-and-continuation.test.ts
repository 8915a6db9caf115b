import { describe, expect, it } from "vitest";
import {
  clusterNameFromMetadata,
  continuationKey,
  continuationMessage,
  EventError,
  parseInvocationEvent,
  parseSqsBody,
  readNotificationMetadata,
  type TerminationNotice,
} from "../../src/events/index.js";

const field = "detail.NotificationMetadata";

function metadataError(value: unknown): EventError {
  try {
    clusterNameFromMetadata(value, field);
  } catch (error) {
    if (error instanceof EventError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe("NotificationMetadata", () => {
  it.each([
    ["prod", "prod"],
    ["  prod-eu_1  ", "prod-eu_1"],
    ['{"clusterName":"prod"}', "prod"],
    [' { "clusterName": "prod", "team": "platform", "limits": [1, 2] } ', "prod"],
  ])("reads the cluster name from %j", (metadata, cluster) => {
    expect(clusterNameFromMetadata(metadata, field)).toBe(cluster);
  });

  it.each([undefined, null, "", "   "])("has no cluster name when it is %j", (metadata) => {
    expect(clusterNameFromMetadata(metadata, field)).toBeUndefined();
  });

  it.each([
    ["prod", { clusterName: "prod", plainText: "prod" }],
    ["-starts-with-dash", { plainText: "-starts-with-dash" }],
    ["owner: team a", { plainText: "owner: team a" }],
    ['{"clusterName":"prod"}', { clusterName: "prod" }],
  ])("keeps plain text %j as a hint only, JSON as the cluster", (metadata, reading) => {
    expect(readNotificationMetadata(metadata, field)).toEqual(reading);
  });

  it.each([
    ["[1]", field, "an array of 1 item"],
    ['"prod"', field, 'the string "prod"'],
    ["{}", `${field}.clusterName`, "nothing (the field is missing)"],
    ['{"clusterName":null}', `${field}.clusterName`, "null"],
    ['{"clusterName":7}', `${field}.clusterName`, "the number 7"],
    ['{"clusterName":"has space"}', `${field}.clusterName`, 'the string "has space"'],
    ['{"clusterName":', field, "does not parse"],
  ])("refuses %j, naming %s", (metadata, path, found) => {
    const error = metadataError(metadata);
    expect(error.field).toBe(path);
    expect(error.message).toContain(found);
  });

  it("refuses a non-string value and says what it is", () => {
    expect(metadataError(42).message).toBe(
      `${field}: expected a string (a cluster name or JSON), got the number 42`,
    );
  });

  it("refuses metadata longer than the Auto Scaling limit without quoting it", () => {
    const error = metadataError("a".repeat(5000));
    expect(error.message).toContain("a string of 5000 characters");
    expect(error.message.length).toBeLessThan(200);
  });
});

const notice: TerminationNotice = {
  instanceId: "i-0123456789abcdef0",
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  token: "87654321-4321-4321-4321-210987654321",
  clusterName: "prod",
  receivedAt: "2026-11-24T10:00:00.000Z",
  via: "sqs-eventbridge",
};

describe("continuation messages", () => {
  it("round-trip through an SQS body and through a direct invocation", () => {
    const message = continuationMessage(notice, 3);
    expect(message[continuationKey]).toBe(1);
    expect(parseSqsBody(JSON.stringify(message))).toEqual({ kind: "notice", notice, attempt: 3 });
    expect(parseInvocationEvent(JSON.parse(JSON.stringify(message)))).toEqual({
      kind: "notice",
      notice,
      attempt: 3,
    });
  });

  it("keep a notice without a cluster name without inventing one", () => {
    const { clusterName: _dropped, ...withoutCluster } = notice;
    const result = parseSqsBody(JSON.stringify(continuationMessage(withoutCluster, 1)));
    expect(result.kind === "notice" && Object.hasOwn(result.notice, "clusterName")).toBe(false);
  });

  it("drop unknown keys a newer writer may add", () => {
    const message = {
      ...continuationMessage(notice, 1),
      extra: true,
      notice: { ...notice, phase: "evicting" },
    };
    expect(parseInvocationEvent(message)).toEqual({ kind: "notice", notice, attempt: 1 });
  });

  it.each([
    [{ attempt: 0 }, "attempt"],
    [{ attempt: 1.5 }, "attempt"],
    [{ attempt: "2" }, "attempt"],
    [{ notice: { ...notice, instanceId: "i-xyz" } }, "notice.instanceId"],
    [{ notice: { ...notice, via: "carrier-pigeon" } }, "notice.via"],
    [{ notice: { ...notice, receivedAt: "soon" } }, "notice.receivedAt"],
    [{ notice: null }, "notice"],
    [{ [continuationKey]: "1" }, continuationKey],
  ])("refuse %j, naming %s", (change, path) => {
    const message = { ...continuationMessage(notice, 1), ...change };
    expect(() => parseInvocationEvent(message)).toThrow(EventError);
    expect(() => parseInvocationEvent(message)).toThrow(new RegExp(`^${path.replace(/[.[\]/]/g, "\\$&")}: `));
  });

  it("cannot be built with an attempt below 1", () => {
    expect(() => continuationMessage(notice, 0)).toThrow(RangeError);
  });
});
