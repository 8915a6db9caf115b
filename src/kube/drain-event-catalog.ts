import type { PodRef } from "../drain/cluster-port.js";
import type { Tier } from "../drain/tiers.js";

/**
 * Every Kubernetes Event the drainer writes, in one list: its reason, type, the object it is about and
 * its message. `kubectl describe node <name>` shows the Node's; `kubectl describe pod` a pod's while it
 * exists; `kubectl get events -A --field-selector source=eks-node-drainer` all of them.
 * docs/observability.md lists them too (a test keeps the two in step).
 */

export type KubeEventType = "Normal" | "Warning";

export interface CatalogEntry<Input> {
  /** UpperCamelCase, as `kubectl get events` shows it. */
  reason: string;
  type: KubeEventType;
  /** The object the event is about (Node events live in namespace `default`). */
  subject: "Node" | "Pod";
  /** When it is written, for the reader of this list and of the docs. */
  when: string;
  message(input: Input): string;
}

/** Why an eviction was refused, as the engine reports it. */
export interface BlockedInput {
  pod: PodRef;
  cause: "budget" | "multiple-budgets" | "namespace-terminating";
  /** namespace/name of the blocking PodDisruptionBudget (all of them for multiple-budgets). */
  budget?: string;
  disruptionsAllowed?: number;
  /** The API server's answer. */
  message: string;
}

function entry<Input>(definition: CatalogEntry<Input>): CatalogEntry<Input> {
  return definition;
}

