import { podKey } from "../drain/cluster-port.js";
import type { DrainPlan, PodPlan } from "../drain/plan.js";
import { TIERS } from "../drain/tiers.js";
import { durationText, timeText } from "../time/duration-text.js";
import { textTable } from "./text-table.js";

/** The plan as `plan --output json` prints it: the engine's plan with times in ISO 8601. */
export function planDocument(plan: DrainPlan, now: number) {
  const state = plan.node.state;
  return {
    kind: "DrainPlan" as const,
    node: plan.nodeName,
    nodeExists: plan.node.exists,
    cordoned: plan.node.unschedulable,
    ...(state === undefined
      ? {}
      : {
          drainInProgress: {
            phase: state.phase,
            startedAt: timeText(state.startedAt),
            deadline: timeText(state.deadline),
            ...(state.outcome === undefined ? {} : { outcome: state.outcome }),
          },
        }),
    plannedAt: timeText(now),
    deadline: timeText(plan.deadline),
    estimate: plan.estimate,
    tiers: plan.tiers,
    counts: countActions(plan.pods),
    pods: plan.pods.map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      action: pod.action,
      reason: pod.reason,
      message: pod.message,
      ...(pod.tier === undefined ? {} : { tier: pod.tier }),
      ready: pod.ready,
      graceSeconds: pod.graceSeconds,
      budgets: pod.budgets,
      ...(pod.forceAt === undefined ? {} : { forceAt: timeText(pod.forceAt) }),
      ...(pod.surge === undefined ? {} : { surge: pod.surge }),
      ...(pod.expected === undefined ? {} : { expected: pod.expected }),
    })),
    blockers: plan.blockers.map((blocker) => ({
      pod: podKey(blocker.pod),
      kind: blocker.kind,
      ...(blocker.budget === undefined ? {} : { budget: blocker.budget }),
      ...(blocker.disruptionsAllowed === undefined ? {} : { disruptionsAllowed: blocker.disruptionsAllowed }),
      message: blocker.message,
    })),
  };
}

export type PlanDocument = ReturnType<typeof planDocument>;

function countActions(pods: readonly PodPlan[]): Record<PodPlan["action"], number> {
  const counts: Record<PodPlan["action"], number> = { evict: 0, wait: 0, force: 0, skip: 0, refuse: 0 };
  for (const pod of pods) counts[pod.action] += 1;
  return counts;
}

/** The plan as a table per pod, then the blockers and the estimate. */
export function planText(plan: DrainPlan, now: number): string {
  const lines: string[] = [];
  const state = plan.node.state;
  const nodeState = !plan.node.exists
    ? "does not exist"
    : state !== undefined
      ? state.outcome === undefined
        ? `cordoned, drain in progress (phase ${state.phase}, started ${timeText(state.startedAt)})`
        : `cordoned, last drain ${state.outcome} (started ${timeText(state.startedAt)})`
      : plan.node.unschedulable
        ? "cordoned"
        : "schedulable";
  lines.push(`Node ${plan.nodeName}: ${nodeState}`);
  lines.push(`Deadline ${timeText(plan.deadline)} (in ${durationText(plan.deadline - now)})`);
  lines.push("");
  const ordered = [...plan.pods].sort(drainOrder);
  const rows = ordered.map((pod) => [
    podKey(pod),
    pod.action,
    pod.tier ?? "-",
    pod.reason,
    pod.budgets.map((budget) => budget.name).join(",") || "-",
    pod.budgets.map((budget) => String(budget.disruptionsAllowed)).join(",") || "-",
    `${pod.graceSeconds}s`,
    pod.message,
  ]);
  lines.push(
    textTable(["POD", "ACTION", "TIER", "REASON", "PDB", "ALLOWED", "GRACE", "NOTE"], rows).trimEnd(),
  );
  if (plan.pods.length === 0) lines.push("(no pods on the node)");
  const counts = countActions(plan.pods);
  lines.push("");
  lines.push(
    `Pods: ${counts.evict} to evict, ${counts.wait} to wait for, ${counts.force} to force, ${counts.skip} skipped, ${counts.refuse} refused`,
  );
  const tiers = plan.tiers.filter((tier) => tier.pods > 0);
  if (tiers.length > 0) {
    lines.push(`Tiers, in order: ${tiers.map((tier) => `${tier.tier} (${tier.pods})`).join(", then ")}`);
  }
  const surged = plan.pods.filter((pod) => pod.surge?.surge === true);
  if (surged.length > 0) {
    lines.push("");
    lines.push("Surge (the Deployment's replacement started and Ready before the eviction):");
    for (const pod of surged) lines.push(`  ${podKey(pod)}: ${pod.surge?.reason}`);
  }
  if (plan.blockers.length > 0) {
    lines.push("");
    lines.push("Blockers:");
    for (const blocker of plan.blockers) {
      lines.push(`  ${podKey(blocker.pod)}: ${blocker.kind}: ${blocker.message}`);
    }
  }
  lines.push("");
  const bottleneck =
    plan.estimate.bottleneck === undefined ? "" : `; bottleneck: ${plan.estimate.bottleneck}`;
  lines.push(`Estimated drain time: ${durationText(plan.estimate.seconds * 1000)}${bottleneck}`);
  lines.push(`  (assuming ${plan.estimate.assumptions})`);
  return `${lines.join("\n")}\n`;
}

const actionOrder: Record<PodPlan["action"], number> = { refuse: 0, force: 1, evict: 2, wait: 3, skip: 4 };

/** Pods in the order a drain meets them: by action, then tier, then name. */
function drainOrder(a: PodPlan, b: PodPlan): number {
  const byAction = actionOrder[a.action] - actionOrder[b.action];
  if (byAction !== 0) return byAction;
  const byTier =
    (a.tier === undefined ? TIERS.length : TIERS.indexOf(a.tier)) -
    (b.tier === undefined ? TIERS.length : TIERS.indexOf(b.tier));
  return byTier !== 0 ? byTier : podKey(a).localeCompare(podKey(b));
}
