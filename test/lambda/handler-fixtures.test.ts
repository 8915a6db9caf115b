import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventError } from "../../src/events/event-error.js";
import { parseInvocationEvent, parseSqsBody } from "../../src/events/intake.js";
import type { TerminationNotice } from "../../src/events/termination-notice.js";
import type { InvocationSummary } from "../../src/lambda/invocation-shell.js";
import { eventFixtures, type FixtureExpectation, loadEventFixture } from "../fixtures/events/catalog.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";

const primaryNode = "ip-10-0-1-10.us-west-2.compute.internal";
const batchNode = "ip-10-0-2-20.us-west-2.compute.internal";

/** The fixtures' instances: two joined nodes with pods, and the flat-notification instance never joined. */
const fixtureScenario = `
controllerDelaySeconds: 0.05
podGcSeconds: 1
nodes:
  - { name: ${primaryNode}, instanceId: i-0123456789abcdef0, availabilityZone: us-west-2a }
  - { name: ${batchNode}, instanceId: i-0aaaabbbbccccdddd, availabilityZone: us-west-2b }
  - { name: ip-10-0-3-30.us-west-2.compute.internal, instanceId: i-0a1b2c3d4e5f60004, availabilityZone: us-west-2c }
  - { name: ip-10-0-3-31.us-west-2.compute.internal, instanceId: i-0fedcba9876543210, availabilityZone: us-west-2c, joined: false }
workloads:
  - kind: Deployment
    name: api
    namespace: shop
    replicas: 2
    nodes: [${primaryNode}, ${batchNode}]
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.1
    startupSeconds: 0.2
`;

/** The notices a fixture carries, read as the handler reads them (null where a record is not a notice). */
function noticesOf(event: unknown, delivery: "invocation" | "sqs"): (TerminationNotice | null)[] {
  const read = (parse: () => ReturnType<typeof parseSqsBody>) => {
    try {
      const result = parse();
      return result.kind === "notice" ? result.notice : null;
    } catch {
      return null;
    }
  };
  if (delivery === "invocation") return [read(() => parseInvocationEvent(event))];
  const records = (event as { Records: { body: unknown }[] }).Records;
  return records.map((record) => read(() => parseSqsBody(record.body)));
}

function expectCompletedOnce(harness: LambdaHarness, notice: TerminationNotice): void {
  const completions = harness.asg.completions().filter((entry) => entry.token === notice.token);
  expect(completions).toHaveLength(1);
  expect(completions[0]).toMatchObject({
    instanceId: notice.instanceId,
    result: "CONTINUE",
    outcome: "completed",
  });
}

const isLaunchFixture = (fixture: (typeof eventFixtures)[number]) =>
  noticesOf(loadEventFixture(fixture.file), fixture.delivery).some(
    (notice) => notice?.transition === "launch",
  );
const byNotice = eventFixtures.filter(
  (fixture) => fixture.expect.some((e) => e.kind === "notice") && !isLaunchFixture(fixture),
);
const launches = eventFixtures.filter(isLaunchFixture);
const withoutNotice = eventFixtures.filter((fixture) => !fixture.expect.some((e) => e.kind === "notice"));

describe("every event fixture carrying a notice, through the handler", () => {
  for (const fixture of byNotice) {
    it(`${fixture.file}: drains and completes each notice with CONTINUE, once`, async () => {
      const harness = await startLambdaHarness({ scenario: fixtureScenario });
      try {
        const event = loadEventFixture(fixture.file);
        const notices = noticesOf(event, fixture.delivery);
        for (const notice of notices) {
          if (notice !== null) harness.asg.terminate(notice.instanceId, { token: notice.token });
        }

        const response = await harness.virtually(() => harness.handler(event, harness.context(60_000)));

        if (fixture.delivery === "invocation") {
          expect((response as InvocationSummary).outcome).toMatchObject({
            kind: "completed",
            result: "CONTINUE",
          });
        } else {
          expect((response as SQSBatchResponse).batchItemFailures).toEqual([]);
        }
        for (const notice of notices) {
          if (notice === null) continue;
          expectCompletedOnce(harness, notice);
          const node = notice.instanceId === "i-0123456789abcdef0" ? primaryNode : batchNode;
          if (notice.instanceId !== "i-0fedcba9876543210") {
            expect(harness.sim.view.pods({ nodeName: node, namespace: "shop" })).toEqual([]);
          }
        }
        expect(harness.sim.recorder.violations()).toEqual([]);
      } finally {
        await harness.stop();
      }
    }, 60_000);
  }
});

