import type { V1Pod } from "@kubernetes/client-node";
import type { VolumeAttachmentInfo } from "./cluster-port.js";

/**
 * Which attachable volumes a pod uses, and which VolumeAttachment is whose. A pod names its persistent
 * volumes through claims: a `persistentVolumeClaim` volume, or a generic `ephemeral` volume whose claim
 * is named POD-VOLUME. The claim is bound to a PersistentVolume (CSI, or in-tree EBS migrated to CSI),
 * whose VolumeAttachment names it. An inline in-tree EBS volume has no claim: its attachment carries the
 * volume's handle (the EBS volume ID).
 */
export interface PodVolumes {
  /** Claims, as namespace/name. */
  claims: string[];
  /** Handles of inline volumes (EBS volume IDs). */
  inline: string[];
}

/** The claims and inline volume handles of a pod. */
export function volumesOfPod(pod: V1Pod): PodVolumes {
  const namespace = pod.metadata?.namespace ?? "default";
  const podName = pod.metadata?.name ?? "";
  const claims: string[] = [];
  const inline: string[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    const claimName = volume.persistentVolumeClaim?.claimName;
    if (claimName !== undefined) claims.push(`${namespace}/${claimName}`);
    else if (volume.ephemeral !== undefined && volume.ephemeral !== null) {
      claims.push(`${namespace}/${podName}-${volume.name}`);
    }
    const ebs = volume.awsElasticBlockStore?.volumeID;
    if (ebs !== undefined) inline.push(volumeHandle(ebs));
  }
  return { claims, inline };
}

/**
 * An EBS volume ID in the one form an attachment shows: `aws://us-west-2a/vol-0abc` and `vol-0abc` are
 * the same volume.
 */
export function volumeHandle(id: string): string {
  const slash = id.lastIndexOf("/");
  return slash < 0 ? id : id.slice(slash + 1);
}

/** The volume an attachment attaches: its PersistentVolume's name, or `inline:<handle>`. */
export function attachedVolumeOf(attachment: VolumeAttachmentInfo): string | undefined {
  if (attachment.persistentVolumeName !== undefined) return attachment.persistentVolumeName;
  if (attachment.inlineVolumeHandle !== undefined) {
    return `inline:${volumeHandle(attachment.inlineVolumeHandle)}`;
  }
  return undefined;
}

/**
 * What the drain remembers of the drained pods' volumes (kept in the node's drain state, so that a later
 * run knows them after the pods are gone).
 */
export interface VolumeWaitRecord {
  /**
   * Claims of the pods the drain removed (namespace/name) → the PersistentVolume bound to each:
   * "" until the claim is read, null when it has none (missing or unbound).
   */
  claims: Record<string, string | null>;
  /** Inline volume handles (EBS volume IDs) of those pods. */
  inline: string[];
}

/** Adds the claims and inline volumes of `pod` to the record; true when something was new. */
export function noteVolumesOf(pod: V1Pod, wait: VolumeWaitRecord): boolean {
  const used = volumesOfPod(pod);
  let added = false;
  for (const claim of used.claims) {
    if (!(claim in wait.claims)) {
      wait.claims[claim] = "";
      added = true;
    }
  }
  for (const handle of used.inline) {
    if (!wait.inline.includes(handle)) {
      wait.inline.push(handle);
      added = true;
    }
  }
  return added;
}

/**
 * The volumes to see detached: those of the drained pods (PersistentVolume names, `inline:<handle>`),
 * except a volume that a pod still on the node uses too (a DaemonSet's, a pod the drain leaves in place):
 * it stays attached while that pod runs, and the drain does not wait for it.
 */
export function volumesToWaitFor(wait: VolumeWaitRecord, podsLeft: readonly V1Pod[]): string[] {
  const inUseClaims = new Set<string>();
  const inUseInline = new Set<string>();
  for (const pod of podsLeft) {
    const used = volumesOfPod(pod);
    for (const claim of used.claims) inUseClaims.add(claim);
    for (const handle of used.inline) inUseInline.add(handle);
  }
  const volumes: string[] = [];
  for (const [claim, volume] of Object.entries(wait.claims)) {
    if (volume && !inUseClaims.has(claim) && !volumes.includes(volume)) volumes.push(volume);
  }
  for (const handle of wait.inline) {
    if (!inUseInline.has(handle)) volumes.push(`inline:${handle}`);
  }
  return volumes;
}

/** Claims of the record whose volume is not known yet. */
export function unresolvedClaims(wait: VolumeWaitRecord): string[] {
  return Object.entries(wait.claims)
    .filter(([, volume]) => volume === "")
    .map(([claim]) => claim);
}
