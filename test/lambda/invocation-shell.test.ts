import { describe, expect, it } from "vitest";
import { EventError } from "../../src/events/event-error.js";
import { type InvocationContext, InvocationShell } from "../../src/lambda/invocation-shell.js";
import type { ContinuationScheduler } from "../../src/lifecycle/continuation-scheduler.js";
import type { Delivery } from "../../src/lifecycle/lifecycle-job.js";
import { NoticeError } from "../../src/lifecycle/notice-error.js";
import type { NoticeOutcome } from "../../src/lifecycle/notice-outcome.js";
import { sqsBatchOf } from "../../src/sim/auto-scaling-group.js";
import { loadEventFixture } from "../fixtures/events/catalog.js";
import { MemoryLog } from "./support/memory-log.js";

const terminate = loadEventFixture("eventbridge-terminate.json") as { detail: Record<string, unknown> };
/** An Auto Scaling event that is no lifecycle action: acknowledged and ignored. */
const otherEvent = {
  version: "0",
  id: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
  "detail-type": "EC2 Instance Terminate Successful",
  source: "aws.autoscaling",
  account: "123456789012",
  time: "2026-11-24T10:00:00Z",
  region: "us-west-2",
  resources: [],
  detail: { EC2InstanceId: "i-0123456789abcdef0", AutoScalingGroupName: "prod-workers" },
};

function terminateOf(instanceId: string): unknown {
  return { ...terminate, detail: { ...terminate.detail, EC2InstanceId: instanceId } };
}

const context: InvocationContext = {
  awsRequestId: "req-1",
  invokedFunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:drainer",
  getRemainingTimeInMillis: () => 60_000,
};

/** A runner that answers from a script and records every delivery it got. */
function scriptedRunner(answer: (delivery: Delivery) => Promise<NoticeOutcome>) {
  const deliveries: Delivery[] = [];
  return {
    deliveries,
    run: async (delivery: Delivery) => {
      deliveries.push(delivery);
      return answer(delivery);
    },
  };
}

const completed: NoticeOutcome = {
  kind: "completed",
  result: "CONTINUE",
  completion: "completed",
  reason: "drained",
};
const viaQueue: ContinuationScheduler = { schedule: async () => "queue" };
const viaInvoke: ContinuationScheduler = { schedule: async () => "invoke" };

function shellWith(runner: ReturnType<typeof scriptedRunner>, log = new MemoryLog()) {
  return {
    log,
    shell: new InvocationShell({
      job: runner,
      log,
      sqsContinuations: () => viaQueue,
      directContinuations: () => viaInvoke,
    }),
  };
}

