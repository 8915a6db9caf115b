import type { SurgeMode } from "../src/drain/surge-policy.js";
import type { Scenario } from "../src/sim/index.js";
import type { CaseResult } from "./case-result.js";

/** Label that marks the nodes a multi-node scenario terminates at once. */
export const terminateLabel = "bench.eks-node-drainer.io/terminate";

export interface TargetCheck {
  limit: string;
  measured: string;
  pass: boolean;
}

export interface Target {
  name: string;
  /** undefined when the figure it needs was not measured (e.g. no kubectl): reported as skipped. */
  check(result: CaseResult): TargetCheck | undefined;
}

export interface BenchCase {
  id: string;
  file: string;
  title: string;
  /** Compare with `kubectl drain` on the same scenario. */
  kubectl: boolean;
  /** Also drain with the built CLI (dist/cli.js) and read its peak RSS. */
  cli: boolean;
  /** Our drain's surge mode (default: the policy's default, annotated). */
  surge?: SurgeMode;
  /**
   * Several nodes drained as one process drains them (one client, budget watch and gate per budget);
   * default: each as its own Lambda invocation would (a client and a view each).
   */
  sharedBudgets?: boolean;
  /** The drain's deadline from its start, and kubectl's --timeout (default 10 min / 4 min). */
  timeoutSeconds?: number;
  targets: Target[];
}

/** The nodes a scenario drains: its drainNode, else every node labelled with `terminateLabel`. */
export function drainedNodes(scenario: Scenario): string[] {
  if (scenario.drainNode !== undefined) return [scenario.drainNode];
  const labelled = scenario.nodes.filter((node) => node.labels[terminateLabel] === "true");
  if (labelled.length === 0) {
    throw new Error(`scenario ${scenario.name} names no drainNode and labels no node ${terminateLabel}`);
  }
  return labelled.map((node) => node.name);
}

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const ratio = (value: number) => value.toFixed(2);

const noViolation: Target = {
  name: "0 budget violations",
  check: (result) => ({
    limit: "0",
    measured: String(result.ours.server.violations),
    pass: result.ours.server.violations === 0,
  }),
};

const evictionsOnly: Target = {
  name: "pods removed only by eviction (nothing forced)",
  check: (result) => {
    const deleted = result.ours.server.deletionsByVia.delete ?? 0;
    return { limit: "0 plain deletes", measured: `${deleted} plain deletes`, pass: deleted === 0 };
  },
};

const allDrained: Target = {
  name: "every drain ends drained",
  check: (result) => {
    const drained = result.ours.statuses.drained ?? 0;
    return {
      limit: `${result.drainedNodes} drained`,
      measured: Object.entries(result.ours.statuses)
        .map(([status, count]) => `${count} ${status}`)
        .join(", "),
      pass: drained === result.drainedNodes,
    };
  },
};

const requestsPerPod: Target = {
  name: "≤ 3 API requests per evicted pod besides refusals",
  check: (result) => {
    const server = result.ours.server;
    const perPod = (server.requests - server.refusals) / Math.max(1, server.evictionsAccepted);
    return { limit: "3.00", measured: perPod.toFixed(2), pass: perPod <= 3 };
  },
};

const nearSlowestShutdown: Target = {
  name: "drain ≤ slowest shutdown + 0.5 s",
  check: (result) => {
    const limit = result.criticalPath.seconds + 0.5;
    return {
      limit: s(limit),
      measured: s(result.ours.drainSeconds),
      pass: result.ours.drainSeconds <= limit,
    };
  },
};

/** The drain's time against the scenario's critical path: at most `factor` times it. */
function withinCriticalPath(factor: number): Target {
  return {
    name: `drain ≤ ${factor} × critical path`,
    check: (result) => {
      const limit = factor * result.criticalPath.seconds;
      return {
        limit: s(limit),
        measured: `${s(result.ours.drainSeconds)} (${ratio(result.ours.drainSeconds / result.criticalPath.seconds)}×)`,
        pass: result.ours.drainSeconds <= limit,
      };
    },
  };
}

/** Under budgets: ≤ 1.05×; 500 pods on one node: ≤ 1.1×; 50 nodes at once: ≤ 1.5×. */
const underBudgets = withinCriticalPath(1.05);
const manyPods = withinCriticalPath(1.1);
const fleet = withinCriticalPath(1.5);

const refusalsPerEviction: Target = {
  name: "≤ 0.3 refusals (429) per eviction",
  check: (result) => {
    const server = result.ours.server;
    const value = server.refusals / Math.max(1, server.evictionsAccepted);
    return { limit: "0.30", measured: value.toFixed(2), pass: value <= 0.3 };
  },
};

const fasterThanKubectl: Target = {
  name: "≤ 0.6 × kubectl drain's time",
  check: (result) => {
    if (result.kubectl === undefined) return undefined;
    const value = result.ours.server.serverSpanSeconds / result.kubectl.server.serverSpanSeconds;
    return { limit: "0.60", measured: ratio(value), pass: value <= 0.6 };
  },
};

