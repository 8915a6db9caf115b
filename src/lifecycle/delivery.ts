import type { LifecycleActionRef, LifecycleResult } from "../aws/lifecycle.js";
import type { DrainObserver } from "../drain/events.js";
import type { TerminationNotice } from "../events/termination-notice.js";
import type { ContinuationScheduler } from "./continuation-scheduler.js";
import type { DrainRun } from "./drain-run.js";

/** One delivery of a notice: what it says, who carries it, and how it can be continued. */
export interface Delivery {
  notice: TerminationNotice;
  /** 0 for the lifecycle event, n for the n-th continuation. */
  attempt: number;
  /** Identifies this delivery (the invocation's request ID and SQS message ID, the worker's message...). */
  owner: string;
  /** Milliseconds this delivery may still run (a Lambda's remaining time; Infinity for a worker). */
  remainingMs: () => number;
  continuations: ContinuationScheduler;
  /** The shell is shutting down: the drain stops with its state saved and the notice is given back. */
  signal?: AbortSignal;
  /** The drain's deadline (epoch ms) instead of the one the notice's start and the settings give. */
  deadline?: number;
  /** The result a drain that lets the instance go completes with; CONTINUE unless asked otherwise. */
  result?: LifecycleResult;
  /**
   * The action is addressed by its instance alone: its token is not known (a hook finished by hand), and
   * `notice.token` only names the node's lifecycle record.
   */
  byInstance?: boolean;
  /** Told every drain event (a progress display). */
  observer?: DrainObserver;
  /** Told how the drain ran, once it has (the engine's report, heartbeats). */
  onDrainRun?: (run: DrainRun) => void;
}

/** The lifecycle action a delivery is about, as Auto Scaling is asked about it. */
export function actionOf(delivery: Delivery): LifecycleActionRef {
  const { asgName, hookName, instanceId, token } = delivery.notice;
  return delivery.byInstance === true
    ? { asgName, hookName, instanceId }
    : { asgName, hookName, instanceId, token };
}