export const drainEventCatalog = {
  drainStarted: entry<{ deadline: number; trigger?: string }>({
    reason: "DrainStarted",
    type: "Normal",
    subject: "Node",
    when: "a new drain begins (the node is cordoned next)",
    message: ({ deadline, trigger }) =>
      `Draining the node${trigger === undefined ? "" : ` for the ${trigger}`}; deadline ${timeText(deadline)}`,
  }),
  drainResumed: entry<{ phase: string; startedAt: number; deadline: number }>({
    reason: "DrainResumed",
    type: "Normal",
    subject: "Node",
    when: "a later run continues a drain from the node's state (a continuation, a redelivery)",
    message: ({ phase, startedAt, deadline }) =>
      `Resuming the drain started ${timeText(startedAt)} in phase ${phase}; deadline ${timeText(deadline)}`,
  }),
  podsEvicted: entry<{ pods: readonly PodRef[]; tier?: Tier }>({
    reason: "PodsEvicted",
    type: "Normal",
    subject: "Node",
    when: "evictions were accepted: one event per batch (a tier, or at most every few seconds), never one per pod",
    message: ({ pods, tier }) =>
      `Evicted ${countText(pods.length, "pod")}${tier === undefined ? "" : ` (tier ${tier})`}: ${podList(pods)}`,
  }),
  evictionBlocked: entry<BlockedInput>({
    reason: "EvictionBlocked",
    type: "Warning",
    subject: "Pod",
    when: "the API server refused to evict this pod (first refusal of each cause); the drain retries",
    message: (input) => `Eviction to drain its node refused: ${blockedText(input)}`,
  }),
  budgetBlocking: entry<BlockedInput>({
    reason: "EvictionBlocked",
    type: "Warning",
    subject: "Node",
    when: "a PodDisruptionBudget (or a terminating namespace) first holds back a pod of this node",
    message: (input) => `Eviction of pod ${podText(input.pod)} refused: ${blockedText(input)}`,
  }),
  deadlineApproaching: entry<{ deadline: number; remainingMs: number; podsLeft: number }>({
    reason: "DrainDeadlineApproaching",
    type: "Warning",
    subject: "Node",
    when: "pods are still on the node shortly before the drain's deadline",
    message: ({ deadline, remainingMs, podsLeft }) =>
      `The drain deadline ${timeText(deadline)} is ${durationText(remainingMs)} away and ` +
      `${countText(podsLeft, "pod")} still ${podsLeft === 1 ? "has" : "have"} to go`,
  }),
  deadlineReached: entry<{ deadline: number; podsLeft: number; policy: "force" | "leave" }>({
    reason: "DrainDeadlineReached",
    type: "Warning",
    subject: "Node",
    when: "the drain's deadline came before the drain was done",
    message: ({ deadline, podsLeft, policy }) =>
      `The drain deadline ${timeText(deadline)} has passed with ${countText(podsLeft, "pod")} left; ` +
      (policy === "force" ? "what is left is deleted with its grace period" : "the drain stops here"),
  }),
  podForceDeleted: entry<{ nodeName: string; gracePeriodSeconds: number }>({
    reason: "ForceDeleted",
    type: "Warning",
    subject: "Pod",
    when: "the pod was deleted at the drain's deadline instead of evicted (budgets no longer apply)",
    message: ({ nodeName, gracePeriodSeconds }) =>
      `Deleted at the drain deadline of node ${nodeName}, grace period ${gracePeriodSeconds}s`,
  }),
  podReturning: entry<{ nodeName: string; message: string }>({
    reason: "ReturnsToDrainedNode",
    type: "Warning",
    subject: "Pod",
    when: "the pod came back to the draining node after its owner's bounded evictions; the drain leaves it there",
    message: ({ nodeName, message }) => `Not evicted from draining node ${nodeName} again: ${message}`,
  }),
  podCountedGone: entry<{ nodeName: string; message: string }>({
    reason: "CountedGone",
    type: "Warning",
    subject: "Pod",
    when: "the pod is terminating past its grace period on a node not Ready for unreachableAfter: the drain stops waiting for it",
    message: ({ nodeName, message }) => `Drain of node ${nodeName} no longer waits for this pod: ${message}`,
  }),
  podsForceDeleted: entry<{ pods: readonly PodRef[] }>({
    reason: "PodsForceDeleted",
    type: "Warning",
    subject: "Node",
    when: "pods were deleted at the deadline: one event per batch",
    message: ({ pods }) => `Deleted ${countText(pods.length, "pod")} at the drain deadline: ${podList(pods)}`,
  }),
  waitingForVolumes: entry<{ volumes: readonly string[]; detachErrors: readonly string[]; until: number }>({
    reason: "WaitingForVolumeDetach",
    type: "Normal",
    subject: "Node",
    when: "the drained pods' volumes are still attached to the node (and again when that list changes)",
    message: ({ volumes, detachErrors, until }) =>
      `Waiting until ${timeText(until)} for ${countText(volumes.length, "volume")} to detach: ` +
      `${nameList(volumes)}${detachErrors.length === 0 ? "" : `; detach errors: ${nameList(detachErrors)}`}`,
  }),
  volumesDetached: entry<{ waitedMs: number }>({
    reason: "VolumesDetached",
    type: "Normal",
    subject: "Node",
    when: "every volume the drain waited for has detached",
    message: ({ waitedMs }) => `The drained pods' volumes detached after ${durationText(waitedMs)}`,
  }),
  volumeDetachTimedOut: entry<{ volumes: readonly string[]; waitedMs: number; atDeadline: boolean }>({
    reason: "VolumeDetachTimedOut",
    type: "Warning",
    subject: "Node",
    when: "the wait for volumes ended with some still attached (its timeout or the deadline)",
    message: ({ volumes, waitedMs, atDeadline }) =>
      `Still attached after ${durationText(waitedMs)}${atDeadline ? " (the drain deadline)" : ""}: ` +
      nameList(volumes),
  }),
  waitingForTargets: entry<{ targetGroups: readonly string[]; until: number }>({
    reason: "WaitingForTargetDeregistration",
    type: "Normal",
    subject: "Node",
    when: "the node is drained but it (or its evicted pods' IPs) is still a target of load balancer target groups (and again when that list changes)",
    message: ({ targetGroups, until }) =>
      `Waiting until ${timeText(until)} for ${countText(targetGroups.length, "target group")} to finish ` +
      `deregistering the node's targets: ${nameList(targetGroups)}`,
  }),
  targetsDeregistered: entry<{ targetGroups: readonly string[]; waitedMs: number }>({
    reason: "TargetsDeregistered",
    type: "Normal",
    subject: "Node",
    when: "the node's targets have left every target group the drain waited for",
    message: ({ targetGroups, waitedMs }) =>
      `The node's load balancer targets deregistered after ${durationText(waitedMs)}: ${nameList(targetGroups)}`,
  }),
  targetDeregistrationTimedOut: entry<{ targetGroups: readonly string[]; waitedMs: number }>({
    reason: "TargetDeregistrationTimedOut",
    type: "Warning",
    subject: "Node",
    when: "the drain deadline came while target groups were still draining the node's targets",
    message: ({ targetGroups, waitedMs }) =>
      `Still draining after ${durationText(waitedMs)} (the drain deadline): ${nameList(targetGroups)}`,
  }),
  drainPaused: entry<{ phase: string; reason: "stop-at" | "abort" }>({
    reason: "DrainPaused",
    type: "Normal",
    subject: "Node",
    when: "a run ends before the drain does (its time is up, or the lifecycle action ended); state is on the node",
    message: ({ phase, reason }) =>
      reason === "stop-at"
        ? `Drain paused in phase ${phase} (this run's time is up); it resumes from the node's state`
        : `Drain stopped in phase ${phase} (the lifecycle action ended, or the run was aborted); its state is on the node`,
  }),
  drainSucceeded: entry<{ durationMs: number; evicted: number; forced: number }>({
    reason: "DrainSucceeded",
    type: "Normal",
    subject: "Node",
    when: "every pod that had to go is gone (and the later steps are done)",
    message: ({ durationMs, evicted, forced }) =>
      `Node drained in ${durationText(durationMs)}: ${countText(evicted, "pod")} evicted in the last run` +
      (forced > 0 ? `, ${forced} force-deleted` : ""),
  }),
  drainForcedAtDeadline: entry<{ durationMs: number; forced: number }>({
    reason: "DrainForcedAtDeadline",
    type: "Warning",
    subject: "Node",
    when: "the drain ended at its deadline by deleting what was left (ON_DEADLINE=force)",
    message: ({ durationMs, forced }) =>
      `Drain ended at its deadline after ${durationText(durationMs)}: ` +
      `${countText(forced, "pod")} force-deleted with their grace periods`,
  }),
  drainFailed: entry<{ problem: string }>({
    reason: "DrainFailed",
    type: "Warning",
    subject: "Node",
    when: "the drain cannot go on (it is retried), or stopped at the deadline with pods left",
    message: ({ problem }) => `Drain failed: ${problem}`,
  }),
  lifecycleActionCompleted: entry<{ instanceId: string; reason: string }>({
    reason: "LifecycleActionCompleted",
    type: "Normal",
    subject: "Node",
    when: "the drainer completed the instance's terminate lifecycle action with CONTINUE",
    message: ({ instanceId, reason }) =>
      `Completed the terminate lifecycle action of ${instanceId} with CONTINUE: ${reason}`,
  }),
  lifecycleActionAbandoned: entry<{ instanceId: string; reason: string }>({
    reason: "LifecycleActionAbandoned",
    type: "Warning",
    subject: "Node",
    when: "the drainer completed the lifecycle action with ABANDON (ON_DEADLINE=leave, DEADLINE_RESULT=abandon)",
    message: ({ instanceId, reason }) =>
      `Completed the terminate lifecycle action of ${instanceId} with ABANDON: ${reason}`,
  }),
  lifecycleActionLeftToDefault: entry<{ instanceId: string; reason: string }>({
    reason: "LifecycleActionLeftToDefaultResult",
    type: "Warning",
    subject: "Node",
    when: "the deadline came and the hook's DefaultResult decides (ON_DEADLINE=leave, DEADLINE_RESULT=default-result)",
    message: ({ instanceId, reason }) =>
      `Left the terminate lifecycle action of ${instanceId} to the hook's DefaultResult: ${reason}`,
  }),
} as const;

