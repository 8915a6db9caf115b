import { type Pod, type PodDisruptionBudget, podBehaviourAnnotations } from "../src/sim/index.js";

/**
 * The critical path of a drain: the time the workload itself needs, whatever the drainer does. No drain
 * can finish sooner; the bench divides the measured time by it. Explained in bench/README.md.
 *
 * - A pod under no budget can go at once: its share is its shutdown, min(shutdown, grace period).
 * - Pods under one budget go in waves of `disruptionsAllowed`: a wave can start only once the previous
 *   wave's replacements are Ready and the disruption controller has said so, one *cycle* later. For a
 *   Deployment a cycle is the ReplicaSet controller's delay (replacement created), the scheduler's delay
 *   (bound), the startup time (Ready) and the disruption controller's delay (status): startup + 3 × delay.
 *   A StatefulSet member is recreated only once the old pod is gone, and its volume must move first:
 *   shutdown + startup + 3 × delay (+ detach + delay + attach with a volume). The slowest pods go in the
 *   first waves; the group's share is max over waves w of (w × cycle + the wave's longest shutdown).
 * - The drain empties its tiers one after the other (ordinary, then critical pods): a tier's share is
 *   its slowest group's, and the tiers add up. DaemonSet and mirror pods stay; finished pods need nothing.
 * - A pod under two budgets can never be evicted: the bound is then infinite.
 */

export interface CriticalPathInput {
  /** The pods on the nodes to drain, as the cluster holds them when the drain starts. */
  pods: readonly Pod[];
  budgets: readonly PodDisruptionBudget[];
  controllerDelaySeconds: number;
  detachSeconds: number;
  attachSeconds: number;
  /** Priority classes of the critical tier, as the drain policy lists them. */
  criticalPriorityClasses: readonly string[];
}

export interface CriticalGroup {
  tier: "ordinary" | "critical";
  /** namespace/name of the budget, or "no budget". */
  budget: string;
  pods: number;
  /** Pods the budget lets go at once (undefined without a budget). */
  allowed?: number;
  waves: number;
  cycleSeconds: number;
  seconds: number;
}

export interface CriticalPath {
  /** Lower bound of the drain's duration with tiers emptied one after the other, seconds. */
  seconds: number;
  /** Lower bound when every pod may go at once (kubectl drain's order), seconds. */
  flatSeconds: number;
  groups: CriticalGroup[];
  /** One line per group, for the report. */
  explanation: string[];
}

const mirrorAnnotation = "kubernetes.io/config.mirror";

