import type { Clock } from "../../../src/drain/clock.js";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Virtual time for tests. `sleep` never waits for real: whenever the process has nothing else to do
 * (no pending promise work), time jumps to the earliest timer. Hours of drain run in milliseconds,
 * and the order of events is deterministic.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Set<Timer>();
  private advancing = false;

  constructor(start = Date.parse("2026-11-24T10:00:00Z")) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers.delete(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.add(timer);
      this.scheduleAdvance();
    });
  }

  /** Runs `fn` after `ms` of virtual time. */
  after(ms: number, fn: () => void): void {
    void this.sleep(ms).then(fn);
  }

  private scheduleAdvance(): void {
    if (this.advancing) return;
    this.advancing = true;
    // Two macrotask turns: every promise continuation queued so far has run by then.
    setImmediate(() =>
      setImmediate(() => {
        this.advancing = false;
        this.advance();
      }),
    );
  }

  private advance(): void {
    let earliest: Timer | undefined;
    for (const timer of this.timers) {
      if (
        earliest === undefined ||
        timer.at < earliest.at ||
        (timer.at === earliest.at && timer.seq < earliest.seq)
      ) {
        earliest = timer;
      }
    }
    if (earliest === undefined) return;
    this.timers.delete(earliest);
    this.current = Math.max(this.current, earliest.at);
    earliest.resolve();
    if (this.timers.size > 0) this.scheduleAdvance();
  }
}
