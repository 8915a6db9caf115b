import { describe, expect, it } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import { Heartbeater } from "../../src/aws/heartbeater.js";
import {
  continuationMessage,
  parseInvocationEvent,
  parseSqsBody,
  readSqsBatch,
} from "../../src/events/index.js";
import {
  SimulatedAutoScalingGroup,
  simulatedClusterAccess,
  sqsBatchOf,
} from "../../src/sim/auto-scaling-group.js";
import { createManualClock } from "../../src/time/manual-clock.js";

const instanceId = "i-0123456789abcdef0";
const minute = 60_000;

function group(options: ConstructorParameters<typeof SimulatedAutoScalingGroup>[0] = {}) {
  const clock = createManualClock();
  return { clock, asg: new SimulatedAutoScalingGroup({ clock, ...options }) };
}

function noticeOf(event: unknown) {
  const result = parseInvocationEvent(event);
  if (result.kind !== "notice")
    throw new Error(`expected a notice, got ${result.kind === "ignored" ? result.reason : result.kind}`);
  return result.notice;
}

describe("SimulatedAutoScalingGroup.terminate", () => {
  it("builds the EventBridge event the production intake reads as this action's notice", () => {
    const { clock, asg } = group({ name: "sim-workers", notificationMetadata: '{"clusterName":"sim"}' });
    const { event, token } = asg.terminate(instanceId);
    expect(noticeOf(event)).toEqual({
      instanceId,
      asgName: "sim-workers",
      hookName: "drain-before-terminate",
      token,
      clusterName: "sim",
      receivedAt: new Date(clock.now()).toISOString(),
      via: "eventbridge",
      origin: "AutoScalingGroup",
      destination: "EC2",
    });
    expect(asg.action(token)).toMatchObject({ instanceId, state: "waiting", startedAt: clock.now() });
  });

  it("builds an event that also reads through SQS, without metadata when the hook has none", () => {
    const { asg } = group();
    const { event } = asg.terminate(instanceId, { token: "11111111-2222-4333-8444-555555555555" });
    const result = parseSqsBody(JSON.stringify(event));
    expect(result).toMatchObject({
      kind: "notice",
      notice: { token: "11111111-2222-4333-8444-555555555555", via: "sqs-eventbridge" },
    });
    expect(result.kind === "notice" && Object.hasOwn(result.notice, "clusterName")).toBe(false);
  });
});

describe("SimulatedAutoScalingGroup: warm pools and launch hooks", () => {
  it("a terminate towards the warm pool and a launch from it read as the production intake reads them", async () => {
    const { asg } = group({ launchHookName: "wait-until-ready" });
    const out = asg.terminate(instanceId, { destination: "WarmPool" });
    const back = asg.launch(instanceId, { origin: "WarmPool" });

    expect(noticeOf(out.event)).toMatchObject({ destination: "WarmPool", token: out.token });
    expect(noticeOf(back.event)).toMatchObject({
      transition: "launch",
      hookName: "wait-until-ready",
      origin: "WarmPool",
      destination: "AutoScalingGroup",
      token: back.token,
    });
    expect(await asg.describeHook(asg.name, "wait-until-ready")).toEqual(asg.hook);
    expect(
      await asg.complete(
        { asgName: asg.name, hookName: "wait-until-ready", instanceId, token: back.token },
        "CONTINUE",
      ),
    ).toBe("completed");
    expect(asg.allActions().map((action) => [action.transition, action.state])).toEqual([
      ["terminate", "waiting"],
      ["launch", "completed"],
    ]);
  });

  it("has no launch action without a launch hook", () => {
    const { asg } = group();
    expect(() => asg.launch(instanceId)).toThrow(/no launch lifecycle hook/);
  });
});

describe("sqsBatchOf", () => {
  it("wraps an event and a continuation into a batch the SQS intake reads record by record", () => {
    const { asg } = group();
    const { event, token } = asg.terminate(instanceId);
    const notice = noticeOf(event);
    const messages =
      readSqsBatch(sqsBatchOf([event, continuationMessage(notice, 2)], { receiveCount: 3 })) ?? [];
    expect(messages.map((m) => m.receiveCount)).toEqual([3, 3]);
    expect(messages.map((m) => parseSqsBody(m.body))).toEqual([
      { kind: "notice", notice: { ...notice, via: "sqs-eventbridge" }, attempt: 0 },
      { kind: "notice", notice, attempt: 2 },
    ]);
    expect(notice.token).toBe(token);
  });
});

