/**
 * The JSON shapes the simulated API server stores and serves: the subset of the Kubernetes types the
 * simulation reads. Objects are plain JSON (timestamps are RFC 3339 strings) and are never mutated in
 * place once stored: a change stores a new copy.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  observedGeneration?: number;
}

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  timeAdded?: string;
}

export interface PodVolume {
  name: string;
  emptyDir?: Record<string, unknown>;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  /** A generic ephemeral volume: its claim, POD-VOLUME, is created with the pod. */
  ephemeral?: { volumeClaimTemplate: { spec: Record<string, unknown> } };
  [source: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  [field: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  containers: Container[];
  volumes?: PodVolume[];
  priorityClassName?: string;
  priority?: number;
  terminationGracePeriodSeconds?: number;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  restartPolicy?: string;
  schedulerName?: string;
  serviceAccountName?: string;
  hostNetwork?: boolean;
  [field: string]: unknown;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  state: Record<string, unknown>;
}

export interface PodStatus {
  phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  conditions?: Condition[];
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  qosClass?: string;
  nominatedNodeName?: string;
  reason?: string;
  message?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status: PodStatus;
}

export interface NodeAddress {
  type: string;
  address: string;
}

export interface NodeSpec {
  providerID?: string;
  unschedulable?: boolean;
  taints?: Taint[];
  [field: string]: unknown;
}

export interface NodeStatus {
  conditions?: Condition[];
  addresses?: NodeAddress[];
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  nodeInfo?: Record<string, string>;
  [field: string]: unknown;
}

export interface Node extends KubeObject {
  spec: NodeSpec;
  status: NodeStatus;
}

export type IntOrString = number | string;

export interface PodDisruptionBudgetSpec {
  selector?: LabelSelector;
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
  unhealthyPodEvictionPolicy?: "IfHealthyBudget" | "AlwaysAllow";
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** Deployment, ReplicaSet, StatefulSet and DaemonSet share the fields the simulation reads. */
export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    serviceName?: string;
    volumeClaimTemplates?: { metadata: { name: string }; spec: Record<string, unknown> }[];
    [field: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec: { volumeName?: string; storageClassName?: string; [field: string]: unknown };
  status?: { phase?: string; [field: string]: unknown };
}

export interface PersistentVolume extends KubeObject {
  spec: {
    csi?: { driver: string; volumeHandle: string; fsType?: string };
    claimRef?: { namespace: string; name: string; uid?: string; kind?: string; apiVersion?: string };
    nodeAffinity?: { required?: { nodeSelectorTerms: unknown[] } };
    [field: string]: unknown;
  };
  status?: { phase?: string };
}

export interface VolumeAttachment extends KubeObject {
  spec: { attacher: string; nodeName: string; source: { persistentVolumeName?: string } };
  status?: { attached: boolean; attachmentMetadata?: Record<string, string>; detachError?: unknown };
}

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  fieldPath?: string;
  resourceVersion?: string;
}

/** core/v1 Event; events.k8s.io/v1 events are stored with their own field names. */
export interface CoreEvent extends KubeObject {
  involvedObject?: ObjectReference;
  regarding?: ObjectReference;
  reason?: string;
  message?: string;
  note?: string;
  type?: string;
  count?: number;
}

export const annotationMirror = "kubernetes.io/config.mirror";
