import type { ControlPlane } from "./control-plane.js";
import type { OwnerReference, Pod, PodSpec, PodTemplate, PodVolume, Toleration } from "./kube-objects.js";
import { behaviour } from "./pod-state.js";
import { resourceTypes } from "./resource-types.js";
import type { ScenarioWorkload } from "./scenario-schema.js";

/** Priorities of the built-in priority classes; any other class name gets priority 0. */
const builtInPriorities: Readonly<Record<string, number>> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

/** Tolerations the DaemonSet controller adds to every daemon pod. */
const daemonTolerations: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

/** Tolerations the DefaultTolerationSeconds admission plugin adds to other pods. */
const defaultTolerations: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

/** The claim name of a StatefulSet's volume template (volumeClaimTemplates[0].metadata.name). */
export function claimTemplateName(workload: ScenarioWorkload): string | undefined {
  if (workload.volumes === undefined) return undefined;
  return workload.volumes === true ? "data" : workload.volumes.claimName;
}

/** The labels of the workload's pods: as written, else `app: NAME`. */
export function podLabels(workload: ScenarioWorkload): Record<string, string> {
  return workload.labels ?? { app: workload.name };
}

/** The pod template a scenario workload describes. */
export function templateOf(workload: ScenarioWorkload): PodTemplate {
  const annotations: Record<string, string> = {
    ...workload.annotations,
    [behaviour.shutdownSeconds]: String(workload.shutdownSeconds),
    [behaviour.startupSeconds]: String(workload.startupSeconds),
  };
  if (!workload.ready) annotations[behaviour.neverReady] = "true";
  if (workload.phase === "Pending") annotations[behaviour.stuckPending] = "true";
  const volumes: PodVolume[] = [];
  if (workload.emptyDir) volumes.push({ name: "scratch", emptyDir: {} });
  const claim = claimTemplateName(workload);
  if (claim && workload.kind === "DaemonSet") {
    // A DaemonSet has no claim templates: each daemon pod gets a generic ephemeral volume.
    const sizing = workload.volumes === true ? undefined : workload.volumes;
    volumes.push({
      name: claim,
      ephemeral: {
        volumeClaimTemplate: {
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: sizing?.storageClass ?? "gp3",
            resources: { requests: { storage: `${sizing?.sizeGi ?? 10}Gi` } },
          },
        },
      },
    });
  }
  const containerVolumeMounts = [
    ...(workload.emptyDir ? [{ name: "scratch", mountPath: "/scratch" }] : []),
    ...(claim ? [{ name: claim, mountPath: `/var/lib/${workload.name}` }] : []),
  ];
  const spec: PodSpec = {
    containers: [
      {
        name: workload.name,
        image: `public.ecr.aws/sim/${workload.name}:1.0`,
        resources: { requests: { cpu: "100m", memory: "128Mi" } },
        ...(containerVolumeMounts.length > 0 ? { volumeMounts: containerVolumeMounts } : {}),
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        imagePullPolicy: "IfNotPresent",
      },
    ],
    restartPolicy: "Always",
    terminationGracePeriodSeconds: workload.terminationGracePeriodSeconds,
    dnsPolicy: "ClusterFirst",
    serviceAccountName: "default",
    schedulerName: "default-scheduler",
    enableServiceLinks: true,
    preemptionPolicy: "PreemptLowerPriority",
    priority: builtInPriorities[workload.priorityClassName ?? ""] ?? 0,
    tolerations: [
      ...(workload.tolerations ?? []),
      ...(workload.kind === "DaemonSet" ? daemonTolerations : defaultTolerations),
    ],
  };
  if (volumes.length > 0) spec.volumes = volumes;
  if (workload.priorityClassName) spec.priorityClassName = workload.priorityClassName;
  if (workload.nodeSelector) spec.nodeSelector = workload.nodeSelector;
  return { metadata: { labels: podLabels(workload), annotations }, spec };
}

export interface PodPlacement {
  namespace: string;
  name: string;
  owner?: OwnerReference;
  /** Bound at creation (DaemonSet and mirror pods, scenario pods); otherwise the scheduler binds it. */
  nodeName?: string;
  /** PVC volumes to add: volume name → claim name. */
  claims?: Readonly<Record<string, string>>;
  extraAnnotations?: Readonly<Record<string, string>>;
}

/** A new Pending pod from a template, as a controller would create it. */
export function podFromTemplate(plane: ControlPlane, template: PodTemplate, placement: PodPlacement): Pod {
  const spec = structuredClone(template.spec);
  for (const [volume, claimName] of Object.entries(placement.claims ?? {})) {
    spec.volumes = [...(spec.volumes ?? []), { name: volume, persistentVolumeClaim: { claimName } }];
  }
  const now = plane.timestamp();
  const conditions = [];
  if (placement.nodeName) {
    spec.nodeName = placement.nodeName;
    conditions.push({
      type: "PodScheduled",
      status: "True" as const,
      lastProbeTime: null,
      lastTransitionTime: now,
    });
  }
  const requests = spec.containers.some((container) => container.resources !== undefined);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: placement.name,
      namespace: placement.namespace,
      uid: plane.uid(),
      creationTimestamp: now,
      labels: { ...template.metadata.labels },
      annotations: { ...template.metadata.annotations, ...placement.extraAnnotations },
      ...(placement.owner ? { ownerReferences: [placement.owner] } : {}),
    },
    spec,
    status: { phase: "Pending", conditions, qosClass: requests ? "Burstable" : "BestEffort" },
  };
}

export function controllerReference(
  apiVersion: string,
  kind: string,
  name: string,
  uid: string,
): OwnerReference {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/**
 * A generated pod name (`prefix` + 5 random characters) that no pod in the namespace has: a real
 * controller whose generated name collides gets 409 AlreadyExists and tries another, never replacing
 * the pod that holds the name.
 */
export function freshPodName(plane: ControlPlane, namespace: string, prefix: string): string {
  for (;;) {
    const name = `${prefix}${plane.names.text(5)}`;
    if (plane.store.get(resourceTypes.pods, namespace, name) === undefined) return name;
  }
}
