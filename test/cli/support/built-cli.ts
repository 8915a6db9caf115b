import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { inject } from "vitest";

/** The repository root: tests run from it (vitest's root), and the built CLI finds scenarios/ from it. */
export const repoRoot = join(import.meta.dirname, "..", "..", "..");

let built: Promise<string> | undefined;

/**
 * Bundles src/cli/main.ts the way scripts/build.mjs does (ESM, node22, createRequire banner), once per
 * test run: into the run's shared directory (test/support/global-setup.ts), where the first test file
 * that needs it builds it and the others find it. Tests then run the bundle as a user runs dist/cli.js.
 */
export function builtCli(): Promise<string> {
  built ??= (async () => {
    const outfile = join(inject("runDirectory"), "cli.js");
    if (existsSync(outfile)) return outfile;
    // Two test files may build at once: each writes its own file and renames it into place (atomic).
    const own = join(inject("runDirectory"), `cli-${process.pid}.js`);
    await build({
      entryPoints: [join(repoRoot, "src/cli/main.ts")],
      outfile: own,
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: "error",
    });
    renameSync(own, outfile);
    return outfile;
  })();
  return built;
}

/** Removes the empty HOME of this test file's runs (the bundle goes with the test run's directory). */
export function removeBuiltCli(): void {
  if (emptyHome !== undefined) rmSync(emptyHome, { recursive: true, force: true });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr split into non-empty lines. */
  errorLines: string[];
}

/** A HOME with no ~/.kube/config, so that nothing of the machine leaks into a run; made on first use. */
let emptyHome: string | undefined;

/**
 * Runs the built CLI in a child process with the Node 22 binary that runs vitest, from the repository
 * root, with a clean environment (PATH, an empty HOME, and `env`). Resolves when it exits.
 */
export async function runBuiltCli(
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    timeoutMs?: number;
    /** Sends SIGINT (Ctrl-C) once standard error matches this. */
    interruptWhen?: RegExp;
    /** The signal `interruptWhen` sends instead of SIGINT (SIGTERM: how Kubernetes stops a pod). */
    interruptSignal?: NodeJS.Signals;
  } = {},
): Promise<CliRun> {
  const cli = await builtCli();
  emptyHome ??= mkdtempSync(join(tmpdir(), "eks-node-drainer-home-"));
  const home = emptyHome;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: home, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    let interrupted = false;
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (!interrupted && options.interruptWhen?.test(stderr)) {
        interrupted = true;
        child.kill(options.interruptSignal ?? "SIGINT");
      }
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `eks-node-drainer ${args.join(" ")} did not exit within ${options.timeoutMs ?? 90_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        errorLines: stderr.split("\n").filter((line) => line.trim() !== ""),
      });
    });
  });
}
