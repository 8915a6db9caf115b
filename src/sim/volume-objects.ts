import { createHash } from "node:crypto";
import type { ControlPlane } from "./control-plane.js";
import type { PersistentVolume, PersistentVolumeClaim, VolumeAttachment } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { resourceTypes } from "./resource-types.js";

/** The EBS CSI driver's name, the attacher of every simulated volume. */
export const ebsDriver = "ebs.csi.aws.com";
export const zoneLabel = "topology.kubernetes.io/zone";

/** The attachment's name, shaped like the CSI attacher's: csi-<sha256(PV name, attacher, node)>. */
export function attachmentName(persistentVolumeName: string, nodeName: string): string {
  const digest = createHash("sha256").update(`${persistentVolumeName}${ebsDriver}${nodeName}`).digest("hex");
  return `csi-${digest}`;
}

export interface ClaimRequest {
  namespace: string;
  claimName: string;
  sizeGi: number;
  storageClass: string;
  /** The zone the volume lives in: pods using it can run only on nodes of that zone. */
  zone: string;
  labels: Record<string, string>;
}

/** Creates a bound PVC and its PV (an EBS volume in `zone`) unless the claim exists already. */
export function ensureClaim(plane: ControlPlane, request: ClaimRequest): StoredObject<PersistentVolumeClaim> {
  const existing = plane.store.get(
    resourceTypes.persistentVolumeClaims,
    request.namespace,
    request.claimName,
  );
  if (existing) return existing as StoredObject<PersistentVolumeClaim>;
  const now = plane.timestamp();
  const claimUid = plane.uid();
  const volumeName = `pvc-${claimUid}`;
  const size = `${request.sizeGi}Gi`;
  const volume: PersistentVolume = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name: volumeName,
      uid: plane.uid(),
      creationTimestamp: now,
      annotations: {
        "pv.kubernetes.io/provisioned-by": ebsDriver,
        "volume.kubernetes.io/provisioner-deletion-secret-name": "",
      },
      finalizers: ["kubernetes.io/pv-protection", "external-attacher/ebs-csi-aws-com"],
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      capacity: { storage: size },
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: request.namespace,
        name: request.claimName,
        uid: claimUid,
      },
      csi: {
        driver: ebsDriver,
        volumeHandle: `vol-${plane.names.text(17, "0123456789abcdef")}`,
        fsType: "ext4",
      },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: zoneLabel, operator: "In", values: [request.zone] }] },
          ],
        },
      },
      persistentVolumeReclaimPolicy: "Delete",
      storageClassName: request.storageClass,
      volumeMode: "Filesystem",
    },
    status: { phase: "Bound" },
  };
  plane.store.create(resourceTypes.persistentVolumes, volume);
  const claim: PersistentVolumeClaim = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: request.claimName,
      namespace: request.namespace,
      uid: claimUid,
      creationTimestamp: now,
      labels: request.labels,
      annotations: {
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
        "volume.kubernetes.io/selected-node": "",
        "volume.kubernetes.io/storage-provisioner": ebsDriver,
      },
      finalizers: ["kubernetes.io/pvc-protection"],
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: size } },
      storageClassName: request.storageClass,
      volumeMode: "Filesystem",
      volumeName,
    },
    status: { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: size } },
  };
  return plane.store.create(
    resourceTypes.persistentVolumeClaims,
    claim,
  ) as StoredObject<PersistentVolumeClaim>;
}

/** The zone a PV is pinned to by its node affinity. */
export function zoneOfVolume(volume: PersistentVolume): string | undefined {
  const terms = volume.spec.nodeAffinity?.required?.nodeSelectorTerms as
    | { matchExpressions?: { key: string; values?: string[] }[] }[]
    | undefined;
  for (const term of terms ?? []) {
    for (const expression of term.matchExpressions ?? []) {
      if (expression.key === zoneLabel) return expression.values?.[0];
    }
  }
  return undefined;
}

/** A new VolumeAttachment of the PV to the node. */
export function newAttachment(
  plane: ControlPlane,
  persistentVolumeName: string,
  nodeName: string,
  attached: boolean,
): VolumeAttachment {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "VolumeAttachment",
    metadata: {
      name: attachmentName(persistentVolumeName, nodeName),
      uid: plane.uid(),
      creationTimestamp: plane.timestamp(),
      annotations: { "csi.alpha.kubernetes.io/node-id": nodeName },
      finalizers: ["external-attacher/ebs-csi-aws-com"],
    },
    spec: { attacher: ebsDriver, nodeName, source: { persistentVolumeName } },
    status: attached
      ? { attached: true, attachmentMetadata: { devicePath: "/dev/xvdaa" } }
      : { attached: false },
  };
}
