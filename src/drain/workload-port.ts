/**
 * What surge needs of the cluster beyond `ClusterPort`: Deployments (read, patch, those carrying a surge
 * record) and the HorizontalPodAutoscalers that own a workload's replica count. The Kubernetes adapter
 * implements it next to `ClusterPort`; a cluster without it never surges.
 */
export interface WorkloadPort {
  /** The Deployment, or undefined when there is none of that name. */
  getDeployment(namespace: string, name: string): Promise<DeploymentFacts | undefined>;
  /**
   * Applies a JSON patch (RFC 6902). A failed `test` operation throws a `ClusterError` of kind
   * "invalid" (422): the Deployment changed since it was read.
   */
  patchDeployment(
    namespace: string,
    name: string,
    operations: readonly PatchOperation[],
  ): Promise<DeploymentFacts>;
  /** Deployments of every namespace that carry the label `labelKey` (a surge record). */
  listDeploymentsLabelled(labelKey: string): Promise<DeploymentFacts[]>;
  /** HorizontalPodAutoscalers of the namespace whose scaleTargetRef names this workload. */
  autoscalersOf(namespace: string, kind: string, name: string): Promise<string[]>;
}

export type PatchOperation =
  | { op: "test" | "replace" | "add"; path: string; value: unknown }
  | { op: "remove"; path: string };

/** A Deployment as surge sees it. */
export interface DeploymentFacts {
  namespace: string;
  name: string;
  generation: number;
  /** spec.replicas (1 when unset, as the API server defaults it). */
  replicas: number;
  observedGeneration: number;
  readyReplicas: number;
  strategy: { type: string; maxSurge?: number | string };
  /** spec.selector.matchLabels */
  selector: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** True when the object also implements `WorkloadPort`. */
export function isWorkloadPort(value: unknown): value is WorkloadPort {
  const candidate = value as Partial<WorkloadPort> | undefined;
  return (
    typeof candidate?.getDeployment === "function" &&
    typeof candidate.patchDeployment === "function" &&
    typeof candidate.listDeploymentsLabelled === "function" &&
    typeof candidate.autoscalersOf === "function"
  );
}
