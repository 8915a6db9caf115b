import type { TerminationNotice } from "./termination-notice.js";

/**
 * What one inbound message asks of the drainer.
 * - `notice`: drain this instance's node and complete its lifecycle action. `attempt` is 0 for the
 *   lifecycle event itself and n ≥ 1 for the n-th continuation of the same drain.
 * - `ignored`: nothing to do (a test notification, a launch...);
 *   `reason` is one line for the log.
 * A message that is neither throws an EventError.
 */
export type IntakeResult =
  | { kind: "notice"; notice: TerminationNotice; attempt: number }
  | { kind: "ignored"; reason: string };
