import {
  type BudgetSelection,
  computeBudgetStatus,
  expectedAndDesired,
  nextDisruptedExpiry,
  type ScaleLookup,
} from "./budget-status.js";
import type { BudgetTracker } from "./budget-tracker.js";
import { type ControlPlane, formatTime } from "./control-plane.js";
import type { OwnerReference, PodDisruptionBudget, Workload } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { resourceTypes } from "./resource-types.js";
import type { Reconciler } from "./timer-set.js";

const budgetsType = resourceTypes.podDisruptionBudgets;

function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The scale of a pod's controller as the disruption controller's finders see it. */
export function scaleLookup(plane: ControlPlane): ScaleLookup {
  const workload = (
    plural: "deployments" | "replicaSets" | "statefulSets",
    namespace: string,
    name: string,
  ) => plane.store.get(resourceTypes[plural], namespace, name)?.object as Workload | undefined;
  return (owner: OwnerReference, namespace: string) => {
    if (owner.kind === "ReplicaSet") {
      const replicaSet = workload("replicaSets", namespace, owner.name);
      if (!replicaSet || replicaSet.metadata.uid !== owner.uid) return undefined;
      const parent = replicaSet.metadata.ownerReferences?.find((reference) => reference.controller);
      if (parent?.kind === "Deployment") {
        const deployment = workload("deployments", namespace, parent.name);
        if (deployment && deployment.metadata.uid === parent.uid) {
          return { uid: parent.uid, replicas: deployment.spec.replicas ?? 1 };
        }
      }
      return { uid: owner.uid, replicas: replicaSet.spec.replicas ?? 1 };
    }
    if (owner.kind === "StatefulSet") {
      const statefulSet = workload("statefulSets", namespace, owner.name);
      if (!statefulSet || statefulSet.metadata.uid !== owner.uid) return undefined;
      return { uid: owner.uid, replicas: statefulSet.spec.replicas ?? 1 };
    }
    return undefined;
  };
}

/**
 * The disruption controller: recomputes a budget's status a controller delay after any of its pods or
 * its spec changed, and again when a disruptedPods entry expires.
 */
export class DisruptionController {
  private readonly reconciler: Reconciler;
  private readonly scaleOf: ScaleLookup;

  constructor(
    private readonly plane: ControlPlane,
    private readonly tracker: BudgetTracker,
  ) {
    this.scaleOf = scaleLookup(plane);
    this.reconciler = plane.controllerQueue((key) => this.sync(key));
    tracker.onBudgetTouched((key) => this.reconciler.request(key));
    plane.store.subscribe((change) => {
      const type = change.current.type;
      if (
        type === resourceTypes.deployments ||
        type === resourceTypes.replicaSets ||
        type === resourceTypes.statefulSets
      ) {
        for (const budget of plane.store.list(budgetsType, change.current.object.metadata.namespace)) {
          this.reconciler.request(budget.key);
        }
      }
    });
  }

  /** desiredHealthy by the controller's rules (0 when the budget cannot be synced). */
  desiredHealthy = (budget: PodDisruptionBudget, selection: BudgetSelection): number => {
    try {
      return expectedAndDesired(budget, selection, this.scaleOf).desiredHealthy;
    } catch {
      return 0;
    }
  };

  /** Syncs every budget now, without the delay (used once the scenario is loaded). */
  syncAll(): void {
    for (const budget of this.plane.store.list(budgetsType)) this.sync(budget.key);
  }

  private sync(key: string): void {
    const [namespace = "", name = ""] = key.split("/");
    const stored = this.plane.store.get(budgetsType, namespace, name) as
      | StoredObject<PodDisruptionBudget>
      | undefined;
    if (!stored) return;
    const pods = this.tracker.podsOf(key).map((pod) => pod.object);
    const now = this.plane.clock.now();
    const status = computeBudgetStatus(stored.object, pods, this.scaleOf, now, formatTime);
    if (!sameStatus(status, stored.object.status)) {
      this.plane.store.update(stored, (draft) => {
        draft.status = status;
      });
    }
    const expiry = nextDisruptedExpiry(status);
    if (expiry !== undefined) this.reconciler.request(key, Math.max(0, expiry - now) + 1);
  }
}
