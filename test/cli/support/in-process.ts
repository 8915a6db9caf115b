import type { SQSClient } from "@aws-sdk/client-sqs";
import type { InstanceDirectory } from "../../../src/aws/instance-directory.js";
import type { LifecycleActions } from "../../../src/aws/lifecycle.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { systemClock } from "../../../src/drain/clock.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import type { SimCluster } from "../../../src/sim/index.js";
import type { ManualClock } from "../../../src/time/manual-clock.js";
import { onVirtualTime } from "../../support/virtual-time.js";
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
 * Runs the CLI in this process (real clock, or the simulated cluster's virtual one; real cluster
 * clients), with the Auto Scaling side injected:
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
    /** The simulated cluster's manual clock: the command runs on it, moved while both wait. */
    virtualTime?: { clock: ManualClock; sim: SimCluster };
  } = {},
): Promise<InProcessRun> {
  const terminal = options.terminal ?? new MemoryTerminal();
  const virtual = options.virtualTime;
  const run = () =>
    runCli(args, {
      terminal,
      env: options.env ?? {},
      clock: virtual?.clock ?? systemClock,
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
  const code =
    virtual === undefined
      ? await run()
      : await onVirtualTime(virtual.clock, run, { busy: () => virtual.sim.requestsInFlight() > 0 });
  const { stdout, stderr } = terminal;
  return { code, stdout, stderr, errorLines: stderr.split("\n").filter((line) => line.trim() !== "") };
}
