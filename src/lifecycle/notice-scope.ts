import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { TerminationNotice } from "../events/termination-notice.js";
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
 * The cluster of a notice: the hook's NotificationMetadata, then CLUSTER_NAME, then the instance's own tags
 * (`eks:cluster-name`, `kubernetes.io/cluster/<name>`...). EC2 is asked only in the last case; its
 * failures (AwsCallError) propagate.
 */
export async function resolveCluster(
  notice: Pick<TerminationNotice, "instanceId" | "clusterName">,
  settings: Settings,
  instances: InstanceDirectory,
): Promise<ClusterResolution> {
  if (notice.clusterName !== undefined) {
    return { kind: "resolved", clusterName: notice.clusterName, source: "notification-metadata" };
  }
  if (settings.CLUSTER_NAME !== undefined) {
    return { kind: "resolved", clusterName: settings.CLUSTER_NAME, source: "settings" };
  }
  const instance = await instances.describe(notice.instanceId);
  if (instance === undefined) {
    return {
      kind: "unresolved",
      reason:
        `no cluster for instance ${notice.instanceId}: the hook has no NotificationMetadata, ` +
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
        `no cluster for instance ${notice.instanceId}: the hook has no NotificationMetadata, CLUSTER_NAME ` +
        "is not set and no instance tag names one (eks:cluster-name, kubernetes.io/cluster/<name>)",
    };
  }
  return { kind: "resolved", clusterName: tagged, source: "instance-tags", instance };
}
