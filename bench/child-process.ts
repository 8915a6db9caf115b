import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";

/** Node 22 from the `node` devDependency (the machine's own `node` may be older). */
export const node22 = resolve("node_modules/.bin/node");

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  wallMs: number;
  /** Highest VmHWM (peak resident set) read from /proc/PID/status while it ran, KB; 0 when unreadable. */
  polledPeakRssKb: number;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
}

/** The VmHWM line of /proc/PID/status, in KB (0 once the process is gone). */
async function peakRssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Runs a command to its end, keeping its output, and samples its peak RSS every 50 ms. */
export function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let peak = 0;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const sampler = setInterval(() => {
    if (child.pid === undefined) return;
    void peakRssOf(child.pid).then((kb) => {
      peak = Math.max(peak, kb);
    });
  }, 50);
  const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  return new Promise((resolvePromise, reject) => {
    child.on("error", (error) => {
      clearInterval(sampler);
      clearTimeout(killer);
      reject(new Error(`starting ${command} ${args.slice(0, 2).join(" ")}`, { cause: error }));
    });
    child.on("close", (code, signal) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolvePromise({
        code,
        signal,
        stdout,
        stderr,
        wallMs: performance.now() - started,
        polledPeakRssKb: peak,
      });
    });
  });
}
