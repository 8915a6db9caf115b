import { describe, expect, it } from "vitest";
import {
  continuationMessage,
  parseInvocationEvent,
  parseSqsBody,
  readSqsBatch,
} from "../../src/events/index.js";
import { loadEventFixture } from "../fixtures/events/catalog.js";

function noticeOf(result: ReturnType<typeof parseInvocationEvent>) {
  if (result.kind !== "notice") throw new Error(`expected a notice, got ${result.kind}`);
  return result.notice;
}

describe("launch lifecycle actions", () => {
  it("an EventBridge launch from the warm pool becomes a launch notice with its origin and destination", () => {
    const notice = noticeOf(parseInvocationEvent(loadEventFixture("eventbridge-warm-pool-leave.json")));
    expect(notice).toMatchObject({
      transition: "launch",
      origin: "WarmPool",
      destination: "AutoScalingGroup",
      token: "87654321-4321-4321-4321-210987654321",
    });
  });

  it("a launch into the warm pool carries Destination WarmPool", () => {
    const notice = noticeOf(parseInvocationEvent(loadEventFixture("eventbridge-warm-pool-launch.json")));
    expect(notice).toMatchObject({ transition: "launch", origin: "EC2", destination: "WarmPool" });
  });

  it("a launch hook's metadata that names no cluster is not an error", () => {
    const batch = readSqsBatch(loadEventFixture("sqs-direct-launch.json"));
    const body = batch?.[0]?.body;
    const notice = noticeOf(parseSqsBody(body));
    expect(notice.transition).toBe("launch");
    expect(notice.clusterName).toBeUndefined();
  });

  it("a terminate action has no transition field and keeps its origin and destination", () => {
    const notice = noticeOf(parseInvocationEvent(loadEventFixture("eventbridge-warm-pool-scale-in.json")));
    expect(notice.transition).toBeUndefined();
    expect(notice.destination).toBe("WarmPool");
  });

  it("a continuation carries the transition, origin and destination through", () => {
    const launch = noticeOf(parseInvocationEvent(loadEventFixture("eventbridge-warm-pool-leave.json")));
    const again = noticeOf(parseInvocationEvent(JSON.parse(JSON.stringify(continuationMessage(launch, 1)))));
    expect(again).toMatchObject({
      transition: "launch",
      origin: "WarmPool",
      destination: "AutoScalingGroup",
    });
  });
});