describe("every launch fixture, through the handler", () => {
  for (const fixture of launches) {
    it(`${fixture.file}: completes the launch action once, CONTINUE when its Node is Ready, ABANDON when none comes`, async () => {
      const event = loadEventFixture(fixture.file);
      const [notice] = noticesOf(event, fixture.delivery);
      if (notice === undefined || notice === null) throw new Error(`${fixture.file} carries no notice`);
      const joined = notice.instanceId !== "i-0fedcba9876543210";
      const harness = await startLambdaHarness({
        scenario: fixtureScenario,
        asg: { launchHookName: notice.hookName, hookName: "drain-before-terminate-other" },
        // The never-joined instance's limit passes within seconds; the others have time to settle.
        env: { LAUNCH_SETTLE_SECONDS: "1", LAUNCH_TIMEOUT_SECONDS: joined ? "3600" : "60" },
      });
      try {
        harness.asg.launch(notice.instanceId, {
          token: notice.token,
          ...(notice.origin === undefined ? {} : { origin: notice.origin }),
          ...(notice.destination === undefined ? {} : { destination: notice.destination }),
        });

        const response = await harness.virtually(() => harness.handler(event, harness.context(60_000)));

        if (fixture.delivery === "sqs") expect((response as SQSBatchResponse).batchItemFailures).toEqual([]);
        const completions = harness.asg.completions().filter((entry) => entry.token === notice.token);
        expect(completions).toHaveLength(1);
        expect(completions[0]).toMatchObject({
          result: joined || notice.destination === "WarmPool" ? "CONTINUE" : "ABANDON",
          outcome: "completed",
        });
        expect(harness.sim.recorder.requests().filter((r) => r.subresource === "eviction")).toEqual([]);
      } finally {
        await harness.stop();
      }
    }, 60_000);
  }
});

describe("every event fixture without a notice, through the handler", () => {
  let harness: LambdaHarness;

  beforeAll(async () => {
    harness = await startLambdaHarness({ scenario: fixtureScenario });
  }, 30_000);

  afterAll(async () => {
    await harness.stop();
  });

  for (const fixture of withoutNotice) {
    const expected = fixture.expect[0] as FixtureExpectation;
    it(`${fixture.file}: ${expected.kind === "error" ? `fails naming ${expected.field}` : "is acknowledged with one log line"}`, async () => {
      const event = loadEventFixture(fixture.file);
      const linesBefore = harness.log.lines.length;
      const callsBefore = harness.asg.completions().length + harness.asg.heartbeats().length;

      if (fixture.delivery === "invocation" && expected.kind === "error") {
        const failure = await harness.handler(event, harness.context()).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(EventError);
        expect((failure as EventError).field).toBe(expected.field);
      } else if (fixture.delivery === "invocation") {
        const response = (await harness.handler(event, harness.context())) as InvocationSummary;
        expect(response.outcome.kind).toBe("ignored");
      } else {
        const response = (await harness.handler(event, harness.context())) as SQSBatchResponse;
        const ids = (event as { Records: { messageId: string }[] }).Records.map((record) => record.messageId);
        const failing = fixture.expect.flatMap((e, index) => (e.kind === "error" ? [ids[index]] : []));
        expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(failing);
      }

      const lines = harness.log.lines.slice(linesBefore);
      if (expected.kind === "error") {
        expect(lines.filter((line) => line.level === "error")).toHaveLength(1);
        expect(lines[0]?.fields.field).toBe(expected.field);
        expect(String(lines[0]?.fields.error)).toContain(`${expected.field}: `);
      } else if (expected.kind === "ignored") {
        expect(lines).toHaveLength(1);
        expect(lines[0]?.message).toBe("notice ignored");
        expect(String(lines[0]?.fields.reason)).toContain(expected.reasonIncludes);
      }
      expect(harness.asg.completions().length + harness.asg.heartbeats().length).toBe(callsBefore);
    });
  }
});
