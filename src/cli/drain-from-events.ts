import type { DrainState } from "../drain/drain-state.js";
import { TIERS, type Tier, tierRank } from "../drain/tiers.js";
import type { DrainerEvent } from "../kube/drainer-events.js";
import type { DrainRecord, RecordedEntry, RecordedInvocation, RecordedPod } from "../timeline/index.js";

/** What the cluster keeps of a drain that ran elsewhere (the Lambda, the worker). */
export interface KeptDrain {
  node: string;
  instanceId?: string;
  /** The node's drain state annotation, if any. */
  state?: DrainState;
  /** The drainer's Events (every namespace); those about other nodes are left out here. */
  events: readonly DrainerEvent[];
}

/** Says on the page what the picture is drawn from, and what it cannot show. */
export const RECONSTRUCTED =
  "reconstructed from the node's drain state and the drainer's Kubernetes Events: evictions are placed " +
  "at their batch Event (up to 10 s late, or at the end of a tier), a pod is drawn gone at the drain's " +
  "next milestone, and budgets are seen only through refusals";

/** Node Events after which every pod evicted before them is gone. */
const MILESTONES = new Set([
  "WaitingForVolumeDetach",
  "VolumesDetached",
  "VolumeDetachTimedOut",
  "WaitingForTargetDeregistration",
  "TargetsDeregistered",
  "TargetDeregistrationTimedOut",
  "DrainSucceeded",
  "DrainForcedAtDeadline",
  "LifecycleActionCompleted",
  "LifecycleActionAbandoned",
  "LifecycleActionLeftToDefaultResult",
]);

const ENDINGS: Record<string, string> = {
  DrainSucceeded: "drained",
  DrainForcedAtDeadline: "deadline-forced",
  DrainFailed: "failed",
};

/**
 * The drain as a recorded drain (what `drain --report` draws), from the node's drain state and the Events
 * the drainer wrote on the node and its pods. Undefined when neither says anything about the node.
 */
