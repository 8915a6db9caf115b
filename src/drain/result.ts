import type { PodRef } from "./cluster-port.js";
import type { ForcedPod } from "./drain-state.js";
import type { DrainPlan } from "./plan.js";
import type { PodReason } from "./pod-filters.js";
import type { Tier } from "./tiers.js";

/**
 * - drained: every pod that had to go is gone (and the optional later steps are done);
 * - deadline-forced: the deadline came and pods were deleted with their grace clamped, or the wait for
 *   volumes to detach was cut short (policy force);
 * - deadline-left: the deadline came and the drain stopped, leaving pods or attached volumes (policy leave);
 * - in-progress: stopped by `stopAt` or the abort signal; state is saved on the node, run again to continue;
 * - failed: it cannot proceed (see `error`);
 * - planned: a dry run; nothing was written (see `plan`).
 */
export type DrainStatus =
  | "drained"
  | "deadline-forced"
  | "deadline-left"
  | "in-progress"
  | "failed"
  | "planned";

export interface EvictedPod extends PodRef {
  tier: Tier;
  at: number;
  /** Set when the grace period was shortened to end before the deadline. */
  gracePeriodSeconds?: number;
}

export interface SkippedPod extends PodRef {
  reason: PodReason;
  message: string;
}

export interface BlockedPod extends PodRef {
  cause: "budget" | "multiple-budgets" | "namespace-terminating";
  /** namespace/name of the blocking budget (for "multiple-budgets", all of them, comma-separated). */
  budget?: string;
  disruptionsAllowed?: number;
  message: string;
  /** Epoch ms since when it is held back. */
  since: number;
  /** Refusals from the server so far (0: held back by the budget's status, as the watch shows it). */
  refusals: number;
}

export interface WaitedPod extends PodRef {
  reason: PodReason;
  /** When its wait ends (the opt-out's end or the deadline), epoch ms. */
  until?: number;
  /** True once it went away during this run. */
  gone: boolean;
}

/** The wait for the drained pods' volumes to detach from the node (policy waitForVolumeDetach). */
export interface VolumeWaitResult {
  /** The volumes waited for: PersistentVolume names, `inline:<handle>` for inline volumes. */
  volumes: string[];
  /** Those still attached to the node when this run ended. */
  attached: string[];
  /**
   * - waiting: this run ended first (stopped);
   * - detached: every one is detached;
   * - timed-out: `volumeDetachTimeoutMs` passed first; the drain went on with a warning;
   * - deadline: the drain's deadline came first (policy "force": the drain went on; "leave": it stopped there).
   */
  outcome: "waiting" | "detached" | "timed-out" | "deadline";
  /** From the start of the wait (across runs) to the end of this run's share of it. */
  waitedMs: number;
}

export interface DrainError {
  message: string;
  /** True when running the drain again later may succeed. */
  retryable: boolean;
  code: "node-not-found" | "refused-pods" | "cluster" | "state" | "internal";
}

export interface DrainResult {
  status: DrainStatus;
  nodeName: string;
  /** When the drain first started (kept across runs), epoch ms. */
  startedAt: number;
  /** The drain's deadline (kept across runs), epoch ms. */
  deadline: number;
  /** The step the drain is in, or "finished". */
  phase: string;
  /** Evictions accepted during this run. */
  evicted: EvictedPod[];
  /** Pods forced at the deadline, over all runs. */
  forced: ForcedPod[];
  skipped: SkippedPod[];
  /** Pods whose eviction is refused at the end of this run. */
  blocked: BlockedPod[];
  /** Pods waited for without evicting them (opted out, already terminating). */
  waitedFor: WaitedPod[];
  /** Pods that had to go and are still on the node at the end of this run. */
  remaining: PodRef[];
  /** Totals over all runs. */
  counts: { evicted: number; forced: number; invocations: number };
  timings: {
    /** This run's start and end, epoch ms. */
    runStartedAt: number;
    finishedAt: number;
    runMs: number;
    /** From the drain's first start to now. */
    totalMs: number;
    /** When each tier started and emptied during this run. */
    tiers: Partial<Record<Tier, { startedAt: number; finishedAt?: number }>>;
  };
  stoppedBy?: "stop-at" | "abort";
  /** Present when this run waited for volumes to detach. */
  volumes?: VolumeWaitResult;
  /** True when this run deleted the Node object (policy deleteNode, after a successful drain). */
  nodeDeleted?: boolean;
  warnings: string[];
  /** Dry runs only. */
  plan?: DrainPlan;
  error?: DrainError;
}
