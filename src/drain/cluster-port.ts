import type { V1Node, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";

/**
 * The engine's view of the cluster. The Kubernetes adapter (src/kube) implements it over HTTP; tests
 * implement it in memory. Every method either succeeds, returns a typed outcome, or throws a
 * `ClusterError` that says whether retrying can help.
 */
export interface ClusterPort {
  /** The Node, or undefined when it does not exist. */
  getNode(name: string): Promise<V1Node | undefined>;
  /**
   * Applies a JSON merge patch (RFC 7386) to the Node. When `patch.metadata.resourceVersion` is set the
   * server rejects a stale write with a `ClusterError` of kind "conflict".
   */
  patchNode(name: string, patch: NodeMergePatch): Promise<V1Node>;
  /** Deletes the Node object; resolves when it is gone or was already gone. */
  deleteNode(name: string): Promise<void>;

  /** One list of the pods bound to the node (all namespaces). */
  listPodsOnNode(nodeName: string): Promise<V1Pod[]>;
  /** One list of every PodDisruptionBudget the caller may read. */
  listBudgets(): Promise<V1PodDisruptionBudget[]>;
  /**
   * A live feed of the pods bound to the node: a list, then a watch, re-listing after an expired
   * resourceVersion or a dropped stream (and polling when watching is impossible).
   */
  watchPodsOnNode(nodeName: string, sink: FeedSink<V1Pod>): ResourceFeed;
  /** A live feed of PodDisruptionBudgets, with the same guarantees. */
  watchBudgets(sink: FeedSink<V1PodDisruptionBudget>): ResourceFeed;

  /** POST pods/eviction with the pod's UID as precondition. Never throws for an answered request. */
  evictPod(pod: PodRef, options: EvictOptions): Promise<EvictionOutcome>;
  /** DELETE the pod with its UID as precondition and the given grace period. */
  deletePod(pod: PodRef, options: DeletePodOptions): Promise<DeleteOutcome>;

  /** VolumeAttachments whose spec.nodeName is this node. */
  listVolumeAttachments(nodeName: string): Promise<VolumeAttachmentInfo[]>;
  /**
   * The PersistentVolume bound to a PersistentVolumeClaim (its spec.volumeName); undefined when the claim
   * does not exist or is not bound.
   */
  volumeOfClaim(namespace: string, claimName: string): Promise<string | undefined>;
}

/** A pod pinned by UID: a new pod under the same name is a different pod. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface EvictOptions {
  /** Shortens the pod's grace period (only ever set to finish before the deadline). */
  gracePeriodSeconds?: number;
}

export interface DeletePodOptions {
  gracePeriodSeconds: number;
}

export type DeleteOutcome = "deleted" | "gone";

/** The merge patch fields the engine writes. `null` removes a label or annotation. */
export interface NodeMergePatch {
  metadata?: {
    resourceVersion?: string;
    labels?: Record<string, string | null>;
    annotations?: Record<string, string | null>;
  };
  spec?: {
    unschedulable?: boolean;
    taints?: Array<{ key: string; value?: string; effect: string; timeAdded?: string }>;
  };
}

/** A storage.k8s.io/v1 VolumeAttachment of the node, with what the drain needs to tie it to a pod. */
export interface VolumeAttachmentInfo {
  name: string;
  /** The attached PersistentVolume (CSI or in-tree migrated to CSI). */
  persistentVolumeName?: string;
  /** An inline volume of a pod (no PersistentVolume): its handle, e.g. the EBS volume ID. */
  inlineVolumeHandle?: string;
  attached: boolean;
  /** The attachment has a deletionTimestamp: the detach is under way. */
  detaching?: boolean;
  /** The attacher's last detach error. */
  detachError?: string;
}

/** What one eviction request produced. One pure function in the adapter decides it from the response. */
export type EvictionOutcome =
  /** 200/201: accepted; the pod terminates with its grace period. */
  | { kind: "evicted" }
  /** 404 (no such pod) or 409 with the UID precondition failure (another pod holds the name now). */
  | { kind: "gone"; reason: "not-found" | "uid-changed" }
  /** A PodDisruptionBudget refused it now (429 with a DisruptionBudget cause). */
  | { kind: "blocked"; cause: "budget"; budget?: string; message: string; retryAfterMs?: number }
  /** The pod is under more than one budget (500): retrying alone never helps, a human must. */
  | { kind: "blocked"; cause: "multiple-budgets"; message: string }
  /** 403 NamespaceTerminating: the namespace is being deleted and will take the pod with it. */
  | { kind: "blocked"; cause: "namespace-terminating"; message: string }
  /** Throttling (429 without a budget cause), another 409, 5xx, network failure or timeout: try again later. */
  | {
      kind: "retry";
      cause: "throttled" | "conflict" | "server-error" | "network";
      message: string;
      retryAfterMs?: number;
    }
  /** Anything else (400, 401, 403, 422...): retrying will not help. */
  | { kind: "fatal"; status?: number; message: string };

export type BlockedOutcome = Extract<EvictionOutcome, { kind: "blocked" }>;

/** Receives a feed's content. Callbacks run synchronously, in order. */
export interface FeedSink<T> {
  /** A complete list: the first one and every re-list. Replaces everything known before. */
  replace(items: readonly T[]): void;
  upsert(item: T): void;
  remove(item: T): void;
  /** A transient problem; the feed keeps trying by itself. */
  problem?(error: ClusterError): void;
  /** The feed gave up (a non-retryable error); nothing more will arrive. */
  fail(error: ClusterError): void;
}

export interface ResourceFeed {
  close(): void;
}

export type ClusterErrorKind =
  | "not-found"
  | "conflict"
  | "unauthorized"
  | "forbidden"
  | "invalid"
  | "throttled"
  | "server-error"
  | "network"
  | "timeout"
  | "unknown";

const retryableKinds: ReadonlySet<ClusterErrorKind> = new Set([
  "conflict",
  "throttled",
  "server-error",
  "network",
  "timeout",
]);

/** A failed cluster request, saying whether trying again can help. */
export class ClusterError extends Error {
  override readonly name = "ClusterError";
  readonly kind: ClusterErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details: { kind: ClusterErrorKind; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = retryableKinds.has(details.kind);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The one retry rule: an error is worth trying again when it says so (`retryable: true`, as ClusterError,
 * AwsCallError, NoticeError and CliError do, each decided where the failure is understood: the API
 * status, the AWS error code); an error that does not say, never.
 */
export function isRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export function podRef(pod: V1Pod): PodRef {
  return {
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    uid: pod.metadata?.uid ?? "",
  };
}

export function podKey(pod: PodRef): string {
  return `${pod.namespace}/${pod.name}`;
}
