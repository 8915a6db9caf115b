import type { ControlPlane } from "./control-plane.js";
import type { Pod, Workload } from "./kube-objects.js";
import { isHealthy } from "./pod-state.js";
import { resourceTypes } from "./resource-types.js";

/** How one workload fared: the time it spent below its desired Ready count and with none Ready. */
export interface AvailabilityEntry {
  /** "namespace/Kind/name": a Deployment, StatefulSet or bare Pod. */
  workload: string;
  /** Its replicas when the record began (1 for a bare pod). */
  desired: number;
  /** The fewest Ready (not terminating) pods it had at any moment since. */
  minReady: number;
  belowDesiredSeconds: number;
  zeroReadySeconds: number;
  /** Its replicas, strategy and annotations are what they were when the record began. */
  restored: boolean;
}

export interface AvailabilityView {
  /** The workloads with pods (not DaemonSet, not mirror) bound to the node now. */
  workloadsOn(nodeName: string): string[];
  entries(workloads: readonly string[]): AvailabilityEntry[];
  /** Every one of these workloads has as many Ready pods as it desired (bare pods, which never return, aside). */
  recovered(workloads: readonly string[]): boolean;
}

interface Track {
  desired: number;
  initialSpec: string;
  ready: Set<string>;
  minReady: number;
  belowSince?: number;
  zeroSince?: number;
  belowMs: number;
  zeroMs: number;
}

const kinds = { Deployment: resourceTypes.deployments, StatefulSet: resourceTypes.statefulSets } as const;

function specOf(workload: Workload | undefined): string {
  if (workload === undefined) return "";
  return JSON.stringify({
    replicas: workload.spec.replicas ?? 1,
    strategy: workload.spec.strategy ?? null,
    annotations: Object.entries(workload.metadata.annotations ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  });
}

/**
 * A per-workload availability record, kept from every pod change: Ready pods (not terminating) against
 * the replicas the workload had when the record began. The measure of a drain's cost to the workloads.
 */
export class AvailabilityRecord implements AvailabilityView {
  private readonly tracks = new Map<string, Track>();
  private readonly podWorkload = new Map<string, string>();
  private began = false;

  constructor(private readonly plane: ControlPlane) {
    plane.store.subscribe((change) => {
      if (change.current.type !== resourceTypes.pods) return;
      const pod = change.current.object as Pod;
      const uid = pod.metadata.uid ?? "";
      const key = this.podWorkload.get(uid) ?? this.workloadOf(pod);
      if (key === undefined) return;
      this.podWorkload.set(uid, key);
      const track = this.track(key);
      if (track === undefined) return;
      const healthy = change.type !== "DELETED" && isHealthy(pod);
      if (healthy === track.ready.has(uid)) return;
      if (healthy) track.ready.add(uid);
      else track.ready.delete(uid);
      if (change.type === "DELETED") this.podWorkload.delete(uid);
      this.observe(track);
    });
  }

  /** Starts the record: what the workloads have now is their baseline. */
  begin(): void {
    this.began = true;
    const now = this.plane.clock.now();
    for (const track of this.tracks.values()) {
      track.minReady = track.ready.size;
      track.belowMs = 0;
      track.zeroMs = 0;
      track.belowSince = track.ready.size < track.desired ? now : undefined;
      track.zeroSince = track.ready.size === 0 ? now : undefined;
    }
  }

  workloadsOn(nodeName: string): string[] {
    const keys = new Set<string>();
    for (const stored of this.plane.store.list(resourceTypes.pods)) {
      const pod = stored.object as Pod;
      if (pod.spec.nodeName !== nodeName) continue;
      const key = this.workloadOf(pod);
      if (key !== undefined) keys.add(key);
    }
    return [...keys].sort();
  }

  entries(workloads: readonly string[]): AvailabilityEntry[] {
    const now = this.plane.clock.now();
    return workloads.flatMap((workload) => {
      const track = this.tracks.get(workload);
      if (track === undefined) return [];
      const open = (since: number | undefined) => (since === undefined ? 0 : now - since);
      return [
        {
          workload,
          desired: track.desired,
          minReady: track.minReady,
          belowDesiredSeconds: Math.round(track.belowMs + open(track.belowSince)) / 1000,
          zeroReadySeconds: Math.round(track.zeroMs + open(track.zeroSince)) / 1000,
          restored: track.initialSpec === specOf(this.workload(workload)),
        },
      ];
    });
  }

  recovered(workloads: readonly string[]): boolean {
    return workloads.every((workload) => {
      if (workload.split("/")[1] === "Pod") return true;
      const track = this.tracks.get(workload);
      return track === undefined || track.ready.size >= track.desired;
    });
  }

  private observe(track: Track): void {
    const now = this.plane.clock.now();
    const ready = track.ready.size;
    if (this.began) track.minReady = Math.min(track.minReady, ready);
    else track.minReady = ready;
    if (ready < track.desired) track.belowSince ??= now;
    else if (track.belowSince !== undefined) {
      if (this.began) track.belowMs += now - track.belowSince;
      track.belowSince = undefined;
    }
    if (ready === 0) track.zeroSince ??= now;
    else if (track.zeroSince !== undefined) {
      if (this.began) track.zeroMs += now - track.zeroSince;
      track.zeroSince = undefined;
    }
  }

  private track(key: string): Track | undefined {
    const known = this.tracks.get(key);
    if (known !== undefined) return known;
    const [, kind] = key.split("/");
    const workload = this.workload(key);
    if (kind !== "Pod" && workload === undefined) return undefined;
    const track: Track = {
      desired: kind === "Pod" ? 1 : (workload?.spec.replicas ?? 1),
      initialSpec: specOf(workload),
      ready: new Set(),
      minReady: 0,
      belowMs: 0,
      zeroMs: 0,
    };
    this.tracks.set(key, track);
    return track;
  }

  private workload(key: string): Workload | undefined {
    const [namespace = "", kind = "", name = ""] = key.split("/");
    const type = kinds[kind as keyof typeof kinds];
    return type === undefined
      ? undefined
      : (this.plane.store.get(type, namespace, name)?.object as Workload | undefined);
  }

  /** "namespace/Kind/name" of the pod's workload; undefined for DaemonSet and mirror pods. */
  private workloadOf(pod: Pod): string | undefined {
    const namespace = pod.metadata.namespace ?? "default";
    const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller);
    if (owner === undefined) return `${namespace}/Pod/${pod.metadata.name}`;
    if (owner.kind === "StatefulSet") return `${namespace}/StatefulSet/${owner.name}`;
    if (owner.kind !== "ReplicaSet") return undefined;
    const set = this.plane.store.get(resourceTypes.replicaSets, namespace, owner.name);
    const deployment = set?.object.metadata.ownerReferences?.find((reference) => reference.controller);
    return deployment?.kind === "Deployment" ? `${namespace}/Deployment/${deployment.name}` : undefined;
  }
}
