import type { BudgetTracker } from "./budget-tracker.js";
import type { ControlPlane } from "./control-plane.js";
import type { Pod, Workload } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { deletePod } from "./pod-deletion.js";
import type { PodIndex } from "./pod-index.js";
import { rankForDeletion } from "./pod-ranking.js";
import { isTerminal, isTerminating } from "./pod-state.js";
import { controllerReference, freshPodName, podFromTemplate } from "./pod-template.js";
import { resourceTypes } from "./resource-types.js";
import { workloadReconciler } from "./workload-reconciler.js";

const replicaSets = resourceTypes.replicaSets;

/** A new pod of the ReplicaSet (named RS-xxxxx), unbound unless `nodeName` is given. */
export function replicaSetPod(plane: ControlPlane, replicaSet: Workload, nodeName?: string): Pod {
  const { name = "", namespace = "", uid = "" } = replicaSet.metadata;
  return podFromTemplate(plane, replicaSet.spec.template, {
    namespace,
    name: freshPodName(plane, namespace, `${name}-`),
    owner: controllerReference("apps/v1", "ReplicaSet", name, uid),
    ...(nodeName ? { nodeName } : {}),
  });
}

/**
 * The ReplicaSet controller: keeps `replicas` active pods (not terminating, not finished). A terminating
 * pod no longer counts, so its replacement is created at once; the scheduler places it. A scale-down
 * removes the pods `rankForDeletion` puts first.
 */
export class ReplicaSetController {
  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
    private readonly budgets: BudgetTracker,
  ) {
    workloadReconciler(plane, replicaSets, "ReplicaSet", (key) => this.sync(key));
  }

  private sync(key: string): void {
    const [namespace = "", name = ""] = key.split("/");
    const stored = this.plane.store.get(replicaSets, namespace, name) as StoredObject<Workload> | undefined;
    if (!stored) return;
    const replicaSet = stored.object;
    const active = this.pods
      .ownedBy(replicaSet.metadata.uid ?? "")
      .filter((pod) => !isTerminating(pod.object) && !isTerminal(pod.object));
    const wanted = replicaSet.spec.replicas ?? 1;
    for (let missing = wanted - active.length; missing > 0; missing--) {
      this.plane.store.create(resourceTypes.pods, replicaSetPod(this.plane, replicaSet));
    }
    if (active.length > wanted) {
      const surplus = rankForDeletion(active, active).slice(0, active.length - wanted);
      for (const pod of surplus) deletePod(this.plane, this.budgets, pod, {}, "controller");
    }
  }
}
