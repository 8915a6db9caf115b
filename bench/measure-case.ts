import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultDrainPolicy } from "../src/drain/policy.js";
import { loadScenario, type Scenario, type SimCluster, startSimCluster } from "../src/sim/index.js";
import { type DrainRecord, renderDrainReport } from "../src/timeline/index.js";
import { type BenchCase, drainedNodes } from "./bench-cases.js";
import type { CaseResult, KubectlResult, OurRun, TargetResult, WorkloadAvailability } from "./case-result.js";
import { cliAvailable, runCliDrain } from "./cli-drain.js";
import { criticalPath } from "./critical-path.js";
import { serverFigures } from "./drain-figures.js";
import { runKubectlDrain } from "./kubectl-drain.js";
import { runDrainWorker } from "./worker-launch.js";

export interface MeasureOptions {
  workerBundle: string;
  /** kubectl to compare with, when there is one and comparisons are wanted. */
  kubectl: boolean;
  /** Progress lines on stderr. */
  say: (line: string) => void;
}

/** A fresh simulated cluster of the scenario for `use`, stopped afterwards whatever happens. */
async function withCluster<T>(scenario: Scenario, use: (sim: SimCluster) => Promise<T>): Promise<T> {
  const sim = await startSimCluster(scenario);
  try {
    return await use(sim);
  } finally {
    await sim.stop();
  }
}

/** Where a scenario's HTML report goes: beside the results JSON. */
const RESULTS = "bench/results";

/** Draws the recorded drain of the scenario's first node as bench/results/report-<id>.html. */
async function writeCaseReport(bench: BenchCase, record: DrainRecord, nodes: number): Promise<string> {
  const file = join(RESULTS, `report-${bench.id}.html`);
  const fleet = nodes > 1 ? ` (the first of ${nodes} nodes drained at once)` : "";
  await mkdir(RESULTS, { recursive: true });
  await writeFile(
    file,
    renderDrainReport({ ...record, title: `npm run bench: ${bench.id}, ${bench.title}${fleet}` }),
  );
  return file;
}

/**
 * The drained workloads' availability once their replacements are Ready (at most a minute after the
 * drain), so that an outage is counted whole.
 */
