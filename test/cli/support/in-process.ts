import type { SQSClient } from "@aws-sdk/client-sqs";
import type { InstanceDirectory } from "../../../src/aws/instance-directory.js";
import type { LifecycleActions } from "../../../src/aws/lifecycle.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { systemClock } from "../../../src/drain/clock.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import { repoRoot } from "./built-cli.js";
import { MemoryTerminal } from "./memory-terminal.js";

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr split into non-empty lines. */
  errorLines: string[];
}

/**
 * Runs the CLI in this process (real clock, real cluster clients), with the Auto Scaling side injected:
 * what the command-line wiring does with AWS is tested without credentials.
 */
export async function runInProcess(
  args: readonly string[],
  options: {
    lifecycle?: LifecycleActions;
    queue?: SQSClient;
    instances?: InstanceDirectory;
    env?: Record<string, string>;
    signal?: AbortSignal;
    terminal?: MemoryTerminal;
  } = {},
): Promise<InProcessRun> {
  const terminal = options.terminal ?? new MemoryTerminal();
  const code = await runCli(args, {
    terminal,
    env: options.env ?? {},
    clock: systemClock,
    signal: options.signal ?? new AbortController().signal,
    cwd: repoRoot,
    lifecycleActions: () => {
      if (options.lifecycle === undefined) throw new Error("this test gives no Auto Scaling side");
      return options.lifecycle;
    },
    queueClient: () => {
      if (options.queue === undefined) throw new Error("this test gives no SQS side");
      return options.queue;
    },
    instanceDirectory: () => {
      if (options.instances === undefined) throw new Error("this test gives no EC2 side");
      return options.instances;
    },
    random: seededRandom(17),
  });
  const { stdout, stderr } = terminal;
  return { code, stdout, stderr, errorLines: stderr.split("\n").filter((line) => line.trim() !== "") };
}
