import type { DrainRecord, RecordedEntry, RecordedPod } from "./drain-record.js";

/**
 * What a pod was doing at a moment of the drain. running: untouched; held: its tier runs but a budget
 * allows no disruption; queued: its tier runs, nothing holds it, its eviction is on its way; waiting: the
 * drain waits for it to go by itself; terminating: eviction accepted, until gone; forced: deleted at the
 * deadline, until gone; skipped: the drain leaves it (the reason says why); returned: a replacement that
 * came back to the node (it tolerates the cordon) after its owner's evictions were used up, left there from
 * when it was seen; left: still on the node when the record ends.
 */
export type LaneState =
  | "running"
  | "held"
  | "queued"
  | "waiting"
  | "terminating"
  | "forced"
  | "skipped"
  | "returned";

export const LANE_STATES: readonly LaneState[] = [
  "running",
  "held",
  "queued",
  "waiting",
  "terminating",
  "forced",
  "skipped",
  "returned",
];

export interface LaneSegment {
  state: LaneState;
  /** Seconds since the record's start. */
  from: number;
  to: number;
  /** What a reader sees on hover: "held back by budget shop/web". */
  label: string;
}

/** How the pod's lane ends. */
export type LaneEnd = "gone" | "forced" | "skipped" | "left";

export interface PodLane extends RecordedPod {
  segments: LaneSegment[];
  /** Budget refusals (429) and multi-budget refusals (500) of its evictions, seconds. */
  refusals: number[];
  /** When it was seen gone. */
  goneAt?: number;
  /** When its eviction was accepted or it was forced. */
  removedAt?: number;
  end: LaneEnd;
  /** Its entries, oldest first: what a hover shows. */
  entries: RecordedEntry[];
}

const TIER_ORDER = ["ordinary", "critical", "daemonset"];

/**
 * One lane per pod of the record, from its entries: the state changes of each pod in time order. Lanes are
 * ordered by tier, then workload, then when the pod was removed.
 */
export function podLanes(record: DrainRecord): PodLane[] {
  const byPod = new Map<string, RecordedEntry[]>();
  for (const entry of record.timeline) {
    if (entry.pod === undefined) continue;
    const list = byPod.get(entry.pod) ?? [];
    list.push(entry);
    byPod.set(entry.pod, list);
  }
  const tierStarts = new Map<string, number>();
  for (const entry of record.timeline) {
    if (entry.kind === "tier-started" && entry.tier !== undefined && !tierStarts.has(entry.tier)) {
      tierStarts.set(entry.tier, entry.seconds);
    }
  }
  const known = new Set(record.pods.map((pod) => pod.pod));
  // A pod the record names in its entries but not among the node's pods (it came later): a lane still.
  const pods: RecordedPod[] = [
    ...record.pods,
    ...[...byPod.keys()]
      .filter((pod) => !known.has(pod))
      .map((pod) => ({
        pod,
        workload: "unknown workload",
        tier: tierOfEntries(byPod.get(pod)),
        budgets: [],
      })),
  ];
  const lanes = pods.map((pod) =>
    laneOf(pod, sortedBySeconds(byPod.get(pod.pod) ?? []), tierStarts.get(pod.tier), record.endSeconds),
  );
  return lanes.sort(laneOrder);
}

function tierOfEntries(entries: RecordedEntry[] | undefined): string {
  return entries?.find((entry) => entry.tier !== undefined)?.tier ?? "ordinary";
}

function sortedBySeconds(entries: RecordedEntry[]): RecordedEntry[] {
  return [...entries].sort((a, b) => a.seconds - b.seconds);
}

