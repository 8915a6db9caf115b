import type { ControlPlane } from "./control-plane.js";
import type { ResourceType } from "./resource-types.js";
import { resourceTypes } from "./resource-types.js";

/**
 * A workload controller's work queue: a sync of `namespace/name` after the controller delay whenever the
 * workload changes or one of the pods it controls (owner reference of `ownerKind`) does.
 */
export function workloadReconciler(
  plane: ControlPlane,
  workloads: ResourceType,
  ownerKind: string,
  sync: (key: string) => void,
): void {
  const reconciler = plane.controllerQueue(sync);
  plane.store.subscribe((change) => {
    const object = change.current.object;
    if (change.current.type === workloads) reconciler.request(change.current.key);
    else if (change.current.type === resourceTypes.pods) {
      const owner = object.metadata.ownerReferences?.find((reference) => reference.controller);
      if (owner?.kind === ownerKind) reconciler.request(`${object.metadata.namespace}/${owner.name}`);
    }
  });
}
