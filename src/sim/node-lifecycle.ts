import type { BudgetTracker } from "./budget-tracker.js";
import type { ControlPlane } from "./control-plane.js";
import type { Node, Pod } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { deletePod } from "./pod-deletion.js";
import type { PodIndex } from "./pod-index.js";
import { resourceTypes } from "./resource-types.js";
import { unschedulableTaint } from "./scheduling-rules.js";
import type { Reconciler } from "./timer-set.js";

const nodesType = resourceTypes.nodes;

/**
 * The node lifecycle and pod GC controllers: keep the node.kubernetes.io/unschedulable taint in step with
 * spec.unschedulable, and remove the pods of a node that no longer exists after the pod GC delay.
 */
export class NodeLifecycle {
  private readonly taints: Reconciler;

  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
    private readonly budgets: BudgetTracker,
  ) {
    this.taints = plane.controllerQueue((name) => this.syncTaint(name));
    plane.store.subscribe((change) => {
      if (change.current.type === nodesType) {
        const name = change.current.object.metadata.name;
        if (change.type === "DELETED") this.collectLater(name);
        else this.taints.request(name);
      } else if (change.current.type === resourceTypes.pods && change.type === "ADDED") {
        const nodeName = (change.current.object as Pod).spec.nodeName;
        if (nodeName && !plane.store.get(nodesType, undefined, nodeName)) this.collectLater(nodeName);
      }
    });
  }

  private syncTaint(name: string): void {
    const stored = this.plane.store.get(nodesType, undefined, name) as StoredObject<Node> | undefined;
    if (!stored) return;
    const node = stored.object;
    const taints = node.spec.taints ?? [];
    const has = taints.some(
      (taint) => taint.key === unschedulableTaint.key && taint.effect === unschedulableTaint.effect,
    );
    const wants = node.spec.unschedulable === true;
    if (has === wants) return;
    this.plane.store.update(stored, (draft) => {
      const others = (draft.spec.taints ?? []).filter(
        (taint) => !(taint.key === unschedulableTaint.key && taint.effect === unschedulableTaint.effect),
      );
      const next = wants ? [...others, { ...unschedulableTaint, timeAdded: this.plane.timestamp() }] : others;
      if (next.length > 0) draft.spec.taints = next;
      else delete draft.spec.taints;
    });
  }

  private collectLater(nodeName: string): void {
    this.plane.timers.after(this.plane.timings.podGcMs, () => {
      if (this.plane.store.get(nodesType, undefined, nodeName)) return;
      for (const stored of this.pods.onNode(nodeName)) {
        deletePod(this.plane, this.budgets, stored, { gracePeriodSeconds: 0 }, "pod-gc");
      }
    });
  }
}
