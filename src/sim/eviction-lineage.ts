import type { Pod } from "./kube-objects.js";
import type { ObjectStore } from "./object-store.js";
import { resourceTypes } from "./resource-types.js";

/** Accepted evictions per workload replica lineage: the most any one replica was moved, and the mean. */
export interface EvictionsPerPod {
  /** The most evictions of one lineage. */
  max: number;
  /** Evictions over the lineages evicted at least once (0 when none was). */
  mean: number;
  /** Lineages evicted at least once. */
  lineages: number;
}

/**
 * Counts accepted evictions per replica lineage, so that a pod moved twice in a rollout shows. A
 * StatefulSet pod's lineage is its name (namespace/name: its replacement has the same name). For another
 * controller (a ReplicaSet, a DaemonSet…), the controller's next new pod after an eviction continues the
 * lineage of the evicted one, oldest eviction first (one queue per controller: a slot); a pod nobody
 * replaced begins its own. A bare pod is its own lineage.
 */
export class EvictionLineage {
  private readonly lineageOf = new Map<string, string>();
  private readonly waiting = new Map<string, string[]>();
  private readonly counts = new Map<string, number>();

  constructor(store: ObjectStore) {
    store.subscribe((change) => {
      if (change.type !== "ADDED" || change.current.type !== resourceTypes.pods) return;
      const pod = change.current.object as Pod;
      const owner = ownerOf(pod);
      if (owner === undefined || owner.startsWith("StatefulSet/")) return;
      const continued = this.waiting.get(`${pod.metadata.namespace}/${owner}`)?.shift();
      if (continued !== undefined) this.lineageOf.set(keyOf(pod), continued);
    });
  }

  /** An eviction of this pod was accepted. */
  evicted(pod: Pod): void {
    const key = keyOf(pod);
    const lineage = this.lineageOf.get(key) ?? key;
    this.counts.set(lineage, (this.counts.get(lineage) ?? 0) + 1);
    const owner = ownerOf(pod);
    if (owner === undefined || owner.startsWith("StatefulSet/")) return;
    const slot = `${pod.metadata.namespace}/${owner}`;
    this.waiting.set(slot, [...(this.waiting.get(slot) ?? []), lineage]);
  }

  summary(): EvictionsPerPod {
    const values = [...this.counts.values()];
    const total = values.reduce((sum, value) => sum + value, 0);
    return {
      max: values.length === 0 ? 0 : Math.max(...values),
      mean: values.length === 0 ? 0 : Math.round((total / values.length) * 1000) / 1000,
      lineages: values.length,
    };
  }
}

function keyOf(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

function ownerOf(pod: Pod): string | undefined {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller);
  return owner === undefined ? undefined : `${owner.kind}/${owner.name}`;
}
