import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { AutoScalingLifecycle } from "../aws/auto-scaling-lifecycle.js";
import { withHeartbeats } from "../aws/heartbeater.js";
import type {
  LifecycleActionRef,
  LifecycleActions,
  LifecycleHookSettings,
  LifecycleResult,
} from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import { isRetryable } from "../drain/cluster-port.js";
import type { DrainResult } from "../drain/result.js";
import { CliError } from "./cli-error.js";

/** What became of the lifecycle action a drain was asked to complete (`--complete-lifecycle-action`). */
export interface LifecycleCompletion {
  asgName: string;
  hookName: string;
  instanceId: string;
  result: LifecycleResult;
  outcome: "completed" | "already-complete" | "not-completed" | "failed";
  /** Why it was not completed, or why completing failed. */
  reason?: string;
  /** Heartbeats recorded while the drain ran. */
  heartbeats: number;
}

export interface LifecycleRequest {
  asgName: string;
  hookName: string;
  instanceId: string;
  result: LifecycleResult;
}

/** The Auto Scaling API through the SDK's default credentials and region (or `region`). */
export function autoScalingLifecycle(region: string | undefined): LifecycleActions {
  return new AutoScalingLifecycle(new AutoScalingClient(region === undefined ? {} : { region }));
}

/**
 * Finishes a stuck terminate hook by hand: the hook is described first (so a wrong group or hook fails
 * before the node is touched), heartbeats keep the action waiting while the drain runs, and once the
 * drain has ended with the pods gone (drained, or forced at the deadline) the action is completed with
 * the requested result. A failed, interrupted or dry-run drain leaves the action waiting.
 */
export class LifecycleCompleter {
  private hook: LifecycleHookSettings | undefined;
  private beats = 0;

  constructor(
    private readonly lifecycle: LifecycleActions,
    private readonly request: LifecycleRequest,
    private readonly clock: Clock,
    private readonly note: (text: string, level?: "info" | "warn" | "detail") => void,
  ) {}

  private get action(): LifecycleActionRef {
    return {
      asgName: this.request.asgName,
      hookName: this.request.hookName,
      instanceId: this.request.instanceId,
    };
  }

  /** Describes the hook; a missing hook or missing credentials end the command here. */
  async prepare(): Promise<void> {
    try {
      this.hook = await this.lifecycle.describeHook(this.request.asgName, this.request.hookName);
    } catch (cause) {
      throw new CliError(cause instanceof Error ? cause.message : String(cause), {
        cause,
        retryable: isRetryable(cause),
      });
    }
    this.note(
      `lifecycle hook ${this.request.hookName} of ${this.request.asgName}: heartbeat timeout ${this.hook.heartbeatTimeoutSeconds}s, default result ${this.hook.defaultResult}`,
    );
  }

  /** Runs the drain with heartbeats alongside (none for a dry run). */
  async during(drain: () => Promise<DrainResult>, dryRun: boolean): Promise<DrainResult> {
    const hook = this.hook;
    if (hook === undefined || dryRun) return drain();
    return withHeartbeats(
      {
        lifecycle: this.lifecycle,
        action: this.action,
        hook,
        actionStartedAt: this.clock.now(),
        clock: this.clock,
        onBeat: () => {
          this.beats += 1;
          this.note(`heartbeat recorded for the lifecycle action of ${this.request.instanceId}`);
        },
        onError: (error) =>
          this.note(`heartbeat failed: ${error instanceof Error ? error.message : String(error)}`, "warn"),
      },
      drain,
    );
  }

  /** Completes the action when the drain allows it; an AWS failure is reported as outcome "failed". */
  async finish(result: DrainResult): Promise<LifecycleCompletion> {
    const base = { ...this.request, heartbeats: this.beats };
    const reason = notCompletedReason(result);
    if (reason !== undefined) return { ...base, outcome: "not-completed", reason };
    try {
      const outcome = await this.lifecycle.complete(this.action, this.request.result);
      return { ...base, outcome };
    } catch (cause) {
      return { ...base, outcome: "failed", reason: cause instanceof Error ? cause.message : String(cause) };
    }
  }
}

function notCompletedReason(result: DrainResult): string | undefined {
  switch (result.status) {
    case "drained":
    case "deadline-forced":
      return undefined;
    case "planned":
      return "dry run";
    case "deadline-left":
      return "pods were left on the node at the deadline (--on-deadline leave)";
    case "in-progress":
      return "the drain was interrupted";
    default:
      return `the drain failed${result.error === undefined ? "" : `: ${result.error.message}`}`;
  }
}
