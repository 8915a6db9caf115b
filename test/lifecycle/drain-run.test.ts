import { describe, expect, it } from "vitest";
import type {
  CompletionOutcome,
  HeartbeatOutcome,
  LifecycleActionRef,
  LifecycleActions,
  LifecycleHookSettings,
  LifecycleResult,
} from "../../src/aws/lifecycle.js";
import type { DrainResult, DrainStatus } from "../../src/drain/result.js";
import { decideCompletion } from "../../src/lifecycle/completion-policy.js";
import { type DrainRunRequest, endingOf, runDrainWithHeartbeats } from "../../src/lifecycle/drain-run.js";
import type { JobLog } from "../../src/lifecycle/job-log.js";
import { FakeClock } from "../drain/support/fake-clock.js";

/** Auto Scaling in memory: records each heartbeat and completion with the (virtual) time. */
class RecordingLifecycle implements LifecycleActions {
  readonly beats: number[] = [];
  readonly completions: { at: number; result: LifecycleResult; action: LifecycleActionRef }[] = [];
  /** From this time on, the action is no longer waiting. */
  goneAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: FakeClock,
    private readonly hook: LifecycleHookSettings,
  ) {}

  async describeHook(): Promise<LifecycleHookSettings> {
    return this.hook;
  }

  async recordHeartbeat(): Promise<HeartbeatOutcome> {
    if (this.clock.now() >= this.goneAt) return "action-gone";
    this.beats.push(this.clock.now());
    return "recorded";
  }

  async complete(action: LifecycleActionRef, result: LifecycleResult): Promise<CompletionOutcome> {
    this.completions.push({ at: this.clock.now(), result, action });
    return "completed";
  }
}

function resultOf(status: DrainStatus, at: number): DrainResult {
  return {
    status,
    nodeName: "node-1",
    startedAt: at,
    deadline: at + 3_600_000,
    phase: "finished",
    evicted: [],
    forced: [],
    skipped: [],
    blocked: [],
    waitedFor: [],
    remaining: [],
    counts: { evicted: 0, forced: 0, invocations: 1 },
    timings: { runStartedAt: at, finishedAt: at, runMs: 0, totalMs: 0, tiers: {} },
    warnings: [],
  };
}

const hook: LifecycleHookSettings = {
  heartbeatTimeoutSeconds: 60,
  defaultResult: "ABANDON",
  globalTimeoutSeconds: 6000,
};
const forceAtDeadline = { ON_DEADLINE: "force", DEADLINE_RESULT: "default-result" } as const;
const action = { asgName: "workers", hookName: "drain", instanceId: "i-0123456789abcdef0" };

function collectingLog(lines: string[]): JobLog {
  return {
    info: (message) => lines.push(message),
    warn: (message) => lines.push(message),
    error: (message) => lines.push(message),
  };
}

function runWith(
  clock: FakeClock,
  lifecycle: RecordingLifecycle,
  drain: DrainRunRequest["drain"],
  more: Partial<DrainRunRequest> = {},
) {
  return runDrainWithHeartbeats({
    clock,
    lifecycle,
    action,
    hook,
    actionStartedAt: clock.now(),
    nodeName: "node-1",
    drain,
    lastHeartbeatAt: undefined,
    log: collectingLog([]),
    ...more,
  });
}

/** A drain that takes `ms` of virtual time unless stopped, then reports like the engine. */
function drainTaking(clock: FakeClock, ms: number): DrainRunRequest["drain"] {
  return async (signal) => {
    try {
      await clock.sleep(ms, signal);
      return resultOf("drained", clock.now());
    } catch {
      return resultOf("in-progress", clock.now());
    }
  };
}

