/**
 * The simulated Kubernetes cluster: a real HTTPS API server on 127.0.0.1 with kubelet, controller and
 * disruption-budget behaviour, fault injection, and scenario files. See src/sim/README.md.
 */

export { type Clock, systemClock } from "../time/clock.js";
export { createManualClock, type ManualClock } from "../time/manual-clock.js";
export type { AvailabilityEntry, AvailabilityView } from "./availability.js";
export type { ClusterView, SimInstance } from "./cluster-view.js";
export { multipleBudgetsMessage } from "./eviction.js";
export type { FaultControl, FaultSettings, FaultVerb } from "./faults.js";
export type {
  CoreEvent,
  IntOrString,
  KubeObject,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  VolumeAttachment,
  Workload,
} from "./kube-objects.js";
export { behaviour as podBehaviourAnnotations } from "./pod-state.js";
export type {
  BudgetViolation,
  DeletionVia,
  DisruptionCause,
  PodDeletion,
  RecordedRequest,
  RefusalCause,
  SimRecorder,
} from "./recorder.js";
export { loadScenario, parseScenario, ScenarioError, type ScenarioIssue } from "./scenario.js";
export type {
  Scenario,
  ScenarioBudget,
  ScenarioFaults,
  ScenarioNode,
  ScenarioWorkload,
} from "./scenario-schema.js";
export { type SimCluster, type SimClusterOptions, startSimCluster } from "./sim-cluster.js";
