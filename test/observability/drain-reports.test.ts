import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type DrainNotification,
  drainFinished,
  slackPayload,
} from "../../src/lifecycle/drain-notification.js";
import type { DrainNotifier } from "../../src/lifecycle/index.js";
import { type LambdaHarness, startLambdaHarness } from "../lambda/support/lambda-harness.js";
import { MemoryLog } from "../lambda/support/memory-log.js";
import {
  drainedInstance,
  drainedNode,
  quickDrainScenario,
  slowDrainScenario,
} from "../lambda/support/scenarios.js";
import { embeddedRecord, lanesOf } from "../timeline/support/report-page-reader.js";

const bucket = "drain-reports-123456789012";

/** Keeps every notification, as a channel that always succeeds. */
function keptNotifications(): DrainNotifier & { sent: DrainNotification[] } {
  const sent: DrainNotification[] = [];
  return {
    channels: ["kept"],
    sent,
    notify: async (notification) => {
      sent.push(notification);
      return [];
    },
  };
}

describe("drain reports written to REPORT_BUCKET", () => {
  let harness: LambdaHarness | undefined;
  let s3: AwsClientStub<S3Client>;
  let log: MemoryLog;
  let notifier: ReturnType<typeof keptNotifications>;
  const metrics: Record<string, unknown>[] = [];

  beforeEach(() => {
    // The S3 client is built by the handler itself, on the first report: mocked for every instance.
    s3 = mockClient(S3Client);
    log = new MemoryLog();
    notifier = keptNotifications();
    metrics.length = 0;
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    s3.restore();
  });

  async function drainWithReports(): Promise<void> {
    harness = await startLambdaHarness({
      scenario: quickDrainScenario,
      log,
      env: { REPORT_BUCKET: bucket },
      dependencies: {
        notifier,
        metrics: (line) => metrics.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    const { event } = harness.asg.terminate(drainedInstance);
    const answer = await harness.invokeDirect(event);
    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
  }

  it("puts one HTML page per drain, one lane per drained pod, its key logged and in the notification", async () => {
    s3.on(PutObjectCommand).resolves({});

    await drainWithReports();

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    const put = puts[0];
    expect(put?.Bucket).toBe(bucket);
    expect(put?.ContentType).toBe("text/html; charset=utf-8");
    const key = put?.Key ?? "";
    expect(key).toMatch(
      new RegExp(
        `^prod/${drainedNode.replaceAll(".", "\\.")}/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\.html$`,
      ),
    );
    const html = String(put?.Body);
    const lanes = lanesOf(html);
    expect(lanes.map((lane) => lane.pod.split("-").slice(0, 1).join())).toEqual(["shop/api", "shop/api"]);
    expect(lanes.every((lane) => lane.end === "gone")).toBe(true);
    expect(embeddedRecord(html)).toMatchObject({
      node: drainedNode,
      instanceId: drainedInstance,
      counts: { evictions: 2 },
    });
    expect(html).not.toMatch(/(?:src|href)="https?:/);

    const uri = `s3://${bucket}/${key}`;
    expect(log.find("report written").map((line) => line.fields.reportUri)).toEqual([uri]);
    const finished = notifier.sent.find((notification) => notification.kind === "drain-finished");
    expect(finished?.facts).toContainEqual(["Report", uri]);
  }, 60_000);

  it("leaves a report already written for the same drain in place (conditional write), and counts no failure", async () => {
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error("At least one of the pre-conditions you specified did not hold"), {
        name: "PreconditionFailed",
        $metadata: { httpStatusCode: 412 },
      }),
    );

    await drainWithReports();

    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.IfNoneMatch)).toEqual(["*"]);
    expect(log.find("report written")).toHaveLength(1);
    expect(log.find("report not written; the drain goes on")).toEqual([]);
    expect(metrics.some((document) => "ReportFailures" in document)).toBe(false);
  }, 60_000);

  it("completes the lifecycle action when the report cannot be written, logs why and counts it", async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));

    await drainWithReports();

    expect(harness?.asg.completions().map((entry) => entry.result)).toEqual(["CONTINUE"]);
    const warnings = log.find("report not written; the drain goes on");
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.fields.error)).toContain("AccessDenied");
    const finished = notifier.sent.find((notification) => notification.kind === "drain-finished");
    expect(finished?.facts.map(([label]) => label)).not.toContain("Report");
    expect(metrics.find((document) => "ReportFailures" in document)?.ReportFailures).toBe(1);
  }, 60_000);

  it("writes one report for a drain carried over several invocations, by the last one, keyed by the drain's start", async () => {
    const pages: { key: string; html: string }[] = [];
    harness = await startLambdaHarness({
      scenario: slowDrainScenario,
      log,
      dependencies: {
        reports: {
          put: async (key, html) => {
            pages.push({ key, html });
            return `memory://${key}`;
          },
        },
      },
    });
    const { event } = harness.asg.terminate(drainedInstance);

    const { invocations } = await harness.runToEnd({ mode: "direct", event }, 1_200);

    expect(invocations).toBeGreaterThanOrEqual(3);
    expect(pages.map((page) => page.key)).toHaveLength(1);
    const record = embeddedRecord(pages[0]?.html ?? "");
    expect(pages[0]?.key).toBe(`prod/${drainedNode}/${record.startedAt}.html`);
    expect(record.counts.evictions).toBe(4);
    expect(log.find("report written").map((line) => line.fields.reportUri)).toEqual([
      `memory://${pages[0]?.key}`,
    ]);
  }, 90_000);
});

it("shows the report's address in the webhook message too, past Slack's ten fields per section", () => {
  const notification = drainFinished(
    { instanceId: "i-1", asgName: "prod-workers", hookName: "drain", clusterName: "prod", nodeName: "n-1" },
    Date.parse("2026-12-02T10:00:00Z"),
    {
      ending: "deadline-forced",
      result: "CONTINUE",
      reason: "forced at the deadline",
      evicted: 3,
      forced: 1,
      durationMs: 60_000,
      report: "s3://drain-reports/prod/n-1/2026-12-02T09:59:00.000Z.html",
    },
  );
  const payload = slackPayload(notification) as { blocks: { type: string; fields?: { text: string }[] }[] };
  const sections = payload.blocks.filter((block) => block.type === "section");
  expect(sections.map((section) => section.fields?.length)).toEqual([10, 1]);
  expect(sections[1]?.fields?.[0]?.text).toBe(
    "*Report*\ns3://drain-reports/prod/n-1/2026-12-02T09:59:00.000Z.html",
  );
});
