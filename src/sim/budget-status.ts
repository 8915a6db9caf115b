import type {
  Condition,
  IntOrString,
  OwnerReference,
  Pod,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
} from "./kube-objects.js";
import { isReady, isTerminating } from "./pod-state.js";

/** How long an eviction's disruptedPods entry holds a pod out of currentHealthy if it is not deleted. */
export const disruptedPodTimeoutMs = 2 * 60 * 1000;

/** The replicas of a pod's controller, undefined when it has none the disruption controller understands. */
export type ScaleLookup = (
  owner: OwnerReference,
  namespace: string,
) => { uid: string; replicas: number } | undefined;

export class BudgetSyncError extends Error {
  override readonly name = "BudgetSyncError";
}

/** intstr.GetScaledValueFromIntOrPercent with rounding up, as the controller calls it. */
export function scaledValue(value: IntOrString, total: number): number {
  if (typeof value === "number") return value;
  const percent = Number(value.slice(0, -1));
  return Math.ceil((percent * total) / 100);
}

/** The controller of some of a budget's pods, and one of those pods (named when the controller is not found). */
export interface ControlledPods {
  owner: OwnerReference;
  namespace: string;
  podName: string;
}

/** A budget's pods as the expected count reads them: how many, and their controllers, once each. */
export interface BudgetSelection {
  podCount: number;
  controllers: Iterable<ControlledPods>;
}

/** The key a controller is looked up by: its uid, else its namespace, kind and name. */
export function controllerKey(owner: OwnerReference, namespace: string): string {
  return owner.uid || `${namespace}/${owner.kind}/${owner.name}`;
}

/** The controller reference of a pod, undefined for an unmanaged pod. */
export function controllerOf(pod: Pod): OwnerReference | undefined {
  return pod.metadata.ownerReferences?.find((reference) => reference.controller);
}

/** The selection of `pods`: their number and their controllers, each once (many pods share one ReplicaSet). */
export function selectionOf(pods: readonly Pod[]): BudgetSelection {
  const controllers = new Map<string, ControlledPods>();
  for (const pod of pods) {
    const owner = controllerOf(pod);
    if (!owner) continue;
    const namespace = pod.metadata.namespace ?? "";
    const key = controllerKey(owner, namespace);
    if (!controllers.has(key)) controllers.set(key, { owner, namespace, podName: pod.metadata.name });
  }
  return { podCount: pods.length, controllers: controllers.values() };
}

/**
 * getExpectedScale (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/disruption/disruption.go):
 * the replicas of each controller of the pods, counted once per controller (the ReplicaSets of one
 * Deployment are counted as that Deployment); unmanaged pods add nothing. Upstream walks the pods and
 * looks each one's controller up in its informers' caches; the same lookups are made here once per
 * controller.
 */
function expectedScale(controllers: Iterable<ControlledPods>, scaleOf: ScaleLookup): number {
  const scales = new Map<string, number>();
  for (const { owner, namespace, podName } of controllers) {
    const scale = scaleOf(owner, namespace);
    if (!scale) throw new BudgetSyncError(`found no controllers for pod "${podName}"`);
    scales.set(scale.uid, scale.replicas);
  }
  let total = 0;
  for (const replicas of scales.values()) total += replicas;
  return total;
}

/** expectedPods and desiredHealthy of a budget over the pods it selects. */
export function expectedAndDesired(
  budget: PodDisruptionBudget,
  selection: BudgetSelection,
  scaleOf: ScaleLookup,
): { expectedPods: number; desiredHealthy: number } {
  const { minAvailable, maxUnavailable } = budget.spec;
  if (maxUnavailable !== undefined) {
    const expectedPods = expectedScale(selection.controllers, scaleOf);
    return {
      expectedPods,
      desiredHealthy: Math.max(0, expectedPods - scaledValue(maxUnavailable, expectedPods)),
    };
  }
  if (typeof minAvailable === "number")
    return { expectedPods: selection.podCount, desiredHealthy: minAvailable };
  if (typeof minAvailable === "string") {
    const expectedPods = expectedScale(selection.controllers, scaleOf);
    return { expectedPods, desiredHealthy: scaledValue(minAvailable, expectedPods) };
  }
  return { expectedPods: selection.podCount, desiredHealthy: 0 };
}

