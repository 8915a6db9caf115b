import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../../../../infra/lambda-bundle.js";

/** The Node 22 the project pins (the `node` devDependency), as the Lambda runtime is Node 22. */
export const node22 = join(projectRoot, "node_modules", ".bin", "node");
const invokeScript = fileURLToPath(new URL("./invoke-bundle.mjs", import.meta.url));
const marker = "BUNDLE-RESULT ";

/** What one invocation of the bundled handler in a fresh process came to. */
export interface BundleRun {
  /** The bundle's exports. */
  exports: string[];
  /** The handler's answer, when it answered. */
  result?: unknown;
  /** What the handler threw, when it threw. */
  error?: { name?: string; message?: string; retryable?: boolean };
  /** The handler's log lines (JSON, from Powertools), parsed. */
  logs: Record<string, unknown>[];
  stderr: string;
}

/**
 * Imports the bundle in a fresh Node 22 process with exactly `env` (plus PATH) and invokes `handler` with
 * `event`. Asynchronous, so that servers in this process (the simulated cluster, fake AWS) keep answering.
 */
export function invokeBundle(
  bundlePath: string,
  event: unknown,
  env: Record<string, string>,
  options: { budgetMs?: number; timeoutMs?: number } = {},
): Promise<BundleRun> {
  const args = [invokeScript, bundlePath, JSON.stringify(event), String(options.budgetMs ?? 60_000)];
  return new Promise((resolve, reject) => {
    const child = spawn(node22, args, {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split("\n");
      const resultLine = lines.find((line) => line.startsWith(marker));
      if (resultLine === undefined) {
        reject(
          new Error(
            `the bundle process ended (code ${code}, signal ${signal}) without a result:\n${stderr}\n${stdout}`,
          ),
        );
        return;
      }
      const outcome = JSON.parse(resultLine.slice(marker.length)) as Omit<BundleRun, "logs" | "stderr">;
      const logs = lines
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ ...outcome, logs, stderr });
    });
  });
}
