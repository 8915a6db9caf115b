import { describe, expect, it } from "vitest";
import type {
  CompletionOutcome,
  HeartbeatOutcome,
  LifecycleActionRef,
  LifecycleActions,
  LifecycleHookSettings,
  LifecycleResult,
} from "../../src/aws/lifecycle.js";
import { LifecycleCompleter } from "../../src/cli/lifecycle-completion.js";
import type { DrainResult, DrainStatus } from "../../src/drain/result.js";
import { FakeClock } from "../drain/support/fake-clock.js";

/** Auto Scaling in memory: records each heartbeat and completion with the (virtual) time. */
class RecordingLifecycle implements LifecycleActions {
  readonly beats: number[] = [];
  readonly completions: { at: number; result: LifecycleResult; action: LifecycleActionRef }[] = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly hook: LifecycleHookSettings,
  ) {}

  async describeHook(): Promise<LifecycleHookSettings> {
    return this.hook;
  }

  async recordHeartbeat(): Promise<HeartbeatOutcome> {
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
const request = {
  asgName: "workers",
  hookName: "drain",
  instanceId: "i-0123456789abcdef0",
  result: "CONTINUE" as const,
};

describe("LifecycleCompleter", () => {
  it("keeps the action waiting with a heartbeat every HeartbeatTimeout/2 while the drain runs, then completes once", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const notes: string[] = [];
    const completer = new LifecycleCompleter(lifecycle, request, clock, (text) => notes.push(text));
    await completer.prepare();
    const result = await completer.during(async () => {
      await clock.sleep(100_000);
      return resultOf("drained", clock.now());
    }, false);
    const completion = await completer.finish(result);

    expect(lifecycle.beats.map((at) => at - start)).toEqual([30_000, 60_000, 90_000]);
    expect(lifecycle.completions).toEqual([
      {
        at: start + 100_000,
        result: "CONTINUE",
        action: { asgName: "workers", hookName: "drain", instanceId: request.instanceId },
      },
    ]);
    expect(completion).toEqual({ ...request, outcome: "completed", heartbeats: 3 });
    expect(notes.filter((note) => note.startsWith("heartbeat recorded"))).toHaveLength(3);
  });

  it("stops heartbeating the moment the drain ends", async () => {
    const clock = new FakeClock();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const completer = new LifecycleCompleter(lifecycle, request, clock, () => {});
    await completer.prepare();
    await completer.during(async () => resultOf("drained", clock.now()), false);
    await clock.sleep(120_000);
    expect(lifecycle.beats).toEqual([]);
  });

  it.each([
    ["deadline-left", "not-completed"],
    ["failed", "not-completed"],
    ["in-progress", "not-completed"],
    ["deadline-forced", "completed"],
  ] as const)("after a drain ending %s, the action is %s", async (status, outcome) => {
    const clock = new FakeClock();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const completer = new LifecycleCompleter(lifecycle, request, clock, () => {});
    await completer.prepare();
    const completion = await completer.finish(resultOf(status, clock.now()));
    expect(completion.outcome).toBe(outcome);
    expect(lifecycle.completions).toHaveLength(outcome === "completed" ? 1 : 0);
  });

  it("records no heartbeat during a dry run", async () => {
    const clock = new FakeClock();
    const lifecycle = new RecordingLifecycle(clock, hook);
    const completer = new LifecycleCompleter(lifecycle, request, clock, () => {});
    await completer.prepare();
    await completer.during(async () => {
      await clock.sleep(100_000);
      return resultOf("planned", clock.now());
    }, true);
    expect(lifecycle.beats).toEqual([]);
  });
});
