import { podKey } from "../drain/cluster-port.js";
import type { DrainResult } from "../drain/result.js";
import { durationText, timeText } from "../time/duration-text.js";
import type { DrainRecording, RecordedEntry, RecordedPod } from "../timeline/index.js";
import type { LifecycleCompletion } from "./lifecycle-completion.js";
import { type PlanDocument, planDocument, planText } from "./plan-report.js";

/** What `drain --output json` prints: one document, for scripts. */
export interface DrainDocument {
  kind: "DrainResult";
  status: DrainResult["status"] | "error";
  exitCode: number;
  node?: string;
  instanceId?: string;
  dryRun: boolean;
  startedAt?: string;
  deadline?: string;
  finishedAt?: string;
  /** Since `startedAt`, the drain's first start: over all its runs. */
  durationSeconds?: number;
  /** Totals over all runs of the drain. */
  counts?: DrainResult["counts"];
  /** This run alone: when it started, how long it took, what it evicted. */
  run?: { startedAt: string; durationSeconds: number; evicted: number; forced: number };
  evicted?: Array<{ pod: string; uid: string; tier: string; at: string; gracePeriodSeconds?: number }>;
  forced?: Array<{ pod: string; uid: string; at: string; graceSeconds: number }>;
  skipped?: Array<{ pod: string; reason: string; message: string }>;
  blocked?: Array<{
    pod: string;
    cause: string;
    budget?: string;
    disruptionsAllowed?: number;
    refusals: number;
    since: string;
    message: string;
  }>;
  waitedFor?: Array<{ pod: string; reason: string; gone: boolean; until?: string }>;
  remaining?: string[];
  warnings?: string[];
  lifecycleAction?: LifecycleCompletion;
  plan?: PlanDocument;
  error?: { message: string; retryable: boolean; code?: string };
  /** Evictions refused during this run, every retry counted. */
  refusals?: number;
  /** The node's pods as the drain saw them: workload, tier, budgets. */
  pods?: RecordedPod[];
  /** What happened, seconds since startedAt: the drain's events and the budgets' statuses. */
  timeline?: RecordedEntry[];
}

export interface DrainOutcome {
  result: DrainResult;
  exitCode: number;
  instanceId?: string;
  dryRun: boolean;
  lifecycleAction?: LifecycleCompletion;
  /** The drain as recorded (for --output json and --report). */
  recording?: DrainRecording;
}

export function drainDocument(outcome: DrainOutcome): DrainDocument {
  const { result } = outcome;
  return {
    kind: "DrainResult",
    status: result.status,
    exitCode: outcome.exitCode,
    node: result.nodeName,
    ...(outcome.instanceId === undefined ? {} : { instanceId: outcome.instanceId }),
    dryRun: outcome.dryRun,
    startedAt: timeText(result.startedAt),
    deadline: timeText(result.deadline),
    finishedAt: timeText(result.timings.finishedAt),
    durationSeconds: result.timings.totalMs / 1000,
    counts: result.counts,
    run: {
      startedAt: timeText(result.timings.runStartedAt),
      durationSeconds: result.timings.runMs / 1000,
      evicted: result.evicted.length,
      forced: result.forced.filter((pod) => pod.at >= result.timings.runStartedAt).length,
    },
    evicted: result.evicted.map((pod) => ({
      pod: podKey(pod),
      uid: pod.uid,
      tier: pod.tier,
      at: timeText(pod.at),
      ...(pod.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: pod.gracePeriodSeconds }),
    })),
    forced: result.forced.map((pod) => ({
      pod: podKey(pod),
      uid: pod.uid,
      at: timeText(pod.at),
      graceSeconds: pod.graceSeconds,
    })),
    skipped: result.skipped.map((pod) => ({ pod: podKey(pod), reason: pod.reason, message: pod.message })),
    blocked: result.blocked.map((pod) => ({
      pod: podKey(pod),
      cause: pod.cause,
      ...(pod.budget === undefined ? {} : { budget: pod.budget }),
      ...(pod.disruptionsAllowed === undefined ? {} : { disruptionsAllowed: pod.disruptionsAllowed }),
      refusals: pod.refusals,
      since: timeText(pod.since),
      message: pod.message,
    })),
    waitedFor: result.waitedFor.map((pod) => ({
      pod: podKey(pod),
      reason: pod.reason,
      gone: pod.gone,
      ...(pod.until === undefined ? {} : { until: timeText(pod.until) }),
    })),
    remaining: result.remaining.map(podKey),
    warnings: result.warnings,
    ...(outcome.lifecycleAction === undefined ? {} : { lifecycleAction: outcome.lifecycleAction }),
    ...(result.plan === undefined ? {} : { plan: planDocument(result.plan, result.timings.finishedAt) }),
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(outcome.recording === undefined ? {} : outcome.recording),
  };
}

