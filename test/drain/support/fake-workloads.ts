import type { V1Pod } from "@kubernetes/client-node";

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
      ...(spec.emptyDir === true ? { volumes: [{ name: "scratch", emptyDir: {} }] } : {}),
    },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}
