import type { ControlPlane } from "./control-plane.js";
import type { Node, Pod, Workload } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import type { PodIndex } from "./pod-index.js";
import { controllerReference, freshPodName, podFromTemplate } from "./pod-template.js";
import { resourceTypes } from "./resource-types.js";
import { tolerates } from "./scheduling-rules.js";
import type { Reconciler } from "./timer-set.js";
import { ensureClaim, zoneLabel } from "./volume-objects.js";

const daemonSets = resourceTypes.daemonSets;

/** Whether a daemon pod of this template belongs on the node (selector matches, taints tolerated). */
export function daemonFits(template: Workload["spec"]["template"], node: Node): boolean {
  for (const [key, value] of Object.entries(template.spec.nodeSelector ?? {})) {
    if (node.metadata.labels?.[key] !== value) return false;
  }
  return (node.spec.taints ?? []).every(
    (taint) => taint.effect === "PreferNoSchedule" || tolerates(template.spec.tolerations, taint),
  );
}

/** A new daemon pod of the DaemonSet, bound to the node, with the claims of its ephemeral volumes. */
export function daemonPod(plane: ControlPlane, daemonSet: Workload, nodeName: string): Pod {
  const { name = "", namespace = "", uid = "" } = daemonSet.metadata;
  const pod = podFromTemplate(plane, daemonSet.spec.template, {
    namespace,
    name: freshPodName(plane, namespace, `${name}-`),
    owner: controllerReference("apps/v1", "DaemonSet", name, uid),
    nodeName,
  });
  const node = plane.store.get(resourceTypes.nodes, undefined, nodeName)?.object as Node | undefined;
  for (const volume of pod.spec.volumes ?? []) {
    const spec = volume.ephemeral?.volumeClaimTemplate.spec as
      | { storageClassName?: string; resources?: { requests?: { storage?: string } } }
      | undefined;
    if (!spec) continue;
    ensureClaim(plane, {
      namespace,
      claimName: `${pod.metadata.name}-${volume.name}`,
      sizeGi: Number.parseInt(spec.resources?.requests?.storage ?? "10", 10) || 10,
      storageClass: spec.storageClassName ?? "gp3",
      zone: node?.metadata.labels?.[zoneLabel] ?? "us-west-2a",
      labels: { ...daemonSet.spec.template.metadata.labels },
    });
  }
  return pod;
}

/**
 * The DaemonSet controller: one pod per fitting node (cordoned nodes included); a deleted daemon pod
 * comes back on the same node once the old one is gone.
 */
export class DaemonSetController {
  private readonly reconciler: Reconciler;

  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
  ) {
    this.reconciler = plane.controllerQueue((key) => this.sync(key));
    plane.store.subscribe((change) => {
      const type = change.current.type;
      if (type === daemonSets) this.reconciler.request(change.current.key);
      else if (type === resourceTypes.nodes) {
        for (const daemonSet of plane.store.list(daemonSets)) this.reconciler.request(daemonSet.key);
      } else if (type === resourceTypes.pods && change.type === "DELETED") {
        const object = change.current.object;
        const owner = object.metadata.ownerReferences?.find((reference) => reference.controller);
        if (owner?.kind === "DaemonSet")
          this.reconciler.request(`${object.metadata.namespace}/${owner.name}`);
      }
    });
  }

  private sync(key: string): void {
    const [namespace = "", name = ""] = key.split("/");
    const stored = this.plane.store.get(daemonSets, namespace, name) as StoredObject<Workload> | undefined;
    if (!stored) return;
    const daemonSet = stored.object;
    const covered = new Set(
      this.pods.ownedBy(daemonSet.metadata.uid ?? "").map((pod) => pod.object.spec.nodeName ?? ""),
    );
    for (const { object: node } of this.plane.store.list(resourceTypes.nodes) as StoredObject<Node>[]) {
      if (covered.has(node.metadata.name) || !daemonFits(daemonSet.spec.template, node)) continue;
      this.plane.store.create(resourceTypes.pods, daemonPod(this.plane, daemonSet, node.metadata.name));
    }
  }
}