async function availabilityAfter(sim: SimCluster, workloads: string[]): Promise<WorkloadAvailability> {
  const giveUpAt = Date.now() + 60_000;
  while (!sim.availability.recovered(workloads) && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const entries = sim.availability.entries(workloads);
  return {
    zeroReadySeconds: Math.max(0, ...entries.map((entry) => entry.zeroReadySeconds)),
    restored: entries.every((entry) => entry.restored),
  };
}

async function ourDrain(scenario: Scenario, nodes: string[], bench: BenchCase, options: MeasureOptions) {
  return withCluster(scenario, async (sim) => {
    // One copy of the pods, not one per drained node (each view read copies every pod of the cluster).
    const drained = new Set(nodes);
    const pods = sim.view.pods().filter((pod) => drained.has(pod.spec.nodeName ?? ""));
    const workloads = nodes.flatMap((nodeName) => sim.availability.workloadsOn(nodeName));
    const path = criticalPath({
      pods,
      budgets: sim.view.budgets(),
      controllerDelaySeconds: scenario.controllerDelaySeconds,
      detachSeconds: scenario.detachSeconds,
      attachSeconds: scenario.attachSeconds,
      criticalPriorityClasses: defaultDrainPolicy().criticalPriorityClasses,
    });
    const run = await runDrainWorker(options.workerBundle, {
      server: sim.server,
      caData: sim.caData,
      token: sim.token,
      nodes,
      seed: scenario.seed ?? 1,
      ...(nodes[0] === undefined ? {} : { recordNode: nodes[0] }),
      ...(bench.surge === undefined ? {} : { surge: bench.surge }),
      ...(bench.sharedBudgets === true ? { sharedBudgets: true } : {}),
      ...(bench.timeoutSeconds === undefined ? {} : { timeoutMs: bench.timeoutSeconds * 1000 }),
    });
    const statuses: Record<string, number> = {};
    for (const drain of run.report.drains) statuses[drain.status] = (statuses[drain.status] ?? 0) + 1;
    const ours: OurRun = {
      drainSeconds: Math.max(...run.report.drains.map((drain) => drain.wallMs)) / 1000,
      statuses,
      evicted: run.report.drains.reduce((sum, drain) => sum + drain.evicted, 0),
      maxRssKb: run.report.maxRssKb,
      processSeconds: run.processMs / 1000,
      errors: run.report.drains.flatMap((drain) => {
        if (drain.status === "drained") return [];
        const why = drain.error ?? `${drain.remaining} pods still to go`;
        return [`${drain.nodeName} ended ${drain.status}: ${why}`];
      }),
      server: serverFigures(sim),
      availability: await availabilityAfter(sim, workloads),
    };
    const record = run.report.drains.find((drain) => drain.record !== undefined)?.record;
    return { ours, path, podsOnNodes: pods.length, record };
  });
}

async function kubectlDrain(scenario: Scenario, nodeName: string, bench: BenchCase): Promise<KubectlResult> {
  return withCluster(scenario, async (sim) => {
    const workloads = sim.availability.workloadsOn(nodeName);
    const run = await runKubectlDrain(sim.kubeconfigPath, nodeName, bench.timeoutSeconds);
    return {
      exitCode: run.exitCode,
      processSeconds: run.processMs / 1000,
      server: serverFigures(sim),
      availability: await availabilityAfter(sim, workloads),
      outputTail: run.outputTail,
    };
  });
}

/** Runs one scenario: our drain, then kubectl's and the CLI's each on a fresh cluster; checks the targets. */
export async function measureCase(bench: BenchCase, options: MeasureOptions): Promise<CaseResult> {
  const scenario = await loadScenario(bench.file);
  const nodes = drainedNodes(scenario);
  const skipped: string[] = [];
  options.say(`${bench.id}: our drain of ${nodes.length} node(s)…`);
  const { ours, path, podsOnNodes, record } = await ourDrain(scenario, nodes, bench, options);
  const report = record === undefined ? undefined : await writeCaseReport(bench, record, nodes.length);

  let kubectl: KubectlResult | undefined;
  const [firstNode] = nodes;
  if (bench.kubectl && options.kubectl && firstNode !== undefined && nodes.length === 1) {
    options.say(`${bench.id}: kubectl drain…`);
    kubectl = await kubectlDrain(scenario, firstNode, bench);
    if (kubectl.exitCode !== 0)
      skipped.push(`kubectl exited with ${kubectl.exitCode}: ${kubectl.outputTail}`);
  } else if (bench.kubectl) {
    skipped.push("kubectl comparison not run (no kubectl on PATH, or --no-kubectl)");
  }

  let cli: CaseResult["cli"];
  if (bench.cli && firstNode !== undefined) {
    if (await cliAvailable()) {
      options.say(`${bench.id}: dist/cli.js drain…`);
      try {
        cli = await withCluster(scenario, async (sim) => ({
          ...(await runCliDrain(sim.kubeconfigPath, firstNode)),
          server: serverFigures(sim),
        }));
      } catch (error) {
        skipped.push(`dist/cli.js drain failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else {
      skipped.push("dist/cli.js is missing: the RSS target is checked on the drain worker instead");
    }
  }

  const partial: CaseResult = {
    id: bench.id,
    title: bench.title,
    scenarioFile: bench.file,
    drainedNodes: nodes.length,
    podsOnNodes,
    criticalPath: path,
    ours,
    ...(report === undefined ? {} : { report }),
    ...(kubectl === undefined ? {} : { kubectl }),
    ...(cli === undefined ? {} : { cli }),
    skipped,
    targets: [],
  };
  partial.targets = bench.targets.map((target): TargetResult => {
    const check = target.check(partial);
    if (check === undefined) return { name: target.name, status: "SKIPPED" };
    return {
      name: target.name,
      status: check.pass ? "PASS" : "FAIL",
      limit: check.limit,
      measured: check.measured,
    };
  });
  return partial;
}
