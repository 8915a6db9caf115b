import { durationText, elapsedText, timeText } from "../time/duration-text.js";
import type { DrainRecord, RecordedEntry } from "../timeline/index.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import type { SimulationReport, SimulationStart } from "./simulation-run.js";
import type { TimelineEntry } from "./timeline-entries.js";

/** A simulation passes when the action completed with CONTINUE, no budget was violated and the node is empty. */
export function simulationExitCode(report: SimulationReport): ExitCode {
  // A scripted scenario passes when every one of its lifecycle actions was completed with CONTINUE.
  const continued =
    report.lifecycleActions.length > 1
      ? report.lifecycleActions.every(
          (action) => action.state === "completed" && action.result === "CONTINUE",
        )
      : report.completion?.result === "CONTINUE";
  return continued && report.violations.length === 0 && report.podsLeft.length === 0 ? EXIT.ok : EXIT.error;
}

/** One timeline line: seconds since the lifecycle event, then what happened. */
export function timelineLine(entry: TimelineEntry, origin: number): string {
  const mark = entry.level === "warn" ? "warning: " : entry.level === "error" ? "error: " : "";
  return `${elapsedText(entry.at - origin)}  ${mark}${entry.text}\n`;
}

export function simulationHeader(start: SimulationStart): string {
  const { scenario, hook } = start;
  return [
    `Scenario ${scenario.name}${scenario.description === undefined ? "" : `: ${scenario.description}`}`,
    `  ${start.nodes} nodes; draining ${start.nodeName} (instance ${start.instanceId})`,
    `  Auto Scaling group ${hook.asgName}, hook ${hook.hookName}: heartbeat timeout ${hook.heartbeatTimeoutSeconds}s, default result ${hook.defaultResult}`,
    "",
    "Timeline (seconds since the lifecycle event):",
    "",
  ].join("\n");
}

