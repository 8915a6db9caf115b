import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, type ClusterPort, type NodeMergePatch } from "./cluster-port.js";

/**
 * Rollout-aware placement: a PreferNoSchedule taint on the Nodes an instance refresh has still to replace,
 * so that the scheduler prefers the new nodes for evicted pods (a pod may still land on a tainted node when
 * nothing else fits: the effect only scores). When it was added is kept in an annotation, so that a taint
 * whose refresh was never seen to end is removed after a time bound.
 */
export const REPLACING_TAINT_KEY = "eks-node-drainer/replacing";
export const REPLACING_SINCE_ANNOTATION = "eks-node-drainer/replacing-since";

/** How often a taint change meets a concurrent change of the node (409) before it gives up. */
const MAX_CONFLICTS = 5;

export type ReplacingOutcome = "changed" | "unchanged" | "gone";

export function hasReplacingTaint(node: V1Node): boolean {
  return (node.spec?.taints ?? []).some((taint) => taint.key === REPLACING_TAINT_KEY);
}

/** When the taint was added (ms since the epoch), from the annotation; undefined if absent or unreadable. */
export function replacingSince(node: V1Node): number | undefined {
  const value = node.metadata?.annotations?.[REPLACING_SINCE_ANNOTATION];
  const at = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** The node's taints as a merge patch sends them (the whole list), without ours if `without`. */
export function taintsForPatch(node: V1Node, without?: ReadonlySet<string>) {
  return (node.spec?.taints ?? [])
    .filter((taint) => without === undefined || !without.has(taint.key))
    .map((taint) => ({
      key: taint.key,
      effect: taint.effect,
      ...(taint.value === undefined ? {} : { value: taint.value }),
      ...(taint.timeAdded === undefined ? {} : { timeAdded: new Date(taint.timeAdded).toISOString() }),
    }));
}

/** Adds the taint (and its time) unless it is there; idempotent across concurrent callers. */
export function markReplacing(
  cluster: Pick<ClusterPort, "getNode" | "patchNode">,
  nodeName: string,
  now: number,
): Promise<ReplacingOutcome> {
  return changeNode(cluster, nodeName, (node) => {
    if (hasReplacingTaint(node)) return undefined;
    return {
      metadata: { annotations: { [REPLACING_SINCE_ANNOTATION]: new Date(now).toISOString() } },
      spec: { taints: [...taintsForPatch(node), { key: REPLACING_TAINT_KEY, effect: "PreferNoSchedule" }] },
    };
  });
}

/** Removes the taint and its annotation if there. */
export function unmarkReplacing(
  cluster: Pick<ClusterPort, "getNode" | "patchNode">,
  nodeName: string,
): Promise<ReplacingOutcome> {
  return changeNode(cluster, nodeName, (node) => {
    const annotated = node.metadata?.annotations?.[REPLACING_SINCE_ANNOTATION] !== undefined;
    if (!hasReplacingTaint(node) && !annotated) return undefined;
    return {
      metadata: { annotations: { [REPLACING_SINCE_ANNOTATION]: null } },
      spec: { taints: taintsForPatch(node, new Set([REPLACING_TAINT_KEY])) },
    };
  });
}

async function changeNode(
  cluster: Pick<ClusterPort, "getNode" | "patchNode">,
  nodeName: string,
  change: (node: V1Node) => NodeMergePatch | undefined,
): Promise<ReplacingOutcome> {
  for (let conflicts = 0; ; conflicts++) {
    const node = await cluster.getNode(nodeName);
    if (node === undefined) return "gone";
    const patch = change(node);
    if (patch === undefined) return "unchanged";
    const resourceVersion = node.metadata?.resourceVersion;
    try {
      await cluster.patchNode(nodeName, {
        ...patch,
        metadata: { ...patch.metadata, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
      });
      return "changed";
    } catch (error) {
      if (error instanceof ClusterError && error.kind === "not-found") return "gone";
      if (!(error instanceof ClusterError && error.kind === "conflict") || conflicts >= MAX_CONFLICTS)
        throw error;
    }
  }
}
