import { createHash, randomUUID } from "node:crypto";
import { AwsCallError } from "../aws/aws-error.js";
import type { ClusterAccess, ClusterConnection } from "../aws/cluster-access.js";
import {
  type CompletionOutcome,
  globalTimeoutSeconds,
  type HeartbeatOutcome,
  type InstanceRefreshStatus,
  type InstanceRefreshView,
  type LifecycleActionRef,
  type LifecycleActions,
  type LifecycleHookSettings,
  type LifecycleResult,
  maxHeartbeatTimeoutSeconds,
  minHeartbeatTimeoutSeconds,
} from "../aws/lifecycle.js";
import type { GroupTrafficSources, TrafficSource } from "../aws/load-balancing.js";
import { autoScalingSource, launchDetailType, terminateDetailType } from "../events/eventbridge-event.js";
import { launchingTransition, terminatingTransition } from "../events/lifecycle-fields.js";

export interface SimulatedAutoScalingGroupOptions {
  name?: string;
  hookName?: string;
  /** 30–7200 s; default 300. */
  heartbeatTimeoutSeconds?: number;
  defaultResult?: LifecycleResult;
  /** NotificationMetadata of the hook, e.g. `{"clusterName":"sim"}`; none by default. */
  notificationMetadata?: string;
  /** The group also has a launch lifecycle hook of this name (same timeout and DefaultResult). */
  launchHookName?: string;
  region?: string;
  accountId?: string;
  /** The same clock as the simulated cluster's, so that timestamps line up. Default: real time. */
  clock?: { now(): number };
  /**
   * Target groups attached to the group (traffic sources of type elbv2): listed by trafficSources, and
   * told when an instance starts terminating (Auto Scaling deregisters it from them).
   */
  targetGroups?: {
    attachedToGroup(): string[];
    deregisterFromAttached(instanceId: string): void;
  };
}

export interface SimulatedLifecycleAction {
  instanceId: string;
  token: string;
  transition: "terminate" | "launch";
  /** EC2 | AutoScalingGroup | WarmPool, as the event carries them. */
  origin: string;
  destination: string;
  startedAt: number;
  /** When the heartbeat timeout last restarted (start or last heartbeat). */
  lastHeartbeatAt: number;
  state: "waiting" | "completed" | "timed-out";
  /** CONTINUE/ABANDON once ended: the completion's, or the DefaultResult on a timeout. */
  result?: LifecycleResult;
  endedAt?: number;
}

export interface RecordedHeartbeat {
  instanceId: string;
  token: string | undefined;
  at: number;
  outcome: HeartbeatOutcome;
}

export interface RecordedCompletion {
  instanceId: string;
  token: string | undefined;
  result: LifecycleResult;
  at: number;
  outcome: CompletionOutcome;
}

type Operation = "describeHook" | "recordHeartbeat" | "complete";

/**
 * An Auto Scaling group with a terminate lifecycle hook (and optionally a launch hook), in memory: it starts lifecycle actions and
 * builds the EventBridge event a real group would emit for them, records every heartbeat and completion
 * with its time, ends an action at its heartbeat or global timeout with the DefaultResult (checked
 * whenever it is asked), and answers a completion of an action no longer waiting as already complete.
 */
export class SimulatedAutoScalingGroup implements LifecycleActions, GroupTrafficSources {
  readonly name: string;
  readonly hookName: string;
  readonly hook: LifecycleHookSettings;
  private readonly clock: { now(): number };
  private readonly actions: SimulatedLifecycleAction[] = [];
  private readonly heartbeatLog: RecordedHeartbeat[] = [];
  private readonly completionLog: RecordedCompletion[] = [];
  private readonly failures: { operation: Operation; error: unknown }[] = [];
  private readonly refreshes: {
    id: string;
    status: InstanceRefreshStatus;
    startedAt: number;
    endedAt?: number;
    toReplace: Set<string>;
  }[] = [];

