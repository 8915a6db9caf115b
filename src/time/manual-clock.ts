import type { Clock } from "./clock.js";

interface Sleeper {
  readonly due: number;
  readonly order: number;
  readonly resolve: () => void;
}

/** A clock that moves only when told to: tests of shutdowns and startups of seconds run in milliseconds. */
export interface ManualClock extends Clock {
  /** Moves time forward, waking every sleeper due on the way in order, and lets their work settle. */
  advance(ms: number): Promise<void>;
  /** How many sleepers are waiting. */
  pending(): number;
  /** When the earliest sleeper is due; undefined when none waits. */
  nextDueAt(): number | undefined;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createManualClock(startMs = Date.parse("2026-11-24T10:00:00Z")): ManualClock {
  let current = startMs;
  let counter = 0;
  let sleepers: Sleeper[] = [];

  const take = (upTo: number): Sleeper | undefined => {
    let best: Sleeper | undefined;
    for (const sleeper of sleepers) {
      if (sleeper.due > upTo) continue;
      if (!best || sleeper.due < best.due || (sleeper.due === best.due && sleeper.order < best.order)) {
        best = sleeper;
      }
    }
    if (best) sleepers = sleepers.filter((sleeper) => sleeper !== best);
    return best;
  };

  return {
    now: () => current,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const sleeper: Sleeper = {
          due: current + Math.max(0, ms),
          order: counter++,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers = sleepers.filter((entry) => entry !== sleeper);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        sleepers.push(sleeper);
      }),
    advance: async (ms) => {
      const target = current + ms;
      await settle();
      for (let sleeper = take(target); sleeper; sleeper = take(target)) {
        current = Math.max(current, sleeper.due);
        sleeper.resolve();
        await settle();
      }
      // Never backwards, should another advance have moved time further meanwhile.
      current = Math.max(current, target);
      await settle();
    },
    pending: () => sleepers.length,
    nextDueAt: () =>
      sleepers.length === 0 ? undefined : Math.min(...sleepers.map((sleeper) => sleeper.due)),
  };
}