function laneOf(
  pod: RecordedPod,
  entries: RecordedEntry[],
  tierStart: number | undefined,
  endSeconds: number,
): PodLane {
  const lane: PodLane = { ...pod, segments: [], refusals: [], end: "left", entries };
  const skip = entries.find((entry) => entry.kind === "skipped");
  if (skip?.returned === true) {
    // A pod that came back: it was not on the node before it was seen, and stays from then on.
    lane.segments.push({
      state: "returned",
      from: skip.seconds,
      to: endSeconds,
      label: `returned to the node: ${skip.text}`,
    });
    lane.end = "skipped";
    return lane;
  }
  if (skip !== undefined) {
    lane.segments.push({
      state: "skipped",
      from: 0,
      to: endSeconds,
      label: `skipped: ${skip.reason ?? skip.text}`,
    });
    lane.end = "skipped";
    return lane;
  }
  // The state the pod is in since `since`; `move` closes it as a segment and opens the next.
  const now: { state: LaneState; label: string; since: number } = {
    state: "running",
    label: "running",
    since: 0,
  };
  const move = (state: LaneState, label: string, at: number) => {
    if (state === now.state && label === now.label) return;
    if (at > now.since) lane.segments.push({ state: now.state, from: now.since, to: at, label: now.label });
    now.state = state;
    now.label = label;
    now.since = Math.max(now.since, at);
  };
  const untouched = () => now.state === "running" || now.state === "held" || now.state === "queued";
  const firstBudget = pod.budgets[0];
  const turn = (at: number) => {
    if (now.state !== "running") return;
    if (firstBudget === undefined) move("queued", "queued: its tier is draining", at);
    else move("held", `held back by budget ${firstBudget}`, at);
  };
  if (tierStart !== undefined) turn(tierStart);
  for (const entry of entries) {
    if (lane.goneAt !== undefined) break;
    switch (entry.kind) {
      case "refused":
      case "blocked":
      case "multiple-budgets": {
        lane.refusals.push(entry.seconds);
        const budget = entry.budget ?? firstBudget;
        if (untouched()) {
          move(
            "held",
            budget === undefined ? `held back: ${entry.text}` : `held back by budget ${budget}`,
            entry.seconds,
          );
        }
        break;
      }
      case "waiting":
        if (untouched()) move("waiting", `waiting: ${entry.reason ?? entry.text}`, entry.seconds);
        break;
      case "evicted":
        if (untouched() || now.state === "waiting") {
          turn(entry.seconds);
          move("terminating", "eviction accepted: terminating", entry.seconds);
          lane.removedAt = entry.seconds;
        }
        break;
      case "forced":
        turn(entry.seconds);
        move("forced", "forced at the deadline: terminating", entry.seconds);
        lane.removedAt ??= entry.seconds;
        lane.end = "forced";
        break;
      case "gone":
        lane.segments.push({ state: now.state, from: now.since, to: entry.seconds, label: now.label });
        lane.goneAt = entry.seconds;
        if (lane.end !== "forced") lane.end = "gone";
        break;
    }
  }
  if (lane.goneAt === undefined && endSeconds > now.since) {
    lane.segments.push({ state: now.state, from: now.since, to: endSeconds, label: now.label });
  }
  lane.segments = lane.segments.filter((segment) => segment.to > segment.from);
  return lane;
}

function laneOrder(a: PodLane, b: PodLane): number {
  const tier = tierRank(a.tier) - tierRank(b.tier);
  if (tier !== 0) return tier;
  if (a.workload !== b.workload) return a.workload.localeCompare(b.workload);
  const removed = (a.removedAt ?? Number.POSITIVE_INFINITY) - (b.removedAt ?? Number.POSITIVE_INFINITY);
  if (removed !== 0 && !Number.isNaN(removed)) return removed;
  return a.pod.localeCompare(b.pod);
}

export function tierRank(tier: string): number {
  const rank = TIER_ORDER.indexOf(tier);
  return rank < 0 ? TIER_ORDER.length : rank;
}

/** Lanes grouped by tier, then workload, in lane order. */
export function laneGroups(
  lanes: readonly PodLane[],
): Array<{ tier: string; workload: string; lanes: PodLane[] }> {
  const groups: Array<{ tier: string; workload: string; lanes: PodLane[] }> = [];
  for (const lane of lanes) {
    const last = groups.at(-1);
    if (last !== undefined && last.tier === lane.tier && last.workload === lane.workload)
      last.lanes.push(lane);
    else groups.push({ tier: lane.tier, workload: lane.workload, lanes: [lane] });
  }
  return groups;
}
