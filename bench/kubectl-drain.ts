import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RecordedRequest } from "../src/sim/index.js";
import { runChild } from "./child-process.js";

/** kubectl on the PATH, or undefined when there is none. */
export async function findKubectl(): Promise<{ path: string; version: string } | undefined> {
  try {
    const { stdout } = await promisify(execFile)("kubectl", ["version", "--client", "-o", "json"]);
    const version = (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion
      ?.gitVersion;
    return { path: "kubectl", version: version ?? "unknown" };
  } catch {
    return undefined;
  }
}

export interface KubectlRun {
  exitCode: number | null;
  /** The process from spawn to exit. */
  processMs: number;
  /** Its tail of output, for a failure's report. */
  outputTail: string;
}

/**
 * `kubectl drain NODE --ignore-daemonsets --delete-emptydir-data --force` against a kubeconfig, with a
 * private discovery cache (so that no run sees another's) and a timeout.
 */
export async function runKubectlDrain(
  kubeconfig: string,
  nodeName: string,
  timeoutSeconds = 240,
): Promise<KubectlRun> {
  const cacheDir = await mkdtemp(join(tmpdir(), "eks-node-drainer-kubectl-cache-"));
  try {
    const run = await runChild(
      "kubectl",
      [
        "--kubeconfig",
        kubeconfig,
        "--cache-dir",
        cacheDir,
        "drain",
        nodeName,
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "--force",
        `--timeout=${timeoutSeconds}s`,
      ],
      { timeoutMs: (timeoutSeconds + 60) * 1000 },
    );
    return {
      exitCode: run.code,
      processMs: run.wallMs,
      outputTail: `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-5).join("\n"),
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

const discoveryPaths = /^\/(api|apis|version|openapi)(\/|$)/;

/**
 * The drain as the API server saw it: from the first request that is not discovery (kubectl reads
 * /api, /apis… before it starts) to the end of the last answer, ms. The same measure for any client.
 */
export function serverSideSpanMs(requests: readonly RecordedRequest[]): number {
  const work = requests.filter((request) => !discoveryPaths.test(request.resource));
  const first = work[0];
  if (first === undefined) return 0;
  let end = first.at;
  for (const request of work) end = Math.max(end, request.at + request.durationMs);
  return end - first.at;
}
