/** The drain engine's public surface. */

export { LabelSelectorError, parseLabelSelector } from "../labels/label-selector.js";
export { seededRandom } from "../random/seeded-random.js";
export { backoffDelay } from "./backoff.js";
export type { BudgetSummary } from "./budgets.js";
export { type Clock, systemClock } from "./clock.js";
export {
  type BlockedOutcome,
  ClusterError,
  type ClusterErrorKind,
  type ClusterPort,
  type DeleteOutcome,
  type DeletePodOptions,
  type EvictionOutcome,
  type EvictOptions,
  type FeedSink,
  isRetryable,
  type NodeMergePatch,
  type PodRef,
  type ResourceFeed,
  type VolumeAttachmentInfo,
} from "./cluster-port.js";
export { type DrainRequest, DrainRequestError, drainNode } from "./drain-node.js";
export {
  DRAIN_STATE_ANNOTATION,
  type DrainState,
  DrainStateError,
  decodeDrainState,
  encodeDrainState,
  type ForcedPod,
  type NodeChanges,
  readDrainState,
  type VolumeWait,
  type VolumeWaitOutcome,
} from "./drain-state.js";
export { parseDuration } from "./duration.js";
export {
  DRAIN_EVENT_KINDS,
  type DrainEvent,
  type DrainEventKind,
  type DrainObserver,
} from "./events.js";
export type { BlockerKind, DrainPlan, PlanBlocker, PodPlan } from "./plan.js";
export { type PlanRequest, planDrain } from "./plan-drain.js";
export type { PodAction, PodReason, PodVerdict } from "./pod-filters.js";
export { type PodVolumes, volumesOfPod } from "./pod-volumes.js";
export {
  DRAINING_TAINT_KEY,
  type DrainPolicy,
  DrainPolicyError,
  defaultDrainPolicy,
  drainPolicySchema,
  drainPolicyWith,
  EXCLUDE_FROM_LB_LABEL,
  ON_DEADLINE_CHOICES,
  type OnDeadline,
  OPT_OUT_ANNOTATION,
} from "./policy.js";
export { type RestoreRequest, type RestoreResult, restoreNode } from "./restore-node.js";
export type {
  BlockedPod,
  DrainError,
  DrainResult,
  DrainStatus,
  EvictedPod,
  SkippedPod,
  VolumeWaitResult,
  WaitedPod,
} from "./result.js";
export { SharedBudgets } from "./shared-budgets.js";
export { SURGE_ANNOTATION, SURGE_MODES, type SurgeDecision, type SurgeMode } from "./surge-policy.js";
export {
  SURGE_RECORD_ANNOTATION,
  SURGED_LABEL,
  type SurgeEntry,
  type SurgeRecord,
  type SurgeStatus,
} from "./surge-record.js";
export { TIERS, type Tier } from "./tiers.js";
export type { DeploymentFacts, PatchOperation, WorkloadPort } from "./workload-port.js";
