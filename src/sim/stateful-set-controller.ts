import type { BudgetTracker } from "./budget-tracker.js";
import type { ControlPlane } from "./control-plane.js";
import type { Node, Pod, Workload } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { deletePod } from "./pod-deletion.js";
import type { PodIndex } from "./pod-index.js";
import { controllerReference, podFromTemplate } from "./pod-template.js";
import { resourceTypes } from "./resource-types.js";
import { ensureClaim, zoneLabel } from "./volume-objects.js";
import { workloadReconciler } from "./workload-reconciler.js";

const statefulSets = resourceTypes.statefulSets;

/**
 * A new pod NAME-ORDINAL of the StatefulSet with its claims (created and bound, in `zone`, if missing).
 * Unbound unless `nodeName` is given.
 */
export function statefulPod(
  plane: ControlPlane,
  statefulSet: Workload,
  ordinal: number,
  zone: string,
  nodeName?: string,
): Pod {
  const { name = "", namespace = "", uid = "" } = statefulSet.metadata;
  const podName = `${name}-${ordinal}`;
  const claims: Record<string, string> = {};
  for (const template of statefulSet.spec.volumeClaimTemplates ?? []) {
    const claimName = `${template.metadata.name}-${podName}`;
    const storage = (template.spec.resources as { requests?: { storage?: string } } | undefined)?.requests
      ?.storage;
    ensureClaim(plane, {
      namespace,
      claimName,
      sizeGi: Number.parseInt(storage ?? "10", 10) || 10,
      storageClass: String(template.spec.storageClassName ?? "gp3"),
      zone,
      labels: { ...statefulSet.spec.template.metadata.labels },
    });
    claims[template.metadata.name] = claimName;
  }
  const pod = podFromTemplate(plane, statefulSet.spec.template, {
    namespace,
    name: podName,
    owner: controllerReference("apps/v1", "StatefulSet", name, uid),
    claims,
    ...(nodeName ? { nodeName } : {}),
  });
  pod.metadata.labels = {
    ...pod.metadata.labels,
    "statefulset.kubernetes.io/pod-name": podName,
    "apps.kubernetes.io/pod-index": String(ordinal),
  };
  pod.spec.hostname = podName;
  pod.spec.subdomain = statefulSet.spec.serviceName ?? name;
  return pod;
}

/**
 * The StatefulSet controller: pods NAME-0..N-1, each recreated under the same name (new UID) only once the
 * previous one is gone; its claims follow it, so it can only run in their zone.
 */
export class StatefulSetController {
  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
    private readonly budgets: BudgetTracker,
  ) {
    workloadReconciler(plane, statefulSets, "StatefulSet", (key) => this.sync(key));
  }

  /** The zone for claims of a new ordinal: the zone of the first schedulable node. */
  private defaultZone(): string {
    const nodes = this.plane.store.list(resourceTypes.nodes) as StoredObject<Node>[];
    const node = nodes.find((stored) => !stored.object.spec.unschedulable) ?? nodes[0];
    return node?.object.metadata.labels?.[zoneLabel] ?? "us-west-2a";
  }

  private sync(key: string): void {
    const [namespace = "", name = ""] = key.split("/");
    const stored = this.plane.store.get(statefulSets, namespace, name) as StoredObject<Workload> | undefined;
    if (!stored) return;
    const statefulSet = stored.object;
    const replicas = statefulSet.spec.replicas ?? 1;
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      if (this.plane.store.get(resourceTypes.pods, namespace, `${name}-${ordinal}`)) continue;
      this.plane.store.create(
        resourceTypes.pods,
        statefulPod(this.plane, statefulSet, ordinal, this.defaultZone()),
      );
    }
    for (const pod of this.pods.ownedBy(statefulSet.metadata.uid ?? "")) {
      const ordinal = Number(pod.object.metadata.name.slice(name.length + 1));
      if (Number.isInteger(ordinal) && ordinal >= replicas)
        deletePod(this.plane, this.budgets, pod, {}, "controller");
    }
  }
}
