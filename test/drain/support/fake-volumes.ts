import type { V1Pod } from "@kubernetes/client-node";
import { ClusterError, type VolumeAttachmentInfo } from "../../../src/drain/cluster-port.js";
import type { FakeClock } from "./fake-clock.js";

interface FakeAttachment {
  name: string;
  node: string;
  persistentVolumeName?: string;
  inlineVolumeHandle?: string;
  detaching: boolean;
  deletedAt?: number;
}

/**
 * The fake cluster's storage: claims bound to volumes, and an attach-detach controller that deletes a
 * volume's attachment `detachMs` after no pod on its node uses it (never, for a stuck volume). A generic
 * ephemeral volume's claim is deleted with its pod, as the garbage collector does.
 */
export class FakeVolumes {
  /** namespace/claim → PersistentVolume name. */
  readonly claims = new Map<string, string>();
  readonly attachments = new Map<string, FakeAttachment>();
  /** Attachments deleted so far, with the time. */
  readonly deleted: FakeAttachment[] = [];
  /** Volumes (PV names or inline handles) whose detach never completes. */
  readonly stuck = new Set<string>();
  /** Errors to throw from the next claim reads (fault injection). */
  readonly claimFaults: ClusterError[] = [];
  detachMs = 3_000;

  constructor(private readonly clock: FakeClock) {}

  /** A pod was bound to its node: its claims exist and its volumes get attached there. */
  podCreated(pod: V1Pod): void {
    const node = pod.spec?.nodeName;
    if (node === undefined) return;
    for (const claim of claimsOf(pod)) {
      const volume = this.claims.get(claim) ?? `pv-${claim.replace("/", "-")}`;
      this.claims.set(claim, volume);
      this.attach(node, { persistentVolumeName: volume });
    }
    for (const handle of inlineHandlesOf(pod)) this.attach(node, { inlineVolumeHandle: handle });
  }

  /** A pod is gone: volumes no pod on its node uses any more are detached from there. */
  podRemoved(pod: V1Pod, podsLeftOnNode: readonly V1Pod[]): void {
    const node = pod.spec?.nodeName;
    if (node === undefined) return;
    const inUse = new Set(podsLeftOnNode.flatMap((other) => [...claimsOf(other), ...inlineHandlesOf(other)]));
    for (const claim of claimsOf(pod)) {
      const volume = this.claims.get(claim);
      if (isEphemeral(pod, claim)) this.claims.delete(claim);
      if (volume !== undefined && !inUse.has(claim)) this.detach(node, volume);
    }
    for (const handle of inlineHandlesOf(pod)) {
      if (!inUse.has(handle)) this.detach(node, handle);
    }
  }

  async volumeOfClaim(namespace: string, name: string): Promise<string | undefined> {
    const fault = this.claimFaults.shift();
    if (fault !== undefined) throw fault;
    return this.claims.get(`${namespace}/${name}`);
  }

  list(node: string): VolumeAttachmentInfo[] {
    return [...this.attachments.values()]
      .filter((attachment) => attachment.node === node)
      .map((attachment) => ({
        name: attachment.name,
        attached: true,
        ...(attachment.persistentVolumeName === undefined
          ? {}
          : { persistentVolumeName: attachment.persistentVolumeName }),
        ...(attachment.inlineVolumeHandle === undefined
          ? {}
          : { inlineVolumeHandle: attachment.inlineVolumeHandle }),
        ...(attachment.detaching ? { detaching: true } : {}),
        ...(attachment.detaching && this.stuck.has(volumeOf(attachment))
          ? { detachError: "rpc error: code = DeadlineExceeded" }
          : {}),
      }));
  }

  onNode(node: string): FakeAttachment[] {
    return [...this.attachments.values()].filter((attachment) => attachment.node === node);
  }

  private attach(node: string, source: { persistentVolumeName?: string; inlineVolumeHandle?: string }): void {
    const name = `va-${source.persistentVolumeName ?? source.inlineVolumeHandle}-${node}`;
    if (!this.attachments.has(name)) this.attachments.set(name, { name, node, detaching: false, ...source });
  }

  private detach(node: string, volume: string): void {
    const attachment = [...this.attachments.values()].find(
      (candidate) => candidate.node === node && volumeOf(candidate) === volume,
    );
    if (attachment === undefined || attachment.detaching) return;
    attachment.detaching = true;
    if (this.stuck.has(volume)) return;
    this.clock.after(this.detachMs, () => {
      this.attachments.delete(attachment.name);
      this.deleted.push({ ...attachment, deletedAt: this.clock.now() });
    });
  }
}

function volumeOf(attachment: FakeAttachment): string {
  return attachment.persistentVolumeName ?? attachment.inlineVolumeHandle ?? "";
}

function claimsOf(pod: V1Pod): string[] {
  const namespace = pod.metadata?.namespace ?? "default";
  return (pod.spec?.volumes ?? []).flatMap((volume) => {
    if (volume.persistentVolumeClaim !== undefined)
      return [`${namespace}/${volume.persistentVolumeClaim.claimName}`];
    if (volume.ephemeral !== undefined) return [`${namespace}/${pod.metadata?.name}-${volume.name}`];
    return [];
  });
}

function isEphemeral(pod: V1Pod, claim: string): boolean {
  return (pod.spec?.volumes ?? []).some(
    (volume) => volume.ephemeral !== undefined && claim.endsWith(`/${pod.metadata?.name}-${volume.name}`),
  );
}

function inlineHandlesOf(pod: V1Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((volume) => {
    const id = volume.awsElasticBlockStore?.volumeID;
    return id === undefined ? [] : [id.slice(id.lastIndexOf("/") + 1)];
  });
}

export function claimReadFailure(kind: "network" | "forbidden"): ClusterError {
  return new ClusterError(kind === "network" ? "fetch failed" : "persistentvolumeclaims is forbidden", {
    kind,
    ...(kind === "forbidden" ? { status: 403 } : {}),
  });
}
