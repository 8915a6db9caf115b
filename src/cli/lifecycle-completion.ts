import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions, LifecycleResult } from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import { isRetryable } from "../drain/cluster-port.js";
import type { DrainObserver } from "../drain/events.js";
import type { DrainPolicy } from "../drain/policy.js";
import type { DrainResult } from "../drain/result.js";
import {
  type ClusterLink,
  CompletionError,
  connectedCluster,
  type DeadlineResult,
  type DrainRun,
  defaultTiming,
  describeError,
  type JobLog,
  LifecycleJob,
  type NoticeOutcome,
  readSettings,
} from "../lifecycle/index.js";
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
  /** How the action is answered when the drain is left at its deadline (--on-deadline leave). */
  deadlineResult: DeadlineResult;
}

export interface HookDrainRequest extends LifecycleRequest {
  lifecycle: LifecycleActions;
  /** The cluster the kubeconfig leads to (its port with the --grace-period override, if any). */
  link: ClusterLink;
  nodeName: string;
  policy: DrainPolicy;
  clock: Clock;
  /** Epoch ms: --timeout from now. */
  deadline: number;
  /** Ctrl-C: the drain stops, its state kept on the node, and the action is left waiting. */
  signal: AbortSignal;
  observer: DrainObserver;
  note: (text: string, level?: "info" | "warn" | "detail") => void;
  random?: (() => number) | undefined;
}

/**
 * Finishes a stuck terminate hook by hand: a thin shell over the lifecycle job. The job describes the
 * hook first (a wrong group or hook fails before the node is touched), drains with heartbeats alongside
 * and completes the action by its instance ID (the token is not known) as its completion policy says;
 * with --on-deadline leave, --deadline-result says how the action of a drain left at its deadline is
 * answered (ABANDON, or by the hook's DefaultResult). Returns the drain's report and what
 * became of the action; a failure before the drain is a CliError.
 */
export async function drainForLifecycleAction(
  request: HookDrainRequest,
): Promise<{ result: DrainResult; lifecycleAction: LifecycleCompletion }> {
  const { clock, note } = request;
  const clusterName = request.link.clusterName;
  const job = new LifecycleJob({
    settings: readSettings({
      CLUSTER_NAME: clusterName,
      ON_DEADLINE: request.policy.onDeadline,
      DEADLINE_RESULT: request.deadlineResult,
    }),
    policy: request.policy,
    clock,
    lifecycle: request.lifecycle,
    instances: knownInstance(request.instanceId, request.nodeName),
    clusters: connectedCluster(request.link),
    log: noteLog(note),
    timing: defaultTiming,
    telemetry: { kubeEvents: false },
    ...(request.random === undefined ? {} : { random: request.random }),
  });
  const startedAt = clock.now();
  let run: DrainRun | undefined;
  const base = {
    asgName: request.asgName,
    hookName: request.hookName,
    instanceId: request.instanceId,
    result: request.result,
  };
  let lifecycleAction: LifecycleCompletion;
  try {
    const outcome = await job.run({
      notice: {
        instanceId: request.instanceId,
        asgName: request.asgName,
        hookName: request.hookName,
        // The action's real token is not known: this key names the lifecycle record of this run alone.
        token: `by-hand/${request.instanceId}/${new Date(startedAt).toISOString()}`,
        clusterName,
        receivedAt: new Date(startedAt).toISOString(),
        via: "command-line",
      },
      byInstance: true,
      attempt: 0,
      owner: `eks-node-drainer drain (pid ${process.pid})`,
      remainingMs: () => Number.POSITIVE_INFINITY,
      continuations: { schedule: async () => "not continued: run the same command again to resume" },
      signal: request.signal,
      deadline: request.deadline,
      result: request.result,
      observer: request.observer,
      onDrainRun: (ran) => {
        run = ran;
      },
    });
    lifecycleAction = { ...base, ...completionOf(outcome), heartbeats: run?.heartbeats ?? 0 };
  } catch (error) {
    if (run?.result === undefined) {
      throw new CliError(describeError(error), { cause: error, retryable: isRetryable(error) });
    }
    const failed = error instanceof CompletionError;
    lifecycleAction = {
      ...base,
      outcome: failed ? "failed" : "not-completed",
      reason: failed ? describeError(error) : notCompletedReason(run.result, error),
      heartbeats: run.heartbeats,
    };
  }
  if (run?.result === undefined) {
    throw new CliError(`the node's drain did not run: ${lifecycleAction.reason ?? lifecycleAction.outcome}`);
  }
  return { result: run.result, lifecycleAction };
}

/** How the job's outcome reads as the CLI reports it. */
function completionOf(outcome: NoticeOutcome): Pick<LifecycleCompletion, "outcome" | "reason"> {
  switch (outcome.kind) {
    case "completed":
      return { outcome: outcome.completion === "already-complete" ? "already-complete" : "completed" };
    case "left-to-default-result":
      return {
        outcome: "not-completed",
        reason:
          "pods were left on the node at the deadline (--on-deadline leave, --deadline-result default-result): the hook's DefaultResult applies",
      };
    default:
      return { outcome: "not-completed", reason: outcome.reason };
  }
}

function notCompletedReason(result: DrainResult, error: unknown): string {
  if (result.status === "in-progress") return "the drain was interrupted";
  if (result.status === "failed") {
    return `the drain failed${result.error === undefined ? "" : `: ${result.error.message}`}`;
  }
  return describeError(error);
}

/** The instance as the CLI already knows it: its node's name stands for its private DNS name. */
function knownInstance(instanceId: string, nodeName: string): InstanceDirectory {
  return {
    describe: async (id) =>
      id === instanceId
        ? { instanceId, privateDnsName: nodeName, availabilityZone: undefined, state: undefined, tags: {} }
        : undefined,
  };
}

/** The job's log as the CLI's progress notes: heartbeats and warnings; the rest is in the drain's events. */
function noteLog(note: HookDrainRequest["note"]): JobLog {
  const log: JobLog = {
    info: (message, fields) => {
      if (message === "heartbeat recorded") {
        note(`heartbeat recorded for the lifecycle action of ${String(fields?.instanceId ?? "")}`);
      }
    },
    warn: (message, fields) =>
      note(`${message}${fields?.error === undefined ? "" : `: ${String(fields.error)}`}`, "warn"),
    error: (message, fields) =>
      note(`${message}${fields?.error === undefined ? "" : `: ${String(fields.error)}`}`, "warn"),
    child: () => log,
  };
  return log;
}

/** A dry run describes the hook only, so that a wrong group or hook is told before anything else. */
export async function describeHookOrFail(lifecycle: LifecycleActions, asgName: string, hookName: string) {
  try {
    return await lifecycle.describeHook(asgName, hookName);
  } catch (cause) {
    throw new CliError(describeError(cause), { cause, retryable: isRetryable(cause) });
  }
}
