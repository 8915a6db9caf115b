/** The Kubernetes adapter's public surface. */
export { isNetworkError, kindOfStatus, toClusterError } from "./api-errors.js";
export {
  type EventRecord,
  type EventRecorderOptions,
  type EventSubject,
  KubeEventRecorder,
} from "./event-recorder.js";
export { evictionOutcome, evictionOutcomeOfError } from "./eviction-response.js";
export {
  type EndpointOptions,
  type KubeClient,
  type KubeconfigOptions,
  kubeClientFromEndpoint,
  kubeClientFromKubeconfig,
} from "./kube-client.js";
export { KubeCluster, type KubeClusterOptions } from "./kube-cluster.js";
export { findNodeForInstance, type InstanceIdentity, instanceIdOf, matchNode } from "./node-lookup.js";
export { PooledKubeConfig, type PoolOptions } from "./pooled-kube-config.js";
