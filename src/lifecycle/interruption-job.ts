import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { Clock } from "../drain/clock.js";
import { drainNode } from "../drain/drain-node.js";
import { DRAIN_STATE_ANNOTATION } from "../drain/drain-state.js";
import type { DrainObserver } from "../drain/events.js";
import type { DrainPolicy } from "../drain/policy.js";
import { type InterruptionNotice, spotWarningMs } from "../events/interruption-notice.js";
import { nodeDrainEvents } from "../kube/node-drain-events.js";
import type { ClusterConnector } from "./cluster-links.js";
import { logDrainEvent } from "./drain-run.js";
import { describeError, type JobLog } from "./job-log.js";
import { locateNode } from "./node-locator.js";
import { NoticeError, noticeError } from "./notice-error.js";
import type { NoticeOutcome } from "./notice-outcome.js";
import { resolveCluster, unservedCluster, unservedGroup } from "./notice-scope.js";
import type { Settings } from "./settings.js";

/** The Auto Scaling group an instance belongs to, as Auto Scaling tags it. */
const groupTag = "aws:autoscaling:groupName";

/** Cordon only: a pod selector no pod carries, so that the drain cordons and evicts nothing. */
const cordonOnlySelector = "eks-node-drainer/cordon-only=true";

export interface InterruptionJobDependencies {
  settings: Settings;
  policy: DrainPolicy;
  clock: Clock;
  instances: InstanceDirectory;
  clusters: ClusterConnector;
  log: JobLog;
  random?: () => number;
  /** Kubernetes Events on the node and its pods (the drain's own catalog); false for none. */
  kubeEvents?: false;
}

export interface InterruptionDelivery {
  notice: InterruptionNotice;
  /** Time left to this delivery (Lambda's remaining time; unbounded for a worker), ms. */
  remainingMs: () => number;
  signal?: AbortSignal;
  observer?: DrainObserver;
}

/** How long before the end of a delivery the drain stops (to log and answer in time), ms. */
const deliveryMarginMs = 5_000;

/**
 * What an EC2 event does to an instance's node, when the instance belongs to a served group and cluster:
 * - Spot Instance interruption warning: drain at once, deadline = the event's time + 2 min − the margin
 *   (SPOT_DEADLINE_MARGIN_SECONDS), pods left forced at deadline − their grace: the instance goes anyway;
 * - rebalance recommendation: cordon (REBALANCE_ACTION=cordon, the default) or drain;
 * - state change to shutting-down / stopping: drain unless a drain of the node is already recorded on it,
 *   with the same short deadline (the instance is already going).
 * There is no lifecycle action to complete. When the group's terminate hook fires for the same instance,
 * its own delivery finds the node cordoned and its pods gone or going, and completes the action once.
 */
export class InterruptionJob {
  constructor(private readonly deps: InterruptionJobDependencies) {}

