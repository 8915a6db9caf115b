import type { TerminationNotice } from "../events/termination-notice.js";
import type { ContinuationScheduler } from "./continuation-scheduler.js";

/** One delivery of a notice: what it says, who carries it, and how it can be continued. */
export interface Delivery {
  notice: TerminationNotice;
  /** 0 for the lifecycle event, n for the n-th continuation. */
  attempt: number;
  /** Identifies this delivery: the invocation's request ID and the SQS message ID. */
  owner: string;
  /** Milliseconds left in the invocation (the Lambda context's getRemainingTimeInMillis). */
  remainingMs: () => number;
  continuations: ContinuationScheduler;
}
