import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type TargetResult, targetLines } from "./case-result.js";
import { node22, runChild } from "./child-process.js";

export const lambdaBundlePath = "dist/lambda/index.mjs";

/** Targets: the bundle's size, and its import time (median of fresh processes) as a cold start pays it. */
export const maxLambdaBundleBytes = 4 * 1024 * 1024;
export const maxLambdaImportMs = 300;

export interface BundleFigures {
  path: string;
  bytes: number;
  /** Import time of the bundle in a fresh Node 22 process, each run, ms. */
  loadMs: number[];
  medianLoadMs: number;
  /** CPU time (user + system) of the import, median, ms: less sensitive to other load on the machine. */
  medianLoadCpuMs: number;
  /** Whole process (start, import, exit), median, ms. */
  medianProcessMs: number;
  /** Peak RSS of a process that only imports it, median, KB. */
  medianRssKb: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Size of the Lambda bundle and how long `import()` of it takes in fresh Node 22 processes (as a cold
 * start loads it), median of `runs`.
 */
export async function measureLambdaBundle(runs = 9): Promise<BundleFigures> {
  const path = resolve(lambdaBundlePath);
  const { size } = await stat(path).catch((cause: unknown) => {
    throw new Error(`${lambdaBundlePath} is missing: run \`npm run build\` first`, { cause });
  });
  const url = pathToFileURL(path).href;
  const script = [
    "const cpu = process.cpuUsage();",
    "const started = performance.now();",
    `await import(${JSON.stringify(url)});`,
    "const loadMs = performance.now() - started;",
    "const used = process.cpuUsage(cpu);",
    "const cpuMs = (used.user + used.system) / 1000;",
    "console.log(JSON.stringify({ loadMs, cpuMs, maxRssKb: process.resourceUsage().maxRSS }));",
  ].join("\n");
  const loadMs: number[] = [];
  const cpuMs: number[] = [];
  const processMs: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < runs; run++) {
    const child = await runChild(node22, ["--input-type=module", "-e", script], { timeoutMs: 60_000 });
    if (child.code !== 0)
      throw new Error(`importing ${lambdaBundlePath} failed: ${child.stderr.slice(-1000)}`);
    const figures = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
      loadMs: number;
      cpuMs: number;
      maxRssKb: number;
    };
    loadMs.push(figures.loadMs);
    cpuMs.push(figures.cpuMs);
    rss.push(figures.maxRssKb);
    processMs.push(child.wallMs);
  }
  return {
    path: lambdaBundlePath,
    bytes: size,
    loadMs,
    medianLoadMs: median(loadMs),
    medianLoadCpuMs: median(cpuMs),
    medianProcessMs: median(processMs),
    medianRssKb: median(rss),
  };
}

/** The bundle's two targets: its size and its import time. */
export function bundleTargets(figures: BundleFigures): TargetResult[] {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
  const ms = (value: number) => value.toFixed(1);
  const status = (pass: boolean) => (pass ? "PASS" : "FAIL");
  return [
    {
      name: "bundle size",
      status: status(figures.bytes <= maxLambdaBundleBytes),
      limit: `${mb(maxLambdaBundleBytes)} MB`,
      measured: `${mb(figures.bytes)} MB`,
    },
    {
      name: "bundle import, median",
      status: status(figures.medianLoadMs <= maxLambdaImportMs),
      limit: `${maxLambdaImportMs} ms`,
      measured: `${ms(figures.medianLoadMs)} ms`,
    },
  ];
}

/** The bundle's figures, then its targets. */
export function bundleLines(figures: BundleFigures): string[] {
  const ms = (value: number) => value.toFixed(1);
  return [
    `Lambda bundle ${figures.path}: ${(figures.bytes / 1024 / 1024).toFixed(2)} MB; import ${ms(figures.medianLoadMs)} ms ` +
      `(median of ${figures.loadMs.length} fresh processes; CPU ${ms(figures.medianLoadCpuMs)} ms; ` +
      `whole process ${ms(figures.medianProcessMs)} ms; ` +
      `RSS ${(figures.medianRssKb / 1024).toFixed(0)} MB)`,
    ...targetLines(bundleTargets(figures)),
  ];
}
