import type { SimCluster } from "../sim/index.js";
import type { TargetGroupDirectory } from "../sim/target-groups.js";
import type { TimelineEntry } from "./timeline-entries.js";

/** The drained node's targets: its instance, and the IPs its pods had when the lifecycle event came. */
export interface NodeTargets {
  instanceId: string;
  podIps: ReadonlySet<string>;
}

/** The node's instance and the IPs of its pods (not host-network) now. */
export function nodeTargetsOf(sim: SimCluster, nodeName: string): NodeTargets {
  const instanceId =
    sim.view.instances().find((instance) => instance.nodeName === nodeName)?.instanceId ?? "";
  const podIps = new Set(
    sim.view
      .pods({ nodeName })
      .filter((pod) => pod.spec.hostNetwork !== true)
      .flatMap((pod) => pod.status.podIP ?? []),
  );
  return { instanceId, podIps };
}

/**
 * One target group the node had targets in, for `simulate --output json`'s `targets`: when the node's
 * targets stopped getting new connections (deregistration started) and when they stopped getting any
 * traffic (the deregistration delay over, the target gone), against the lifecycle action's completion.
 */
export interface TargetReport {
  targetGroup: string;
  targetGroupArn: string;
  targetType: "instance" | "ip";
  deregistrationDelaySeconds: number;
  /** The node's targets in this group: the instance ID, or its pods' IPs. */
  targets: string[];
  /** Epoch ms: the first of them deregistered (draining from then on); absent when none was. */
  drainingAt?: number;
  /** Epoch ms: the last of them left the group (no traffic from then on); absent when one never did. */
  deregisteredAt?: number;
}

function isNodeTarget(type: "instance" | "ip", id: string, node: NodeTargets): boolean {
  return type === "instance" ? id === node.instanceId : node.podIps.has(id);
}

/** Each target group with a target of the node, and when those targets drained and left. */
export function targetReports(directory: TargetGroupDirectory, node: NodeTargets): TargetReport[] {
  const reports: TargetReport[] = [];
  for (const group of directory.all()) {
    const type = group.spec.targetType;
    const records = group.history().filter((record) => isNodeTarget(type, record.id, node));
    if (records.length === 0) continue;
    const draining = records.flatMap((record) => record.drainingSince ?? []);
    const removed = records.map((record) => record.removedAt);
    const allRemoved = removed.every((at) => at !== undefined);
    reports.push({
      targetGroup: group.name,
      targetGroupArn: group.arn,
      targetType: type,
      deregistrationDelaySeconds: group.spec.deregistrationDelaySeconds,
      targets: [...new Set(records.map((record) => record.id))],
      ...(draining.length === 0 ? {} : { drainingAt: Math.min(...draining) }),
      ...(allRemoved ? { deregisteredAt: Math.max(...(removed as number[])) } : {}),
    });
  }
  return reports;
}

/**
 * Timeline lines for the node's targets, once each: deregistration started (draining), and the target
 * gone (its deregistration delay over), up to `now`.
 */
export function targetEntries(
  directory: TargetGroupDirectory,
  node: NodeTargets,
  now: number,
  seen: Set<string>,
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const group of directory.all()) {
    const type = group.spec.targetType;
    for (const record of group.history()) {
      if (!isNodeTarget(type, record.id, node)) continue;
      const key = `${group.arn} ${record.id} ${record.registeredAt}`;
      if (record.drainingSince !== undefined && record.drainingSince <= now && !seen.has(`${key} draining`)) {
        seen.add(`${key} draining`);
        entries.push({
          at: record.drainingSince,
          source: "cluster",
          kind: "target-draining",
          level: "info",
          text: `target group ${group.name}: ${type} target ${record.id} draining (deregistration delay ${group.spec.deregistrationDelaySeconds}s)`,
        });
      }
      if (record.removedAt !== undefined && record.removedAt <= now && !seen.has(`${key} gone`)) {
        seen.add(`${key} gone`);
        entries.push({
          at: record.removedAt,
          source: "cluster",
          kind: "target-deregistered",
          level: "info",
          text: `target group ${group.name}: ${type} target ${record.id} deregistered (no more traffic)`,
        });
      }
    }
  }
  return entries;
}
