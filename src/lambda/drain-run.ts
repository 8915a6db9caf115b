import { Heartbeater, type HeartbeaterEnd } from "../aws/heartbeater.js";
import type { LifecycleActions, LifecycleHookSettings } from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import type { ClusterPort } from "../drain/cluster-port.js";
import { drainNode } from "../drain/drain-node.js";
import type { DrainEvent, DrainObserver } from "../drain/events.js";
import type { DrainPolicy } from "../drain/policy.js";
import type { DrainResult } from "../drain/result.js";
import type { TerminationNotice } from "../events/termination-notice.js";
import type { DrainEnding } from "./completion-policy.js";
import { describeError, type HandlerLog } from "./handler-log.js";

export interface DrainRunRequest {
  port: ClusterPort;
  clock: Clock;
  lifecycle: LifecycleActions;
  notice: TerminationNotice;
  hook: LifecycleHookSettings;
  nodeName: string;
  policy: DrainPolicy;
  /** Used when the node carries no drain state yet; a resumed drain keeps its own. */
  deadline: number;
  /** When this invocation's share of the drain ends (epoch ms). */
  stopAt: number;
  /** The last heartbeat recorded for this action, if known (from the node's lifecycle record). */
  lastHeartbeatAt: number | undefined;
  log: HandlerLog;
  /** Told every drain event too (metrics, Kubernetes Events, notifications); its failures are ignored. */
  observer?: DrainObserver;
  random?: () => number;
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
 * Runs the drain with the lifecycle hook's heartbeats alongside: the trigger decorates the drain, the drain
 * never calls the trigger. Heartbeats stop the moment the drain ends. If Auto Scaling says the action is no
 * longer waiting, the drain is stopped (its state saved) and the run ends with "action-gone".
 */
export async function runDrainWithHeartbeats(request: DrainRunRequest): Promise<DrainRun> {
  const { clock, log, notice } = request;
  const abort = new AbortController();
  let actionGone = false;
  const heartbeater = new Heartbeater({
    lifecycle: request.lifecycle,
    action: notice,
    hook: request.hook,
    actionStartedAt: Date.parse(notice.receivedAt),
    lastBeatAt: request.lastHeartbeatAt,
    clock,
    onBeat: (at) => log.info("heartbeat recorded", { instanceId: notice.instanceId, at: iso(at) }),
    onError: (error) =>
      log.warn("heartbeat failed", { instanceId: notice.instanceId, error: describeError(error) }),
  });
  const beating = heartbeater.start().then((end) => {
    if (end === "action-gone") {
      actionGone = true;
      abort.abort(new Error(`the lifecycle action of ${notice.instanceId} is no longer waiting`));
    }
    return end;
  });

  let result: DrainResult | undefined;
  let crash: unknown;
  try {
    result = await drainNode({
      cluster: request.port,
      clock,
      nodeName: request.nodeName,
      policy: request.policy,
      deadline: request.deadline,
      stopAt: request.stopAt,
      signal: abort.signal,
      ...(request.random === undefined ? {} : { random: request.random }),
      observer: (event) => {
        logDrainEvent(log, event);
        try {
          request.observer?.(event);
        } catch {
          // Observability never stops a drain.
        }
      },
    });
  } catch (error) {
    crash = error;
  } finally {
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
      instanceId: notice.instanceId,
      error: describeError(heartbeater.failure),
    });
  }
  if (result === undefined) {
    const message = `draining node ${request.nodeName}: ${describeError(crash)}`;
    return { ending: { kind: "failed", message, retryable: false }, ...beats };
  }
  return { ending: endingOf(result, actionGone, clock.now()), result, ...beats };
}

/** What a drain result means for the lifecycle action. */
export function endingOf(result: DrainResult, actionGone: boolean, now: number): DrainEnding {
  if (actionGone) return { kind: "action-gone" };
  switch (result.status) {
    case "drained":
      return { kind: "drained" };
    case "deadline-forced":
      return { kind: "deadline-forced" };
    case "deadline-left":
      return { kind: "deadline-reached" };
    case "in-progress":
      return now >= result.deadline ? { kind: "deadline-reached" } : { kind: "out-of-time" };
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

function logDrainEvent(log: HandlerLog, event: DrainEvent): void {
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
