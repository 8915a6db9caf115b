import { type Clock, systemClock } from "../../../src/time/clock.js";

/**
 * Real time moved to start at `startIso`: it runs at the real pace (the simulated kubelet and the drain
 * really wait), but dates line up with the event fixtures' timestamps. The same object drives the simulated
 * cluster, the simulated Auto Scaling group and the handler.
 */
export function shiftedClock(startIso: string): Clock {
  const offset = Date.parse(startIso) - Date.now();
  return {
    now: () => Date.now() + offset,
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
  };
}
