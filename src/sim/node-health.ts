import type { BudgetTracker } from "./budget-tracker.js";
import { emitEvent } from "./cluster-events.js";
import type { ControlPlane } from "./control-plane.js";
import type { Node, Pod, Taint } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { deletePod } from "./pod-deletion.js";
import type { PodIndex } from "./pod-index.js";
import { isTerminating, setCondition } from "./pod-state.js";
import { resourceTypes } from "./resource-types.js";

const nodesType = resourceTypes.nodes;

/** The taints the node lifecycle controller puts on a node whose Ready condition is Unknown. */
export const unreachableTaints: readonly Taint[] = [
  { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
];
/** The taint an operator (or a drainer) sets on a node known to be shut down. */
export const outOfServiceKey = "node.kubernetes.io/out-of-service";

function isReady(node: Node): boolean {
  return node.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * What happens when a node's kubelet stops (a scenario fault), as the node lifecycle controller and the pod
 * GC do it: after the node-monitor grace period without a status update, every condition of the node
 * becomes Unknown ("Kubelet stopped posting node status."), the node gets the
 * node.kubernetes.io/unreachable NoSchedule and NoExecute taints and its pods are marked not Ready
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/nodelifecycle/node_lifecycle_controller.go).
 * Its terminating pods stay terminating: no kubelet confirms their end. Once the node also carries the
 * node.kubernetes.io/out-of-service taint, the pod GC force-deletes them
 * (gcTerminating, https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podgc/gc_controller.go).
 */
export class NodeHealth {
  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
    private readonly budgets: BudgetTracker,
  ) {
    plane.store.subscribe((change) => {
      if (change.current.type !== nodesType || change.type === "DELETED") return;
      const node = change.current.object as Node;
      const outOfService = node.spec.taints?.some((taint) => taint.key === outOfServiceKey) ?? false;
      if (outOfService && !isReady(node)) {
        const name = node.metadata.name;
        plane.timers.after(plane.timings.controllerDelayMs, () => this.collectTerminating(name));
      }
    });
  }

  /** The kubelet of `nodeName` stops now: pods stay as they are, the node goes Unknown after the grace period. */
  stopKubelet(nodeName: string): void {
    if (this.plane.stoppedKubelets.has(nodeName)) return;
    this.plane.stoppedKubelets.add(nodeName);
    this.plane.timers.after(this.plane.timings.nodeMonitorGraceMs, () => this.markUnknown(nodeName));
  }

  /**
   * The node's instance starts again (back from a warm pool, a new root volume): its kubelet registers the
   * existing Node again and posts Ready. As the real kubelet does, it keeps spec.unschedulable, the taints
   * and the labels an existing Node carries (it only adds, never removes: tryUpdateExistingNode in
   * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kubelet_node_status.go); the node
   * lifecycle controller removes the unreachable taints once Ready, and the pods left on it run again.
   */
  startKubelet(nodeName: string): void {
    this.plane.stoppedKubelets.delete(nodeName);
    const stored = this.plane.store.get(nodesType, undefined, nodeName) as StoredObject<Node> | undefined;
    if (!stored) return;
    const now = this.plane.timestamp();
    const updated = this.plane.store.update(stored, (draft) => {
      const others = (draft.status.conditions ?? []).filter((condition) => condition.type !== "Ready");
      draft.status.conditions = [
        ...others.map((condition) => ({ ...condition, status: "False" as const, lastTransitionTime: now })),
        {
          type: "Ready",
          status: "True" as const,
          reason: "KubeletReady",
          message: "kubelet is posting ready status",
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ];
      const taints = (draft.spec.taints ?? []).filter(
        (taint) => !unreachableTaints.some((t) => t.key === taint.key && t.effect === taint.effect),
      );
      if (taints.length > 0) draft.spec.taints = taints;
      else delete draft.spec.taints;
    });
    emitEvent(this.plane, {
      about: updated.object,
      reason: "NodeReady",
      message: `Node ${nodeName} status is now: NodeReady`,
      type: "Normal",
      component: "kubelet",
    });
    for (const pod of this.pods.onNode(nodeName)) {
      this.plane.store.update(pod, (draft) => {
        draft.status.conditions = setCondition(draft.status.conditions, {
          type: "Ready",
          status: isTerminating(draft) ? "False" : "True",
          lastProbeTime: null,
          lastTransitionTime: this.plane.timestamp(),
        });
      });
    }
  }

  private markUnknown(nodeName: string): void {
    // The instance started again within the grace period: its kubelet never stopped posting for long.
    if (!this.plane.stoppedKubelets.has(nodeName)) return;
    const stored = this.plane.store.get(nodesType, undefined, nodeName) as StoredObject<Node> | undefined;
    if (!stored) return;
    const now = this.plane.timestamp();
    const updated = this.plane.store.update(stored, (draft) => {
      draft.status.conditions = (draft.status.conditions ?? []).map((condition) => ({
        ...condition,
        status: "Unknown" as const,
        reason: "NodeStatusUnknown",
        message: "Kubelet stopped posting node status.",
        lastTransitionTime: now,
      }));
      const others = (draft.spec.taints ?? []).filter(
        (taint) => !unreachableTaints.some((t) => t.key === taint.key && t.effect === taint.effect),
      );
      draft.spec.taints = [...others, ...unreachableTaints.map((taint) => ({ ...taint, timeAdded: now }))];
    });
    emitEvent(this.plane, {
      about: updated.object,
      reason: "NodeNotReady",
      message: `Node ${nodeName} status is now: NodeNotReady`,
      type: "Normal",
      component: "node-controller",
    });
    for (const pod of this.pods.onNode(nodeName)) this.markNotReady(pod);
  }

  /** MarkPodsNotReady: the pods of a node gone Unknown are no longer Ready. */
  private markNotReady(stored: StoredObject<Pod>): void {
    this.plane.store.update(stored, (draft) => {
      draft.status.conditions = setCondition(draft.status.conditions, {
        type: "Ready",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: this.plane.timestamp(),
      });
    });
  }

  private collectTerminating(nodeName: string): void {
    const stored = this.plane.store.get(nodesType, undefined, nodeName) as StoredObject<Node> | undefined;
    if (!stored || isReady(stored.object)) return;
    for (const pod of this.pods.onNode(nodeName)) {
      if (isTerminating(pod.object)) {
        deletePod(this.plane, this.budgets, pod, { gracePeriodSeconds: 0 }, "pod-gc");
      }
    }
  }
}