const fewRefusals: Target = {
  name: "no more 429 refusals than kubectl drain",
  check: (result) => {
    if (result.kubectl === undefined) return undefined;
    return {
      limit: String(result.kubectl.server.refusals),
      measured: String(result.ours.server.refusals),
      pass: result.ours.server.refusals <= result.kubectl.server.refusals,
    };
  },
};

const neverZeroReady: Target = {
  name: "singletons with surge: 0 s without a Ready replica, workload restored",
  check: (result) => ({
    limit: "0.0 s, restored",
    measured: `${result.ours.availability.zeroReadySeconds.toFixed(1)} s, ${result.ours.availability.restored ? "restored" : "NOT restored"}`,
    pass: result.ours.availability.zeroReadySeconds === 0 && result.ours.availability.restored,
  }),
};

const endsByDeadlinePolicy: Target = {
  name: "without surge the budget never allows: the drain ends by the deadline policy (force)",
  check: (result) => ({
    limit: `${result.drainedNodes} deadline-forced`,
    measured: Object.entries(result.ours.statuses)
      .map(([status, count]) => `${count} ${status}`)
      .join(", "),
    pass: (result.ours.statuses["deadline-forced"] ?? 0) === result.drainedNodes,
  }),
};

const rssLimitKb = 150 * 1024;

const drainerFootprint: Target = {
  name: "≤ 150 MB peak RSS of the drain process: the drainer as the Lambda bundles it",
  check: (result) => ({
    limit: "150 MB",
    measured: `${(result.ours.maxRssKb / 1024).toFixed(0)} MB`,
    pass: result.ours.maxRssKb <= rssLimitKb,
  }),
};

const cliFootprint: Target = {
  name: "≤ 150 MB peak RSS of the drain process: the built CLI (dist/cli.js drain)",
  check: (result) => {
    if (result.cli === undefined) return undefined;
    const kb = result.cli.maxRssKb;
    return { limit: "150 MB", measured: `${(kb / 1024).toFixed(0)} MB`, pass: kb <= rssLimitKb };
  },
};

export const benchCases: BenchCase[] = [
  {
    id: "110-no-pdb",
    file: "scenarios/bench-110-no-pdb.yaml",
    title: "110 pods, no budget",
    kubectl: true,
    cli: false,
    targets: [nearSlowestShutdown, requestsPerPod, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "deployment-pdb",
    file: "scenarios/bench-deployment-pdb.yaml",
    title: "10 replicas, maxUnavailable 1",
    kubectl: true,
    cli: false,
    targets: [underBudgets, fasterThanKubectl, fewRefusals, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "mixed-110",
    file: "scenarios/mixed-110.yaml",
    title: "mixed 110 pods",
    kubectl: true,
    cli: false,
    targets: [underBudgets, fasterThanKubectl, fewRefusals, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "500-pods",
    file: "scenarios/bench-500-pods.yaml",
    title: "500 pods on one node",
    // kubectl's client-side limit of 5 requests per second per client makes it take ~100 s here.
    kubectl: false,
    cli: true,
    targets: [manyPods, drainerFootprint, cliFootprint, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "singleton-budget",
    file: "scenarios/singleton-budget.yaml",
    title: "1 replica under minAvailable 1, 10 s startup, surge (annotated)",
    kubectl: true,
    cli: false,
    timeoutSeconds: 60,
    targets: [neverZeroReady, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "singleton-budget-off",
    file: "scenarios/singleton-budget.yaml",
    title: "the same without surge: waits for the budget, forced at the 60 s deadline",
    kubectl: false,
    cli: false,
    surge: "off",
    timeoutSeconds: 60,
    // The forced delete at (deadline − grace) goes around the budget: the simulator counts it a violation.
    targets: [endsByDeadlinePolicy],
  },
  {
    id: "singleton-no-budget",
    file: "scenarios/singleton-no-budget.yaml",
    title: "1 replica, no budget, 10 s startup, surge (annotated)",
    kubectl: true,
    cli: false,
    timeoutSeconds: 60,
    targets: [neverZeroReady, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "singleton-no-budget-off",
    file: "scenarios/singleton-no-budget.yaml",
    title: "the same without surge",
    kubectl: false,
    cli: false,
    surge: "off",
    timeoutSeconds: 60,
    targets: [allDrained, noViolation, evictionsOnly],
  },
  {
    id: "fleet-50x110",
    file: "scenarios/bench-fleet-50x110.yaml",
    title: "50 nodes × 110 pods at once, each drain on its own (as 50 Lambda invocations)",
    kubectl: false,
    cli: false,
    targets: [fleet, refusalsPerEviction, allDrained, noViolation, evictionsOnly],
  },
  {
    id: "fleet-50x110-shared",
    file: "scenarios/bench-fleet-50x110.yaml",
    title: "50 nodes × 110 pods at once, drained by one process (shared budget watch and gates)",
    kubectl: false,
    cli: false,
    sharedBudgets: true,
    targets: [fleet, refusalsPerEviction, allDrained, noViolation, evictionsOnly],
  },
];
