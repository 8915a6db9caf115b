import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { node22, runChild } from "./child-process.js";

export const lambdaBundlePath = "dist/lambda/index.mjs";

export interface BundleFigures {
  path: string;
  bytes: number;
  /** Import time of the bundle in a fresh Node 22 process, each run, ms. */
  loadMs: number[];
  medianLoadMs: number;
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
    "const started = performance.now();",
    `await import(${JSON.stringify(url)});`,
    "const loadMs = performance.now() - started;",
    "console.log(JSON.stringify({ loadMs, maxRssKb: process.resourceUsage().maxRSS }));",
  ].join("\n");
  const loadMs: number[] = [];
  const processMs: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < runs; run++) {
    const child = await runChild(node22, ["--input-type=module", "-e", script], { timeoutMs: 60_000 });
    if (child.code !== 0)
      throw new Error(`importing ${lambdaBundlePath} failed: ${child.stderr.slice(-1000)}`);
    const figures = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
      loadMs: number;
      maxRssKb: number;
    };
    loadMs.push(figures.loadMs);
    rss.push(figures.maxRssKb);
    processMs.push(child.wallMs);
  }
  return {
    path: lambdaBundlePath,
    bytes: size,
    loadMs,
    medianLoadMs: median(loadMs),
    medianProcessMs: median(processMs),
    medianRssKb: median(rss),
  };
}
