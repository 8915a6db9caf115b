import { setMaxListeners } from "node:events";
import type { Clock } from "../time/clock.js";

/**
 * The simulation's pending work (kubelet shutdowns, startups, controller syncs), all on the injected clock
 * and all cancelled at once when the cluster stops.
 */
export class TimerSet {
  private readonly controller = new AbortController();
  private active = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {
    // Every pending timer listens to this one signal: thousands at once are expected, not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  /** Runs `task` after `ms` on the clock (at once when ms <= 0, still asynchronously). */
  after(ms: number, task: () => void): void {
    if (this.controller.signal.aborted) return;
    this.active += 1;
    this.clock.sleep(Math.max(0, ms), this.controller.signal).then(
      () => {
        this.active -= 1;
        if (this.controller.signal.aborted) return;
        try {
          task();
        } catch (error) {
          this.onError(error);
        }
      },
      () => {
        this.active -= 1;
      },
    );
  }

  get pending(): number {
    return this.active;
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  stop(): void {
    this.controller.abort(new Error("simulated cluster stopped"));
  }
}

/**
 * Coalesces requests to reconcile a key: the first request schedules one run after the delay, later ones
 * before it runs are folded into it — as a controller's work queue does.
 */
export class Reconciler {
  private readonly queued = new Set<string>();

  constructor(
    private readonly timers: TimerSet,
    private readonly delayMs: () => number,
    private readonly reconcile: (key: string) => void,
  ) {}

  request(key: string, delayMs = this.delayMs()): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.timers.after(delayMs, () => {
      this.queued.delete(key);
      this.reconcile(key);
    });
  }
}
