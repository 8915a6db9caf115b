import { describe, expect, it } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import { Heartbeater, type HeartbeaterOptions } from "../../src/aws/heartbeater.js";
import {
  globalTimeoutSeconds,
  type HeartbeatOutcome,
  type LifecycleActionRef,
  type LifecycleActions,
} from "../../src/aws/lifecycle.js";
import { createManualClock, type ManualClock } from "../../src/time/manual-clock.js";

const minute = 60_000;
const hour = 60 * minute;
const action: LifecycleActionRef = {
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  instanceId: "i-0123456789abcdef0",
  token: "87654321-4321-4321-4321-210987654321",
};

type Answer = (signal: AbortSignal | undefined) => Promise<HeartbeatOutcome>;

/** Records each heartbeat call with the fake time it was made at; answers "recorded" unless told otherwise. */
class RecordingLifecycle implements Pick<LifecycleActions, "recordHeartbeat"> {
  readonly calls: number[] = [];
  readonly answers: Answer[] = [];

  constructor(private readonly clock: ManualClock) {}

  recordHeartbeat(ref: LifecycleActionRef, options?: { signal?: AbortSignal }): Promise<HeartbeatOutcome> {
    expect(ref).toEqual(action);
    this.calls.push(this.clock.now());
    const answer = this.answers.shift();
    return answer ? answer(options?.signal) : Promise.resolve("recorded");
  }
}

function setup(heartbeatTimeoutSeconds: number, extra: Partial<HeartbeaterOptions> = {}) {
  const clock = createManualClock();
  const start = clock.now();
  const lifecycle = new RecordingLifecycle(clock);
  const options: HeartbeaterOptions = {
    lifecycle,
    action,
    hook: { heartbeatTimeoutSeconds, globalTimeoutSeconds: globalTimeoutSeconds(heartbeatTimeoutSeconds) },
    actionStartedAt: start,
    clock,
    ...extra,
  };
  const heartbeater = new Heartbeater(options);
  const offsets = () => lifecycle.calls.map((at) => at - start);
  return { clock, start, lifecycle, heartbeater, offsets };
}

describe("Heartbeater", () => {
  it("beats every HeartbeatTimeout/2 and never at or past 100 × HeartbeatTimeout", async () => {
    const { clock, heartbeater, offsets } = setup(60);
    const ended = heartbeater.start();
    await clock.advance(3 * hour);
    expect(await ended).toBe("deadline");
    const beats = offsets();
    expect(beats).toHaveLength(199);
    expect(beats[0]).toBe(30_000);
    for (let i = 1; i < beats.length; i++)
      expect((beats[i] ?? 0) - (beats[i - 1] ?? 0)).toBeGreaterThanOrEqual(30_000);
    expect(beats.at(-1)).toBeLessThan(6000 * 1000);
    expect(heartbeater.beats).toBe(199);
  });

  it("stops at the 48-hour cap with a long heartbeat timeout", async () => {
    const { clock, heartbeater, offsets } = setup(7200);
    const ended = heartbeater.start();
    await clock.advance(60 * hour);
    expect(await ended).toBe("deadline");
    expect(offsets()).toHaveLength(47);
    expect(offsets().at(-1)).toBe(47 * hour);
    expect(heartbeater.globalDeadline - heartbeater.lastBeatAt).toBe(hour);
  });

  it("stops at once when told, and never beats again", async () => {
    const { clock, heartbeater, offsets } = setup(3600);
    const ended = heartbeater.start();
    await clock.advance(45 * minute);
    expect(offsets()).toEqual([30 * minute]);
    expect(await heartbeater.stop()).toBe("stopped");
    expect(await ended).toBe("stopped");
    await clock.advance(10 * hour);
    expect(offsets()).toEqual([30 * minute]);
    expect(clock.pending()).toBe(0);
  });

  it("aborts a heartbeat call under way when stopped, without counting it", async () => {
    const { clock, lifecycle, heartbeater } = setup(3600);
    let aborted = false;
    lifecycle.answers.push(
      (signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    );
    const ended = heartbeater.start();
    await clock.advance(30 * minute);
    expect(lifecycle.calls).toHaveLength(1);
    await heartbeater.stop();
    expect(aborted).toBe(true);
    expect(await ended).toBe("stopped");
    expect(heartbeater.beats).toBe(0);
  });

  it("resumes from the last heartbeat a previous invocation recorded", async () => {
    const clock = createManualClock();
    const start = clock.now() - 2 * hour;
    const { heartbeater, offsets } = setup(3600, {
      clock,
      actionStartedAt: start,
      lastBeatAt: clock.now() - 10 * minute,
      lifecycle: new RecordingLifecycle(clock),
    });
    void heartbeater.start();
    await clock.advance(25 * minute);
    expect(heartbeater.beats).toBe(1);
    expect(heartbeater.lastBeatAt).toBe(start + 2 * hour + 20 * minute);
    await heartbeater.stop();
    expect(offsets()).toEqual([]);
  });

  it("beats at once when the last heartbeat is overdue", async () => {
    const clock = createManualClock();
    const lifecycle = new RecordingLifecycle(clock);
    const { heartbeater } = setup(3600, { clock, lifecycle, actionStartedAt: clock.now() - 2 * hour });
    void heartbeater.start();
    await clock.advance(0);
    expect(lifecycle.calls).toEqual([clock.now()]);
    await heartbeater.stop();
  });

  it("never beats when the global deadline has already passed", async () => {
    const clock = createManualClock();
    const lifecycle = new RecordingLifecycle(clock);
    const { heartbeater } = setup(60, { clock, lifecycle, actionStartedAt: clock.now() - 2 * hour });
    expect(await heartbeater.start()).toBe("deadline");
    expect(lifecycle.calls).toEqual([]);
  });

  it("ends when Auto Scaling says the action is no longer waiting", async () => {
    const { clock, lifecycle, heartbeater } = setup(60);
    lifecycle.answers.push(() => Promise.resolve("action-gone"));
    const ended = heartbeater.start();
    await clock.advance(10 * minute);
    expect(await ended).toBe("action-gone");
    expect(lifecycle.calls).toHaveLength(1);
  });

  it("retries a throttled heartbeat sooner, then keeps the normal rhythm", async () => {
    const errors: unknown[] = [];
    const { clock, lifecycle, heartbeater, offsets } = setup(600, { onError: (error) => errors.push(error) });
    const throttled = new AwsCallError("recording a heartbeat", { retryable: true, code: "Throttling" });
    lifecycle.answers.push(() => Promise.reject(throttled));
    void heartbeater.start();
    await clock.advance(20 * minute);
    // Interval 5 min; the throttled beat is retried after min(interval / 4, 1 min) = 1 min.
    expect(offsets()).toEqual([5 * minute, 6 * minute, 11 * minute, 16 * minute]);
    expect(errors).toEqual([throttled]);
    expect(heartbeater.beats).toBe(3);
    await heartbeater.stop();
  });

  it("gives up on an error retrying cannot fix", async () => {
    const { clock, lifecycle, heartbeater } = setup(60);
    const denied = new AwsCallError("recording a heartbeat", { retryable: false, code: "AccessDenied" });
    lifecycle.answers.push(() => Promise.reject(denied));
    const ended = heartbeater.start();
    await clock.advance(hour);
    expect(await ended).toBe("failed");
    expect(heartbeater.failure).toBe(denied);
    expect(lifecycle.calls).toHaveLength(1);
  });
});
