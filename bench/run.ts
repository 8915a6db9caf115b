/**
 * `npm run bench` (after the build): every benchmark scenario on a simulated cluster, our drain in a
 * process of its own, kubectl drain on the same scenario where kubectl exists, the Lambda bundle's size
 * and load time. Prints a table and PASS/FAIL per target, writes bench/results/*.json; exits 1 when a
 * target fails. Flags: --only=ID[,ID…]  --no-kubectl  --no-bundle  --bundle-only. See bench/README.md.
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { benchCases } from "./bench-cases.js";
import type { CaseResult } from "./case-result.js";
import { node22 } from "./child-process.js";
import { findKubectl } from "./kubectl-drain.js";
import { type BundleFigures, bundleLines, bundleTargets, measureLambdaBundle } from "./lambda-bundle.js";
import { measureCase } from "./measure-case.js";
import { allTargets, type BenchReport, textReport, writeJsonReport } from "./report.js";
import { measureRollout, type RolloutResult, rolloutCases } from "./rollout-case.js";
import { buildDrainWorker, removeDrainWorker } from "./worker-launch.js";

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      "no-kubectl": { type: "boolean", default: false },
      "no-bundle": { type: "boolean", default: false },
      "bundle-only": { type: "boolean", default: false },
    },
  });
  if (values["bundle-only"]) {
    if (values["no-bundle"] || values.only !== undefined)
      throw new Error("--bundle-only takes no other flag");
    const figures = await measureLambdaBundle();
    process.stdout.write(`${bundleLines(figures).join("\n")}\n`);
    return bundleTargets(figures).every((target) => target.status === "PASS") ? 0 : 1;
  }
  const only = values.only?.split(",").map((id) => id.trim());
  const known = [...benchCases.map((bench) => bench.id), ...rolloutCases.map((bench) => bench.id)];
  const unknown = only?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`--only: no scenario ${unknown.join(", ")} (known: ${known.join(", ")})`);
  }
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const kubectl = values["no-kubectl"] ? undefined : await findKubectl();
  if (!values["no-kubectl"] && kubectl === undefined) say("no kubectl on PATH: comparisons skipped");

  say("bundling the drain worker…");
  const workerBundle = await buildDrainWorker();
  let lambdaBundle: BundleFigures | undefined;
  if (!values["no-bundle"]) {
    say("Lambda bundle: size and load time…");
    lambdaBundle = await measureLambdaBundle();
  }

  const cases: CaseResult[] = [];
  const crashed: { id: string; error: string }[] = [];
  for (const bench of benchCases) {
    if (only !== undefined && !only.includes(bench.id)) continue;
    try {
      cases.push(await measureCase(bench, { workerBundle, kubectl: kubectl !== undefined, say }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`${bench.id}: could not be measured: ${message}`);
      crashed.push({ id: bench.id, error: message });
    }
  }
  await removeDrainWorker(workerBundle);
  const rollouts: RolloutResult[] = [];
  for (const bench of rolloutCases) {
    if (only !== undefined && !only.includes(bench.id)) continue;
    say(`${bench.id}: with and without rollout-aware placement…`);
    try {
      rollouts.push(await measureRollout(bench));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`${bench.id}: could not be measured: ${message}`);
      crashed.push({ id: bench.id, error: message });
    }
  }

  const cpuList = cpus();
  const report: BenchReport = {
    startedAt,
    totalSeconds: (performance.now() - started) / 1000,
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model.trim() ?? "unknown",
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      nodeVersion: execFileSync(node22, ["--version"], { encoding: "utf8" }).trim(),
      platform: `${process.platform} ${process.arch}`,
      ...(kubectl === undefined ? {} : { kubectl: kubectl.version }),
    },
    ...(lambdaBundle === undefined ? {} : { lambdaBundle }),
    cases,
    ...(rollouts.length === 0 ? {} : { rollouts }),
    crashed,
  };
  process.stdout.write(`${textReport(report)}\n`);
  const file = await writeJsonReport(report);
  say(`results written to ${file}`);
  const failed = allTargets(report).some((target) => target.status === "FAIL");
  return failed || crashed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
