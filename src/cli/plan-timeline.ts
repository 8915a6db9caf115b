import type { DrainRecord, RecordedEntry, RecordedPod } from "../timeline/index.js";
import type { PlanDocument } from "./plan-report.js";

/**
 * A plan as a recorded drain: the timeline its estimate expects (each pod evicted and gone when the
 * estimate's rounds say, tier after tier), for `plan --report`. `pods` are the node's pods as listed for
 * the report (workload, tier, budgets); a pod the plan names but the list missed still gets a lane.
 */
export function planRecord(
  document: PlanDocument,
  pods: readonly RecordedPod[],
  title: string,
  instanceId?: string,
): DrainRecord {
  const zero = Date.parse(document.plannedAt);
  const entries: RecordedEntry[] = [];
  const add = (entry: Omit<RecordedEntry, "source" | "level"> & { level?: RecordedEntry["level"] }) =>
    entries.push({ source: "plan", level: "info", ...entry });
  const tierStarts = new Map<string, number>();
  for (const pod of document.pods) {
    if (pod.tier === undefined || pod.expected === undefined) continue;
    tierStarts.set(
      pod.tier,
      Math.min(tierStarts.get(pod.tier) ?? Number.POSITIVE_INFINITY, pod.expected.evictAfterSeconds),
    );
  }
  for (const [tier, seconds] of tierStarts) {
    const count = document.tiers.find((candidate) => candidate.tier === tier)?.pods ?? 0;
    add({
      seconds,
      kind: "tier-started",
      tier,
      text: `tier ${tier}: ${count} pod${count === 1 ? "" : "s"} to drain (expected)`,
    });
  }
  const seenBudgets = new Set<string>();
  for (const pod of document.pods) {
    const key = `${pod.namespace}/${pod.name}`;
    for (const budget of pod.budgets) {
      if (seenBudgets.has(budget.name)) continue;
      seenBudgets.add(budget.name);
      add({
        seconds: 0,
        kind: "budget",
        budget: budget.name,
        disruptionsAllowed: budget.disruptionsAllowed,
        currentHealthy: budget.currentHealthy,
        desiredHealthy: budget.desiredHealthy,
        text: `budget ${budget.name}: disruptionsAllowed ${budget.disruptionsAllowed} now (${budget.currentHealthy} healthy, ${budget.desiredHealthy} needed)`,
      });
    }
    if (pod.action === "skip" || pod.action === "refuse") {
      add({
        seconds: 0,
        kind: "skipped",
        pod: key,
        reason: `${pod.action === "refuse" ? "refused: " : ""}${pod.message}`,
        text: `${pod.action} ${key}: ${pod.message}`,
      });
    } else if (pod.action === "wait") {
      add({
        seconds: 0,
        kind: "waiting",
        pod: key,
        reason: pod.message,
        text: `would wait for ${key}: ${pod.message}`,
      });
    } else if (pod.expected !== undefined) {
      const verb = pod.action === "force" ? "forced" : "evicted";
      add({
        seconds: pod.expected.evictAfterSeconds,
        kind: verb,
        pod: key,
        ...(pod.tier === undefined ? {} : { tier: pod.tier }),
        text: `${verb} ${key} (expected)`,
      });
      add({
        seconds: pod.expected.goneAfterSeconds,
        kind: "gone",
        pod: key,
        text: `gone ${key} (expected, within its ${pod.graceSeconds}s grace)`,
      });
    }
  }
  const deadlineSeconds = Math.round(Date.parse(document.deadline) - zero) / 1000;
  const bottleneck =
    document.estimate.bottleneck === undefined ? "" : `; bottleneck: ${document.estimate.bottleneck}`;
  return {
    kind: "plan",
    title: `${title} — assuming ${document.estimate.assumptions}`,
    node: document.node,
    ...(instanceId === undefined ? {} : { instanceId }),
    startedAt: document.plannedAt,
    outcome: `estimated ${document.estimate.seconds}s${bottleneck}`,
    succeeded: document.blockers.length === 0,
    endSeconds: document.estimate.seconds,
    ...(Number.isFinite(deadlineSeconds) ? { deadlineSeconds } : {}),
    counts: {
      evictions: document.counts.evict + document.counts.force,
      refusals: 0,
      forced: document.counts.force,
    },
    pods: [...pods],
    timeline: entries.sort((a, b) => a.seconds - b.seconds),
  };
}
