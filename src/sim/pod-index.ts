import type { Pod } from "./kube-objects.js";
import type { ObjectStore, StoredObject } from "./object-store.js";
import { resourceTypes } from "./resource-types.js";

const podsType = resourceTypes.pods;

/** The index of pods by node; named after the field so `fieldSelector=spec.nodeName=X` lists use it. */
export const nodeIndex = "spec.nodeName";
const ownerIndex = "controller.uid";

/** Pods by node and by controlling owner, kept by the store, so controllers and lists need not scan. */
export class PodIndex {
  constructor(private readonly store: ObjectStore) {
    store.defineIndex(podsType, nodeIndex, (object) => (object as Pod).spec.nodeName || undefined);
    store.defineIndex(
      podsType,
      ownerIndex,
      (object) => object.metadata.ownerReferences?.find((owner) => owner.controller)?.uid,
    );
  }

  /** Pods bound to the node, terminating ones included. */
  onNode(nodeName: string): StoredObject<Pod>[] {
    return this.store.byIndex(podsType, nodeIndex, nodeName) as StoredObject<Pod>[];
  }

  /** Pods whose controlling owner has this uid. */
  ownedBy(ownerUid: string): StoredObject<Pod>[] {
    return this.store.byIndex(podsType, ownerIndex, ownerUid) as StoredObject<Pod>[];
  }
}