  constructor(private readonly options: SimulatedAutoScalingGroupOptions = {}) {
    this.name = options.name ?? "sim-workers";
    this.hookName = options.hookName ?? "drain-before-terminate";
    const heartbeatTimeoutSeconds = options.heartbeatTimeoutSeconds ?? 300;
    if (
      heartbeatTimeoutSeconds < minHeartbeatTimeoutSeconds ||
      heartbeatTimeoutSeconds > maxHeartbeatTimeoutSeconds
    ) {
      throw new RangeError(`heartbeatTimeoutSeconds must be 30–7200, got ${heartbeatTimeoutSeconds}`);
    }
    this.hook = {
      heartbeatTimeoutSeconds,
      defaultResult: options.defaultResult ?? "ABANDON",
      globalTimeoutSeconds: globalTimeoutSeconds(heartbeatTimeoutSeconds),
    };
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /**
   * Puts an instance into Terminating:Wait (Warmed:Pending:Wait towards the warm pool) and returns the
   * EventBridge event announcing it, shaped as Auto Scaling emits it ("EC2 Instance-terminate Lifecycle
   * Action"). Origin/Destination default to AutoScalingGroup → EC2; a scale-in into the warm pool is
   * AutoScalingGroup → WarmPool (https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pools-eventbridge-events.html).
   */
  terminate(
    instanceId: string,
    options: { token?: string; origin?: string; destination?: string } = {},
  ): { event: Record<string, unknown>; token: string } {
    return this.startAction(instanceId, "terminate", {
      origin: options.origin ?? "AutoScalingGroup",
      destination: options.destination ?? "EC2",
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  }

  /**
   * Puts an instance into Pending:Wait for the launch hook and returns the "EC2 Instance-launch Lifecycle
   * Action" event; from the warm pool into service it is WarmPool → AutoScalingGroup. Needs launchHookName.
   */
  launch(
    instanceId: string,
    options: { token?: string; origin?: string; destination?: string } = {},
  ): { event: Record<string, unknown>; token: string } {
    if (this.options.launchHookName === undefined) {
      throw new Error(`group ${this.name} has no launch lifecycle hook`);
    }
    return this.startAction(instanceId, "launch", {
      origin: options.origin ?? "EC2",
      destination: options.destination ?? "AutoScalingGroup",
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  }

  /** The group's launch hook, if it has one. */
  get launchHookName(): string | undefined {
    return this.options.launchHookName;
  }

  /** Every lifecycle action started, in order, with timeouts applied as of now. */
  allActions(): SimulatedLifecycleAction[] {
    return this.actions.map((action) => {
      this.expire(action);
      return { ...action };
    });
  }

  private startAction(
    instanceId: string,
    transition: "terminate" | "launch",
    options: { token?: string; origin: string; destination: string },
  ): { event: Record<string, unknown>; token: string } {
    const now = this.clock.now();
    const token = options.token ?? randomUUID();
    // A terminating instance leaves the group's attached target groups (their deregistration delay runs).
    if (transition === "terminate") this.options.targetGroups?.deregisterFromAttached(instanceId);
    const { origin, destination } = options;
    this.actions.push({
      instanceId,
      token,
      transition,
      origin,
      destination,
      startedAt: now,
      lastHeartbeatAt: now,
      state: "waiting",
    });
    const region = this.options.region ?? "us-west-2";
    const account = this.options.accountId ?? "123456789012";
    const launch = transition === "launch";
    const detail: Record<string, unknown> = {
      LifecycleActionToken: token,
      AutoScalingGroupName: this.name,
      LifecycleHookName: launch ? this.options.launchHookName : this.hookName,
      EC2InstanceId: instanceId,
      LifecycleTransition: launch ? launchingTransition : terminatingTransition,
      Origin: origin,
      Destination: destination,
    };
    if (this.options.notificationMetadata !== undefined)
      detail.NotificationMetadata = this.options.notificationMetadata;
    const event = {
      version: "0",
      id: randomUUID(),
      "detail-type": launch ? launchDetailType : terminateDetailType,
      source: autoScalingSource,
      account,
      time: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
      region,
      resources: [
        `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${this.name}`,
      ],
      detail,
    };
    return { event, token };
  }

  /** The action of this token, or the latest of this instance, with timeouts applied as of now. */
  action(tokenOrInstanceId: string): SimulatedLifecycleAction | undefined {
    const found = this.actions.findLast(
      (action) => action.token === tokenOrInstanceId || action.instanceId === tokenOrInstanceId,
    );
    if (found) this.expire(found);
    return found ? { ...found } : undefined;
  }

  /** DescribeTrafficSources: the attached target groups (type elbv2). */
  async trafficSources(asgName: string): Promise<TrafficSource[]> {
    if (asgName !== this.name) {
      throw new AwsCallError(
        `describing the traffic sources of Auto Scaling group ${asgName}: no such group`,
        {
          retryable: false,
          code: "ValidationError",
        },
      );
    }
    const arns = this.options.targetGroups?.attachedToGroup() ?? [];
    return arns.map((identifier) => ({ type: "elbv2", identifier }));
  }

  heartbeats(): RecordedHeartbeat[] {
    return this.heartbeatLog.map((entry) => ({ ...entry }));
  }

  /** Every completion call, including those answered already-complete. */
  completions(): RecordedCompletion[] {
    return this.completionLog.map((entry) => ({ ...entry }));
  }

  /** Makes the next `times` calls of `operation` fail with `error` (an AwsCallError for realism). */
  failNext(operation: Operation, error: unknown, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ operation, error });
  }

  async describeHook(asgName: string, hookName: string): Promise<LifecycleHookSettings> {
    this.injectedFailure("describeHook");
    if (asgName !== this.name || !this.hasHook(hookName)) {
      throw new AwsCallError(
        `describing lifecycle hook ${hookName} of Auto Scaling group ${asgName}: no such hook`,
        { retryable: false, code: "ValidationError" },
      );
    }
    return { ...this.hook };
  }

  async recordHeartbeat(ref: LifecycleActionRef): Promise<HeartbeatOutcome> {
    this.injectedFailure("recordHeartbeat");
    const now = this.clock.now();
    const action = this.waitingAction(ref);
    const outcome: HeartbeatOutcome = action ? "recorded" : "action-gone";
    if (action) action.lastHeartbeatAt = now;
    this.heartbeatLog.push({ instanceId: ref.instanceId, token: ref.token, at: now, outcome });
    return outcome;
  }

  async complete(ref: LifecycleActionRef, result: LifecycleResult): Promise<CompletionOutcome> {
    this.injectedFailure("complete");
    const now = this.clock.now();
    const action = this.waitingAction(ref);
    const outcome: CompletionOutcome = action ? "completed" : "already-complete";
    if (action) Object.assign(action, { state: "completed", result, endedAt: now });
    this.completionLog.push({ instanceId: ref.instanceId, token: ref.token, result, at: now, outcome });
    return outcome;
  }

  /**
   * As DescribeAutoScalingGroups lists them: the instances whose terminate action waits (Terminating:Wait)
   * or ended less than a minute ago (Terminating:Proceed, until the instance is gone).
   */
  async leavingInstances(asgName: string): Promise<string[]> {
    if (asgName !== this.name) return [];
    const now = this.clock.now();
    const leaving = new Set<string>();
    for (const action of this.actions) {
      this.expire(action);
      const proceeding = action.endedAt !== undefined && now - action.endedAt < 60_000;
      if (action.state === "waiting" || proceeding) leaving.add(action.instanceId);
    }
    return [...leaving];
  }

  /**
   * StartInstanceRefresh: the refresh is InProgress at once and has these instances to replace; each
   * terminate action started from now on takes its instance off that list.
   */
  startInstanceRefresh(instanceIds: readonly string[]): string {
    const current = this.refreshes.at(-1);
    if (current !== undefined && (current.status === "InProgress" || current.status === "Cancelling")) {
      throw new AwsCallError(`group ${this.name} has an instance refresh in progress already`, {
        retryable: false,
        code: "InstanceRefreshInProgress",
      });
    }
    const id = randomUUID();
    this.refreshes.push({
      id,
      status: "InProgress",
      startedAt: this.clock.now(),
      toReplace: new Set(instanceIds),
    });
    return id;
  }

  /** CancelInstanceRefresh: Cancelling until the batch under way has ended (endInstanceRefresh). */
  cancelInstanceRefresh(): void {
    const current = this.refreshes.at(-1);
    if (current?.status !== "InProgress") {
      throw new AwsCallError(`group ${this.name} has no instance refresh in progress`, {
        retryable: false,
        code: "ActiveInstanceRefreshNotFound",
      });
    }
    current.status = "Cancelling";
  }

  /** The refresh is over: Successful, or Cancelled if it was being cancelled. */
  endInstanceRefresh(): void {
    const current = this.refreshes.at(-1);
    if (current === undefined || (current.status !== "InProgress" && current.status !== "Cancelling")) return;
    current.status = current.status === "Cancelling" ? "Cancelled" : "Successful";
    current.endedAt = this.clock.now();
  }

  /** Is the latest refresh being cancelled (the player starts no further batch)? */
  get instanceRefreshCancelling(): boolean {
    return this.refreshes.at(-1)?.status === "Cancelling";
  }

  /** DescribeInstanceRefreshes' latest entry, with the instances still to replace (not yet terminating). */
  async instanceRefresh(asgName: string): Promise<InstanceRefreshView | undefined> {
    const current = this.refreshes.at(-1);
    if (asgName !== this.name || current === undefined) return undefined;
    const terminating = new Set(
      this.actions.filter((action) => action.transition === "terminate").map((action) => action.instanceId),
    );
    return {
      id: current.id,
      status: current.status,
      startedAt: current.startedAt,
      toReplace: [...current.toReplace].filter((id) => !terminating.has(id)),
    };
  }

  private waitingAction(ref: LifecycleActionRef): SimulatedLifecycleAction | undefined {
    if (ref.asgName !== this.name || !this.hasHook(ref.hookName)) {
      throw new AwsCallError(
        `lifecycle action of ${ref.instanceId}: no hook ${ref.hookName} on group ${ref.asgName}`,
        {
          retryable: false,
          code: "ValidationError",
        },
      );
    }
    const action = this.actions.findLast(
      (candidate) =>
        candidate.instanceId === ref.instanceId && (ref.token === undefined || candidate.token === ref.token),
    );
    if (action) this.expire(action);
    return action?.state === "waiting" ? action : undefined;
  }

  private hasHook(hookName: string): boolean {
    return hookName === this.hookName || hookName === this.options.launchHookName;
  }

  /** Ends an action whose heartbeat timeout or global timeout has passed, with the DefaultResult. */
  private expire(action: SimulatedLifecycleAction): void {
    if (action.state !== "waiting") return;
    const heartbeatEnd = action.lastHeartbeatAt + this.hook.heartbeatTimeoutSeconds * 1000;
    const globalEnd = action.startedAt + this.hook.globalTimeoutSeconds * 1000;
    const end = Math.min(heartbeatEnd, globalEnd);
    if (this.clock.now() < end) return;
    Object.assign(action, { state: "timed-out", result: this.hook.defaultResult, endedAt: end });
  }

  private injectedFailure(operation: Operation): void {
    const index = this.failures.findIndex((failure) => failure.operation === operation);
    if (index < 0) return;
    const [failure] = this.failures.splice(index, 1);
    throw failure?.error;
  }
}

/** The simulated cluster's address, CA and token, as `startSimCluster` returns them. */
export interface SimulatedClusterCredentials {
  server: string;
  caData: string;
  /** A fixed token, or a function (to simulate expiry and re-minting). */
  token: string | (() => string | Promise<string>);
}

/**
 * A ClusterAccess that answers for one simulated cluster instead of EKS. With `clusterName`, other names
 * fail as DescribeCluster would ("no such cluster", not retryable). `connects` lists each request.
 */
export function simulatedClusterAccess(
  cluster: SimulatedClusterCredentials,
  options: { clusterName?: string } = {},
): ClusterAccess & { readonly connects: string[] } {
  const connects: string[] = [];
  return {
    connects,
    async connect(clusterName: string): Promise<ClusterConnection> {
      connects.push(clusterName);
      if (options.clusterName !== undefined && clusterName !== options.clusterName) {
        throw new AwsCallError(`describing EKS cluster ${clusterName}: no such cluster`, {
          retryable: false,
          code: "ResourceNotFoundException",
        });
      }
      const { token } = cluster;
      return {
        clusterName,
        endpoint: cluster.server,
        caData: cluster.caData,
        bearerToken: async () => (typeof token === "string" ? token : token()),
      };
    },
    forget: () => {},
  };
}

/**
 * Wraps messages (events or continuation messages) into an SQS batch event as Lambda's SQS poller
 * delivers it, so that a simulation can drive the SQS path of the handler too.
 */
export function sqsBatchOf(
  messages: readonly unknown[],
  options: { queueArn?: string; receiveCount?: number } = {},
): { Records: Record<string, unknown>[] } {
  const queueArn = options.queueArn ?? "arn:aws:sqs:us-west-2:123456789012:eks-node-drainer-notices";
  const region = queueArn.split(":")[3] ?? "us-west-2";
  return {
    Records: messages.map((message) => {
      const body = JSON.stringify(message);
      const messageId = randomUUID();
      return {
        messageId,
        receiptHandle: `AQEB${Buffer.from(messageId).toString("base64")}`,
        body,
        attributes: {
          ApproximateReceiveCount: String(options.receiveCount ?? 1),
          SentTimestamp: String(Date.now()),
          SenderId: "AIDAEXAMPLESENDER",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: createHash("md5").update(body).digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: queueArn,
        awsRegion: region,
      };
    }),
  };
}
