import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { TerminationNotice } from "../events/termination-notice.js";
import type { JobLog } from "./job-log.js";
import type { NoticeOutcome } from "./notice-outcome.js";
import type { Settings } from "./settings.js";

/** Where a notice's cluster name came from, in the order they are tried. */
export type ClusterSource = "notification-metadata" | "settings" | "instance-tags";

export type ClusterResolution =
  | {
      kind: "resolved";
      clusterName: string;
      source: ClusterSource;
      /** The instance as EC2 described it, when it had to be asked (reused by the node lookup). */
      instance?: InstanceFacts | undefined;
      /** Plain-text NotificationMetadata was passed over: why, for a warning in the log. */
      warning?: string;
    }
  | { kind: "unresolved"; reason: string; instance?: InstanceFacts | undefined };

/** The clusters this deployment serves: SERVED_CLUSTERS, else CLUSTER_NAME alone, else any. */
export function servedClusters(settings: Settings): readonly string[] | undefined {
  if (settings.SERVED_CLUSTERS !== undefined && settings.SERVED_CLUSTERS.length > 0) {
    return settings.SERVED_CLUSTERS;
  }
  return settings.CLUSTER_NAME === undefined ? undefined : [settings.CLUSTER_NAME];
}

/** Why this deployment does not serve the notice's Auto Scaling group, or undefined when it does. */
export function unservedGroup(settings: Settings, asgName: string): string | undefined {
  const groups = settings.ASG_NAMES;
  if (groups === undefined || groups.length === 0 || groups.includes(asgName)) return undefined;
  return `Auto Scaling group ${asgName} is not served here (ASG_NAMES: ${groups.join(", ")})`;
}

/** Why this deployment does not serve the cluster, or undefined when it does. */
export function unservedCluster(settings: Settings, clusterName: string): string | undefined {
  const clusters = servedClusters(settings);
  if (clusters === undefined || clusters.includes(clusterName)) return undefined;
  return `cluster ${clusterName} is not served here (served: ${clusters.join(", ")})`;
}

/**
 * The explicit policy for a lifecycle action of a group or cluster this deployment does not serve: it is
 * acknowledged without being completed, because it is another drainer's (a deployment per cluster reading
 * its own rule's events), and if none completes it the hook's DefaultResult applies at its heartbeat
 * timeout. Logged as a warning, since a mistaken ASG_NAMES or SERVED_CLUSTERS would otherwise hold
 * instances for the whole timeout without a trace.
 */
export function leftToOthers(log: JobLog, notice: TerminationNotice, reason: string): NoticeOutcome {
  log.warn("lifecycle action left to its hook's DefaultResult: not served here", {
    instanceId: notice.instanceId,
    asgName: notice.asgName,
    hookName: notice.hookName,
    reason,
  });
  return { kind: "ignored", reason: `${reason}; the action is left to its hook's DefaultResult` };
}

/**
 * The cluster of a notice: the hook's NotificationMetadata, then CLUSTER_NAME, then the instance's own tags
 * (`eks:cluster-name`, `kubernetes.io/cluster/<name>`...). EC2 is asked only in the last case; its
 * failures (AwsCallError) propagate.
 */
export async function resolveCluster(
  notice: Pick<TerminationNotice, "instanceId" | "clusterName" | "metadataText">,
  settings: Settings,
  instances: InstanceDirectory,
): Promise<ClusterResolution> {
  const hint = passedOverHint(notice, settings);
  if (notice.clusterName !== undefined && hint === undefined) {
    return { kind: "resolved", clusterName: notice.clusterName, source: "notification-metadata" };
  }
  const warning = hint === undefined ? {} : { warning: hint };
  if (settings.CLUSTER_NAME !== undefined) {
    return { kind: "resolved", clusterName: settings.CLUSTER_NAME, source: "settings", ...warning };
  }
  const tagged = await fromInstanceTags(notice, instances);
  return tagged.kind === "resolved" ? { ...tagged, ...warning } : tagged;
}

/**
 * Plain-text NotificationMetadata is only a hint: hooks carry free text for other tools too. It is passed
 * over (with this reason) when it is not a cluster name, or names a cluster this deployment does not serve
 * while it has a configured one to use instead. JSON metadata (`{"clusterName": …}`) is never passed over.
 */
function passedOverHint(
  notice: Pick<TerminationNotice, "clusterName" | "metadataText">,
  settings: Settings,
): string | undefined {
  const text = notice.metadataText;
  if (text === undefined) return undefined;
  const quoted = JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
  if (notice.clusterName === undefined) return `NotificationMetadata ${quoted} is not a cluster name`;
  const served = servedClusters(settings);
  if (settings.CLUSTER_NAME === undefined || served === undefined || served.includes(notice.clusterName)) {
    return undefined;
  }
  return (
    `NotificationMetadata ${quoted} is not a cluster served here (${served.join(", ")}): ` +
    `using CLUSTER_NAME ${settings.CLUSTER_NAME}`
  );
}

async function fromInstanceTags(
  notice: Pick<TerminationNotice, "instanceId">,
  instances: InstanceDirectory,
): Promise<ClusterResolution> {
  const instance = await instances.describe(notice.instanceId);
  if (instance === undefined) {
    return {
      kind: "unresolved",
      reason:
        `no cluster for instance ${notice.instanceId}: the hook's NotificationMetadata names no cluster, ` +
        "CLUSTER_NAME is not set and EC2 no longer knows the instance",
    };
  }
  // Loaded here, not at start: the module may describe the instance through EC2, which only this rare path needs.
  const { clusterNameFromTags } = await import("../aws/instance-directory.js");
  const tagged = clusterNameFromTags(instance.tags);
  if (tagged === undefined) {
    return {
      kind: "unresolved",
      instance,
      reason:
        `no cluster for instance ${notice.instanceId}: the hook's NotificationMetadata names no cluster, CLUSTER_NAME ` +
        "is not set and no instance tag names one (eks:cluster-name, kubernetes.io/cluster/<name>)",
    };
  }
  return { kind: "resolved", clusterName: tagged, source: "instance-tags", instance };
}