export function drainFromEvents(kept: KeptDrain): DrainRecord | undefined {
  const { node, state } = kept;
  const onNode = kept.events.filter((event) => event.about.kind === "Node" && event.about.name === node);
  const lastStart = onNode.filter((event) => event.reason === "DrainStarted").at(-1)?.firstAt;
  const zero = state?.startedAt ?? lastStart ?? onNode[0]?.firstAt;
  if (zero === undefined) return undefined;
  // Event times have a second's precision on real clusters: keep what falls in the drain's first second.
  const ofThisDrain = (event: DrainerEvent) => event.lastAt >= zero - 1_000;
  const nodeEvents = onNode.filter(ofThisDrain);
  const seconds = (at: number) => Math.max(0, Math.round(at - zero) / 1000);
  const timeline: RecordedEntry[] = [];
  const tiers = new Map<string, Tier>();
  const budgets = new Map<string, Set<string>>();
  const removed = new Map<string, { at: number; tier: Tier; forced: boolean }>();
  const named = new Set<string>();
  const add = (at: number, entry: Omit<RecordedEntry, "seconds" | "source">) =>
    timeline.push({ seconds: seconds(at), source: "cluster", ...entry });
  const remove = (pod: string, at: number, forced: boolean) => {
    const known = removed.get(pod);
    if (known !== undefined && (known.forced || !forced)) return;
    removed.set(pod, { at, tier: tiers.get(pod) ?? "ordinary", forced });
    const tier = tiers.get(pod);
    add(at, {
      kind: forced ? "forced" : "evicted",
      level: forced ? "warn" : "info",
      text: forced ? `forced ${pod} at the deadline` : `evicted ${pod}`,
      pod,
      ...(tier === undefined ? {} : { tier }),
    });
  };

  for (const event of nodeEvents) {
    const level = event.type === "Warning" ? "warn" : "info";
    const evicted = /^Evicted \d+ pods?(?: \(tier ([a-z]+)\))?: (.*)$/s.exec(event.message);
    if (event.reason === "PodsEvicted" && evicted !== null) {
      const tier = TIERS.find((known) => known === evicted[1]);
      for (const pod of podNames(evicted[2] ?? "")) {
        if (tier !== undefined) tiers.set(pod, tier);
        remove(pod, event.firstAt, false);
      }
      continue;
    }
    const forced = /^Deleted \d+ pods? at the drain deadline: (.*)$/s.exec(event.message);
    if (event.reason === "PodsForceDeleted" && forced !== null) {
      for (const pod of podNames(forced[1] ?? "")) remove(pod, event.firstAt, true);
      continue;
    }
    const refused = /^Eviction of pod (\S+) refused: (.*)$/s.exec(event.message);
    if (refused?.[1] !== undefined) named.add(refused[1]);
    add(event.firstAt, {
      kind: kindOfNodeEvent(event.reason),
      level,
      text: event.count > 1 ? `${event.message} (×${event.count})` : event.message,
      ...(refused === null ? {} : budgetOf(refused[2] ?? "")),
      ...(event.reason === "VolumesDetached" || event.reason === "TargetsDeregistered"
        ? waitedOf(event.message)
        : {}),
    });
  }
  for (const pod of state?.forced ?? []) remove(`${pod.namespace}/${pod.name}`, pod.at, true);
  for (const pod of removed.keys()) named.add(pod);

  // Pod Events do not all name the node: a pod's are taken when this node's Events or state name the pod.
  let refusals = 0;
  for (const event of kept.events.filter(ofThisDrain)) {
    if (event.about.kind !== "Pod") continue;
    const pod = `${event.about.namespace ?? "default"}/${event.about.name}`;
    const namesNode = event.message.includes(` node ${node}`);
    if (!namesNode && !named.has(pod)) continue;
    if (event.reason === "EvictionBlocked") {
      refusals += event.count;
      const budget = budgetOf(event.message);
      if (budget.budget !== undefined) budgets.set(pod, (budgets.get(pod) ?? new Set()).add(budget.budget));
      const text = `refused ${pod}: ${event.message}`;
      add(event.firstAt, { kind: "blocked", level: "info", text, pod, ...budget });
      if (event.count > 1)
        add(event.lastAt, {
          kind: "blocked",
          level: "info",
          text: `${text} (×${event.count})`,
          pod,
          ...budget,
        });
    } else if (event.reason === "ForceDeleted") {
      remove(pod, event.firstAt, true);
    } else if (event.reason === "ReturnsToDrainedNode") {
      add(event.firstAt, { kind: "skipped", level: "warn", text: event.message, pod, reason: "returning" });
    } else if (event.reason === "CountedGone") {
      add(event.firstAt, { kind: "gone", level: "warn", text: `counted gone: ${event.message}`, pod });
    }
  }

  // Events record no pod leaving: each removed pod is drawn gone at the next milestone that implies it.
  const milestones = nodeEvents.filter((event) => MILESTONES.has(event.reason)).map((event) => event.firstAt);
  const tierEvictions = [...removed.values()];
  for (const [pod, { at, tier }] of removed) {
    const laterTier = tierEvictions
      .filter((other) => tierRank(other.tier) > tierRank(tier) && other.at >= at)
      .map((other) => other.at);
    const goneBy = Math.min(...[...milestones, ...laterTier].filter((time) => time >= at));
    if (!Number.isFinite(goneBy)) continue;
    add(goneBy, {
      kind: "gone",
      level: "detail",
      text: `${pod} gone by then (the Events say when the drain moved on, not when the pod left)`,
      pod,
    });
  }

  const lastEvent = Math.max(...kept.events.filter(ofThisDrain).map((event) => event.lastAt));
  const end = Math.max(zero, state?.updatedAt ?? zero, Number.isFinite(lastEvent) ? lastEvent : zero);
  const ending = nodeEvents.filter((event) => ENDINGS[event.reason] !== undefined).at(-1);
  const status = state?.outcome ?? (ending === undefined ? undefined : ENDINGS[ending.reason]);
  const action = nodeEvents.filter((event) => event.reason.startsWith("LifecycleAction")).at(-1);
  const actionText =
    action === undefined
      ? ""
      : action.reason === "LifecycleActionCompleted"
        ? "; lifecycle action completed with CONTINUE"
        : action.reason === "LifecycleActionAbandoned"
          ? "; lifecycle action completed with ABANDON"
          : "; lifecycle action left to the hook's DefaultResult";
  const pods: RecordedPod[] = [
    ...new Set(timeline.flatMap((entry) => (entry.pod === undefined ? [] : [entry.pod]))),
  ]
    .sort()
    .map((pod) => ({
      pod,
      workload: `${pod.split("/")[0]} (workload not in the Events)`,
      tier: tiers.get(pod) ?? "ordinary",
      budgets: [...(budgets.get(pod) ?? [])],
    }));
  const invocations = runsOf(nodeEvents, seconds);
  return {
    kind: "drain",
    title: `eks-node-drainer report ${node}: ${RECONSTRUCTED}`,
    node,
    ...(kept.instanceId === undefined ? {} : { instanceId: kept.instanceId }),
    startedAt: new Date(zero).toISOString(),
    outcome: `${status ?? `in progress (phase ${state?.phase ?? "unknown"})`}${actionText}`,
    succeeded: status === "drained" && action?.reason !== "LifecycleActionAbandoned",
    endSeconds: seconds(end),
    ...(state === undefined ? {} : { deadlineSeconds: seconds(state.deadline) }),
    counts: {
      evictions: Math.max(
        state?.counts.evicted ?? 0,
        [...removed.values()].filter((pod) => !pod.forced).length,
      ),
      refusals,
      forced: Math.max(state?.counts.forced ?? 0, [...removed.values()].filter((pod) => pod.forced).length),
    },
    pods,
    timeline: timeline.sort((a, b) => a.seconds - b.seconds),
    ...(invocations.length === 0 ? {} : { invocations }),
  };
}

