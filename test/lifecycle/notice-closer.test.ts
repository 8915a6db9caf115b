import { describe, expect, it } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import type { LifecycleActions } from "../../src/aws/lifecycle.js";
import type { Clock } from "../../src/drain/clock.js";
import type { ContinuationMessage } from "../../src/events/continuation.js";
import type { TerminationNotice } from "../../src/events/termination-notice.js";
import {
  encodeLifecycleRecord,
  LIFECYCLE_RECORD_ANNOTATION,
  readLifecycleRecord,
} from "../../src/lifecycle/lifecycle-record.js";
import { NodeRecordStore } from "../../src/lifecycle/node-record-store.js";
import { NoticeCloser } from "../../src/lifecycle/notice-closer.js";
import { NoticeError } from "../../src/lifecycle/notice-error.js";
import { readSettings } from "../../src/lifecycle/settings.js";
import { MemoryLog } from "../lambda/support/memory-log.js";
import { MemoryNodePort } from "./support/memory-node-port.js";

const now = Date.parse("2026-11-24T10:30:00Z");
const clock: Clock = { now: () => now, sleep: async () => {} };
const notice: TerminationNotice = {
  instanceId: "i-0123456789abcdef0",
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  token: "87654321-4321-4321-4321-210987654321",
  receivedAt: "2026-11-24T10:00:00.000Z",
  via: "sqs-eventbridge",
};

interface Script {
  heartbeat?: () => Promise<"recorded" | "action-gone">;
  complete?: () => Promise<"completed" | "already-complete">;
  schedule?: (message: ContinuationMessage) => Promise<string>;
}

/** A closer for attempt 2 of the notice, holding the lease on node n1, with scripted AWS answers. */
function closerWith(script: Script, deadlineSettings: Record<string, string> = { ON_DEADLINE: "force" }) {
  const calls: string[] = [];
  const lifecycle: LifecycleActions = {
    describeHook: async () => ({
      heartbeatTimeoutSeconds: 300,
      defaultResult: "ABANDON",
      globalTimeoutSeconds: 30_000,
    }),
    recordHeartbeat: async () => {
      calls.push("heartbeat");
      return (script.heartbeat ?? (async () => "recorded" as const))();
    },
    complete: async (_action, result) => {
      calls.push(`complete ${result}`);
      return (script.complete ?? (async () => "completed" as const))();
    },
  };
  const scheduled: ContinuationMessage[] = [];
  const port = new MemoryNodePort();
  const lease = { owner: "req-2/msg-2", attempt: 2, until: now + 60_000 };
  port.add("n1", { [LIFECYCLE_RECORD_ANNOTATION]: encodeLifecycleRecord({ token: notice.token, lease }) });
  const closer = new NoticeCloser(
    { settings: readSettings(deadlineSettings), clock, lifecycle, log: new MemoryLog() },
    {
      notice,
      attempt: 2,
      owner: lease.owner,
      remainingMs: () => 0,
      continuations: {
        schedule: async (message) => {
          scheduled.push(message);
          return (script.schedule ?? (async () => "queued"))(message);
        },
      },
    },
  );
  const store = new NodeRecordStore(port, "n1", notice.token);
  const record = async () => {
    const reading = readLifecycleRecord((await port.getNode("n1")) ?? {}, notice.token);
    return reading.kind === "found" ? reading.record : undefined;
  };
  return { closer, store, calls, scheduled, record };
}

describe("NoticeCloser", () => {
  it("completes a drained node once and records the completion, ending the lease", async () => {
    const { closer, store, calls, record } = closerWith({});

    const outcome = await closer.close({ kind: "drained" }, store);

    expect(outcome).toMatchObject({
      kind: "completed",
      result: "CONTINUE",
      completion: "completed",
      nodeName: "n1",
    });
    expect(calls).toEqual(["complete CONTINUE"]);
    expect(await record()).toEqual({
      token: notice.token,
      completion: { result: "CONTINUE", at: now, by: "req-2/msg-2" },
    });
  });

  it("hands off: heartbeat, continuation n + 1, then the hand-off recorded without the lease", async () => {
    const { closer, store, calls, scheduled, record } = closerWith({});

    const outcome = await closer.close({ kind: "out-of-time" }, store);

    expect(outcome).toMatchObject({ kind: "continued", nextAttempt: 3, scheduled: "queued" });
    expect(calls).toEqual(["heartbeat"]);
    expect(scheduled.map((message) => message.attempt)).toEqual([3]);
    expect(await record()).toEqual({
      token: notice.token,
      handedOff: { attempt: 3, at: now },
      lastHeartbeatAt: now,
    });
  });

  it("stops without a continuation when the heartbeat says the action is no longer waiting", async () => {
    const { closer, store, scheduled, record } = closerWith({ heartbeat: async () => "action-gone" });

    expect(await closer.close({ kind: "out-of-time" }, store)).toMatchObject({ kind: "stopped" });
    expect(scheduled).toEqual([]);
    expect((await record())?.lease).toBeUndefined();
  });

  it("still hands off when the heartbeat fails: the next invocation beats again", async () => {
    const { closer, store, scheduled } = closerWith({
      heartbeat: async () => {
        throw new AwsCallError("heartbeat", { retryable: true, code: "Throttling" });
      },
    });

    expect(await closer.close({ kind: "out-of-time" }, store)).toMatchObject({ kind: "continued" });
    expect(scheduled).toHaveLength(1);
  });

  it("gives the notice back when the continuation cannot be sent, leaving no hand-off that would hide it", async () => {
    const { closer, store, record } = closerWith({
      schedule: async () => {
        throw new AwsCallError("sending continuation 3", { retryable: true, code: "ServiceUnavailable" });
      },
    });

    const failure = closer.close({ kind: "out-of-time" }, store);

    await expect(failure).rejects.toBeInstanceOf(NoticeError);
    await expect(failure).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining("continuation 3"),
    });
    expect(await record()).toEqual({ token: notice.token });
  });

  it("gives the notice back, lease released, when the completion call fails", async () => {
    const { closer, store, record } = closerWith({
      complete: async () => {
        throw new AwsCallError("completing", { retryable: true, code: "Throttling" });
      },
    });

    await expect(closer.close({ kind: "drained" }, store)).rejects.toMatchObject({ retryable: true });
    expect(await record()).toEqual({ token: notice.token });
  });

  it("records a deadline left to the hook's DefaultResult, without a completion call", async () => {
    const { closer, store, calls, record } = closerWith(
      {},
      { ON_DEADLINE: "leave", DEADLINE_RESULT: "default-result" },
    );

    expect(await closer.close({ kind: "deadline-reached" }, store)).toMatchObject({
      kind: "left-to-default-result",
    });
    expect(calls).toEqual([]);
    expect((await record())?.completion?.result).toBe("DEFAULT-RESULT");
  });

  it("completes without a node to record on", async () => {
    const { closer, calls } = closerWith({ complete: async () => "already-complete" });

    expect(await closer.close({ kind: "no-node" }, undefined)).toMatchObject({
      kind: "completed",
      completion: "already-complete",
    });
    expect(calls).toEqual(["complete CONTINUE"]);
  });
});
