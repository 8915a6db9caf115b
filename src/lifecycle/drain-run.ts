import { Heartbeater, type HeartbeaterEnd } from "../aws/heartbeater.js";
import type { LifecycleActionRef, LifecycleActions, LifecycleHookSettings } from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import type { DrainEvent, DrainObserver } from "../drain/events.js";
import type { DrainResult } from "../drain/result.js";
import type { DrainEnding } from "./completion-policy.js";
import { describeError, type JobLog } from "./job-log.js";

export interface DrainRunRequest {
  clock: Clock;
  lifecycle: Pick<LifecycleActions, "recordHeartbeat">;
  /** The action kept waiting (by token, or by instance alone when the token is unknown). */
  action: LifecycleActionRef;
  hook: LifecycleHookSettings;
  /** When the action started (epoch ms): the hook's global timeout counts from here. */
  actionStartedAt: number;
  nodeName: string;
  /**
   * The drain itself (the engine's drainNode): it must stop, saving its state, when `signal` aborts and
   * report the events it sees to `observer`.
   */
  drain: (signal: AbortSignal, observer: DrainObserver) => Promise<DrainResult>;
  /** The last heartbeat recorded for this action, if known (from the node's lifecycle record). */
  lastHeartbeatAt: number | undefined;
  /** The action's start and last heartbeat are unknown (finished by hand): heartbeat at once. */
  heartbeatAtOnce?: boolean | undefined;
  log: JobLog;
  /** Told every drain event too (metrics, Kubernetes Events, progress); its failures are ignored. */
  observer?: DrainObserver | undefined;
  /** The shell is shutting down (SIGTERM, Ctrl-C): the drain stops, its state saved, and the run ends "interrupted". */
  shutdown?: AbortSignal | undefined;
}

export interface DrainRun {
  ending: DrainEnding;
  /** The engine's report; absent when it could not run at all. */
  result?: DrainResult;
  /** The last heartbeat recorded during this run, if any (epoch ms). */
  lastHeartbeatAt: number | undefined;
  heartbeats: number;
  heartbeaterEnd: HeartbeaterEnd;
}

/**
 * Drain events worth a log line; the rest (every pod's eviction, every retry) would drown the log. Skipped
 * and waited-for pods are logged once per pod and run: why a pod stays on the node.
 */
const loggedEvents = new Set<DrainEvent["kind"]>([
  "started",
  "cordoned",
  "tier-started",
  "skipped",
  "waiting",
  "forced",
  "deadline-approaching",
  "deadline-reached",
  "volumes-detached",
  "node-deleted",
  "stopped",
  "finished",
]);

/**
 * Runs the drain with the lifecycle hook's heartbeats alongside — the one place that composes them: the
 * trigger decorates the drain, the drain never calls the trigger. Heartbeats (at most every
 * HeartbeatTimeout/2, never past the global timeout) stop the moment the drain ends, in success or
 * failure. If Auto Scaling says the action is no longer waiting, the drain is stopped (its state saved) and
 * the run ends with "action-gone"; if the shell shuts down, with "interrupted".
 */
export async function runDrainWithHeartbeats(request: DrainRunRequest): Promise<DrainRun> {
  const { clock, log, action } = request;
  const abort = new AbortController();
  let actionGone = false;
  const onShutdown = () => abort.abort(request.shutdown?.reason ?? new Error("shutting down"));
  if (request.shutdown?.aborted) onShutdown();
  request.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const heartbeater = new Heartbeater({
    lifecycle: request.lifecycle,
    action,
    hook: request.hook,
    actionStartedAt: request.actionStartedAt,
    lastBeatAt: request.lastHeartbeatAt,
    beatAtOnce: request.heartbeatAtOnce === true,
    clock,
    onBeat: (at) => log.info("heartbeat recorded", { instanceId: action.instanceId, at: iso(at) }),
    onError: (error) =>
      log.warn("heartbeat failed", { instanceId: action.instanceId, error: describeError(error) }),
  });
  const beating = heartbeater.start().then((end) => {
    if (end === "action-gone") {
      actionGone = true;
      abort.abort(new Error(`the lifecycle action of ${action.instanceId} is no longer waiting`));
    }
    return end;
  });

  let result: DrainResult | undefined;
  let crash: unknown;
  try {
    result = await request.drain(abort.signal, (event) => {
      logDrainEvent(log, event);
      try {
        request.observer?.(event);
      } catch {
        // Observability never stops a drain.
      }
    });
  } catch (error) {
    crash = error;
  } finally {
    request.shutdown?.removeEventListener("abort", onShutdown);
    await heartbeater.stop();
  }
  const heartbeaterEnd = await beating;
  const beats = {
    lastHeartbeatAt: heartbeater.beats > 0 ? heartbeater.lastBeatAt : undefined,
    heartbeats: heartbeater.beats,
    heartbeaterEnd,
  };
  if (heartbeaterEnd === "failed") {
    log.error("heartbeats stopped: a heartbeat failed in a way retrying cannot fix", {
      instanceId: action.instanceId,
      error: describeError(heartbeater.failure),
    });
  }
  if (result === undefined) {
    const message = `draining node ${request.nodeName}: ${describeError(crash)}`;
    return { ending: { kind: "failed", message, retryable: false }, ...beats };
  }
  const interrupted = request.shutdown?.aborted === true;
  return { ending: endingOf(result, { actionGone, interrupted }, clock.now()), result, ...beats };
}

/** What a drain result means for the lifecycle action. */
export function endingOf(
  result: DrainResult,
  stopped: { actionGone: boolean; interrupted: boolean },
  now: number,
): DrainEnding {
  if (stopped.actionGone) return { kind: "action-gone" };
  switch (result.status) {
    case "drained":
      return { kind: "drained" };
    case "deadline-forced":
      return { kind: "deadline-forced" };
    case "deadline-left":
      return { kind: "deadline-reached" };
    case "in-progress":
      if (now >= result.deadline) return { kind: "deadline-reached" };
      return stopped.interrupted ? { kind: "interrupted" } : { kind: "out-of-time" };
    case "failed":
      if (result.error?.code === "node-not-found") return { kind: "no-node" };
      return {
        kind: "failed",
        message: `draining node ${result.nodeName}: ${result.error?.message ?? "failed"}`,
        retryable: result.error?.retryable ?? false,
      };
    case "planned":
      return { kind: "failed", message: "the drain ran as a dry run", retryable: false };
  }
}

/** Logs the drain events worth a line (the rest would drown the log). */
export function logDrainEvent(log: JobLog, event: DrainEvent): void {
  if (event.kind === "api-error") {
    log.warn("drain: Kubernetes API error", { ...event, at: iso(event.at) });
    return;
  }
  if (event.kind === "skipped" && (event.reason === "returning" || event.reason === "node-unreachable")) {
    log.warn(`drain: ${event.kind}`, { ...event, at: iso(event.at) });
    return;
  }
  if (!loggedEvents.has(event.kind)) return;
  log.info(`drain: ${event.kind}`, { ...event, at: iso(event.at) });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
