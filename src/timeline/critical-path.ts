import type { DrainRecord } from "./drain-record.js";
import type { PodLane } from "./pod-lanes.js";

/** One wait on the chain that decided how long the drain took. */
export interface CriticalStep {
  label: string;
  from: number;
  to: number;
  /** The pod whose wait it was. */
  pod?: string;
}

export interface CriticalPath {
  steps: CriticalStep[];
  /** Pods on the path: the last to go in each tier. */
  pods: Set<string>;
}

/**
 * The chain of waits that decided the drain's length. Tiers run one after another and a tier ends when
 * its last pod is gone, so the chain is: the start until the first tier, then in each tier the pod that
 * went last (held back by its budget, then terminating), then the volume wait and the completion.
 */
export function criticalPath(record: DrainRecord, lanes: readonly PodLane[]): CriticalPath {
  const steps: CriticalStep[] = [];
  const pods = new Set<string>();
  const tierStarts = record.timeline.filter(
    (entry) => entry.kind === "tier-started" && entry.tier !== undefined,
  );
  const seenTiers = new Set<string>();
  let at = 0;
  for (const start of tierStarts) {
    const tier = start.tier ?? "";
    if (seenTiers.has(tier)) continue;
    seenTiers.add(tier);
    if (start.seconds > at) {
      steps.push({
        label:
          steps.length === 0
            ? "until the first tier: notice, cordon, the node's pods listed"
            : `until tier ${tier}`,
        from: at,
        to: start.seconds,
      });
    }
    at = Math.max(at, start.seconds);
    const last = lastToGo(lanes.filter((lane) => lane.tier === tier));
    if (last === undefined) continue;
    pods.add(last.pod);
    const end = last.goneAt ?? record.endSeconds;
    const held = last.segments.filter(
      (segment) => segment.from >= start.seconds && (segment.state === "held" || segment.state === "queued"),
    );
    const heldFrom = held[0]?.from;
    const removedAt = last.removedAt ?? end;
    if (heldFrom !== undefined && removedAt > heldFrom) {
      steps.push({
        label: `tier ${tier}: ${last.pod} ${held[held.length - 1]?.label ?? "held back"}`,
        from: heldFrom,
        to: removedAt,
        pod: last.pod,
      });
    }
    steps.push({
      label: `tier ${tier}: ${last.pod} ${last.end === "forced" ? "forced, terminating" : "terminating"}${last.goneAt === undefined ? " (not gone when the record ends)" : ""}`,
      from: removedAt,
      to: end,
      pod: last.pod,
    });
    at = Math.max(at, end);
  }
  const volumes = record.timeline.find((entry) => entry.kind === "volumes-detached");
  if (volumes !== undefined && volumes.waitedSeconds !== undefined && volumes.waitedSeconds > 0) {
    const from = Math.max(at, volumes.seconds - volumes.waitedSeconds);
    steps.push({ label: "volumes detaching from the node", from, to: volumes.seconds });
    at = Math.max(at, volumes.seconds);
  }
  const completion = record.timeline.find((entry) => entry.kind === "completion");
  const end = completion?.seconds ?? record.endSeconds;
  if (end > at) {
    steps.push({
      label: completion === undefined ? "until the record ends" : "until the lifecycle action was completed",
      from: at,
      to: end,
    });
  }
  // Waits of no length (a pod evicted the moment its tier began) say nothing a reader needs.
  return { steps: steps.filter((step) => step.to - step.from >= 0.05), pods };
}

function lastToGo(lanes: readonly PodLane[]): PodLane | undefined {
  let last: PodLane | undefined;
  for (const lane of lanes) {
    if (lane.end === "skipped") continue;
    const end = lane.goneAt ?? Number.POSITIVE_INFINITY;
    if (last === undefined || end > (last.goneAt ?? Number.POSITIVE_INFINITY)) last = lane;
  }
  return last;
}
