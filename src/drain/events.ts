import type { PodRef } from "./cluster-port.js";
import type { PodReason } from "./pod-filters.js";
import type { DrainStatus } from "./result.js";
import type { Tier } from "./tiers.js";

/**
 * Every kind of progress event a drain reports, in one list. The CLI prints them; the observability
 * layer turns them into Kubernetes Events and metrics.
 */
export const DRAIN_EVENT_KINDS = [
  "started",
  "cordoned",
  "tier-started",
  "skipped",
  "caution",
  "evicted",
  "blocked",
  "retrying",
  "waiting",
  "gone",
  "forced",
  "deadline-approaching",
  "deadline-reached",
  "volumes-waiting",
  "volumes-detached",
  "node-deleted",
  "surge",
  "state-saved",
  "api-error",
  "stopped",
  "finished",
] as const;

export type DrainEventKind = (typeof DRAIN_EVENT_KINDS)[number];

interface Base {
  /** Epoch ms, from the drain's clock. */
  at: number;
  nodeName: string;
}

export type DrainEvent = Base &
  (
    | { kind: "started"; startedAt: number; deadline: number; resumed: boolean; phase: string }
    | { kind: "cordoned"; taint?: string; excludedFromLoadBalancers: boolean }
    | { kind: "tier-started"; tier: Tier; pods: number }
    | { kind: "skipped"; pod: PodRef; reason: PodReason; message: string }
    /** About to evict a pod whose loss is not undone: no controller (bare), or emptyDir data. */
    | { kind: "caution"; pod: PodRef; reason: PodReason; message: string }
    | { kind: "evicted"; pod: PodRef; tier: Tier; gracePeriodSeconds?: number }
    | {
        kind: "blocked";
        pod: PodRef;
        cause: "budget" | "multiple-budgets" | "namespace-terminating";
        budget?: string;
        disruptionsAllowed?: number;
        message: string;
        retryInMs: number;
        /** True when the API server refused an eviction (429/500/403); false when the drain held it back itself. */
        refused?: boolean;
      }
    | { kind: "retrying"; pod?: PodRef; operation: string; message: string; retryInMs: number }
    | { kind: "waiting"; pod: PodRef; reason: PodReason; until?: number; message: string }
    | { kind: "gone"; pod: PodRef; replaced: boolean }
    | { kind: "forced"; pod: PodRef; gracePeriodSeconds: number }
    | { kind: "deadline-approaching"; deadline: number; remainingMs: number; podsLeft: number }
    | { kind: "deadline-reached"; deadline: number; podsLeft: number; policy: "force" | "leave" }
    | {
        /** The drain waits for these volumes of the drained pods to detach from the node. */
        kind: "volumes-waiting";
        /** PersistentVolume names (`inline:<handle>` for inline volumes). */
        volumes: string[];
        /** Their VolumeAttachments on the node. */
        attachments: string[];
        /** The attacher's detach errors, if any ("<volume>: <message>"). */
        detachErrors: string[];
        /** When the wait ends at the latest (the deadline, or the policy's timeout), epoch ms. */
        until: number;
      }
    | {
        /** The wait for volumes ended: every one detached, or (timedOut) the timeout or the deadline came. */
        kind: "volumes-detached";
        waitedMs: number;
        timedOut: boolean;
        /** The VolumeAttachments still there (empty when detached). */
        attachments: string[];
        /** The volumes waited for (timedOut: those still attached). */
        volumes?: string[];
        /** The deadline ended the wait. */
        atDeadline?: boolean;
      }
    | { kind: "node-deleted" }
    | {
        kind: "surge";
        /** namespace/name of the Deployment. */
        workload: string;
        /** started: replicas raised; ready: the replacements are Ready; restored / fell-back: replicas put back. */
        phase: "started" | "ready" | "restored" | "fell-back";
        replicas: number;
        surged: number;
        message: string;
      }
    | { kind: "state-saved"; phase: string }
    | { kind: "api-error"; operation: string; retryable: boolean; message: string }
    | { kind: "stopped"; reason: "stop-at" | "abort"; phase: string }
    | { kind: "finished"; status: DrainStatus; evicted: number; forced: number; durationMs: number }
  );

export type DrainObserver = (event: DrainEvent) => void;

/** Distributive Omit, so each variant keeps its own fields. */
export type DrainEventInput = DrainEvent extends infer E
  ? E extends DrainEvent
    ? Omit<E, "at" | "nodeName">
    : never
  : never;
