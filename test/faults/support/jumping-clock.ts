import { type Clock, systemClock } from "../../../src/sim/index.js";

/** Real time plus an offset a test moves forward: hours of waiting skipped, everything else real. */
export interface JumpingClock extends Clock {
  jump(ms: number): void;
}

export function jumpingClock(): JumpingClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    jump: (ms) => {
      offset += ms;
    },
  };
}
