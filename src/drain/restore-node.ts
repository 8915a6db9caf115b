import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, type ClusterPort, type NodeMergePatch } from "./cluster-port.js";
import {
  CORDONED_AHEAD_ANNOTATION,
  cordonedAheadOf,
  DRAIN_STATE_ANNOTATION,
  type DrainState,
  type NodeChanges,
  readDrainState,
  unionOfChanges,
} from "./drain-state.js";
import { OUT_OF_SERVICE_TAINT } from "./node-reachability.js";
import { DRAINING_TAINT_KEY, EXCLUDE_FROM_LB_LABEL } from "./policy.js";
import { REPLACING_SINCE_ANNOTATION, REPLACING_TAINT_KEY, taintsForPatch } from "./replacing-taint.js";

export interface RestoreRequest {
  cluster: Pick<ClusterPort, "getNode" | "patchNode">;
  nodeName: string;
  /** Say what would be undone, change nothing. */
  dryRun?: boolean;
  /** Annotations of the caller's own to clear with the drain state (the lifecycle job's record). */
  alsoRemoveAnnotations?: readonly string[];
}

export interface RestoreResult {
  nodeName: string;
  /** restored: the patch was applied; planned: a dry run; nothing: no drain left a trace on the node. */
  status: "restored" | "planned" | "nothing" | "node-not-found";
  /** spec.unschedulable was (or would be) set back to false. */
  uncordoned: boolean;
  taintsRemoved: string[];
  labelsRemoved: string[];
  annotationsRemoved: string[];
  /** What was left on purpose, and why (an operator's own cordon, a drain still under way...). */
  notes: string[];
}

/** Conflicts tolerated in a row (the taint list is written pinned to the node's resourceVersion). */
const maxAttempts = 5;

/**
 * Undoes what a drain changed on its node, and only that: the cordon if the drain cordoned, the taint and
 * the LB-exclusion label if the drain added them, the out-of-service taint if the drain set it, then the
 * drain state itself. A cordon, taint or label that was there before the drain is someone else's and
 * stays (the state's `changes` says which). A state written before `changes` was recorded is taken to
 * have made all three changes. The one restore for an instance that came back (warm pool, root-volume
 * replacement) and for the CLI's `uncordon`.
 */
export async function restoreNode(request: RestoreRequest): Promise<RestoreResult> {
  const { cluster, nodeName } = request;
  for (let attempt = 1; ; attempt++) {
    const node = await cluster.getNode(nodeName);
    if (node === undefined) return empty(nodeName, "node-not-found", [`node ${nodeName} not found`]);
    const plan = restorePlan(node, request.alsoRemoveAnnotations ?? []);
    if (plan.patch === undefined) return { ...plan.result, status: "nothing" };
    if (request.dryRun === true) return { ...plan.result, status: "planned" };
    try {
      await cluster.patchNode(nodeName, plan.patch);
      return { ...plan.result, status: "restored" };
    } catch (error) {
      const conflict = error instanceof ClusterError && error.kind === "conflict";
      if (error instanceof ClusterError && error.kind === "not-found") {
        return empty(nodeName, "node-not-found", [`node ${nodeName} not found`]);
      }
      if (!conflict || attempt >= maxAttempts) {
        throw new Error(`restoring node ${nodeName}`, { cause: error });
      }
    }
  }
}

/** The merge patch that undoes the drain's changes on `node`, and what it undoes. */
export function restorePlan(
  node: V1Node,
  alsoRemoveAnnotations: readonly string[],
): { patch?: NodeMergePatch; result: RestoreResult } {
  const nodeName = node.metadata?.name ?? "?";
  const notes: string[] = [];
  let state: DrainState | undefined;
  let unreadable = false;
  try {
    state = readDrainState(node);
  } catch (error) {
    unreadable = true;
    notes.push(`${error instanceof Error ? error.message : String(error)}: only the annotation is cleared`);
  }
  const annotations = node.metadata?.annotations ?? {};
  const annotationsRemoved = [
    DRAIN_STATE_ANNOTATION,
    CORDONED_AHEAD_ANNOTATION,
    REPLACING_SINCE_ANNOTATION,
    ...alsoRemoveAnnotations,
  ].filter((key) => annotations[key] !== undefined);
  // A drain of another node of the group may have cordoned this one ahead, before (or without) its own.
  const ahead = cordonedAheadOf(node);
  if (state === undefined && annotationsRemoved.length === 0) {
    return { result: empty(nodeName, "nothing", [`node ${nodeName} carries no drain state`]) };
  }
  if (state !== undefined && state.outcome === undefined) {
    notes.push("the drain had not ended: a run still under way would cordon the node again");
  }
  const changes: NodeChanges = unionOfChanges(
    state?.changes ??
      (state === undefined || unreadable
        ? { cordoned: false, excludedFromLoadBalancers: false }
        : { cordoned: true, taint: DRAINING_TAINT_KEY, excludedFromLoadBalancers: true }),
    ahead,
  ) ?? { cordoned: false, excludedFromLoadBalancers: false };

  const spec: NonNullable<NodeMergePatch["spec"]> = {};
  const uncordoned = changes.cordoned && node.spec?.unschedulable === true;
  if (uncordoned) spec.unschedulable = false;
  else if (node.spec?.unschedulable === true)
    notes.push("the node was cordoned before the drain: it stays cordoned");

  const ours = new Set<string>();
  if (changes.taint !== undefined) ours.add(changes.taint);
  if (state?.outOfServiceTainted === true) ours.add(OUT_OF_SERVICE_TAINT.key);
  // Rollout-aware placement's taint (replacing-taint.ts) is always the drainer's own.
  ours.add(REPLACING_TAINT_KEY);
  const taints = node.spec?.taints ?? [];
  const taintsRemoved = [...new Set(taints.filter((taint) => ours.has(taint.key)).map((t) => t.key))];
  if (taintsRemoved.length > 0) {
    // A merge patch replaces the whole list: send the others, pinned to this version.
    spec.taints = taintsForPatch(node, ours);
  }
  const labelsRemoved =
    changes.excludedFromLoadBalancers && node.metadata?.labels?.[EXCLUDE_FROM_LB_LABEL] !== undefined
      ? [EXCLUDE_FROM_LB_LABEL]
      : [];
  if (!changes.excludedFromLoadBalancers && node.metadata?.labels?.[EXCLUDE_FROM_LB_LABEL] !== undefined) {
    notes.push(`${EXCLUDE_FROM_LB_LABEL} was there before the drain: it stays`);
  }

  const resourceVersion = node.metadata?.resourceVersion;
  const patch: NodeMergePatch = {
    metadata: {
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      ...(labelsRemoved.length === 0 ? {} : { labels: { [EXCLUDE_FROM_LB_LABEL]: null } }),
      annotations: Object.fromEntries(annotationsRemoved.map((key) => [key, null])),
    },
    ...(Object.keys(spec).length === 0 ? {} : { spec }),
  };
  return {
    patch,
    result: {
      nodeName,
      status: "planned",
      uncordoned,
      taintsRemoved,
      labelsRemoved,
      annotationsRemoved,
      notes,
    },
  };
}

function empty(nodeName: string, status: RestoreResult["status"], notes: string[]): RestoreResult {
  return {
    nodeName,
    status,
    uncordoned: false,
    taintsRemoved: [],
    labelsRemoved: [],
    annotationsRemoved: [],
    notes,
  };
}
