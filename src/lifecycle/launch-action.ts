import { Heartbeater } from "../aws/heartbeater.js";
import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { LifecycleActions, LifecycleHookSettings } from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import { restoreNode } from "../drain/restore-node.js";
import type { ClusterLink } from "./cluster-links.js";
import type { DrainEnding } from "./completion-policy.js";
import { actionOf, type Delivery } from "./delivery.js";
import { describeError, type JobLog } from "./job-log.js";
import { waitForReadyNode } from "./launch-wait.js";
import { LIFECYCLE_RECORD_ANNOTATION } from "./lifecycle-record.js";
import { locateNode } from "./node-locator.js";
import type { Settings } from "./settings.js";
import { drainDeadline, invocationBudget } from "./time-budget.js";

export interface LaunchRequest {
  delivery: Delivery;
  link: ClusterLink;
  hook: LifecycleHookSettings;
  /** The instance as the cluster's resolution found it, if it did. */
  known: InstanceFacts | undefined;
  log: JobLog;
}

/**
 * A launch lifecycle action (EC2_INSTANCE_LAUNCHING), as far as the drainer is concerned:
 * - towards the warm pool (Destination WarmPool): the instance is stopped there, nothing to wait for;
 * - otherwise (a new instance, one back from the warm pool, one whose root volume was replaced): wait
 *   until its Node has registered and stayed Ready for LAUNCH_SETTLE_SECONDS, heartbeating meanwhile; then
 *   undo what an earlier drain changed on that Node (restoreNode: the instance came back) and end with
 *   CONTINUE. Not Ready by LAUNCH_TIMEOUT_SECONDS (within the hook's timeout): LAUNCH_TIMEOUT_RESULT.
 * Warm pool lifecycle: https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pool-instance-lifecycle.html
 */
export async function handleLaunch(
  deps: {
    settings: Settings;
    clock: Clock;
    lifecycle: LifecycleActions;
    instances: InstanceDirectory;
    timing: { invocationMarginMs: number };
  },
  request: LaunchRequest,
): Promise<{ ending: DrainEnding; lastHeartbeatAt?: number }> {
  const { settings, clock, timing } = deps;
  const { delivery, link, hook, log } = request;
  const { notice } = delivery;
  if (notice.destination === "WarmPool") return { ending: { kind: "launch-to-warm-pool" } };

  const timeoutAt = drainDeadline(notice.receivedAt, settings.LAUNCH_TIMEOUT_SECONDS, hook);
  const budget = invocationBudget({
    now: clock.now(),
    remainingMs: delivery.remainingMs(),
    marginMs: timing.invocationMarginMs,
    deadline: timeoutAt,
    deadlineSlackMs: 0,
  });
  const heartbeater = new Heartbeater({
    lifecycle: deps.lifecycle,
    action: actionOf(delivery),
    hook,
    actionStartedAt: Date.parse(notice.receivedAt),
    clock,
    onBeat: (at) => log.info("heartbeat recorded", { instanceId: notice.instanceId, at: iso(at) }),
    onError: (error) =>
      log.warn("heartbeat failed", { instanceId: notice.instanceId, error: describeError(error) }),
  });
  const beating = heartbeater.start();
  log.info("waiting for the launched instance's node to be Ready", {
    instanceId: notice.instanceId,
    origin: notice.origin,
    settleSeconds: settings.LAUNCH_SETTLE_SECONDS,
    timeoutAt: iso(timeoutAt),
  });
  let wait: Awaited<ReturnType<typeof waitForReadyNode>>;
  try {
    wait = await waitForReadyNode({
      clock,
      readNode: async () =>
        (await locateNode(link.client, deps.instances, notice.instanceId, request.known))?.node,
      settleMs: settings.LAUNCH_SETTLE_SECONDS * 1000,
      timeoutAt,
      stopAt: budget.stopAt,
      signal: delivery.signal,
      onReadError: (error) => log.warn("reading the launched node failed", { error: describeError(error) }),
    });
  } finally {
    await heartbeater.stop();
  }
  const end = await beating;
  const lastHeartbeatAt = heartbeater.beats > 0 ? heartbeater.lastBeatAt : undefined;
  const beats = lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt };
  if (end === "action-gone") return { ending: { kind: "action-gone" }, ...beats };
  switch (wait.kind) {
    case "ready": {
      const restore = await restoreNode({
        cluster: link.port,
        nodeName: wait.nodeName,
        alsoRemoveAnnotations: [LIFECYCLE_RECORD_ANNOTATION],
      });
      if (restore.status === "restored") {
        log.info("node restored after its instance came back", {
          nodeName: wait.nodeName,
          uncordoned: restore.uncordoned,
          taintsRemoved: restore.taintsRemoved,
          labelsRemoved: restore.labelsRemoved,
          notes: restore.notes,
        });
      }
      const restored = restore.status === "restored";
      return { ending: { kind: "launch-ready", nodeName: wait.nodeName, restored }, ...beats };
    }
    case "timed-out":
      return {
        ending: {
          kind: "launch-timed-out",
          result: settings.LAUNCH_TIMEOUT_RESULT,
          reason: `the launched instance's node was not Ready for ${settings.LAUNCH_SETTLE_SECONDS} s by ${iso(timeoutAt)} (${wait.lastSeen}); LAUNCH_TIMEOUT_RESULT=${settings.LAUNCH_TIMEOUT_RESULT}`,
        },
        ...beats,
      };
    case "out-of-time":
      return { ending: { kind: "out-of-time" }, ...beats };
    case "interrupted":
      return { ending: { kind: "interrupted" }, ...beats };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
