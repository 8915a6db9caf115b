import type { InterruptionNotice } from "./interruption-notice.js";
import type { TerminationNotice } from "./termination-notice.js";

/**
 * What one inbound message asks of the drainer.
 * - `notice`: drain this instance's node and complete its lifecycle action. `attempt` is 0 for the
 *   lifecycle event itself and n ≥ 1 for the n-th continuation of the same drain.
 * - `interruption`: an EC2 event (Spot interruption warning, rebalance recommendation, the instance
 *   shutting down or stopping): drain or cordon its node; there is no lifecycle action to complete.
 * - `ignored`: nothing to do (a test notification, a launch...);
 *   `reason` is one line for the log.
 * A message that is neither throws an EventError.
 */
export type IntakeResult =
  | { kind: "notice"; notice: TerminationNotice; attempt: number }
  | { kind: "interruption"; notice: InterruptionNotice }
  | { kind: "ignored"; reason: string };