/** The pods of a catalog list ("ns/a, ns/b and 3 more"): the ones it names. */
function podNames(list: string): string[] {
  return list
    .replace(/ and \d+ more$/, "")
    .split(", ")
    .map((pod) => pod.trim())
    .filter((pod) => pod.includes("/"));
}

/** The budget a refusal names, and its disruptionsAllowed, from the catalog's wording. */
function budgetOf(message: string): Pick<RecordedEntry, "budget" | "disruptionsAllowed"> {
  const match = /PodDisruptionBudget (\S+?)(?: \(disruptionsAllowed: (\d+)\))? allows/.exec(message);
  if (match?.[1] === undefined) return {};
  return { budget: match[1], ...(match[2] === undefined ? {} : { disruptionsAllowed: Number(match[2]) }) };
}

/**
 * How long a wait took ("after 12.3s", "after 4m05s"), as the catalog words it: the volumes detaching (at
 * the end of the message), the targets deregistering (before the list of target groups).
 */
function waitedOf(message: string): Pick<RecordedEntry, "waitedSeconds"> {
  const match = /after (?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)(ms|s))?(?::|$)/.exec(message);
  if (match === null) return {};
  const [, hours = "0", minutes = "0", amount = "0", unit = "s"] = match;
  const waited = Number(hours) * 3600 + Number(minutes) * 60 + Number(amount) / (unit === "ms" ? 1000 : 1);
  return Number.isFinite(waited) ? { waitedSeconds: waited } : {};
}

/** The timeline kind of a Node Event, as the live record names the same moment. */
function kindOfNodeEvent(reason: string): string {
  switch (reason) {
    case "DrainStarted":
    case "DrainResumed":
      return "started";
    case "DrainPaused":
      return "stopped";
    case "DrainSucceeded":
    case "DrainForcedAtDeadline":
    case "DrainFailed":
      return "finished";
    case "DrainDeadlineApproaching":
      return "deadline-approaching";
    case "DrainDeadlineReached":
      return "deadline-reached";
    case "WaitingForVolumeDetach":
      return "volumes-waiting";
    case "VolumesDetached":
    case "VolumeDetachTimedOut":
      return "volumes-detached";
    case "EvictionBlocked":
      return "budget-blocking";
    case "LifecycleActionCompleted":
    case "LifecycleActionAbandoned":
    case "LifecycleActionLeftToDefaultResult":
      return "completion";
    default:
      return reason.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
  }
}

/** Each run of the drain (an invocation, a worker attempt): from its start or resume Event to its pause or end. */
function runsOf(events: readonly DrainerEvent[], seconds: (at: number) => number): RecordedInvocation[] {
  const runs: RecordedInvocation[] = [];
  let open: number | undefined;
  for (const event of events) {
    if (event.reason === "DrainStarted" || event.reason === "DrainResumed") open = event.firstAt;
    const outcome = event.reason === "DrainPaused" ? "paused" : ENDINGS[event.reason];
    if (open !== undefined && outcome !== undefined) {
      runs.push({
        attempt: runs.length + 1,
        startedAtSeconds: seconds(open),
        endedAtSeconds: seconds(event.firstAt),
        outcome,
      });
      open = undefined;
    }
  }
  return runs;
}
