import type { LifecycleActions } from "../aws/lifecycle.js";
import { isRetryable } from "../drain/cluster-port.js";
import { actionOf, type Delivery } from "./delivery.js";
import { describeError, type JobLog } from "./job-log.js";

/**
 * A notice given back for a retry comes again only after the queue's visibility timeout (or the Lambda's
 * retry delay), while the action's heartbeat timeout runs on: heartbeat first, so that the retry finds
 * the action still waiting with a whole HeartbeatTimeout ahead. Best effort: a failed heartbeat is logged
 * and the notice is given back all the same. Actions finished by hand (addressed by instance) are not
 * retried by a queue, so they are left alone.
 */
export async function heartbeatBeforeRetry(
  lifecycle: Pick<LifecycleActions, "recordHeartbeat">,
  delivery: Delivery,
  error: unknown,
  log: JobLog,
): Promise<void> {
  if (!isRetryable(error) || delivery.byInstance === true) return;
  const { instanceId } = delivery.notice;
  try {
    const outcome = await lifecycle.recordHeartbeat(actionOf(delivery));
    if (outcome === "recorded") log.info("heartbeat recorded before the retry", { instanceId });
  } catch (beatError) {
    log.warn("heartbeat before the retry failed", { instanceId, error: describeError(beatError) });
  }
}
