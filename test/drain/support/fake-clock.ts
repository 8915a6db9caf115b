import type { Clock } from "../../../src/time/clock.js";
import { createManualClock, type ManualClock } from "../../../src/time/manual-clock.js";

/**
 * The one manual clock (src/time/manual-clock.ts), moved by itself: whenever the process has nothing else
 * to do (two macrotask turns after a sleep, so that every promise continuation queued so far has run),
 * time moves to the earliest sleeper. For tests whose cluster is in memory; with the simulator over
 * HTTPS, ../../support/virtual-time.ts also waits for the requests in flight. Hours of drain run in
 * milliseconds, and the order of events is deterministic.
 */
export class FakeClock implements Clock {
  private readonly manual: ManualClock;
  private advancing = false;

  constructor(start = Date.parse("2026-11-24T10:00:00Z")) {
    this.manual = createManualClock(start);
  }

  now(): number {
    return this.manual.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const sleeping = this.manual.sleep(ms, signal);
    this.scheduleAdvance();
    return sleeping;
  }

  /** Runs `fn` after `ms` of virtual time. */
  after(ms: number, fn: () => void): void {
    void this.sleep(ms).then(fn);
  }

  private scheduleAdvance(): void {
    if (this.advancing) return;
    this.advancing = true;
    setImmediate(() =>
      setImmediate(() => {
        this.advancing = false;
        const due = this.manual.nextDueAt();
        if (due === undefined) return;
        // Wakes the earliest sleeper (and any due at the same time), then looks again.
        void this.manual.advance(Math.max(0, due - this.manual.now())).then(() => {
          if (this.manual.pending() > 0) this.scheduleAdvance();
        });
      }),
    );
  }
}
