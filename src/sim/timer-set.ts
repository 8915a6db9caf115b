import type { Clock } from "../time/clock.js";

/** Timers per abort signal (see TimerSet). */
const GROUP_SIZE = 64;

/** Pending timers that listen to one abort signal. */
interface TimerGroup {
  controller: AbortController;
  listeners: number;
}

/**
 * The simulation's pending work (kubelet shutdowns, startups, controller syncs), all on the injected clock
 * and all cancelled at once when the cluster stops.
 */
export class TimerSet {
  /**
   * Pending timers listen to abort signals in groups of at most `GROUP_SIZE`: an EventTarget checks a new
   * listener against every one it holds, so thousands on one signal made each timer cost thousands of
   * comparisons. Stopping aborts every group.
   */
  private readonly groups = new Set<TimerGroup>();
  private open: TimerGroup | undefined;
  private isStopped = false;
  private active = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs `task` after `ms` on the clock (at once when ms <= 0, still asynchronously). */
  after(ms: number, task: () => void): void {
    if (this.isStopped) return;
    if (this.open === undefined || this.open.listeners >= GROUP_SIZE) {
      this.open = { controller: new AbortController(), listeners: 0 };
      this.groups.add(this.open);
    }
    const group = this.open;
    group.listeners += 1;
    this.active += 1;
    const settled = () => {
      this.active -= 1;
      group.listeners -= 1;
      if (group.listeners === 0 && group !== this.open) this.groups.delete(group);
    };
    this.clock.sleep(Math.max(0, ms), group.controller.signal).then(() => {
      settled();
      if (this.isStopped) return;
      try {
        task();
      } catch (error) {
        this.onError(error);
      }
    }, settled);
  }

  get pending(): number {
    return this.active;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  stop(): void {
    this.isStopped = true;
    const reason = new Error("simulated cluster stopped");
    for (const group of this.groups) group.controller.abort(reason);
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
