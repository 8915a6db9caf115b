import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { node22, runChild } from "./child-process.js";
import { type WorkerReport, type WorkerRequest, workerReportSchema } from "./worker-protocol.js";

/**
 * Bundles bench/drain-worker.ts with the Lambda's own bundle options (infra/lambda-bundle.ts: minified
 * ESM), so that the drainer measured is the drainer the Lambda ships.
 */
export async function buildDrainWorker(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "eks-node-drainer-bench-"));
  const outfile = join(directory, "drain-worker.mjs");
  const { esbuildLambdaOptions } = await import("../infra/lambda-bundle.js");
  await build({ ...esbuildLambdaOptions, entryPoints: ["bench/drain-worker.ts"], outfile });
  return outfile;
}

/** Removes a bundle made by `buildDrainWorker` and its temporary directory. */
export async function removeDrainWorker(bundle: string): Promise<void> {
  await rm(dirname(bundle), { recursive: true, force: true });
}

export interface WorkerRun {
  report: WorkerReport;
  /** The worker process from spawn to exit (includes Node's start and the bundle's load). */
  processMs: number;
  /** VmHWM sampled from /proc while it ran, KB: a cross-check of the worker's own maxRSS. */
  polledPeakRssKb: number;
}

/** Runs the bundled worker on `request` and reads its report. */
export async function runDrainWorker(
  bundle: string,
  request: WorkerRequest,
  nodeFlags: readonly string[] = [],
): Promise<WorkerRun> {
  const run = await runChild(node22, [...nodeFlags, bundle, JSON.stringify(request)], {
    timeoutMs: 5 * 60_000,
  });
  if (run.code !== 0) {
    throw new Error(
      `drain worker exited with ${run.code ?? run.signal}: ${run.stderr.trim().slice(-2000) || "(no output)"}`,
    );
  }
  const lastLine = run.stdout.trim().split("\n").at(-1) ?? "";
  let raw: unknown;
  try {
    raw = JSON.parse(lastLine);
  } catch (cause) {
    throw new Error(`drain worker printed no JSON report: ${lastLine.slice(0, 300)}`, { cause });
  }
  const report = workerReportSchema.parse(raw);
  return { report, processMs: run.wallMs, polledPeakRssKb: run.polledPeakRssKb };
}
