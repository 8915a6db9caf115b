import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { LabelRequirement } from "../labels/label-selector.js";
import { BudgetIndex, type BudgetSummary, budgetNeverAllows, summarizeBudget } from "./budgets.js";
import { type PodRef, podRef } from "./cluster-port.js";
import { forceTimeOf } from "./deadline.js";
import type { DrainState } from "./drain-state.js";
import { controllerOf, graceSecondsOf, isDaemonSetPod, isReady } from "./pod-facts.js";
import { classifyPod, type PodReason } from "./pod-filters.js";
import type { DrainPolicy } from "./policy.js";
import { drainTaintTolerance } from "./returning-pods.js";
import { activeTiers, type Tier, tierOf } from "./tiers.js";

/** What the drain would do with one pod now. "force": its time before the deadline has come. */
export interface PodPlan extends PodRef {
  action: "evict" | "skip" | "wait" | "force" | "refuse";
  reason: PodReason;
  message: string;
  /** The tier it is drained in; absent for skipped and refused pods. */
  tier?: Tier;
  budgets: BudgetSummary[];
  graceSeconds: number;
  ready: boolean;
  /** When the deadline rule would delete it (deadline − grace), epoch ms; absent when skipped. */
  forceAt?: number;
  /** For a pod to evict: whether its Deployment's replacement is started (and Ready) first, and why. */
  surge?: { surge: boolean; reason: string };
  /** When the estimate expects its eviction and its end, seconds from now; absent when it is not evicted. */
  expected?: { evictAfterSeconds: number; goneAfterSeconds: number };
}

export type BlockerKind =
  | "budget-never-allows"
  | "budget-exhausted"
  | "multiple-budgets"
  | "opted-out"
  | "refused"
  | "may-return";

export interface PlanBlocker {
  pod: PodRef;
  kind: BlockerKind;
  budget?: string;
  disruptionsAllowed?: number;
  message: string;
}

export interface DrainPlan {
  nodeName: string;
  node: { exists: boolean; unschedulable: boolean; state?: DrainState };
  startedAt: number;
  deadline: number;
  pods: PodPlan[];
  tiers: Array<{ tier: Tier; pods: number }>;
  blockers: PlanBlocker[];
  /** A rough estimate of the drain's duration, with the reasoning behind it. */
  estimate: { seconds: number; bottleneck?: string; assumptions: string };
}

export interface PlanInput {
  nodeName: string;
  pods: readonly V1Pod[];
  budgets: readonly V1PodDisruptionBudget[];
  policy: DrainPolicy;
  selector: readonly LabelRequirement[] | undefined;
  now: number;
  startedAt: number;
  deadline: number;
  /** Assumed seconds for a replacement pod to become Ready. */
  assumedStartupSeconds: number;
  node: DrainPlan["node"];
}

/** Pure: what a drain of these pods under these budgets would do now. */
export function buildPlan(input: PlanInput): DrainPlan {
  const { policy, now, startedAt, deadline } = input;
  const index = new BudgetIndex(input.budgets);
  const pods: PodPlan[] = [];
  const blockers: PlanBlocker[] = [];
  for (const pod of input.pods) {
    const verdict = classifyPod(pod, { policy, selector: input.selector, now, startedAt, deadline });
    const budgets = index.forPod(pod).map(summarizeBudget);
    const graceSeconds = graceSecondsOf(pod);
    const ref = podRef(pod);
    const drained = verdict.action === "evict" || verdict.action === "wait";
    const forceAt = drained ? forceTimeOf(deadline, graceSeconds) : undefined;
    const forcedNow = forceAt !== undefined && now >= forceAt && policy.onDeadline === "force";
    pods.push({
      ...ref,
      action: forcedNow ? "force" : verdict.action,
      reason: verdict.reason,
      message: verdict.message,
      ...(drained ? { tier: tierOf(pod, policy) } : {}),
      budgets,
      graceSeconds,
      ready: isReady(pod),
      ...(forceAt === undefined ? {} : { forceAt }),
    });
    blockers.push(...blockersOf(ref, verdict.action, verdict.reason, verdict.message, budgets, isReady(pod)));
    const tolerance =
      verdict.action === "evict" && !isDaemonSetPod(pod) ? drainTaintTolerance(pod, policy) : undefined;
    if (tolerance !== undefined) {
      blockers.push({
        pod: ref,
        kind: "may-return",
        message: `${tolerance}: the scheduler may place its replacement back on this node; its owner's pods are evicted at most ${policy.maxEvictionsPerOwner} times, then left`,
      });
    }
  }
  const tiers = activeTiers(policy).map((tier) => ({
    tier,
    pods: pods.filter((pod) => pod.tier === tier && pod.action !== "skip").length,
  }));
  return {
    nodeName: input.nodeName,
    node: input.node,
    startedAt,
    deadline,
    pods,
    tiers,
    blockers,
    estimate: estimateSeconds(input, pods),
  };
}

