import type { ControlPlane } from "./control-plane.js";
import {
  annotationMirror,
  type Node,
  type PersistentVolumeClaim,
  type Pod,
  type VolumeAttachment,
} from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import type { PodIndex } from "./pod-index.js";
import {
  behaviour,
  isTerminating,
  runningStatus,
  shutdownSeconds,
  startupSeconds,
  terminatedStatus,
} from "./pod-state.js";
import { resourceTypes } from "./resource-types.js";
import { claimNamesOf } from "./scheduling-rules.js";
import { attachmentName } from "./volume-objects.js";

const podsType = resourceTypes.pods;

interface Termination {
  readonly startedAt: number;
  readonly exitsAt: number;
  killAt: number;
  /** The moment the pending timer was set for; a later timer supersedes it. */
  due: number;
}

export function nodeAddress(node: Node | undefined): string {
  return node?.status.addresses?.find((address) => address.type === "InternalIP")?.address ?? "10.0.0.1";
}

/**
 * The kubelets of every node: start bound pods (after their volumes are attached) and make them Ready
 * after their startup time; stop terminating pods after min(their shutdown time, the grace period), write
 * the final status and remove them; bring deleted mirror pods back. A stopped kubelet (a scenario fault)
 * does none of this any more: its pods stay as the API has them.
 */
export class Kubelet {
  private readonly starting = new Set<string>();
  private readonly terminations = new Map<string, Termination>();

  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
  ) {
    plane.store.subscribe((change) => {
      const type = change.current.type;
      if (type === podsType) {
        const pod = change.current.object as Pod;
        const uid = pod.metadata.uid ?? "";
        if (change.type === "DELETED") {
          this.starting.delete(uid);
          this.terminations.delete(uid);
          if (pod.metadata.annotations?.[annotationMirror] && pod.spec.nodeName) this.restoreMirror(pod);
          return;
        }
        this.observe(change.current as StoredObject<Pod>);
      } else if (type === resourceTypes.volumeAttachments && change.type !== "DELETED") {
        const attachment = change.current.object as VolumeAttachment;
        if (!attachment.status?.attached) return;
        for (const stored of this.pods.onNode(attachment.spec.nodeName)) this.observe(stored);
      }
    });
  }

  private node(name: string): Node | undefined {
    return this.plane.store.get(resourceTypes.nodes, undefined, name)?.object as Node | undefined;
  }

  private observe(stored: StoredObject<Pod>): void {
    const pod = stored.object;
    const nodeName = pod.spec.nodeName;
    if (!nodeName || !this.node(nodeName) || this.plane.stoppedKubelets.has(nodeName)) return;
    if (isTerminating(pod)) this.terminate(stored);
    else if (pod.status.phase === "Pending" && !pod.metadata.annotations?.[behaviour.stuckPending])
      this.start(stored);
  }

  private volumesAttached(pod: Pod, nodeName: string): boolean {
    for (const claimName of claimNamesOf(pod)) {
      const claim = this.plane.store.get(
        resourceTypes.persistentVolumeClaims,
        pod.metadata.namespace,
        claimName,
      )?.object as PersistentVolumeClaim | undefined;
      const volumeName = claim?.spec.volumeName;
      if (!volumeName) return false;
      const attachment = this.plane.store.get(
        resourceTypes.volumeAttachments,
        undefined,
        attachmentName(volumeName, nodeName),
      )?.object as VolumeAttachment | undefined;
      if (!attachment?.status?.attached || attachment.metadata.deletionTimestamp) return false;
    }
    return true;
  }

  private start(stored: StoredObject<Pod>): void {
    const pod = stored.object;
    const uid = pod.metadata.uid ?? "";
    const nodeName = pod.spec.nodeName ?? "";
    if (this.starting.has(uid) || !this.volumesAttached(pod, nodeName)) return;
    this.starting.add(uid);
    const { namespace = "", name } = pod.metadata;
    this.plane.timers.after(startupSeconds(pod) * 1000, () => {
      this.starting.delete(uid);
      if (this.plane.stoppedKubelets.has(nodeName)) return;
      const latest = this.plane.store.get(podsType, namespace, name) as StoredObject<Pod> | undefined;
      if (!latest || latest.object.metadata.uid !== uid || isTerminating(latest.object)) return;
      const hostIP = nodeAddress(this.node(nodeName));
      const podIP = `${hostIP.split(".").slice(0, 3).join(".")}.${10 + this.plane.names.below(240)}`;
      const ready = latest.object.metadata.annotations?.[behaviour.neverReady] !== "true";
      this.plane.store.update(latest, (draft) => {
        draft.status = runningStatus(draft, this.plane.timestamp(), ready, { hostIP, podIP }, () =>
          this.plane.names.text(64, "0123456789abcdef"),
        );
      });
    });
  }

  private terminate(stored: StoredObject<Pod>): void {
    const pod = stored.object;
    const uid = pod.metadata.uid ?? "";
    const now = this.plane.clock.now();
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    let termination = this.terminations.get(uid);
    if (!termination) {
      termination = {
        startedAt: now,
        exitsAt: now + shutdownSeconds(pod) * 1000,
        killAt: now + graceMs,
        due: Number.POSITIVE_INFINITY,
      };
      this.terminations.set(uid, termination);
    } else {
      termination.killAt = Math.min(termination.killAt, now + graceMs);
    }
    const due = Math.min(termination.exitsAt, termination.killAt);
    if (due >= termination.due) return;
    termination.due = due;
    const { namespace = "", name } = pod.metadata;
    this.plane.timers.after(due - now, () => {
      const current = this.terminations.get(uid);
      if (!current || current.due !== due) return;
      // A stopped kubelet never reports the end: the pod stays terminating in the API.
      if (this.plane.stoppedKubelets.has(pod.spec.nodeName ?? "")) return;
      const latest = this.plane.store.get(podsType, namespace, name) as StoredObject<Pod> | undefined;
      if (!latest || latest.object.metadata.uid !== uid) return;
      this.terminations.delete(uid);
      const killed = current.killAt < current.exitsAt;
      const final = this.plane.store.update(latest, (draft) => {
        draft.status = terminatedStatus(draft, this.plane.timestamp(), killed);
      });
      this.plane.store.remove(final);
    });
  }

  /** A static pod's mirror comes back (same name, new UID) while its node lives. */
  private restoreMirror(pod: Pod): void {
    const nodeName = pod.spec.nodeName ?? "";
    this.plane.timers.after(this.plane.timings.controllerDelayMs, () => {
      const { namespace = "", name } = pod.metadata;
      if (!this.node(nodeName) || this.plane.store.get(podsType, namespace, name)) return;
      const now = this.plane.timestamp();
      const {
        deletionTimestamp: _gone,
        deletionGracePeriodSeconds: _grace,
        resourceVersion: _rv,
        ...metadata
      } = pod.metadata;
      const mirror: Pod = {
        ...pod,
        metadata: { ...metadata, uid: this.plane.uid(), creationTimestamp: now },
        status: { phase: "Pending", conditions: [] },
      };
      const hostIP = nodeAddress(this.node(nodeName));
      mirror.status = runningStatus(mirror, now, true, { hostIP, podIP: hostIP }, () =>
        this.plane.names.text(64, "0123456789abcdef"),
      );
      this.plane.store.create(podsType, mirror);
    });
  }
}