export type DrainEventName = keyof typeof drainEventCatalog;

/** Pod names listed in one message at most; the rest are counted. */
const LISTED_NAMES = 8;

function blockedText(input: BlockedInput): string {
  switch (input.cause) {
    case "budget": {
      const allowed =
        input.disruptionsAllowed === undefined ? "" : ` (disruptionsAllowed: ${input.disruptionsAllowed})`;
      const budget =
        input.budget === undefined ? "a PodDisruptionBudget" : `PodDisruptionBudget ${input.budget}`;
      return `${budget}${allowed} allows no disruption now: ${input.message}; retrying`;
    }
    case "multiple-budgets":
      return (
        `the pod is covered by more than one PodDisruptionBudget (${input.budget ?? "unknown"}), which the ` +
        "Eviction API never allows; remove all but one"
      );
    case "namespace-terminating":
      return `its namespace is terminating: ${input.message}`;
  }
}

export function podText(pod: PodRef): string {
  return `${pod.namespace}/${pod.name}`;
}

function podList(pods: readonly PodRef[]): string {
  return nameList(pods.map(podText));
}

function nameList(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_NAMES).join(", ");
  const more = names.length - LISTED_NAMES;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

function countText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** ISO 8601 in UTC without milliseconds. */
export function timeText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "850ms", "12.3s", "4m05s", "1h02m". */
export function durationText(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 1_000) return `${Math.round(abs)}ms`;
  if (abs < 60_000) return `${(abs / 1_000).toFixed(1)}s`;
  const seconds = Math.round(abs / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}