/** The DisruptionAllowed condition as the controller and the eviction handler keep it. */
export function disruptionAllowedCondition(
  status: PodDisruptionBudgetStatus,
  previous: Condition | undefined,
  now: string,
  syncError?: string,
): Condition {
  const condition: Condition = syncError
    ? { type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message: syncError }
    : status.disruptionsAllowed > 0
      ? { type: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: "" }
      : { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "" };
  condition.observedGeneration = status.observedGeneration ?? 0;
  const unchanged = previous && previous.status === condition.status && previous.reason === condition.reason;
  condition.lastTransitionTime = unchanged && previous.lastTransitionTime ? previous.lastTransitionTime : now;
  return condition;
}

/**
 * The status the disruption controller computes for a budget: currentHealthy counts pods that are Ready,
 * not terminating and not in disruptedPods; disruptionsAllowed = max(0, currentHealthy − desiredHealthy),
 * 0 while expectedPods is 0; a sync error fails safe to 0 allowed.
 */
export function computeBudgetStatus(
  budget: PodDisruptionBudget,
  pods: readonly Pod[],
  scaleOf: ScaleLookup,
  nowMs: number,
  formatTime: (ms: number) => string,
): PodDisruptionBudgetStatus {
  const generation = budget.metadata.generation ?? 1;
  const previous = budget.status;
  const previousCondition = previous?.conditions?.find((condition) => condition.type === "DisruptionAllowed");
  const now = formatTime(nowMs);
  let counts: { expectedPods: number; desiredHealthy: number };
  try {
    counts = expectedAndDesired(budget, selectionOf(pods), scaleOf);
  } catch (error) {
    if (!(error instanceof BudgetSyncError)) throw error;
    const failed: PodDisruptionBudgetStatus = {
      ...(previous ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
      disruptionsAllowed: 0,
      observedGeneration: previous?.observedGeneration ?? 0,
    };
    failed.conditions = [disruptionAllowedCondition(failed, previousCondition, now, error.message)];
    return failed;
  }

  const disruptedPods: Record<string, string> = {};
  const stillDisrupted = new Set<string>();
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    const since = previous?.disruptedPods?.[pod.metadata.name];
    if (since === undefined) continue;
    if (Date.parse(since) + disruptedPodTimeoutMs > nowMs) {
      disruptedPods[pod.metadata.name] = since;
      stillDisrupted.add(pod.metadata.name);
    }
  }
  let currentHealthy = 0;
  for (const pod of pods) {
    if (isTerminating(pod) || stillDisrupted.has(pod.metadata.name)) continue;
    if (isReady(pod)) currentHealthy += 1;
  }
  const allowed = currentHealthy - counts.desiredHealthy;
  const status: PodDisruptionBudgetStatus = {
    observedGeneration: generation,
    disruptionsAllowed: counts.expectedPods <= 0 || allowed <= 0 ? 0 : allowed,
    currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedPods,
  };
  if (Object.keys(disruptedPods).length > 0) status.disruptedPods = disruptedPods;
  status.conditions = [disruptionAllowedCondition(status, previousCondition, now)];
  return status;
}

/** The earliest moment a disruptedPods entry expires, to re-sync then. */
export function nextDisruptedExpiry(status: PodDisruptionBudgetStatus): number | undefined {
  let earliest: number | undefined;
  for (const since of Object.values(status.disruptedPods ?? {})) {
    const expiry = Date.parse(since) + disruptedPodTimeoutMs;
    if (earliest === undefined || expiry < earliest) earliest = expiry;
  }
  return earliest;
}