describe("runDrainWithHeartbeats: the one heartbeat-around-drain composition", () => {
  it("keeps the action waiting with a heartbeat every HeartbeatTimeout/2 while the drain runs", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const lines: string[] = [];
    const run = await runWith(clock, lifecycle, drainTaking(clock, 100_000), { log: collectingLog(lines) });

    expect(lifecycle.beats.map((at) => at - start)).toEqual([30_000, 60_000, 90_000]);
    expect(run.heartbeats).toBe(3);
    expect(run.lastHeartbeatAt).toBe(start + 90_000);
    expect(run.ending).toEqual({ kind: "drained" });
    expect(decideCompletion(run.ending, forceAtDeadline)).toMatchObject({
      kind: "complete",
      result: "CONTINUE",
    });
    expect(lines.filter((line) => line === "heartbeat recorded")).toHaveLength(3);
    // The composition itself never completes: completing is the completion policy's, once.
    expect(lifecycle.completions).toEqual([]);
  });

  it("heartbeats at once, then every HeartbeatTimeout/2, for an action finished by hand", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const run = await runWith(clock, lifecycle, drainTaking(clock, 100_000), { heartbeatAtOnce: true });

    expect(lifecycle.beats.map((at) => at - start)).toEqual([0, 30_000, 60_000, 90_000]);
    expect(run.heartbeats).toBe(4);
  });

  it("stops heartbeating the moment the drain ends", async () => {
    const clock = new FakeClock();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const run = await runWith(clock, lifecycle, async () => resultOf("drained", clock.now()));
    await clock.sleep(120_000);
    expect(lifecycle.beats).toEqual([]);
    expect(run.heartbeaterEnd).toBe("stopped");
  });

  it("stops the drain, its state saved, when the action is no longer waiting", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const lifecycle = new RecordingLifecycle(clock, hook);
    lifecycle.goneAt = start + 45_000;
    const run = await runWith(clock, lifecycle, drainTaking(clock, 600_000));
    expect(clock.now() - start).toBe(60_000);
    expect(run.result?.status).toBe("in-progress");
    expect(run.ending).toEqual({ kind: "action-gone" });
    expect(decideCompletion(run.ending, forceAtDeadline).kind).toBe("stop");
  });

  it("ends interrupted when the shell shuts down, and the notice is given back", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const shutdown = new AbortController();
    clock.after(40_000, () => shutdown.abort(new Error("SIGTERM")));
    const run = await runWith(clock, lifecycle, drainTaking(clock, 600_000), { shutdown: shutdown.signal });
    expect(clock.now() - start).toBe(40_000);
    expect(run.ending).toEqual({ kind: "interrupted" });
    expect(decideCompletion(run.ending, forceAtDeadline)).toMatchObject({ kind: "retry", retryable: true });
    await clock.sleep(120_000);
    expect(lifecycle.beats.map((at) => at - start)).toEqual([30_000]);
  });

  it("reports a drain that throws as a failure, with its message, heartbeats stopped", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const run = await runWith(clock, lifecycle, async () => {
      await clock.sleep(95_000);
      throw new Error("listing pods on node ip-10-0-1-23 failed");
    });
    expect(run.ending).toMatchObject({
      kind: "failed",
      retryable: false,
      message: expect.stringContaining("listing pods on node ip-10-0-1-23 failed"),
    });
    expect(run.heartbeaterEnd).toBe("stopped");
    await clock.sleep(3_600_000);
    expect(lifecycle.beats.map((at) => at - start)).toEqual([30_000, 60_000, 90_000]);
  });

  it("beats every half hour through a drain of hours under an hourly heartbeat timeout", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const hourly = {
      heartbeatTimeoutSeconds: 3600,
      defaultResult: "ABANDON",
      globalTimeoutSeconds: 172_800,
    } as const;
    const lifecycle = new RecordingLifecycle(clock, hourly);
    const minute = 60_000;
    const run = await runWith(clock, lifecycle, drainTaking(clock, 130 * minute), { hook: hourly });
    expect(run.ending).toEqual({ kind: "drained" });
    await clock.sleep(10 * 60 * minute);
    expect(lifecycle.beats.map((at) => at - start)).toEqual([
      30 * minute,
      60 * minute,
      90 * minute,
      120 * minute,
    ]);
  });
});

describe("endingOf: what a drain's end means for the lifecycle action", () => {
  const calm = { actionGone: false, interrupted: false };
  it.each([
    ["drained", calm, "complete"],
    ["deadline-forced", calm, "complete"],
    ["deadline-left", calm, "left-to-default-result"],
    ["failed", calm, "retry"],
    ["in-progress", calm, "continue-later"],
    ["in-progress", { actionGone: false, interrupted: true }, "retry"],
    ["drained", { actionGone: true, interrupted: false }, "stop"],
  ] as const)(
    "a drain ending %s (%o) → %s (ON_DEADLINE=leave, DEADLINE_RESULT=default-result: the CLI's --on-deadline leave)",
    (status, stopped, decision) => {
      const clock = new FakeClock();
      const ending = endingOf(resultOf(status, clock.now()), stopped, clock.now());
      expect(decideCompletion(ending, { ON_DEADLINE: "leave", DEADLINE_RESULT: "default-result" }).kind).toBe(
        decision,
      );
    },
  );
});
