import { emitEvent } from "./cluster-events.js";
import type { ControlPlane } from "./control-plane.js";
import type { PersistentVolume, PersistentVolumeClaim, Pod, VolumeAttachment } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { resourceTypes } from "./resource-types.js";
import { claimNamesOf } from "./scheduling-rules.js";
import type { Reconciler } from "./timer-set.js";
import { attachmentName, newAttachment } from "./volume-objects.js";

const attachments = resourceTypes.volumeAttachments;

interface Desired {
  readonly volume: string;
  readonly claim: string;
  readonly node: string;
  readonly pod: Pod;
}

/**
 * The attach-detach controller and the EBS CSI attacher together: a volume is attached to the node of
 * each pod that uses it (after `attachSeconds`; never while attached elsewhere — EBS volumes attach to one
 * node), and detached `detachSeconds` after no pod on that node uses it any more (unless the stuck-detach
 * fault holds it: the attachment then keeps its deletionTimestamp and a detachError forever).
 */
export class AttachDetachController {
  private readonly reconciler: Reconciler;
  private readonly warned = new Set<string>();

  constructor(private readonly plane: ControlPlane) {
    this.reconciler = plane.controllerQueue(() => this.sync());
    plane.store.subscribe((change) => {
      const type = change.current.type;
      if (type === resourceTypes.pods) {
        const pod = (change.type === "DELETED" ? change.previous?.object : change.current.object) as
          | Pod
          | undefined;
        if (pod && claimNamesOf(pod).length > 0) this.reconciler.request("all");
      } else if (type === resourceTypes.nodes && change.type === "DELETED") {
        this.reconciler.request("all");
      }
    });
  }

  private desired(): Desired[] {
    const wanted: Desired[] = [];
    for (const stored of this.plane.store.list(resourceTypes.pods) as StoredObject<Pod>[]) {
      const pod = stored.object;
      const node = pod.spec.nodeName;
      if (!node) continue;
      for (const claimName of claimNamesOf(pod)) {
        const claim = this.plane.store.get(
          resourceTypes.persistentVolumeClaims,
          pod.metadata.namespace,
          claimName,
        )?.object as PersistentVolumeClaim | undefined;
        if (claim?.spec.volumeName)
          wanted.push({ volume: claim.spec.volumeName, claim: claimName, node, pod });
      }
    }
    return wanted;
  }

  private sync(): void {
    const wanted = this.desired();
    const wantedNames = new Set(wanted.map((entry) => attachmentName(entry.volume, entry.node)));
    const current = this.plane.store.list(attachments) as StoredObject<VolumeAttachment>[];
    for (const stored of current) {
      const attachment = stored.object;
      if (wantedNames.has(attachment.metadata.name) || attachment.metadata.deletionTimestamp) continue;
      this.detach(stored);
    }
    for (const entry of wanted) {
      const name = attachmentName(entry.volume, entry.node);
      if (this.plane.store.get(attachments, undefined, name)) continue;
      const elsewhere = current.find(
        (stored) =>
          stored.object.spec.source.persistentVolumeName === entry.volume &&
          stored.object.spec.nodeName !== entry.node,
      );
      if (elsewhere) {
        this.warnMultiAttach(entry, elsewhere.object.spec.nodeName);
        continue;
      }
      this.attach(entry);
    }
  }

  private attach(entry: Desired): void {
    const created = this.plane.store.create(
      attachments,
      newAttachment(this.plane, entry.volume, entry.node, false),
    );
    this.plane.timers.after(this.plane.timings.attachMs, () => {
      const latest = this.plane.store.get(attachments, undefined, created.object.metadata.name) as
        | StoredObject<VolumeAttachment>
        | undefined;
      if (
        !latest ||
        latest.object.metadata.uid !== created.object.metadata.uid ||
        latest.object.metadata.deletionTimestamp
      )
        return;
      this.plane.store.update(latest, (draft) => {
        draft.status = { attached: true, attachmentMetadata: { devicePath: "/dev/xvdaa" } };
      });
    });
  }

  private detach(stored: StoredObject<VolumeAttachment>): void {
    const volume = stored.object.spec.source.persistentVolumeName ?? "";
    const pv = this.plane.store.get(resourceTypes.persistentVolumes, undefined, volume)?.object as
      | PersistentVolume
      | undefined;
    const claim = pv?.spec.claimRef?.name;
    const stuck = this.plane.faults.detachStuck(volume, claim);
    const marked = this.plane.store.update(stored, (draft) => {
      draft.metadata.deletionTimestamp = this.plane.timestamp();
      draft.metadata.deletionGracePeriodSeconds = 0;
      if (stuck) {
        draft.status = {
          attached: true,
          detachError: {
            time: this.plane.timestamp(),
            message: `rpc error: code = DeadlineExceeded desc = context deadline exceeded while detaching ${volume}`,
          },
        };
      }
    });
    if (stuck) return;
    this.plane.timers.after(this.plane.timings.detachMs, () => {
      const latest = this.plane.store.get(attachments, undefined, marked.object.metadata.name);
      if (latest && latest.object.metadata.uid === marked.object.metadata.uid) {
        this.plane.store.remove(latest);
        this.reconciler.request("all");
      }
    });
  }

  private warnMultiAttach(entry: Desired, otherNode: string): void {
    const key = `${entry.pod.metadata.uid}/${entry.volume}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    emitEvent(this.plane, {
      about: entry.pod,
      reason: "FailedAttachVolume",
      message: `Multi-Attach error for volume "${entry.volume}" Volume is already exclusively attached to one node (${otherNode}) and can't be attached to another`,
      type: "Warning",
      component: "attachdetach-controller",
    });
  }
}
