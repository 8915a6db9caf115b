import type { ManualClock } from "../../src/time/manual-clock.js";
import { clientRequestsUnsent } from "./client-requests.js";

/** Wraps a request of the work under test: virtual time stands still until it is answered. */
export type RequestTracker = <T>(request: Promise<T>) => Promise<T>;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const breath = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 10));
/** Virtual time moved at once beyond which idle is confirmed after `pause` rather than `breath`. */
const LONG_LEAP_MS = 1_000;

export interface VirtualTimeOptions {
  /** Something else in flight that time must wait for, e.g. `() => sim.requestsInFlight() > 0`. */
  busy?: () => boolean;
}

/**
 * The one virtual clock of the simulator and the drainer: runs `work` against a simulated cluster on a
 * manual clock, moving the clock to the next sleeper (of the work or of the cluster) whenever nothing is in
 * flight (no tracked request, `busy()` false) and every continuation has run. Minutes of shutdowns,
 * startups, retries and deadlines take as long as the requests do; how much virtual time passes depends on
 * the scenario, not on how loaded the machine is.
 */
export async function onVirtualTime<T>(
  clock: ManualClock,
  work: (track: RequestTracker) => Promise<T>,
  options: VirtualTimeOptions = {},
): Promise<T> {
  let inFlight = 0;
  let finished = false;
  const track: RequestTracker = async (request) => {
    inFlight += 1;
    try {
      return await request;
    } finally {
      inFlight -= 1;
    }
  };
  const running = work(track).finally(() => {
    finished = true;
  });
  running.catch(() => {});
  // A kube request still opening its connection is known to the client alone (client-requests.ts).
  const busy = () => inFlight > 0 || options.busy?.() === true || clientRequestsUnsent() > 0;
  while (!finished) {
    await turn();
    await turn();
    const due = clock.nextDueAt();
    if (busy() || due === undefined) {
      await breath();
      continue;
    }
    // A request of another client (the AWS SDK's, to a simulated endpoint) that is only being connected
    // (a new socket) is not yet seen by the server: idle is confirmed once more after a timer turn —
    // after a longer pause before a leap of more than a second, the kind that would carry a request
    // still on its way past a timeout — so that the clock does not leap over its answer.
    await (due - clock.now() > LONG_LEAP_MS ? pause() : breath());
    if (busy() || clock.nextDueAt() !== due) continue;
    await clock.advance(Math.max(0, due - clock.now()));
  }
  return running;
}
