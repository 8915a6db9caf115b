import type { Clock } from "../time/clock.js";
import { isRetryableAwsError } from "./aws-error.js";
import type { LifecycleActionRef, LifecycleActions, LifecycleHookSettings } from "./lifecycle.js";

export interface HeartbeaterOptions {
  lifecycle: Pick<LifecycleActions, "recordHeartbeat">;
  action: LifecycleActionRef;
  hook: Pick<LifecycleHookSettings, "heartbeatTimeoutSeconds" | "globalTimeoutSeconds">;
  /** When the action started (ms since the epoch): the global deadline counts from here. */
  actionStartedAt: number;
  /** When the action's heartbeat timeout last restarted (the last heartbeat), if known; else its start. */
  lastBeatAt?: number | undefined;
  /**
   * Beat at once, then every HeartbeatTimeout/2: for an action whose start and last heartbeat are
   * unknown (a hook finished by hand), whose heartbeat timeout may be about to pass.
   */
  beatAtOnce?: boolean;
  clock: Clock;
  /** Each recorded heartbeat, for logs and metrics. */
  onBeat?: (at: number) => void;
  /** Each failed heartbeat call; retryable ones are tried again sooner than the next beat. */
  onError?: (error: unknown) => void;
}

/**
 * Why the heartbeater ended: told to stop; the action's global deadline came; Auto Scaling says the action
 * is no longer waiting; or a heartbeat failed in a way retrying cannot fix (access denied, say).
 */
export type HeartbeaterEnd = "stopped" | "deadline" | "action-gone" | "failed";

/** A failed heartbeat is tried again after a quarter of the interval, at most a minute later. */
const maxRetryDelayMs = 60_000;

/**
 * Keeps a lifecycle action waiting while a drain works: a heartbeat once HeartbeatTimeout/2 has passed
 * since the last one (at most that often), none at or past the global deadline
 * (start + min(48 h, 100 × HeartbeatTimeout)), and none once stopped — stop() also aborts a call under way.
 */
export class Heartbeater {
  private readonly abort = new AbortController();
  private readonly intervalMs: number;
  private readonly deadline: number;
  private beatCount = 0;
  private lastBeat: number;
  private lastFailure: unknown;
  private running: Promise<HeartbeaterEnd> | undefined;

  constructor(private readonly options: HeartbeaterOptions) {
    this.intervalMs = (options.hook.heartbeatTimeoutSeconds * 1000) / 2;
    this.deadline = options.actionStartedAt + options.hook.globalTimeoutSeconds * 1000;
    this.lastBeat = options.lastBeatAt ?? options.actionStartedAt;
  }

  /** Starts beating (once; later calls return the same run). Resolves with why it ended. */
  start(): Promise<HeartbeaterEnd> {
    this.running ??= this.run();
    return this.running;
  }

  /** Stops at once: no heartbeat starts after this call. Resolves when the loop has ended. */
  async stop(): Promise<HeartbeaterEnd> {
    this.abort.abort(new Error("heartbeats stopped"));
    return this.running ?? "stopped";
  }

  get beats(): number {
    return this.beatCount;
  }

  /** When the action's timeout last restarted, as far as this heartbeater knows (ms). */
  get lastBeatAt(): number {
    return this.lastBeat;
  }

  /** The error that ended it with "failed", or the last retryable failure. */
  get failure(): unknown {
    return this.lastFailure;
  }

  /** The action's global deadline (ms). */
  get globalDeadline(): number {
    return this.deadline;
  }

  private async run(): Promise<HeartbeaterEnd> {
    const { clock, lifecycle, action } = this.options;
    const signal = this.abort.signal;
    let due = this.options.beatAtOnce === true ? clock.now() : this.lastBeat + this.intervalMs;
    while (!signal.aborted) {
      if (due >= this.deadline) return "deadline";
      const wait = due - clock.now();
      if (wait > 0 && !(await this.sleep(wait))) return "stopped";
      if (signal.aborted) return "stopped";
      const attemptAt = clock.now();
      if (attemptAt >= this.deadline) return "deadline";
      try {
        const outcome = await lifecycle.recordHeartbeat(action, { signal });
        if (signal.aborted) return "stopped";
        if (outcome === "action-gone") return "action-gone";
        this.beatCount++;
        this.lastBeat = attemptAt;
        this.options.onBeat?.(attemptAt);
        due = attemptAt + this.intervalMs;
      } catch (error) {
        if (signal.aborted) return "stopped";
        this.lastFailure = error;
        this.options.onError?.(error);
        if (!isRetryableAwsError(error)) return "failed";
        due = clock.now() + Math.min(this.intervalMs / 4, maxRetryDelayMs);
      }
    }
    return "stopped";
  }

  /** Sleeps on the injected clock; false when stopped meanwhile. */
  private async sleep(ms: number): Promise<boolean> {
    try {
      await this.options.clock.sleep(ms, this.abort.signal);
      return true;
    } catch {
      return false;
    }
  }
}
