import {
  type AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLifecycleHooksCommand,
  type LifecycleHook,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import { AwsCallError, awsErrorCode, wrapAwsError } from "./aws-error.js";
import {
  type CompletionOutcome,
  defaultHeartbeatTimeoutSeconds,
  globalTimeoutSeconds,
  type HeartbeatOutcome,
  type InstanceRefreshStatus,
  type InstanceRefreshView,
  type LifecycleActionRef,
  type LifecycleActions,
  type LifecycleHookSettings,
  type LifecycleResult,
  leavingStates,
  noActiveActionMessage,
  replacingStatuses,
} from "./lifecycle.js";

/** Was this failure Auto Scaling saying the action is no longer waiting? */
export function isNoActiveAction(error: unknown): boolean {
  return (
    awsErrorCode(error) === "ValidationError" &&
    error instanceof Error &&
    error.message.includes(noActiveActionMessage)
  );
}

function describeAction(action: LifecycleActionRef): string {
  return `lifecycle action of ${action.instanceId} (group ${action.asgName}, hook ${action.hookName})`;
}

function actionParameters(action: LifecycleActionRef) {
  return {
    AutoScalingGroupName: action.asgName,
    LifecycleHookName: action.hookName,
    InstanceId: action.instanceId,
    ...(action.token ? { LifecycleActionToken: action.token } : {}),
  };
}

/**
 * The lifecycle action over the Auto Scaling API. Hook settings are cached per group and hook for the
 * life of this object (they change only with a redeploy); a failed describe is not cached.
 */
export class AutoScalingLifecycle implements LifecycleActions {
  private readonly hooks = new Map<string, Promise<LifecycleHookSettings>>();

  constructor(private readonly client: AutoScalingClient) {}

  describeHook(asgName: string, hookName: string): Promise<LifecycleHookSettings> {
    const key = `${asgName}\u0000${hookName}`;
    const known = this.hooks.get(key);
    if (known !== undefined) return known;
    const describing = this.describeNow(asgName, hookName);
    this.hooks.set(key, describing);
    describing.catch(() => {
      if (this.hooks.get(key) === describing) this.hooks.delete(key);
    });
    return describing;
  }

  async recordHeartbeat(
    action: LifecycleActionRef,
    options?: { signal?: AbortSignal },
  ): Promise<HeartbeatOutcome> {
    try {
      await this.client.send(
        new RecordLifecycleActionHeartbeatCommand(actionParameters(action)),
        options?.signal ? { abortSignal: options.signal } : {},
      );
      return "recorded";
    } catch (cause) {
      if (isNoActiveAction(cause)) return "action-gone";
      throw wrapAwsError(`recording a heartbeat for the ${describeAction(action)}`, cause);
    }
  }

  async complete(action: LifecycleActionRef, result: LifecycleResult): Promise<CompletionOutcome> {
    try {
      await this.client.send(
        new CompleteLifecycleActionCommand({ ...actionParameters(action), LifecycleActionResult: result }),
      );
      return "completed";
    } catch (cause) {
      if (isNoActiveAction(cause)) return "already-complete";
      throw wrapAwsError(`completing the ${describeAction(action)} with ${result}`, cause);
    }
  }

  /**
   * DescribeAutoScalingGroups of the one group: its instances whose LifecycleState is a terminating one.
   * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Instance.html
   */
  async leavingInstances(asgName: string): Promise<string[]> {
    return this.instancesIn(asgName, (state) => leavingStates.has(state));
  }

  /**
   * DescribeInstanceRefreshes of the group, the latest first
   * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeInstanceRefreshes.html); while it
   * replaces instances, the group's InService instances too (the API does not say which are still to be
   * replaced: the caller compares their launch time with the refresh's StartTime).
   */
  async instanceRefresh(asgName: string): Promise<InstanceRefreshView | undefined> {
    let latest: { id: string; status: InstanceRefreshStatus; startedAt?: number } | undefined;
    try {
      const answer = await this.client.send(
        new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: asgName, MaxRecords: 1 }),
      );
      const [refresh] = answer.InstanceRefreshes ?? [];
      if (refresh?.InstanceRefreshId === undefined || refresh.Status === undefined) return undefined;
      latest = {
        id: refresh.InstanceRefreshId,
        status: refresh.Status as InstanceRefreshStatus,
        ...(refresh.StartTime === undefined ? {} : { startedAt: refresh.StartTime.getTime() }),
      };
    } catch (cause) {
      throw wrapAwsError(`describing the instance refreshes of Auto Scaling group ${asgName}`, cause);
    }
    if (!replacingStatuses.has(latest.status)) return latest;
    return { ...latest, inService: await this.instancesIn(asgName, (state) => state === "InService") };
  }

  private async instancesIn(asgName: string, wanted: (state: string) => boolean): Promise<string[]> {
    try {
      const answer = await this.client.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] }),
      );
      const group = answer.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === asgName);
      return (group?.Instances ?? [])
        .filter((instance) => wanted(instance.LifecycleState ?? ""))
        .flatMap((instance) => (instance.InstanceId === undefined ? [] : [instance.InstanceId]));
    } catch (cause) {
      throw wrapAwsError(`describing Auto Scaling group ${asgName}`, cause);
    }
  }

  private async describeNow(asgName: string, hookName: string): Promise<LifecycleHookSettings> {
    const context = `describing lifecycle hook ${hookName} of Auto Scaling group ${asgName}`;
    let hooks: LifecycleHook[];
    try {
      const answer = await this.client.send(
        new DescribeLifecycleHooksCommand({ AutoScalingGroupName: asgName, LifecycleHookNames: [hookName] }),
      );
      hooks = answer.LifecycleHooks ?? [];
    } catch (cause) {
      throw wrapAwsError(context, cause);
    }
    const hook = hooks.find((candidate) => candidate.LifecycleHookName === hookName);
    if (hook === undefined) throw new AwsCallError(`${context}: no such hook`, { retryable: false });
    return settingsOf(hook);
  }
}

/** Reads a hook's timing, with Auto Scaling's own defaults for what it leaves out. */
export function settingsOf(hook: LifecycleHook): LifecycleHookSettings {
  const heartbeatTimeoutSeconds = hook.HeartbeatTimeout ?? defaultHeartbeatTimeoutSeconds;
  return {
    heartbeatTimeoutSeconds,
    defaultResult: hook.DefaultResult === "CONTINUE" ? "CONTINUE" : "ABANDON",
    globalTimeoutSeconds: hook.GlobalTimeout ?? globalTimeoutSeconds(heartbeatTimeoutSeconds),
  };
}
