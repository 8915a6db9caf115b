import type { Clock } from "../drain/clock.js";
import type { SimulatedAutoScalingGroup } from "../sim/auto-scaling-group.js";
import { ec2InstanceEvent, type ScenarioSpot, spotSteps } from "../sim/spot-warnings.js";
import type { InvocationRecord, SimulatedShell } from "./simulated-shell.js";
import type { TimelineEntry } from "./timeline-entries.js";

/** The two minutes of a Spot Instance interruption warning. */
export const spotWindowSeconds = 120;

export interface SpotRun {
  invocations: InvocationRecord[];
  stoppedEarly?: string;
}

/**
 * A spot scenario's events, each at its time: the rebalance recommendation and the interruption warning
 * (EC2 events for the drain node's instance) and the group's terminate hook, each delivered to the shell
 * as it comes, while the earlier ones are still being handled.
 */
export async function deliverSpotEvents(parts: {
  spot: ScenarioSpot;
  group: SimulatedAutoScalingGroup;
  shell: SimulatedShell;
  clock: Clock;
  instanceId: string;
  nodeName: string;
  startedAt: number;
  until: { giveUpAt: number; signal: AbortSignal };
  add: (entry: TimelineEntry) => void;
}): Promise<SpotRun> {
  const { clock, instanceId, nodeName, shell } = parts;
  const deliveries: Promise<{ invocations: InvocationRecord[]; stoppedEarly?: string }>[] = [];
  for (const step of spotSteps(parts.spot)) {
    const at = parts.startedAt + step.atSeconds * 1000;
    if (at > clock.now()) await clock.sleep(at - clock.now(), parts.until.signal).catch(() => undefined);
    if (parts.until.signal.aborted) break;
    if (step.kind === "terminate-hook") {
      const { event } = parts.group.terminate(instanceId);
      parts.add({
        at: clock.now(),
        source: "auto-scaling",
        kind: "terminate",
        level: "info",
        text: `${instanceId} (node ${nodeName}) entered Terminating:Wait; the terminate lifecycle event goes to ${shell.via}`,
      });
      deliveries.push(shell.deliver(event, parts.until));
      continue;
    }
    const event = ec2InstanceEvent(step.kind, instanceId, {
      at: clock.now(),
      instanceAction: parts.spot.instanceAction,
    });
    parts.add({
      at: clock.now(),
      source: "auto-scaling",
      kind: step.kind,
      level: "info",
      text:
        step.kind === "spot-interruption"
          ? `EC2: Spot Instance interruption warning for ${instanceId} (node ${nodeName}): ${parts.spot.instanceAction} in ${spotWindowSeconds}s; the event goes to ${shell.via}`
          : `EC2: rebalance recommendation for ${instanceId} (node ${nodeName}); the event goes to ${shell.via}`,
    });
    deliveries.push(shell.deliver(event, parts.until));
  }
  const delivered = await Promise.all(deliveries);
  const stoppedEarly = delivered.find((entry) => entry.stoppedEarly !== undefined)?.stoppedEarly;
  return {
    // A shell may report all its deliveries to each call (the queue worker does): each record once.
    invocations: [...new Set(delivered.flatMap((entry) => entry.invocations))]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((invocation, attempt) => ({ ...invocation, attempt })),
    ...(stoppedEarly === undefined ? {} : { stoppedEarly }),
  };
}

/** `simulate --output json`'s `spot`: the drain the interruption warning started, against its two minutes. */
export interface SpotReport {
  /** Seconds since the simulation's start. */
  warningAfterSeconds: number;
  /** When the drain the warning started ended (its delivery answered), seconds since the start. */
  drainEndedAfterSeconds: number | null;
  /** drainEndedAfterSeconds − warningAfterSeconds: how long the drain took of the window. */
  drainSeconds: number | null;
  windowSeconds: number;
  /** The deadline the drain ran under from the warning on, seconds since the start. */
  deadlineAfterSeconds: number | null;
  /** The terminate hook's event, seconds since the start, if the scenario has one. */
  terminateHookAfterSeconds: number | null;
  /** CompleteLifecycleAction calls that found the action waiting (1: completed once) and all calls. */
  completions: { completed: number; calls: number };
}

export function spotReport(
  spot: ScenarioSpot,
  parts: {
    invocations: readonly InvocationRecord[];
    group: SimulatedAutoScalingGroup;
    startedAt: number;
    timeline: readonly TimelineEntry[];
  },
): SpotReport {
  const seconds = (at: number) => Math.round(at - parts.startedAt) / 1000;
  const drain = parts.invocations.find(
    (invocation) =>
      invocation.outcome?.kind === "drained" && invocation.outcome.event === "spot-interruption",
  );
  const drainEnded = drain === undefined ? null : seconds(drain.endedAt);
  const calls = parts.group.completions();
  const warningAt = parts.startedAt + spot.interruptionAtSeconds * 1000;
  const deadlineAt = parts.timeline.find(
    (entry) => entry.at >= warningAt && entry.deadlineAt !== undefined,
  )?.deadlineAt;
  return {
    warningAfterSeconds: spot.interruptionAtSeconds,
    drainEndedAfterSeconds: drainEnded,
    drainSeconds:
      drainEnded === null ? null : Math.round((drainEnded - spot.interruptionAtSeconds) * 1000) / 1000,
    windowSeconds: spotWindowSeconds,
    deadlineAfterSeconds: deadlineAt === undefined ? null : seconds(deadlineAt),
    terminateHookAfterSeconds: spot.terminateHookAtSeconds ?? null,
    completions: {
      completed: calls.filter((call) => call.outcome === "completed").length,
      calls: calls.length,
    },
  };
}
