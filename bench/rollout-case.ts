import { simulationDocument } from "../src/cli/simulation-report.js";
import { runSimulation } from "../src/cli/simulation-run.js";
import { systemClock } from "../src/time/clock.js";
import { type TargetResult, targetLines } from "./case-result.js";

/**
 * The rollout row of `npm run bench`: a scenario whose lifecycle script is an instance refresh, run
 * through `simulate`'s path (the Lambda handler in process, real time) with rollout-aware placement and
 * without it (ROLLOUT_PLACEMENT=false), reporting evictions per pod lineage (src/sim/eviction-lineage.ts).
 */
export interface RolloutCase {
  id: string;
  file: string;
  title: string;
}

export const rolloutCases: RolloutCase[] = [
  {
    id: "rollout-10",
    file: "scenarios/bench-rollout-10.yaml",
    title: "instance refresh of 10 nodes, batches of 2, mixed workloads under budgets",
  },
];

export interface RolloutRun {
  placement: boolean;
  evictionsPerPod: { max: number; mean: number };
  evictions: number;
  refusals: number;
  violations: number;
  /** Lifecycle actions, and those completed exactly once. */
  actions: number;
  completedOnce: number;
  /** The simulation from start to end, wall time. */
  seconds: number;
}

export interface RolloutResult {
  id: string;
  title: string;
  scenarioFile: string;
  runs: RolloutRun[];
}

async function runOnce(file: string, placement: boolean): Promise<RolloutRun> {
  const started = Date.now();
  const report = await runSimulation({
    scenarioPath: file,
    clock: systemClock,
    heartbeatTimeoutSeconds: 300,
    lambdaTimeoutMs: 900_000,
    via: "lambda",
    timeoutMs: 1_800_000,
    settings: { ROLLOUT_PLACEMENT: String(placement) },
    onEntries: () => {},
    signal: new AbortController().signal,
  });
  const document = simulationDocument(report);
  return {
    placement,
    evictionsPerPod: document.evictionsPerPod ?? { max: 0, mean: 0 },
    evictions: document.evictions,
    refusals: document.refusals.DisruptionBudget,
    violations: document.violations.length,
    actions: document.lifecycleActions.length,
    completedOnce: document.lifecycleActions.filter(
      (action) => action.state === "completed" && action.completions === 1,
    ).length,
    seconds: (Date.now() - started) / 1000,
  };
}

export async function measureRollout(bench: RolloutCase): Promise<RolloutResult> {
  const runs = [await runOnce(bench.file, true), await runOnce(bench.file, false)];
  return { id: bench.id, title: bench.title, scenarioFile: bench.file, runs };
}

/**
 * With rollout-aware placement each pod is evicted once per refresh (evictions per pod at most 1), with no
 * violation and every lifecycle action completed once.
 */
export function rolloutTargets(result: RolloutResult): TargetResult[] {
  const placed = result.runs.find((run) => run.placement);
  if (placed === undefined) return [{ name: "with placement: each pod evicted once", status: "SKIPPED" }];
  const pass =
    placed.evictionsPerPod.max <= 1 && placed.violations === 0 && placed.completedOnce === placed.actions;
  return [
    {
      name: "with placement: each pod evicted once, 0 violations, every action completed once",
      status: pass ? "PASS" : "FAIL",
      limit: "max 1, 0 violations, all once",
      measured: `max ${placed.evictionsPerPod.max}, ${placed.violations} violations, ${placed.completedOnce}/${placed.actions} once`,
    },
  ];
}

export function rolloutLines(result: RolloutResult): string[] {
  return [
    `${result.id} — ${result.title} (${result.scenarioFile})`,
    ...result.runs.map(
      (run) =>
        `  ${run.placement ? "with placement   " : "without placement"}: evictions per pod max ${run.evictionsPerPod.max}, ` +
        `mean ${run.evictionsPerPod.mean} (${run.evictions} evictions, ${run.refusals} refused), ` +
        `${run.violations} violations, ${run.completedOnce}/${run.actions} actions completed once, ${run.seconds.toFixed(1)} s`,
    ),
    ...targetLines(rolloutTargets(result)),
  ];
}
