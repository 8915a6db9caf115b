/**
 * The arithmetic of a Deployment's rolling update, as the real controller does it:
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/util/deployment_util.go
 * (ResolveFenceposts, NewRSNewReplicas) and
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/rolling.go
 * (reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate).
 */

export type IntOrPercent = number | string;

/** A ReplicaSet as the rollout arithmetic sees it: its spec.replicas and its available pods. */
export interface SetCount {
  replicas: number;
  available: number;
}

function scaled(value: IntOrPercent | undefined, fallback: string, total: number, roundUp: boolean): number {
  const given = value ?? fallback;
  if (typeof given === "number") return given;
  const percent = Number(given.replace(/%$/, ""));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge (rounded up) and maxUnavailable (rounded down) of `replicas`; both 0 makes maxUnavailable 1. */
export function fenceposts(
  replicas: number,
  maxSurge: IntOrPercent | undefined,
  maxUnavailable: IntOrPercent | undefined,
): { surge: number; unavailable: number } {
  const surge = scaled(maxSurge, "25%", replicas, true);
  const unavailable = scaled(maxUnavailable, "25%", replicas, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** The new ReplicaSet's replicas in this step: up to `replicas`, never more than replicas + surge pods in all. */
export function newSetReplicas(replicas: number, surge: number, newSet: number, allSets: number): number {
  const maxTotal = replicas + surge;
  if (allSets >= maxTotal) return newSet;
  return newSet + Math.min(maxTotal - allSets, replicas - newSet);
}

/**
 * How far each old ReplicaSet (oldest first) is scaled down in this step: first their unavailable pods,
 * then available ones as long as `replicas − maxUnavailable` stay available.
 */
export function oldSetsScaleDown(
  replicas: number,
  unavailable: number,
  newSet: SetCount,
  oldSets: readonly SetCount[],
): number[] {
  const cuts = oldSets.map(() => 0);
  const oldPods = oldSets.reduce((sum, set) => sum + set.replicas, 0);
  if (oldPods === 0) return cuts;
  const allPods = oldPods + newSet.replicas;
  const minAvailable = replicas - unavailable;
  const maxScaledDown = allPods - minAvailable - (newSet.replicas - newSet.available);
  if (maxScaledDown <= 0) return cuts;
  let cleaned = 0;
  oldSets.forEach((set, index) => {
    if (cleaned >= maxScaledDown || set.replicas === 0 || set.replicas <= set.available) return;
    const cut = Math.min(maxScaledDown - cleaned, set.replicas - set.available);
    cuts[index] = cut;
    cleaned += cut;
  });
  const available =
    newSet.available +
    oldSets.reduce((sum, set, index) => sum + Math.min(set.available, set.replicas - (cuts[index] ?? 0)), 0);
  if (available <= minAvailable) return cuts;
  let remaining = available - minAvailable;
  oldSets.forEach((set, index) => {
    const left = set.replicas - (cuts[index] ?? 0);
    if (remaining <= 0 || left === 0) return;
    const cut = Math.min(left, remaining);
    cuts[index] = (cuts[index] ?? 0) + cut;
    remaining -= cut;
  });
  return cuts;
}
