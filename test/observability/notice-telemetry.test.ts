import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/drain/clock.js";
import type { TerminationNotice } from "../../src/events/termination-notice.js";
import type { DrainNotification } from "../../src/lifecycle/drain-notification.js";
import type { DrainNotifier, NotificationFailure } from "../../src/lifecycle/drain-notifier.js";
import { NoticeError } from "../../src/lifecycle/notice-error.js";
import { NoticeTelemetry } from "../../src/lifecycle/notice-telemetry.js";
import { MemoryLog } from "../lambda/support/memory-log.js";

const clock: Clock = { now: () => Date.parse("2026-11-24T10:30:00Z"), sleep: async () => {} };
const notice: TerminationNotice = {
  instanceId: "i-0a1b2c3d4e5f60001",
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  token: "4dd05cd9-9ad8-44bb-89c7-839db4618a03",
  clusterName: "prod",
  receivedAt: "2026-11-24T10:00:00Z",
  via: "eventbridge",
};

class RecordingNotifier implements DrainNotifier {
  readonly channels = ["test"];
  readonly sent: DrainNotification[] = [];
  failures: NotificationFailure[] = [];

  async notify(notification: DrainNotification): Promise<NotificationFailure[]> {
    this.sent.push(notification);
    return this.failures;
  }
}

function telemetry(notifier: DrainNotifier, log = new MemoryLog()): NoticeTelemetry {
  const observed = new NoticeTelemetry({ log, clock, notifier, kubeEvents: false }, notice);
  observed.clusterResolved("prod");
  return observed;
}

describe("NoticeTelemetry's failure notifications", () => {
  it("tells of a drain that failed, even when the retry may help", async () => {
    const notifier = new RecordingNotifier();
    const observed = telemetry(notifier);

    observed.drainEnded({ kind: "failed", message: "draining node a: 503", retryable: true });
    observed.failed(new NoticeError("draining node a: 503", { retryable: true }));
    await observed.settle();

    expect(notifier.sent.map((n) => [n.kind, n.severity])).toEqual([["drain-failed", "error"]]);
    expect(notifier.sent[0]?.facts).toEqual(
      expect.arrayContaining([
        ["Error", "draining node a: 503"],
        ["Next", "retried from the node's state"],
      ]),
    );
  });

  it("tells of a notice no retry can help, before any drain", async () => {
    const notifier = new RecordingNotifier();
    const observed = telemetry(notifier);

    observed.failed(new NoticeError("no cluster for instance i-0a1b2c3d4e5f60001", { retryable: false }));
    await observed.settle();

    expect(notifier.sent.map((n) => n.kind)).toEqual(["drain-failed"]);
  });

  it("keeps quiet about a retryable hiccup before the drain (a lease held by another delivery)", async () => {
    const notifier = new RecordingNotifier();
    const observed = telemetry(notifier);

    observed.failed(new NoticeError("node a is drained by another invocation", { retryable: true }));
    await observed.settle();

    expect(notifier.sent).toEqual([]);
  });

  it("tells of the end only when a drain ended with the lifecycle action answered", async () => {
    const notifier = new RecordingNotifier();
    const observed = telemetry(notifier);

    observed.drainEnded({ kind: "no-node" });
    observed.closed({ kind: "completed", result: "CONTINUE", completion: "completed", reason: "no Node" });
    await observed.settle();

    expect(notifier.sent).toEqual([]);
  });

  it("logs a channel's failure with the notice's keys and never throws", async () => {
    const notifier = new RecordingNotifier();
    notifier.failures = [{ channel: "test", error: new Error("the webhook answered HTTP 500") }];
    const log = new MemoryLog();
    const observed = telemetry(notifier, log);

    observed.drainEnded({ kind: "drained" });
    observed.closed({ kind: "completed", result: "CONTINUE", completion: "completed", reason: "drained" });
    await observed.settle();

    expect(log.find("notification failed")).toEqual([
      {
        level: "warn",
        message: "notification failed; the drain goes on",
        fields: {
          instanceId: notice.instanceId,
          asg: "prod-workers",
          hook: "drain-before-terminate",
          cluster: "prod",
          channel: "test",
          notification: "drain-finished",
          error: "the webhook answered HTTP 500",
        },
      },
    ]);
  });
});
