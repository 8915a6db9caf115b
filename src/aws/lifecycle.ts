/**
 * The terminate lifecycle action as the drainer sees it: the hook's timing, heartbeats and one completion.
 * Implemented over Auto Scaling (auto-scaling-lifecycle.ts) and in memory for simulations
 * (src/sim/auto-scaling-group.ts).
 */

export type LifecycleResult = "CONTINUE" | "ABANDON";

export interface LifecycleHookSettings {
  /** Seconds the action waits without a heartbeat before the DefaultResult applies (30–7200). */
  heartbeatTimeoutSeconds: number;
  defaultResult: LifecycleResult;
  /** How long the action may wait in all, heartbeats or not: min(48 h, 100 × HeartbeatTimeout). */
  globalTimeoutSeconds: number;
}

/** One lifecycle action. A TerminationNotice has these fields, so a notice can be passed as it is. */
export interface LifecycleActionRef {
  asgName: string;
  hookName: string;
  instanceId: string;
  /** The action's LifecycleActionToken; without it the instance's current action is meant. */
  token?: string | undefined;
}

/** `action-gone`: no action is waiting any more (completed elsewhere, timed out, or the instance is gone). */
export type HeartbeatOutcome = "recorded" | "action-gone";
/** `already-complete`: "No active Lifecycle Action found", which for a drainer means done. */
export type CompletionOutcome = "completed" | "already-complete";

export interface LifecycleActions {
  describeHook(asgName: string, hookName: string): Promise<LifecycleHookSettings>;
  recordHeartbeat(action: LifecycleActionRef, options?: { signal?: AbortSignal }): Promise<HeartbeatOutcome>;
  complete(action: LifecycleActionRef, result: LifecycleResult): Promise<CompletionOutcome>;
  /**
   * The group's instances on their way out: lifecycle state Terminating, Terminating:Wait or
   * Terminating:Proceed (DescribeAutoScalingGroups). Optional: without it, no batch cordon.
   */
  leavingInstances?(asgName: string): Promise<string[]>;
  /**
   * The group's latest instance refresh (DescribeInstanceRefreshes), with the instances it has still to
   * replace when known. Optional: without it, no rollout-aware placement.
   */
  instanceRefresh?(asgName: string): Promise<InstanceRefreshView | undefined>;
}

/**
 * Status of an instance refresh as DescribeInstanceRefreshes answers it
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html).
 */
export type InstanceRefreshStatus =
  | "Pending"
  | "InProgress"
  | "Successful"
  | "Failed"
  | "Cancelling"
  | "Cancelled"
  | "RollbackInProgress"
  | "RollbackFailed"
  | "RollbackSuccessful"
  | "Baking";

/** A refresh that is replacing the group's instances (the others have ended, are cancelled or roll back). */
export const replacingStatuses: ReadonlySet<string> = new Set(["Pending", "InProgress"]);

export interface InstanceRefreshView {
  id: string;
  status: InstanceRefreshStatus;
  /** When it started (ms since the epoch), if it has. */
  startedAt?: number;
  /**
   * Instances it has still to replace (launched before it started, not terminating yet); undefined when
   * the source cannot tell.
   */
  toReplace?: string[];
  /**
   * When toReplace is unknown: the group's instances in service (InService, not leaving); those launched
   * before startedAt are the ones still to replace (the Auto Scaling API does not list them).
   */
  inService?: string[];
}

/** Lifecycle states of an instance that is leaving its group (Warmed:* instances are not nodes). */
export const leavingStates: ReadonlySet<string> = new Set([
  "Terminating",
  "Terminating:Wait",
  "Terminating:Proceed",
]);

export const minHeartbeatTimeoutSeconds = 30;
export const maxHeartbeatTimeoutSeconds = 7200;
export const defaultHeartbeatTimeoutSeconds = 3600;
export const maxGlobalTimeoutSeconds = 48 * 3600;

/** min(48 h, 100 × HeartbeatTimeout), in seconds. */
export function globalTimeoutSeconds(heartbeatTimeoutSeconds: number): number {
  return Math.min(maxGlobalTimeoutSeconds, 100 * heartbeatTimeoutSeconds);
}

/**
 * The global deadline of an action that started at `startedAt` (ms since the epoch, or an ISO 8601 time
 * such as a notice's receivedAt): past it Auto Scaling applies the DefaultResult whatever we do.
 */
export function actionDeadline(startedAt: number | string, hook: LifecycleHookSettings): number {
  const start = typeof startedAt === "number" ? startedAt : Date.parse(startedAt);
  if (!Number.isFinite(start))
    throw new RangeError(`action start ${JSON.stringify(startedAt)} is not a time`);
  return start + hook.globalTimeoutSeconds * 1000;
}

/** The text Auto Scaling answers when an action is no longer waiting ("No active Lifecycle Action found with …"). */
export const noActiveActionMessage = "No active Lifecycle Action found";