function blockersOf(
  pod: PodRef,
  action: string,
  reason: PodReason,
  message: string,
  budgets: BudgetSummary[],
  ready: boolean,
): PlanBlocker[] {
  if (action === "refuse") return [{ pod, kind: "refused", message }];
  if (action === "wait" && reason === "opted-out") return [{ pod, kind: "opted-out", message }];
  if (action !== "evict") return [];
  if (budgets.length > 1) {
    const names = budgets.map((budget) => budget.name).join(", ");
    return [
      {
        pod,
        kind: "multiple-budgets",
        budget: names,
        message: `covered by ${budgets.length} budgets (${names})`,
      },
    ];
  }
  const [budget] = budgets;
  // A pod that is not Ready does not count as healthy: evicting it spends nothing when the rest suffice.
  if (budget === undefined || (!ready && budget.currentHealthy >= budget.desiredHealthy)) return [];
  if (budgetNeverAllows(budget)) {
    return [
      {
        pod,
        kind: "budget-never-allows",
        budget: budget.name,
        disruptionsAllowed: budget.disruptionsAllowed,
        message: `budget ${budget.name} needs ${budget.desiredHealthy} healthy of ${budget.expectedPods} expected: no eviction can ever be allowed`,
      },
    ];
  }
  if (budget.disruptionsAllowed <= 0) {
    return [
      {
        pod,
        kind: "budget-exhausted",
        budget: budget.name,
        disruptionsAllowed: budget.disruptionsAllowed,
        message: `budget ${budget.name} allows no disruption now (${budget.currentHealthy} healthy, ${budget.desiredHealthy} needed)`,
      },
    ];
  }
  return [];
}

/**
 * Per tier, the slowest of: a pod without budget stopping within its grace period, or a budget's
 * rounds (pods beyond disruptionsAllowed wait for replacements to become Ready; a StatefulSet's
 * replacement starts only once the old pod is gone). Tiers run one after another.
 */
function estimateSeconds(input: PlanInput, pods: PodPlan[]): DrainPlan["estimate"] {
  const startup = input.assumedStartupSeconds;
  const assumptions = `pods stop within their grace period; replacements become Ready in ${startup}s`;
  const neverAllows = pods.find((pod) => pod.action === "evict" && pod.budgets.some(budgetNeverAllows));
  if (neverAllows !== undefined || pods.some((pod) => pod.action === "evict" && pod.budgets.length > 1)) {
    const culprit = neverAllows ?? pods.find((pod) => pod.budgets.length > 1);
    return {
      seconds: Math.max(0, Math.round((input.deadline - input.now) / 1000)),
      bottleneck: `${culprit?.namespace}/${culprit?.name} cannot be evicted: the drain runs until the deadline`,
      assumptions,
    };
  }
  const byUid = new Map(input.pods.map((pod) => [pod.metadata?.uid ?? "", pod]));
  let total = 0;
  let bottleneck: string | undefined;
  for (const tier of activeTiers(input.policy)) {
    const inTier = pods.filter(
      (pod) => pod.tier === tier && (pod.action === "evict" || pod.action === "force"),
    );
    let tierSeconds = 0;
    const perBudget = new Map<string, { budget: BudgetSummary; pods: PodPlan[] }>();
    for (const pod of inTier) {
      const [budget] = pod.budgets;
      if (budget === undefined) {
        tierSeconds = Math.max(tierSeconds, pod.graceSeconds);
        pod.expected = { evictAfterSeconds: total, goneAfterSeconds: total + pod.graceSeconds };
        continue;
      }
      const entry = perBudget.get(budget.name) ?? { budget, pods: [] };
      entry.pods.push(pod);
      perBudget.set(budget.name, entry);
    }
    for (const { budget, pods: covered } of perBudget.values()) {
      const allowed = Math.max(1, budget.disruptionsAllowed);
      const rounds = Math.ceil(covered.length / allowed);
      const sample = byUid.get(covered[0]?.uid ?? "");
      const statefulSet = sample !== undefined && controllerOf(sample)?.kind === "StatefulSet";
      const grace = Math.max(...covered.map((pod) => pod.graceSeconds));
      const roundSeconds = statefulSet ? grace + startup : Math.max(startup, 1);
      const seconds = (rounds - 1) * roundSeconds + grace;
      covered.forEach((pod, index) => {
        const evictAfterSeconds = total + Math.floor(index / allowed) * roundSeconds;
        pod.expected = { evictAfterSeconds, goneAfterSeconds: evictAfterSeconds + pod.graceSeconds };
      });
      if (seconds > tierSeconds) {
        tierSeconds = seconds;
        if (rounds > 1) bottleneck = `budget ${budget.name}: ${covered.length} pods, ${rounds} rounds`;
      }
    }
    total += tierSeconds;
  }
  return { seconds: total, ...(bottleneck === undefined ? {} : { bottleneck }), assumptions };
}
