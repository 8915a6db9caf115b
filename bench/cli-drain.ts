import { access } from "node:fs/promises";
import * as z from "zod";
import { node22, runChild } from "./child-process.js";

export const cliBundlePath = "dist/cli.js";

/** Preloaded into the CLI's process: prints its peak RSS on stderr as it exits. */
const rssReporter = `data:text/javascript,${encodeURIComponent(
  [
    'import { writeSync } from "node:fs";',
    'process.on("exit", () => writeSync(2, "\\nBENCH_MAX_RSS_KB=" + process.resourceUsage().maxRSS + "\\n"));',
  ].join(" "),
)}`;

const cliDocument = z.object({
  status: z.string(),
  durationSeconds: z.number(),
  counts: z.object({ evicted: z.number(), forced: z.number() }),
});

export interface CliRun {
  status: string;
  exitCode: number | null;
  /** The drain's duration as the CLI reports it, s. */
  durationSeconds: number;
  evicted: number;
  /** Peak RSS of the CLI process (its own maxRSS at exit), KB. */
  maxRssKb: number;
  /** VmHWM sampled from /proc while it ran, KB. */
  polledPeakRssKb: number;
  processMs: number;
}

export async function cliAvailable(): Promise<boolean> {
  try {
    await access(cliBundlePath);
    return true;
  } catch {
    return false;
  }
}

/** `node dist/cli.js drain NODE --kubeconfig FILE -o json`, the built CLI as a user runs it. */
export async function runCliDrain(kubeconfig: string, nodeName: string): Promise<CliRun> {
  const run = await runChild(
    node22,
    ["--import", rssReporter, cliBundlePath, "drain", nodeName, "--kubeconfig", kubeconfig, "-o", "json"],
    { timeoutMs: 5 * 60_000 },
  );
  const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(run.stderr)?.[1];
  const parsed = cliDocument.safeParse(safeJson(run.stdout));
  if (!parsed.success || rss === undefined) {
    throw new Error(
      `${cliBundlePath} drain exited with ${run.code ?? run.signal} without a JSON result: ` +
        `${run.stderr.trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
  return {
    status: parsed.data.status,
    exitCode: run.code,
    durationSeconds: parsed.data.durationSeconds,
    evicted: parsed.data.counts.evicted,
    maxRssKb: Number(rss),
    polledPeakRssKb: run.polledPeakRssKb,
    processMs: run.wallMs,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
