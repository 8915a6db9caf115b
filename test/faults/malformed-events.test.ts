import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvocationContext } from "../../src/lambda/invocation-shell.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { sqsBatchOf } from "../../src/sim/auto-scaling-group.js";
import { loadEventFixture } from "../fixtures/events/catalog.js";
import { faultScenario } from "./support/fault-scenarios.js";
import { countOther, emptyTally, tallyLine } from "./support/fault-tally.js";
import { type HandlerRig, startHandlerRig } from "./support/handler-rig.js";
import { makerOf, malformedInvocation, malformedSqsBody } from "./support/malformed-events.js";

/**
 * 1,000 generated malformed messages through the handler: 400 invoked directly, 560 SQS records in
 * batches of eight (each batch also carries an Auto Scaling test notification, which must still be
 * acknowledged), and 40 batches that cannot be answered record by record. Each one gets a clear error
 * naming the field at fault, nothing crashes, and nothing reaches the cluster or the Auto Scaling group.
 */

const seed = 501;
const directCount = 400;
const batches = 70;
const perBatch = 8;
const unreportableCount = 40;

function context(): InvocationContext {
  return {
    awsRequestId: randomUUID(),
    invokedFunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:eks-node-drainer",
    getRemainingTimeInMillis: () => 60_000,
  };
}

/**
 * A clear error: an EventError (never retryable) naming the field at fault, itself or as the cause of an
 * error that adds context; the message the caller sees names that field and stays short.
 */
function expectClearError(error: unknown, mutation: string): void {
  expect(error, mutation).toBeInstanceOf(Error);
  let found: unknown = error;
  while (found instanceof Error && found.name !== "EventError") found = found.cause;
  expect(found, `${mutation}: ${(error as Error).message}`).toBeInstanceOf(Error);
  const { field, retryable } = found as Error & { field?: unknown; retryable?: unknown };
  expect(typeof field === "string" && field.length > 0, `${mutation}: names a field`).toBe(true);
  expect(retryable, `${mutation}: never retryable`).toBe(false);
  const message = (error as Error).message;
  expect(message.includes(`${String(field)}: `), `${mutation}: ${message}`).toBe(true);
  expect(message.length, `${mutation}: a short message`).toBeLessThan(600);
}

describe("malformed messages through the handler", () => {
  const tally = emptyTally();
  const maker = makerOf(seededRandom(seed));
  let rig: HandlerRig;

  beforeAll(async () => {
    rig = await startHandlerRig({ scenario: faultScenario({ seed }), seed });
  });

  afterAll(async () => {
    countOther(tally, "requests reaching the cluster", rig.sim.recorder.requests().length);
    console.log(tallyLine("malformed messages", tally));
    await rig.stop();
  });

  it(`answers ${directCount} malformed direct invocations with an EventError naming the field`, async () => {
    const handler = rig.container(0);
    for (let index = 0; index < directCount; index++) {
      const { mutation, message } = malformedInvocation(maker);
      const outcome = await handler(message, context()).then(
        (answer) => ({ answer }),
        (error: unknown) => ({ error }),
      );
      expect("error" in outcome, `${mutation} must fail the invocation`).toBe(true);
      if ("error" in outcome) expectClearError(outcome.error, mutation);
    }
    tally.runs += directCount;
    countOther(tally, "direct invocations", directCount);
  });

  it(`reports ${batches * perBatch} malformed SQS records as batch item failures, and only them`, async () => {
    const handler = rig.container(1);
    const testNotification = (
      loadEventFixture("sqs-test-notification.json") as { Records: { body: string }[] }
    ).Records[0]?.body;
    for (let batch = 0; batch < batches; batch++) {
      const bad = Array.from({ length: perBatch }, () => malformedSqsBody(maker));
      const event = sqsBatchOf([...bad.map(() => "placeholder"), "placeholder"]);
      event.Records.forEach((record, index) => {
        record.body = bad[index]?.body ?? testNotification ?? "";
      });
      const badIds = event.Records.slice(0, perBatch).map((record) => String(record.messageId));
      const logged = rig.log.lines.length;

      const answer = (await handler(event, context())) as SQSBatchResponse;

      const failed = answer.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
      expect(failed, bad.map((item) => item.mutation).join(" | ")).toEqual([...badIds].sort());
      const errors = rig.log.lines.slice(logged).filter((line) => line.level === "error");
      for (const [index, id] of badIds.entries()) {
        const line = errors.find((candidate) => candidate.fields.messageId === id);
        expect(line, `no error logged for ${bad[index]?.mutation}`).toBeDefined();
        expect(typeof line?.fields.field, `${bad[index]?.mutation}: the log names the field`).toBe("string");
        expect(line?.fields.retryable, "a malformed record is never retryable").toBe(false);
      }
    }
    tally.runs += batches * perBatch;
    countOther(tally, "SQS records", batches * perBatch);
  });

  it(`fails the whole batch, naming the problem, for ${unreportableCount} records without a messageId`, async () => {
    const handler = rig.container(2);
    for (let index = 0; index < unreportableCount; index++) {
      const { mutation, body } = malformedSqsBody(maker);
      const event = sqsBatchOf([body]);
      const record = event.Records[0] as Record<string, unknown>;
      record.body = body;
      const damage = maker.pick<unknown>([undefined, "", 42, null]);
      if (damage === undefined) delete record.messageId;
      else record.messageId = damage;

      const error = await handler(event, context()).then(
        () => undefined,
        (caught: unknown) => caught,
      );

      expect(error, `${mutation} without a messageId`).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/messageId/);
    }
    tally.runs += unreportableCount;
    countOther(tally, "unreportable batches", unreportableCount);
  });

  it("touched neither the cluster nor the Auto Scaling group", () => {
    expect(rig.sim.recorder.requests()).toEqual([]);
    expect(rig.asg.completions()).toEqual([]);
    expect(rig.asg.heartbeats()).toEqual([]);
  });
});