describe("an SQS batch", () => {
  it("reports only the failed and malformed records, acknowledging the rest", async () => {
    const runner = scriptedRunner(async ({ notice }) => {
      if (notice.instanceId === "i-0000000000000bad0") {
        throw new NoticeError("listing nodes: 503 ServiceUnavailable", { retryable: true });
      }
      return completed;
    });
    const { shell, log } = shellWith(runner);
    const batch = sqsBatchOf([
      terminateOf("i-0123456789abcdef0"),
      otherEvent,
      terminateOf("i-0000000000000bad0"),
    ]);
    const malformed = { ...batch.Records[0], messageId: "malformed-1", body: "{not json" };
    const event = { Records: [...batch.Records, malformed] };

    const response = await shell.handle(event, context);

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: batch.Records[2]?.messageId }, { itemIdentifier: "malformed-1" }],
    });
    expect(runner.deliveries.map((delivery) => delivery.notice.instanceId)).toEqual([
      "i-0123456789abcdef0",
      "i-0000000000000bad0",
    ]);
    const errors = log.lines.filter((line) => line.level === "error");
    expect(errors.map((line) => line.fields.messageId)).toEqual(expect.arrayContaining(["malformed-1"]));
    expect(errors.find((line) => line.fields.messageId === "malformed-1")?.fields).toMatchObject({
      field: "body",
      retryable: false,
      error: expect.stringContaining("body: is not valid JSON"),
    });
    expect(
      errors.find((line) => line.fields.messageId === batch.Records[2]?.messageId)?.fields,
    ).toMatchObject({
      retryable: true,
    });
    expect(log.find("notice ignored")).toHaveLength(1);
  });

  it("reports a record whose envelope is malformed, naming its place in the batch", async () => {
    const runner = scriptedRunner(async () => completed);
    const { shell, log } = shellWith(runner);
    const batch = sqsBatchOf([terminateOf("i-0123456789abcdef0"), terminateOf("i-0fedcba9876543210")]);
    const event = { Records: [batch.Records[0], { ...batch.Records[1], eventSource: "aws:sns" }] };

    const response = await shell.handle(event, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[1]?.messageId }] });
    expect(log.lines.find((line) => line.level === "error")?.fields.field).toBe("Records[1].eventSource");
    expect(runner.deliveries).toHaveLength(1);
  });

  it("fails the whole batch, after settling the others, when a record has no messageId to report", async () => {
    const runner = scriptedRunner(async () => completed);
    const { shell } = shellWith(runner);
    const batch = sqsBatchOf([terminateOf("i-0123456789abcdef0")]);
    const event = { Records: [...batch.Records, { eventSource: "aws:sqs", body: "{}" }] };

    await expect(shell.handle(event, context)).rejects.toThrow(/without a messageId/);
    expect(runner.deliveries).toHaveLength(1);
  });

  it("runs the same notice and attempt once when it appears twice at once; each delivery owns its message", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = scriptedRunner(async () => {
      await gate;
      return completed;
    });
    const { shell } = shellWith(runner);
    const batch = sqsBatchOf([terminate, terminate]);

    const handling = shell.handle(batch, context);
    await new Promise((resolve) => setImmediate(resolve));
    release();

    expect(await handling).toEqual({ batchItemFailures: [] });
    expect(runner.deliveries).toHaveLength(1);
    expect(runner.deliveries[0]?.owner).toBe(`req-1/${batch.Records[0]?.messageId}`);
    expect(runner.deliveries[0]?.continuations).toBe(viaQueue);
  });
});

describe("a direct invocation", () => {
  it("answers with the notice's outcome, continued by self-invocation", async () => {
    const runner = scriptedRunner(async () => completed);
    const { shell } = shellWith(runner);

    expect(await shell.handle(terminate, context)).toEqual({ outcome: completed });
    expect(runner.deliveries[0]).toMatchObject({ owner: "req-1", attempt: 0, continuations: viaInvoke });
    expect(runner.deliveries[0]?.remainingMs()).toBe(60_000);
  });

  it("acknowledges an ignored event with one log line", async () => {
    const runner = scriptedRunner(async () => completed);
    const { shell, log } = shellWith(runner);

    expect(await shell.handle(otherEvent, context)).toMatchObject({ outcome: { kind: "ignored" } });
    expect(log.lines).toHaveLength(1);
    expect(runner.deliveries).toEqual([]);
  });

  it("fails the invocation on a malformed event, naming the field", async () => {
    const { shell, log } = shellWith(scriptedRunner(async () => completed));
    const broken = { ...terminate, detail: { ...terminate.detail, EC2InstanceId: "web-1" } };

    await expect(shell.handle(broken, context)).rejects.toMatchObject({
      name: "EventError",
      field: "detail.EC2InstanceId",
    });
    expect(log.lines[0]?.fields.field).toBe("detail.EC2InstanceId");
  });

  it("fails the invocation when the notice fails, so that Lambda retries it", async () => {
    const { shell } = shellWith(
      scriptedRunner(async () => {
        throw new NoticeError("completing: Throttling", { retryable: true });
      }),
    );
    await expect(shell.handle(terminate, context)).rejects.toBeInstanceOf(NoticeError);
    await expect(shell.handle(terminate, context)).rejects.not.toBeInstanceOf(EventError);
  });
});
