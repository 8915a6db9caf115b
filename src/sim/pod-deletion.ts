import { conflict } from "./api-status.js";
import type { BudgetTracker } from "./budget-tracker.js";
import type { ControlPlane } from "./control-plane.js";
import type { Pod } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { isHealthy, isTerminal, isTerminating } from "./pod-state.js";
import type { DeletionVia } from "./recorder.js";

/** metav1.DeleteOptions as far as the simulation honours them. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeletionOutcome {
  /** The pod after the call: terminating, or its final version when removed. */
  readonly pod: StoredObject<Pod>;
  readonly removed: boolean;
}

/** Checks delete preconditions as the generic registry does: a mismatch is 409 Conflict. */
export function checkPreconditions(stored: StoredObject, options: DeleteOptions): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  const meta = stored.object.metadata;
  if (uid && uid !== meta.uid) {
    throw conflict(
      stored.type.plural,
      stored.type.group,
      meta.name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${meta.uid ?? ""}`,
    );
  }
  if (resourceVersion && resourceVersion !== meta.resourceVersion) {
    throw conflict(
      stored.type.plural,
      stored.type.group,
      meta.name,
      `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ""}`,
    );
  }
}

/** The grace period a delete gets: the request's, else the pod's, else 30 s; 0 for unbound or terminal pods. */
export function effectiveGraceSeconds(pod: Pod, requested: number | undefined): number {
  if (!pod.spec.nodeName || isTerminal(pod)) return 0;
  const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return grace < 0 ? 1 : grace;
}

/**
 * Deletes a pod as the API server does: preconditions, then a graceful deletion (deletionTimestamp =
 * now + grace) that the kubelet completes, or immediate removal at grace 0. A second delete can only
 * shorten the grace period. Records the deletion and any budget it left short.
 */
export function deletePod(
  plane: ControlPlane,
  budgets: BudgetTracker,
  stored: StoredObject<Pod>,
  options: DeleteOptions,
  via: DeletionVia,
): DeletionOutcome {
  checkPreconditions(stored, options);
  if (options.dryRun) return { pod: stored, removed: false };
  const pod = stored.object;
  const grace = effectiveGraceSeconds(pod, options.gracePeriodSeconds);
  const healthyBefore = isHealthy(pod);
  const budgetKeys = budgets.budgetsOf(stored.key);
  const nowMs = plane.clock.now();

  if (isTerminating(pod)) {
    const currentDeadline = Date.parse(pod.metadata.deletionTimestamp ?? "");
    if (grace > 0 && nowMs + grace * 1000 >= currentDeadline) return { pod: stored, removed: false };
  }

  plane.recorder.recordDeletion({
    at: nowMs,
    namespace: pod.metadata.namespace ?? "",
    name: pod.metadata.name,
    uid: pod.metadata.uid ?? "",
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...ownerOf(pod),
    gracePeriodSeconds: grace,
    via,
  });

  let outcome: DeletionOutcome;
  if (grace === 0) {
    outcome = { pod: plane.store.remove(stored) as StoredObject<Pod>, removed: true };
  } else {
    const updated = plane.store.update(stored, (draft) => {
      draft.metadata.deletionTimestamp = plane.timestamp(grace * 1000);
      draft.metadata.deletionGracePeriodSeconds = grace;
    });
    outcome = { pod: updated, removed: false };
  }
  if (healthyBefore && (via === "eviction" || via === "delete"))
    budgets.checkDisruption(pod, budgetKeys, via);
  return outcome;
}

function ownerOf(pod: Pod): { owner?: string } {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller);
  return owner === undefined ? {} : { owner: `${owner.kind}/${owner.name}` };
}