function secondsAnnotation(pod: Pod, key: string, fallback: number): number {
  const value = Number(pod.metadata.annotations?.[key] ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function shutdownOf(pod: Pod): number {
  const shutdown = secondsAnnotation(pod, podBehaviourAnnotations.shutdownSeconds, 1);
  return Math.min(shutdown, pod.spec.terminationGracePeriodSeconds ?? 30);
}

function ownerKind(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((owner) => owner.controller)?.kind;
}

function stays(pod: Pod): boolean {
  const phase = pod.status.phase;
  return (
    ownerKind(pod) === "DaemonSet" ||
    pod.metadata.annotations?.[mirrorAnnotation] !== undefined ||
    phase === "Succeeded" ||
    phase === "Failed"
  );
}

type Selector = NonNullable<PodDisruptionBudget["spec"]["selector"]>;

/** A budget's selector against a pod's labels, as the eviction subresource matches them. */
export function selectorMatches(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === "In"
        ? has && value !== undefined && values.includes(value)
        : expression.operator === "NotIn"
          ? !has || value === undefined || !values.includes(value)
          : expression.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

function budgetKey(budget: PodDisruptionBudget): string {
  return `${budget.metadata.namespace ?? "default"}/${budget.metadata.name}`;
}

function cycleOf(pod: Pod, input: CriticalPathInput): number {
  const delay = input.controllerDelaySeconds;
  const startup = secondsAnnotation(pod, podBehaviourAnnotations.startupSeconds, 2);
  if (ownerKind(pod) !== "StatefulSet") return startup + 3 * delay;
  const withVolume = (pod.spec.volumes ?? []).some((volume) => volume.persistentVolumeClaim !== undefined);
  const volumeMove = withVolume ? input.detachSeconds + delay + input.attachSeconds : 0;
  return shutdownOf(pod) + startup + 3 * delay + volumeMove;
}

/** The share of one group: waves of `allowed` pods, slowest shutdowns first. */
function groupSeconds(pods: readonly Pod[], allowed: number | undefined, input: CriticalPathInput) {
  const shutdowns = pods.map(shutdownOf).sort((a, b) => b - a);
  const cycle = Math.max(0, ...pods.map((pod) => cycleOf(pod, input)));
  if (allowed === undefined) return { seconds: shutdowns[0] ?? 0, waves: 1, cycle };
  if (allowed <= 0) return { seconds: Number.POSITIVE_INFINITY, waves: Number.POSITIVE_INFINITY, cycle };
  const waves = Math.ceil(pods.length / allowed);
  let seconds = 0;
  for (let wave = 0; wave < waves; wave++) {
    seconds = Math.max(seconds, wave * cycle + (shutdowns[wave * allowed] ?? 0));
  }
  return { seconds, waves, cycle };
}

export function criticalPath(input: CriticalPathInput): CriticalPath {
  const groups = new Map<
    string,
    { tier: CriticalGroup["tier"]; budget?: PodDisruptionBudget; pods: Pod[] }
  >();
  for (const pod of input.pods) {
    if (stays(pod)) continue;
    const tier = input.criticalPriorityClasses.includes(pod.spec.priorityClassName ?? "")
      ? "critical"
      : "ordinary";
    const labels = pod.metadata.labels ?? {};
    const covering = input.budgets.filter(
      (budget) =>
        budget.metadata.namespace === pod.metadata.namespace && selectorMatches(budget.spec.selector, labels),
    );
    const budgetName =
      covering.length > 1 ? "two budgets" : covering[0] ? budgetKey(covering[0]) : "no budget";
    const key = `${tier}|${budgetName}`;
    const group = groups.get(key) ?? {
      tier,
      ...(covering.length === 1 && covering[0] ? { budget: covering[0] } : {}),
      pods: [],
    };
    group.pods.push(pod);
    groups.set(key, group);
  }
  const results: CriticalGroup[] = [];
  for (const [key, group] of groups) {
    const budgetName = key.slice(key.indexOf("|") + 1);
    const allowed =
      budgetName === "two budgets" ? 0 : (group.budget?.status?.disruptionsAllowed ?? undefined);
    const { seconds, waves, cycle } = groupSeconds(group.pods, allowed, input);
    results.push({
      tier: group.tier,
      budget: budgetName,
      pods: group.pods.length,
      ...(allowed === undefined ? {} : { allowed }),
      waves,
      cycleSeconds: cycle,
      seconds,
    });
  }
  results.sort((a, b) => a.tier.localeCompare(b.tier) || b.seconds - a.seconds);
  const tierSeconds = (tier: CriticalGroup["tier"]) =>
    Math.max(0, ...results.filter((group) => group.tier === tier).map((group) => group.seconds));
  const seconds = tierSeconds("ordinary") + tierSeconds("critical");
  const flatSeconds = Math.max(0, ...results.map((group) => group.seconds));
  const explanation = results.map((group) =>
    group.allowed === undefined
      ? `${group.tier} · ${group.budget}: ${group.pods} pods at once, longest shutdown ${fmt(group.seconds)} s`
      : `${group.tier} · ${group.budget}: ${group.pods} pods, ${group.allowed} at a time → ${group.waves} waves, ` +
        `cycle ${fmt(group.cycleSeconds)} s → ${fmt(group.seconds)} s`,
  );
  return { seconds, flatSeconds, groups: results, explanation };
}

function fmt(seconds: number): string {
  return Number.isFinite(seconds) ? seconds.toFixed(2) : "∞";
}