describe("SimulatedAutoScalingGroup lifecycle actions", () => {
  it("records heartbeats and one effective completion; a second completion is already complete", async () => {
    const { clock, asg } = group();
    const { event } = asg.terminate(instanceId);
    const notice = noticeOf(event);
    await clock.advance(2 * minute);
    expect(await asg.recordHeartbeat(notice)).toBe("recorded");
    await clock.advance(minute);
    expect(await asg.complete(notice, "CONTINUE")).toBe("completed");
    expect(await asg.complete(notice, "CONTINUE")).toBe("already-complete");
    expect(await asg.recordHeartbeat(notice)).toBe("action-gone");
    const start = Date.parse(notice.receivedAt);
    expect(asg.heartbeats().map((h) => [h.at - start, h.outcome])).toEqual([
      [2 * minute, "recorded"],
      [3 * minute, "action-gone"],
    ]);
    expect(asg.completions().map((c) => [c.at - start, c.result, c.outcome])).toEqual([
      [3 * minute, "CONTINUE", "completed"],
      [3 * minute, "CONTINUE", "already-complete"],
    ]);
    expect(asg.action(notice.token)).toMatchObject({ state: "completed", result: "CONTINUE" });
  });

  it("ends a silent action at its heartbeat timeout with the default result", async () => {
    const { clock, asg } = group({ heartbeatTimeoutSeconds: 300, defaultResult: "ABANDON" });
    const notice = noticeOf(asg.terminate(instanceId).event);
    await clock.advance(4 * minute);
    expect(asg.action(notice.token)?.state).toBe("waiting");
    await clock.advance(minute);
    expect(asg.action(notice.token)).toMatchObject({ state: "timed-out", result: "ABANDON" });
    expect(await asg.complete(notice, "CONTINUE")).toBe("already-complete");
  });

  it("keeps an action waiting on heartbeats, but never past the global timeout", async () => {
    const { clock, asg } = group({ heartbeatTimeoutSeconds: 30, defaultResult: "CONTINUE" });
    const notice = noticeOf(asg.terminate(instanceId).event);
    const heartbeater = new Heartbeater({
      lifecycle: asg,
      action: notice,
      hook: await asg.describeHook(notice.asgName, notice.hookName),
      actionStartedAt: Date.parse(notice.receivedAt),
      clock,
    });
    const ended = heartbeater.start();
    await clock.advance(49 * minute);
    expect(asg.action(notice.token)?.state).toBe("waiting");
    await clock.advance(2 * minute);
    expect(await ended).toBe("deadline");
    expect(asg.action(notice.token)).toMatchObject({ state: "timed-out", result: "CONTINUE" });
    expect(asg.action(notice.token)?.endedAt).toBe(Date.parse(notice.receivedAt) + 3000 * 1000);
    expect(asg.heartbeats().every((h) => h.outcome === "recorded")).toBe(true);
    expect(asg.heartbeats()).toHaveLength(199);
  });

  it("answers the hook's settings, and refuses another group or hook as not retryable", async () => {
    const { asg } = group({ heartbeatTimeoutSeconds: 120, defaultResult: "CONTINUE" });
    expect(await asg.describeHook("sim-workers", "drain-before-terminate")).toEqual({
      heartbeatTimeoutSeconds: 120,
      defaultResult: "CONTINUE",
      globalTimeoutSeconds: 12_000,
    });
    await expect(asg.describeHook("other", "drain-before-terminate")).rejects.toMatchObject({
      retryable: false,
    });
    const notice = noticeOf(asg.terminate(instanceId).event);
    await expect(asg.complete({ ...notice, hookName: "other" }, "CONTINUE")).rejects.toBeInstanceOf(
      AwsCallError,
    );
  });

  it("fails the next calls as told, then behaves", async () => {
    const { asg } = group();
    const notice = noticeOf(asg.terminate(instanceId).event);
    const throttled = new AwsCallError("completing", { retryable: true, code: "Throttling" });
    asg.failNext("complete", throttled, 2);
    await expect(asg.complete(notice, "CONTINUE")).rejects.toBe(throttled);
    await expect(asg.complete(notice, "CONTINUE")).rejects.toBe(throttled);
    expect(await asg.complete(notice, "CONTINUE")).toBe("completed");
    expect(asg.completions()).toHaveLength(1);
  });

  it("refuses a heartbeat timeout outside 30–7200 s", () => {
    expect(() => new SimulatedAutoScalingGroup({ heartbeatTimeoutSeconds: 10 })).toThrow(RangeError);
  });
});

describe("simulatedClusterAccess", () => {
  it("answers the simulated cluster's endpoint, CA and current token", async () => {
    let minted = 0;
    const access = simulatedClusterAccess(
      { server: "https://127.0.0.1:6443", caData: "Q0E=", token: () => `token-${++minted}` },
      { clusterName: "sim" },
    );
    const connection = await access.connect("sim");
    expect(connection).toMatchObject({
      clusterName: "sim",
      endpoint: "https://127.0.0.1:6443",
      caData: "Q0E=",
    });
    expect(await connection.bearerToken()).toBe("token-1");
    expect(await connection.bearerToken()).toBe("token-2");
    await expect(access.connect("prod")).rejects.toMatchObject({
      retryable: false,
      code: "ResourceNotFoundException",
    });
    expect(access.connects).toEqual(["sim", "prod"]);
  });
});
