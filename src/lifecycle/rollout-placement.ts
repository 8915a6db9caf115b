import type { InstanceDirectory } from "../aws/instance-directory.js";
import { type InstanceRefreshView, type LifecycleActions, replacingStatuses } from "../aws/lifecycle.js";
import {
  hasReplacingTaint,
  markReplacing,
  replacingSince,
  unmarkReplacing,
} from "../drain/replacing-taint.js";
import { listAllNodes } from "../kube/node-lookup.js";
import type { ClusterLink } from "./cluster-links.js";
import type { JobLog } from "./job-log.js";
import { locateNode } from "./node-locator.js";

/** A taint older than this is removed even if its refresh was never seen to end. */
export const REPLACING_TAINT_BOUND_MS = 6 * 3600_000;

/** At most this many instances are tainted by one notice (each costs a node lookup). */
const MAX_TAINTED = 200;

export interface RolloutPlacement {
  /** Nodes this notice tainted. */
  tainted: string[];
  /** Nodes whose taint this notice removed (refresh over, or older than the bound). */
  untainted: string[];
  /** The refresh's status as seen, if there is one. */
  status?: string;
}

/**
 * Rollout-aware placement: on a terminate notice while an instance refresh of the group replaces
 * instances (Pending or InProgress), the Nodes of the instances it has still to replace get the
 * PreferNoSchedule taint of replacing-taint.ts, so the pods this drain evicts prefer nodes that stay and
 * move once per rollout. Once the refresh is seen ended (Successful, Failed, Cancelled, rolling back…), or
 * has nothing left to replace, every such taint is removed; a taint older than REPLACING_TAINT_BOUND_MS
 * goes too. Idempotent across concurrent notices. Nothing here fails the notice: on an error the drain
 * goes on as before, with a warning.
 */
export async function placeForRollout(options: {
  lifecycle: LifecycleActions;
  instances: InstanceDirectory;
  link: ClusterLink;
  log: JobLog;
  asgName: string;
  instanceId: string;
  now: number;
}): Promise<RolloutPlacement> {
  const { lifecycle, link, log, now } = options;
  const outcome: RolloutPlacement = { tainted: [], untainted: [] };
  if (lifecycle.instanceRefresh === undefined) return outcome;
  try {
    const refresh = await lifecycle.instanceRefresh(options.asgName);
    // No refresh in the group's history: nothing was tainted for it.
    if (refresh === undefined) return outcome;
    outcome.status = refresh.status;
    const toReplace = (await stillToReplace(refresh, options.instances)).filter(
      (id) => id !== options.instanceId,
    );
    const replacing = replacingStatuses.has(refresh.status) && toReplace.length > 0;
    const keep = new Set<string>();
    if (replacing) {
      await Promise.all(
        toReplace.slice(0, MAX_TAINTED).map(async (instanceId) => {
          const located = await locateNode(link.client, options.instances, instanceId);
          if (located === undefined) return;
          keep.add(located.name);
          if ((await markReplacing(link.port, located.name, now)) === "changed")
            outcome.tainted.push(located.name);
        }),
      );
    }
    const nodes = await listAllNodes(link.client, "to find rollout taints");
    await Promise.all(
      nodes.filter(hasReplacingTaint).map(async (node) => {
        const name = node.metadata?.name ?? "";
        const since = replacingSince(node);
        const stale = since === undefined || now - since > REPLACING_TAINT_BOUND_MS;
        if (name === "" || (keep.has(name) && !stale)) return;
        if (!replacing || stale) {
          if ((await unmarkReplacing(link.port, name)) === "changed") outcome.untainted.push(name);
        }
      }),
    );
  } catch (error) {
    log.warn("rollout-aware placement skipped", {
      asgName: options.asgName,
      error: error instanceof Error ? error.message : String(error),
    });
    return outcome;
  }
  if (outcome.tainted.length > 0 || outcome.untainted.length > 0) {
    log.info("rollout-aware placement", {
      refresh: outcome.status,
      tainted: outcome.tainted.length,
      untainted: outcome.untainted.length,
    });
  }
  return outcome;
}

/**
 * The instances the refresh has still to replace: as the source lists them, or else those in service
 * launched before the refresh started (EC2's LaunchTime; an instance whose launch time is unknown is left
 * alone).
 */
async function stillToReplace(refresh: InstanceRefreshView, instances: InstanceDirectory): Promise<string[]> {
  if (refresh.toReplace !== undefined) return refresh.toReplace;
  const { startedAt } = refresh;
  if (startedAt === undefined || refresh.inService === undefined) return [];
  const described = await Promise.all(
    refresh.inService.slice(0, MAX_TAINTED).map((instanceId) => instances.describe(instanceId)),
  );
  return described.flatMap((facts) =>
    facts?.launchedAt !== undefined && facts.launchedAt < startedAt ? [facts.instanceId] : [],
  );
}
