import type { Clock } from "./clock.js";

/** The abort reason of a wake-up: one shared value, so that waking builds no DOMException and stack trace. */
const WOKEN = Symbol("woken");

/**
 * Lets the drain loop sleep until either a time passes or something happens (a watch event, an
 * eviction answer). A notification that arrives while nobody waits is kept for the next wait.
 */
export class Wakeup {
  private pending = false;
  private interrupt: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.interrupt?.();
  }

  /** Resolves after `ms`, on a notification, or when `signal` aborts (never rejects). */
  async wait(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return;
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(WOKEN);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.interrupt = onAbort;
    try {
      await clock.sleep(Math.max(0, ms), controller.signal);
    } catch {
      // Interrupted on purpose.
    } finally {
      this.interrupt = undefined;
      this.pending = false;
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