/** The document for a drain that never started (unknown node, unreachable server…). */
export function drainErrorDocument(
  exitCode: number,
  error: { message: string; retryable: boolean },
  target: { node?: string; instanceId?: string; dryRun: boolean },
): DrainDocument {
  return {
    kind: "DrainResult",
    status: "error",
    exitCode,
    ...(target.node === undefined ? {} : { node: target.node }),
    ...(target.instanceId === undefined ? {} : { instanceId: target.instanceId }),
    dryRun: target.dryRun,
    error,
  };
}

/** The text summary printed on standard output when the drain ends. */
export function drainText(outcome: DrainOutcome): string {
  const { result } = outcome;
  const lines: string[] = [];
  if (result.plan !== undefined) {
    lines.push(planText(result.plan, result.timings.finishedAt).trimEnd());
    lines.push("", "Dry run: nothing was changed.");
    return `${lines.join("\n")}\n`;
  }
  const took = tookText(result);
  const node = `node ${result.nodeName}`;
  switch (result.status) {
    case "drained":
      lines.push(`${node} drained in ${took}`);
      break;
    case "deadline-forced":
      lines.push(
        `${node}: deadline reached after ${took} (${deadlineText(result)}); ${result.forced.length} pod(s) forced at the deadline less their grace period`,
      );
      break;
    case "deadline-left":
      lines.push(
        `${node}: deadline reached after ${took} (${deadlineText(result)}); ${result.remaining.length} pod(s) left on the node`,
      );
      break;
    case "in-progress":
      lines.push(
        `${node}: drain interrupted after ${took}; its state is saved on the node, run again to continue`,
      );
      break;
    default:
      lines.push(
        `${node}: drain ${result.status}${result.error === undefined ? "" : `: ${result.error.message}`}`,
      );
  }
  const skippedBy = new Map<string, number>();
  for (const pod of result.skipped) skippedBy.set(pod.reason, (skippedBy.get(pod.reason) ?? 0) + 1);
  const skipped = [...skippedBy].map(([reason, count]) => `${count} ${reason}`).join(", ");
  lines.push(
    `  evicted ${result.counts.evicted}, forced ${result.counts.forced}, skipped ${result.skipped.length}${skipped === "" ? "" : ` (${skipped})`}, waited for ${result.waitedFor.length}`,
  );
  for (const pod of result.forced) lines.push(`  forced ${podKey(pod)} with grace ${pod.graceSeconds}s`);
  for (const pod of result.blocked) {
    const by = pod.budget === undefined ? pod.cause : `${pod.cause} ${pod.budget}`;
    lines.push(`  still blocked: ${podKey(pod)} by ${by} (${pod.refusals} refusals): ${pod.message}`);
  }
  if (result.remaining.length > 0 && result.status !== "drained") {
    lines.push(`  remaining: ${result.remaining.map(podKey).join(", ")}`);
  }
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  const action = outcome.lifecycleAction;
  if (action !== undefined) lines.push(`  ${lifecycleText(action)}`);
  return `${lines.join("\n")}\n`;
}

/** The deadline itself, and how far it was from the drain's start: "deadline 2026-…Z, timeout 8.0s". */
function deadlineText(result: DrainResult): string {
  return `deadline ${timeText(result.deadline)}, timeout ${durationText(result.deadline - result.startedAt)}`;
}

export function lifecycleText(action: LifecycleCompletion): string {
  const what = `lifecycle action of ${action.instanceId} (group ${action.asgName}, hook ${action.hookName})`;
  switch (action.outcome) {
    case "completed":
      return `${what} completed with ${action.result}`;
    case "already-complete":
      return `${what} was already complete`;
    case "failed":
      return `${what}: completing it failed: ${action.reason ?? "unknown error"}`;
    default:
      return `${what} not completed: ${action.reason ?? "the drain did not finish"}`;
  }
}

/**
 * How long the drain took: this run's own time, and — when it went on from earlier runs — the time since
 * the drain began and the totals of all its runs, so that an earlier run's figures are never this run's.
 */
function tookText(result: DrainResult): string {
  const { runMs, totalMs } = result.timings;
  const { invocations, evicted, forced } = result.counts;
  if (invocations <= 1) return durationText(totalMs);
  const forcedText = forced > 0 ? `, ${forced} forced` : "";
  return (
    `${durationText(runMs)} (this run, ${result.evicted.length} eviction(s); the drain began ` +
    `${durationText(totalMs)} ago: ${invocations} runs, ${evicted} eviction(s)${forcedText} in all)`
  );
}
