import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions } from "../aws/lifecycle.js";
import { cordonAhead } from "../drain/batch-cordon.js";
import type { DrainPolicy } from "../drain/policy.js";
import type { ClusterLink } from "./cluster-links.js";
import type { JobLog } from "./job-log.js";
import { locateNode } from "./node-locator.js";

/** At most this many other leaving instances are cordoned by one notice (each costs a node lookup). */
const MAX_SIBLINGS = 200;

export interface LeavingGroupCordon {
  /** The group's leaving instances were listed (else the lists below are empty for want of it). */
  found: boolean;
  /** Nodes this notice cordoned. */
  cordoned: string[];
  /** Nodes cordoned already (by their own drain, or another notice of the batch). */
  already: string[];
  /** Instances whose node could not be found or cordoned (logged; the drain goes on). */
  missed: string[];
}

/**
 * The drains of the batch that run at once, this one included: the leaving instances whose Nodes the
 * batch cordon found (each has a notice and a drain of its own), and this drain's place among them by node
 * name. Undefined without the group's list.
 */
export function drainBatchOf(
  cordon: LeavingGroupCordon,
  nodeName: string,
): { drainsAtOnce: number; batchPosition: number } | undefined {
  if (!cordon.found) return undefined;
  const nodes = [...new Set([nodeName, ...cordon.cordoned, ...cordon.already])].sort();
  return { drainsAtOnce: nodes.length, batchPosition: nodes.indexOf(nodeName) };
}

/**
 * Batch cordon: before a drain evicts anything, the Nodes of every other instance of the group that is
 * leaving too (Auto Scaling says Terminating, Terminating:Wait or Terminating:Proceed) are cordoned, so that
 * no evicted pod is placed on a node that goes a minute later. Every notice of a scale-in does it; the
 * result is the same whoever comes first (batch-cordon.ts). Nothing here fails the notice: without the
 * group's list (no permission, an error) or a node, the drain goes on as before, with a warning.
 */
export async function cordonLeavingGroup(options: {
  lifecycle: LifecycleActions;
  instances: InstanceDirectory;
  link: ClusterLink;
  policy: DrainPolicy;
  log: JobLog;
  asgName: string;
  instanceId: string;
}): Promise<LeavingGroupCordon> {
  const { lifecycle, link, log } = options;
  const outcome: LeavingGroupCordon = { found: false, cordoned: [], already: [], missed: [] };
  if (lifecycle.leavingInstances === undefined) return outcome;
  let leaving: string[];
  try {
    leaving = await lifecycle.leavingInstances(options.asgName);
  } catch (error) {
    log.warn("batch cordon skipped: could not list the group's leaving instances", {
      asgName: options.asgName,
      error: error instanceof Error ? error.message : String(error),
    });
    return outcome;
  }
  outcome.found = true;
  const others = [...new Set(leaving)].filter((id) => id !== options.instanceId).slice(0, MAX_SIBLINGS);
  await Promise.all(
    others.map(async (instanceId) => {
      try {
        const located = await locateNode(link.client, options.instances, instanceId);
        if (located === undefined) {
          outcome.missed.push(instanceId);
          return;
        }
        const result = await cordonAhead(link.port, located.name, options.policy);
        if (result === "cordoned") outcome.cordoned.push(located.name);
        else if (result === "already") outcome.already.push(located.name);
        else outcome.missed.push(instanceId);
      } catch (error) {
        outcome.missed.push(instanceId);
        log.warn("batch cordon: a leaving instance's node was not cordoned", {
          instanceId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  if (others.length > 0) {
    log.info("batch cordon", {
      leaving: others.length,
      cordoned: outcome.cordoned.length,
      already: outcome.already.length,
      missed: outcome.missed.length,
    });
  }
  return outcome;
}