export function simulationSummary(report: SimulationReport): string {
  const completion = report.completion;
  const action = report.action;
  const lines = ["", "Summary"];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(19)}${value}`);
  if (completion !== undefined) {
    row(
      "lifecycle action",
      `completed with ${completion.result} after ${durationText(completion.at - report.startedAt)}`,
    );
    row("drain time", `${durationText(completion.at - report.startedAt)} (lifecycle event to completion)`);
  } else {
    const state =
      action?.state === "timed-out" ? `timed out: Auto Scaling applied ${action.result}` : "not completed";
    row("lifecycle action", state);
  }
  if (report.lifecycleActions.length > 1) {
    for (const [index, entry] of report.lifecycleActions.entries()) {
      const ended =
        entry.state === "completed"
          ? `completed with ${entry.result} after ${durationText((entry.endedAt ?? entry.startedAt) - report.startedAt)}`
          : entry.state === "timed-out"
            ? `timed out: Auto Scaling applied ${entry.result}`
            : "still waiting";
      row(
        index === 0 ? "lifecycle actions" : "",
        `${entry.transition} ${entry.origin} → ${entry.destination}: ${ended}`,
      );
    }
  }
  if (report.nodeAfter !== null && report.lifecycleActions.at(-1)?.transition === "launch") {
    const drainerMarks = [
      ...report.nodeAfter.taints.map((taint) => taint.key),
      ...Object.keys(report.nodeAfter.labels),
      ...Object.keys(report.nodeAfter.annotations),
    ].filter((key) => key.startsWith("eks-node-drainer/"));
    row(
      "node after",
      `${report.nodeAfter.unschedulable ? "cordoned" : "schedulable"}${drainerMarks.length === 0 ? ", nothing of the drain left" : `, still ${drainerMarks.join(", ")}`}`,
    );
  }
  const refused = report.refusals.DisruptionBudget + report.refusals.BudgetNotObserved;
  row(
    "evictions",
    `${report.evictions} accepted, ${refused} refused by budgets (429), ${report.refusals.Throttled} throttled${report.multipleBudgetRefusals > 0 ? `, ${report.multipleBudgetRefusals} under several budgets (500)` : ""}`,
  );
  row(
    "budget violations",
    report.violations.length === 0
      ? "0"
      : `${report.violations.length}: ${report.violations.map((violation) => `${violation.budget} by ${violation.pod}`).join(", ")}`,
  );
  row(
    "heartbeats",
    `${report.heartbeats} (heartbeat timeout ${report.hook.heartbeatTimeoutSeconds}s: one every ${report.hook.heartbeatTimeoutSeconds / 2}s while the drain runs)`,
  );
  row(
    "invocations",
    `${report.invocations.length}${report.invocations.length > 1 ? " (continuations carried the drain on)" : ""}`,
  );
  for (const invocation of report.invocations) {
    if (invocation.error !== undefined)
      row("", `invocation ${invocation.attempt} failed: ${invocation.error}`);
  }
  row("pods left on node", report.podsLeft.length === 0 ? "none" : report.podsLeft.join(", "));
  const zeroReady = report.availability.filter((entry) => entry.zeroReadySeconds > 0);
  row(
    "zero Ready",
    zeroReady.length === 0
      ? `never (${report.availability.length} workloads on the node)`
      : zeroReady.map((entry) => `${entry.workload} ${entry.zeroReadySeconds}s`).join(", "),
  );
  if (report.podsCountedGone.length > 0) {
    row(
      "counted as gone",
      `${report.podsCountedGone.join(", ")} (terminating on a node whose kubelet is gone)`,
    );
  }
  if (report.podsReturning.length > 0) {
    row("came back, left", `${report.podsReturning.join(", ")} (tolerate the cordon; see the timeline)`);
  }
  for (const target of report.targets) {
    const left =
      target.deregisteredAt === undefined
        ? "still registered"
        : completion === undefined
          ? `gone after ${durationText(target.deregisteredAt - report.startedAt)}`
          : `gone ${durationText(Math.abs(completion.at - target.deregisteredAt))} ${target.deregisteredAt <= completion.at ? "before" : "after"} the completion`;
    row("target group", `${target.targetGroup} (${target.targetType} ${target.targets.join(", ")}): ${left}`);
  }
  if (report.spot !== undefined) {
    const { spot } = report;
    row(
      "spot interruption",
      spot.drainSeconds === null
        ? `warning at ${spot.warningAfterSeconds}s; its drain did not end`
        : `drained ${spot.drainSeconds}s after the warning (window ${spot.windowSeconds}s); ` +
            `lifecycle action completed ${spot.completions.completed}× (${spot.completions.calls} completion calls)`,
    );
  }
  if (report.stoppedEarly !== undefined) row("stopped early", report.stoppedEarly);
  lines.push("");
  lines.push(
    simulationExitCode(report) === EXIT.ok
      ? report.lifecycleActions.length > 1
        ? "PASS: every lifecycle action completed with CONTINUE, no budget violated"
        : "PASS: the node was drained within its budgets and the instance may terminate"
      : "FAIL: see above",
  );
  return `${lines.join("\n")}\n`;
}

/** `simulate --output json`: the report with times as seconds since the lifecycle event. */
export function simulationDocument(report: SimulationReport) {
  const seconds = (at: number) => Math.round(at - report.startedAt) / 1000;
  return {
    kind: "SimulationResult" as const,
    exitCode: simulationExitCode(report),
    scenario: report.scenario,
    node: report.nodeName,
    instanceId: report.instanceId,
    hook: report.hook,
    startedAt: timeText(report.startedAt),
    lifecycleAction: {
      state: report.action?.state ?? "unknown",
      ...(report.action?.result === undefined ? {} : { result: report.action.result }),
      ...(report.completion === undefined ? {} : { completedAfterSeconds: seconds(report.completion.at) }),
    },
    ...(report.completion === undefined ? {} : { drainSeconds: seconds(report.completion.at) }),
    evictions: report.evictions,
    refusals: report.refusals,
    multipleBudgetRefusals: report.multipleBudgetRefusals,
    violations: report.violations.map((violation) => ({ ...violation, at: seconds(violation.at) })),
    heartbeats: report.heartbeats,
    invocations: report.invocations.map((invocation) => ({
      attempt: invocation.attempt,
      startedAtSeconds: seconds(invocation.startedAt),
      endedAtSeconds: seconds(invocation.endedAt),
      ...(invocation.outcome === undefined ? {} : { outcome: invocation.outcome }),
      ...(invocation.error === undefined ? {} : { error: invocation.error }),
    })),
    podsLeft: report.podsLeft,
    availability: report.availability.map((entry) => ({
      workload: entry.workload,
      desired: entry.desired,
      minReady: entry.minReady,
      zeroReadySeconds: entry.zeroReadySeconds,
      belowDesiredSeconds: entry.belowDesiredSeconds,
      restored: entry.restored,
    })),
    podsReturning: report.podsReturning,
    podsCountedGone: report.podsCountedGone,
    evictionsPerWorkload: report.evictionsPerWorkload,
    ...(report.evictionsPerPod === undefined ? {} : { evictionsPerPod: report.evictionsPerPod }),
    targets: targetsDocument(report, seconds),
    ...(report.spot === undefined ? {} : { spot: report.spot }),
    ...(report.stoppedEarly === undefined ? {} : { stoppedEarly: report.stoppedEarly }),
    nodeAfter: report.nodeAfter,
    lifecycleActions: report.lifecycleActions.map((action) => ({
      transition: action.transition,
      origin: action.origin,
      destination: action.destination,
      state: action.state,
      result: action.result ?? null,
      completedAfterSeconds:
        action.state === "completed" && action.endedAt !== undefined ? seconds(action.endedAt) : null,
      startedAfterSeconds: seconds(action.startedAt),
      completions: action.completionCalls.filter((call) => call.outcome === "completed").length,
      token: action.token,
    })),
    ...deadlineOf(report.timeline, seconds),
    pods: report.pods,
    timeline: report.timeline.map(
      ({ at, deadlineAt, ...entry }): RecordedEntry => ({ seconds: seconds(at), ...entry }),
    ),
  };
}

export type SimulationDocument = ReturnType<typeof simulationDocument>;

/**
 * `targets`: each target group the node had targets in. Times are seconds since the lifecycle event, as
 * everywhere in the document; `endedBeforeCompletionSeconds` = completedAfterSeconds −
 * deregisteredAfterSeconds (positive: the node's targets got no more traffic before the instance was let go).
 */
function targetsDocument(report: SimulationReport, seconds: (at: number) => number) {
  const completedAt = report.completion?.at;
  return report.targets.map((entry) => ({
    targetGroup: entry.targetGroup,
    targetGroupArn: entry.targetGroupArn,
    targetType: entry.targetType,
    deregistrationDelaySeconds: entry.deregistrationDelaySeconds,
    targets: entry.targets,
    drainingAfterSeconds: entry.drainingAt === undefined ? null : seconds(entry.drainingAt),
    deregisteredAfterSeconds: entry.deregisteredAt === undefined ? null : seconds(entry.deregisteredAt),
    completedAfterSeconds: completedAt === undefined ? null : seconds(completedAt),
    endedBeforeCompletionSeconds:
      completedAt === undefined || entry.deregisteredAt === undefined
        ? null
        : Math.round(completedAt - entry.deregisteredAt) / 1000,
  }));
}

/** The drain's deadline, from its first start: seconds since the lifecycle event. */
function deadlineOf(timeline: readonly TimelineEntry[], seconds: (at: number) => number) {
  const deadlineAt = timeline.find((entry) => entry.deadlineAt !== undefined)?.deadlineAt;
  return deadlineAt === undefined ? {} : { deadlineSeconds: seconds(deadlineAt) };
}

/** The simulation as a recorded drain: what `--report` draws, read off the JSON document. */
export function simulationRecord(document: SimulationDocument): DrainRecord {
  const action = document.lifecycleAction;
  const lastSeconds = document.timeline.at(-1)?.seconds ?? 0;
  return {
    kind: "simulation",
    title: `simulate ${document.scenario.name}${document.scenario.description === undefined ? "" : `: ${document.scenario.description}`}`,
    node: document.node,
    instanceId: document.instanceId,
    startedAt: document.startedAt,
    outcome:
      action.result === undefined
        ? `lifecycle action ${action.state}`
        : `lifecycle action ${action.state} with ${action.result}`,
    succeeded: document.exitCode === EXIT.ok,
    endSeconds: document.drainSeconds ?? lastSeconds,
    ...(document.deadlineSeconds === undefined ? {} : { deadlineSeconds: document.deadlineSeconds }),
    counts: {
      evictions: document.evictions,
      refusals:
        document.refusals.DisruptionBudget +
        document.refusals.BudgetNotObserved +
        document.multipleBudgetRefusals,
      forced: document.timeline.filter((entry) => entry.kind === "forced" && entry.pod !== undefined).length,
      heartbeats: document.heartbeats,
    },
    pods: document.pods,
    timeline: document.timeline,
    invocations: document.invocations.map(({ outcome, ...invocation }) => ({
      ...invocation,
      ...(outcome === undefined ? {} : { outcome: `${outcome.kind}: ${outcome.reason}` }),
    })),
  };
}
