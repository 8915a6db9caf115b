import type {
  CoreEvent,
  KubeObject,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  VolumeAttachment,
  Workload,
} from "./kube-objects.js";
import type { ObjectStore } from "./object-store.js";
import { type ResourceType, resourceTypes } from "./resource-types.js";
import type { ScenarioNode } from "./scenario-schema.js";

/** An EC2 instance of the scenario, as the AWS side of a simulation answers lookups about it. */
export interface SimInstance {
  readonly instanceId: string;
  /** The Node it registered as (also when it never joined: the name it would have). */
  readonly nodeName: string;
  readonly privateDnsName: string;
  readonly availabilityZone: string;
  /** false when the instance never registered a Node. */
  readonly joined: boolean;
}

/** Read-only snapshots of the simulated cluster, for assertions. Every call returns fresh copies. */
export interface ClusterView {
  nodes(): Node[];
  node(name: string): Node | undefined;
  pods(filter?: { namespace?: string; nodeName?: string }): Pod[];
  pod(namespace: string, name: string): Pod | undefined;
  budgets(namespace?: string): PodDisruptionBudget[];
  budget(namespace: string, name: string): PodDisruptionBudget | undefined;
  /** core/v1 and events.k8s.io/v1 events, oldest first. */
  events(): CoreEvent[];
  volumeAttachments(): VolumeAttachment[];
  persistentVolumeClaims(namespace?: string): PersistentVolumeClaim[];
  persistentVolumes(): PersistentVolume[];
  workloads(kind: "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"): Workload[];
  instances(): SimInstance[];
  /** The store's current resourceVersion. */
  resourceVersion(): number;
}

const workloadTypes = {
  Deployment: resourceTypes.deployments,
  ReplicaSet: resourceTypes.replicaSets,
  StatefulSet: resourceTypes.statefulSets,
  DaemonSet: resourceTypes.daemonSets,
} as const;

export function clusterView(store: ObjectStore, scenarioNodes: readonly ScenarioNode[]): ClusterView {
  const all = <T extends KubeObject>(type: ResourceType, namespace?: string) =>
    store.list(type, namespace).map((stored) => structuredClone(stored.object) as T);
  const one = <T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string) => {
    const stored = store.get(type, namespace, name);
    return stored ? (structuredClone(stored.object) as T) : undefined;
  };
  return {
    nodes: () => all<Node>(resourceTypes.nodes),
    node: (name) => one<Node>(resourceTypes.nodes, undefined, name),
    pods: (filter = {}) =>
      all<Pod>(resourceTypes.pods, filter.namespace).filter(
        (pod) => filter.nodeName === undefined || pod.spec.nodeName === filter.nodeName,
      ),
    pod: (namespace, name) => one<Pod>(resourceTypes.pods, namespace, name),
    budgets: (namespace) => all<PodDisruptionBudget>(resourceTypes.podDisruptionBudgets, namespace),
    budget: (namespace, name) =>
      one<PodDisruptionBudget>(resourceTypes.podDisruptionBudgets, namespace, name),
    events: () =>
      [...all<CoreEvent>(resourceTypes.events), ...all<CoreEvent>(resourceTypes.eventsV1)].sort(
        (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
      ),
    volumeAttachments: () => all<VolumeAttachment>(resourceTypes.volumeAttachments),
    persistentVolumeClaims: (namespace) =>
      all<PersistentVolumeClaim>(resourceTypes.persistentVolumeClaims, namespace),
    persistentVolumes: () => all<PersistentVolume>(resourceTypes.persistentVolumes),
    workloads: (kind) => all<Workload>(workloadTypes[kind]),
    instances: () =>
      scenarioNodes.map((node) => ({
        instanceId: node.instanceId,
        nodeName: node.name,
        privateDnsName: node.privateDnsName ?? node.name,
        availabilityZone: node.availabilityZone,
        joined: node.joined,
      })),
    resourceVersion: () => store.resourceVersion,
  };
}
