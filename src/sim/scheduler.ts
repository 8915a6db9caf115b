import { emitEvent } from "./cluster-events.js";
import type { ControlPlane } from "./control-plane.js";
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import type { PodIndex } from "./pod-index.js";
import { isTerminal, isTerminating, setCondition } from "./pod-state.js";
import { resourceTypes } from "./resource-types.js";
import {
  claimNamesOf,
  intolerablePreferNoSchedule,
  misfit,
  unschedulableMessage,
} from "./scheduling-rules.js";
import type { Reconciler } from "./timer-set.js";
import { zoneOfVolume } from "./volume-objects.js";

const podsType = resourceTypes.pods;
const nodesType = resourceTypes.nodes;

/**
 * The scheduler: binds each unbound pod to the node it fits (schedulable, taints tolerated, node selector,
 * capacity, the zone of its volumes) with the fewest untolerated PreferNoSchedule taints, then the least
 * loaded (the real scheduler weighs TaintToleration's score against the others; here it comes first), else marks it Unschedulable and retries whenever a
 * node or a pod changes.
 */
export class Scheduler {
  private readonly unbound = new Set<string>();
  private readonly reconciler: Reconciler;

  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
  ) {
    this.reconciler = plane.controllerQueue(() => this.scheduleAll());
    plane.store.subscribe((change) => {
      const type = change.current.type;
      if (type === podsType) {
        const pod = change.current.object as Pod;
        const waiting = change.type !== "DELETED" && !pod.spec.nodeName && !isTerminating(pod);
        if (waiting) this.unbound.add(change.current.key);
        else this.unbound.delete(change.current.key);
        if (waiting || change.type === "DELETED") this.request();
      } else if (type === nodesType && this.unbound.size > 0) {
        this.request();
      }
    });
  }

  private request(): void {
    if (this.unbound.size > 0) this.reconciler.request("all");
  }

  private volumeZones(pod: Pod): string[] | "missing" {
    const zones: string[] = [];
    for (const claimName of claimNamesOf(pod)) {
      const claim = this.plane.store.get(
        resourceTypes.persistentVolumeClaims,
        pod.metadata.namespace,
        claimName,
      )?.object as PersistentVolumeClaim | undefined;
      const volumeName = claim?.spec.volumeName;
      if (!volumeName) return "missing";
      const volume = this.plane.store.get(resourceTypes.persistentVolumes, undefined, volumeName)?.object as
        | PersistentVolume
        | undefined;
      const zone = volume ? zoneOfVolume(volume) : undefined;
      if (zone) zones.push(zone);
    }
    return zones;
  }

  private activePodsOn(nodeName: string): number {
    return this.pods.onNode(nodeName).filter((stored) => !isTerminal(stored.object)).length;
  }

  private scheduleAll(): void {
    const waiting: StoredObject<Pod>[] = [];
    for (const key of this.unbound) {
      const [namespace = "", name = ""] = key.split("/");
      const stored = this.plane.store.get(podsType, namespace, name) as StoredObject<Pod> | undefined;
      if (stored) waiting.push(stored);
    }
    waiting.sort(
      (a, b) =>
        (b.object.spec.priority ?? 0) - (a.object.spec.priority ?? 0) ||
        (a.object.metadata.creationTimestamp ?? "").localeCompare(b.object.metadata.creationTimestamp ?? ""),
    );
    const nodes = this.plane.store.list(nodesType) as StoredObject<Node>[];
    const load = new Map(
      nodes.map((node) => [node.object.metadata.name, this.activePodsOn(node.object.metadata.name)]),
    );
    for (const stored of waiting) this.scheduleOne(stored, nodes, load);
  }

  private scheduleOne(
    stored: StoredObject<Pod>,
    nodes: StoredObject<Node>[],
    load: Map<string, number>,
  ): void {
    const pod = stored.object;
    const zones = this.volumeZones(pod);
    const reasons: string[] = [];
    let best: { name: string; load: number; prefer: number } | undefined;
    for (const { object: node } of nodes) {
      const name = node.metadata.name;
      const podsOnNode = load.get(name) ?? 0;
      const reason =
        zones === "missing"
          ? "persistentvolumeclaim not found or not bound"
          : misfit({ pod, node, podsOnNode, volumeZones: zones });
      if (reason) reasons.push(reason);
      else {
        const prefer = intolerablePreferNoSchedule(pod, node);
        if (!best || prefer < best.prefer || (prefer === best.prefer && podsOnNode < best.load))
          best = { name, load: podsOnNode, prefer };
      }
    }
    if (best) {
      const nodeName = best.name;
      load.set(nodeName, best.load + 1);
      this.plane.store.update(stored, (draft) => {
        draft.spec.nodeName = nodeName;
        draft.status.conditions = setCondition(draft.status.conditions, {
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: this.plane.timestamp(),
        });
      });
      return;
    }
    const message = unschedulableMessage(nodes.length, reasons);
    const current = pod.status.conditions?.find((condition) => condition.type === "PodScheduled");
    if (current?.message === message) return;
    const updated = this.plane.store.update(stored, (draft) => {
      draft.status.conditions = setCondition(draft.status.conditions, {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message,
        lastProbeTime: null,
        lastTransitionTime: this.plane.timestamp(),
      });
    });
    emitEvent(this.plane, {
      about: updated.object,
      reason: "FailedScheduling",
      message,
      type: "Warning",
      component: "default-scheduler",
    });
  }
}