  async run(delivery: InterruptionDelivery): Promise<NoticeOutcome> {
    const { settings, instances, clock, log } = this.deps;
    const { notice } = delivery;
    const instance = await wrapped(`describing instance ${notice.instanceId}`, () =>
      instances.describe(notice.instanceId),
    );
    if (instance === undefined)
      return { kind: "ignored", reason: `EC2 no longer knows ${notice.instanceId}` };
    const group = instance.tags[groupTag];
    if (group === undefined) {
      return { kind: "ignored", reason: `${notice.instanceId} belongs to no Auto Scaling group` };
    }
    const groupProblem = unservedGroup(settings, group);
    if (groupProblem !== undefined) return { kind: "ignored", reason: groupProblem };
    const resolution = await wrapped(`resolving the cluster of instance ${notice.instanceId}`, () =>
      resolveCluster({ instanceId: notice.instanceId }, settings, { describe: async () => instance }),
    );
    if (resolution.kind === "unresolved") throw new NoticeError(resolution.reason, { retryable: false });
    const clusterProblem = unservedCluster(settings, resolution.clusterName);
    if (clusterProblem !== undefined) return { kind: "ignored", reason: clusterProblem };
    const link = await wrapped(`connecting to cluster ${resolution.clusterName}`, () =>
      this.deps.clusters.link(resolution.clusterName),
    );
    const located = await wrapped(`finding the node of ${notice.instanceId}`, () =>
      locateNode(link.client, instances, notice.instanceId, instance),
    );
    if (located === undefined) return { kind: "ignored", reason: `${notice.instanceId} has no node` };
    const nodeName = located.name;

    const now = clock.now();
    const { deadline, policy, what } = this.plan(notice, now);
    if (notice.kind === "state-change" && located.node.metadata?.annotations?.[DRAIN_STATE_ANNOTATION]) {
      return {
        kind: "ignored",
        reason: `node ${nodeName} already has a drain: ${notice.state} changes nothing`,
      };
    }
    const stopAt = Math.min(deadline, now + delivery.remainingMs() - deliveryMarginMs);
    log.info(`${what} for ${notice.kind}`, {
      instanceId: notice.instanceId,
      nodeName,
      deadline: new Date(deadline).toISOString(),
    });
    const { random } = this.deps;
    const uid = located.node.metadata?.uid;
    const events =
      this.deps.kubeEvents === false
        ? undefined
        : nodeDrainEvents(link.client, {
            nodeName,
            ...(uid === undefined ? {} : { nodeUid: uid }),
            trigger: triggerText(notice),
            clock,
            onError: (error) =>
              log.warn("writing a Kubernetes event failed", { error: describeError(error) }),
          });
    const result = await drainNode({
      cluster: link.port,
      clock,
      nodeName,
      policy,
      deadline,
      nearerDeadlineHolds: true,
      stopAt,
      ...(delivery.signal === undefined ? {} : { signal: delivery.signal }),
      observer: (event) => {
        logDrainEvent(log, event);
        events?.observe(event);
        try {
          delivery.observer?.(event);
        } catch (error) {
          log.warn("drain observer failed", { error: describeError(error) });
        }
      },
      ...(random === undefined ? {} : { random }),
    });
    await events?.flush().catch(() => undefined);
    log.info("interruption drain ended", {
      nodeName,
      status: result.status,
      evicted: result.counts.evicted,
      forced: result.counts.forced,
    });
    return {
      kind: "drained",
      nodeName,
      status: result.status,
      event: notice.kind,
      reason: `${what} for ${notice.kind} of ${notice.instanceId}: ${result.status}`,
    };
  }

  /** The deadline and policy of the drain an event asks for. */
  private plan(
    notice: InterruptionNotice,
    now: number,
  ): { deadline: number; policy: DrainPolicy; what: string } {
    const { settings, policy } = this.deps;
    const shortDeadline = (from: number) =>
      from + spotWarningMs - settings.SPOT_DEADLINE_MARGIN_SECONDS * 1000;
    switch (notice.kind) {
      case "spot-interruption":
        return {
          deadline: shortDeadline(Date.parse(notice.eventTime)),
          policy: { ...policy, onDeadline: "force" },
          what: "draining",
        };
      case "state-change":
        return { deadline: shortDeadline(now), policy: { ...policy, onDeadline: "force" }, what: "draining" };
      case "rebalance-recommendation": {
        const deadline = now + settings.DRAIN_TIMEOUT_SECONDS * 1000;
        if (settings.REBALANCE_ACTION === "drain") return { deadline, policy, what: "draining" };
        return { deadline, policy: { ...policy, podSelector: cordonOnlySelector }, what: "cordoning" };
      }
    }
  }
}

function triggerText(notice: InterruptionNotice): string {
  switch (notice.kind) {
    case "spot-interruption":
      return `Spot Instance interruption warning for ${notice.instanceId} (${notice.instanceAction} at ${notice.eventTime} + 2 min)`;
    case "rebalance-recommendation":
      return `EC2 rebalance recommendation for ${notice.instanceId}`;
    case "state-change":
      return `instance ${notice.instanceId} ${notice.state}`;
  }
}

async function wrapped<T>(context: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw noticeError(context, error);
  }
}
