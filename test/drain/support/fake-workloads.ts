import type { V1Pod, V1Volume } from "@kubernetes/client-node";

export interface FakeWorkload {
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Pod";
  name: string;
  namespace: string;
  replicas: number;
  /** Node the initial pods run on. */
  node: string;
  graceSeconds: number;
  /** How long a pod takes to stop once asked (capped by its grace period). */
  shutdownMs: number;
  /** How long a new pod takes to become Ready. */
  startupMs: number;
  budget?: { minAvailable?: number; maxUnavailable?: number };
  priorityClassName?: string;
  annotations?: Record<string, string>;
  emptyDir?: boolean;
  /**
   * A volume for each pod: a claim data-POD ("claim", as a StatefulSet's), a generic ephemeral volume
   * ("ephemeral", claim POD-cache, deleted with the pod), or an inline EBS volume vol-POD ("inline").
   */
  volume?: "claim" | "ephemeral" | "inline";
  /** Pods tolerate every taint (`operator: Exists`): a replacement comes back to the cordoned node. */
  tolerateAll?: boolean;
}

export interface PodTiming {
  shutdownMs: number;
  startupMs: number;
}

export function workload(
  kind: FakeWorkload["kind"],
  name: string,
  overrides: Partial<FakeWorkload> = {},
): FakeWorkload {
  return {
    kind,
    name,
    namespace: "default",
    replicas: 1,
    node: "node-a",
    graceSeconds: 30,
    shutdownMs: 1_000,
    startupMs: 2_000,
    ...overrides,
  };
}

const ownerKind: Record<FakeWorkload["kind"], string | undefined> = {
  Deployment: "ReplicaSet",
  StatefulSet: "StatefulSet",
  DaemonSet: "DaemonSet",
  Pod: undefined,
};

export function makePod(
  spec: FakeWorkload,
  node: string,
  index: number,
  uid: string,
  ready: boolean,
  now: number,
  name?: string,
): V1Pod {
  const owner = ownerKind[spec.kind];
  const podName =
    name ??
    (spec.kind === "StatefulSet"
      ? `${spec.name}-${index}`
      : spec.kind === "Pod"
        ? spec.name
        : `${spec.name}-${uid}`);
  return {
    metadata: {
      name: podName,
      namespace: spec.namespace,
      uid,
      labels: { app: spec.name },
      creationTimestamp: new Date(now),
      ...(spec.annotations === undefined ? {} : { annotations: { ...spec.annotations } }),
      ...(owner === undefined
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: "apps/v1",
                kind: owner,
                name: spec.name,
                uid: `owner-${spec.name}`,
                controller: true,
              },
            ],
          }),
    },
    spec: {
      nodeName: node,
      containers: [{ name: "main", image: "example" }],
      terminationGracePeriodSeconds: spec.graceSeconds,
      ...(spec.priorityClassName === undefined ? {} : { priorityClassName: spec.priorityClassName }),
      ...(spec.tolerateAll === true ? { tolerations: [{ operator: "Exists" }] } : {}),
      ...(volumesOf(spec, podName).length === 0 ? {} : { volumes: volumesOf(spec, podName) }),
    },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

function volumesOf(spec: FakeWorkload, podName: string): V1Volume[] {
  const volumes: V1Volume[] = [];
  if (spec.emptyDir === true) volumes.push({ name: "scratch", emptyDir: {} });
  if (spec.volume === "claim")
    volumes.push({ name: "data", persistentVolumeClaim: { claimName: `data-${podName}` } });
  if (spec.volume === "ephemeral") {
    volumes.push({
      name: "cache",
      ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } },
    });
  }
  if (spec.volume === "inline") {
    volumes.push({ name: "ebs", awsElasticBlockStore: { volumeID: `aws://us-west-2a/vol-${podName}` } });
  }
  return volumes;
}
