import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { CliContext } from "../../../src/cli/cli-context.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { systemClock } from "../../../src/drain/clock.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import { parseScenario } from "../../../src/sim/index.js";
import {
  type SimulatedDeployment,
  type SimulatedNoticeQueue,
  startSimulatedDeployment,
} from "../../../src/sim/simulated-deployment.js";
import { repoRoot } from "../../cli/support/built-cli.js";
import { MemoryTerminal } from "../../cli/support/memory-terminal.js";

export const clusterName = "prod";
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY" };

/** One `eks-node-drainer serve` running in this process. */
export interface RunningWorker {
  terminal: MemoryTerminal;
  /** Resolves with the exit code once the worker has stopped. */
  exited: Promise<number>;
  /** SIGTERM: the orderly stop. */
  terminate(): void;
  /** The /healthz, /readyz and /metrics base URL, once the worker serves. */
  healthUrl(): Promise<string>;
  /** The worker's log lines (JSON). */
  lines(): Record<string, unknown>[];
}

export interface WorkerRig {
  deployment: SimulatedDeployment;
  queue: SimulatedNoticeQueue;
  sqs: SQSClient;
  /** Sends a body to the notices queue, as the EventBridge rule does. */
  send(body: string): Promise<void>;
  /** Starts a worker replica with these extra flags (and environment: the Lambda's settings). */
  startWorker(flags?: readonly string[], env?: Record<string, string>): RunningWorker;
  stop(): Promise<void>;
}

/**
 * A simulated deployment with its notices queue on a local SQS-compatible endpoint, and `serve` workers
 * wired to it: the real SQS client, the simulated cluster through a kubeconfig, the simulated Auto
 * Scaling group and EC2.
 */
export async function startWorkerRig(
  scenario: string,
  queue: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {},
): Promise<WorkerRig> {
  const deployment = await startSimulatedDeployment({
    scenario: parseScenario(scenario, "worker test"),
    clusterName,
    clock: systemClock,
    queue,
  });
  const notices = deployment.queue;
  if (notices === undefined) throw new Error("the deployment started without its queue");
  const sqs = new SQSClient({ region: "us-west-2", endpoint: notices.endpoint.url, credentials });
  const workers: RunningWorker[] = [];
  return {
    deployment,
    queue: notices,
    sqs,
    send: async (body) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: notices.notices.url, MessageBody: body }));
    },
    startWorker: (flags = [], env = {}) => {
      const worker = runWorker(deployment, notices, flags, env);
      workers.push(worker);
      return worker;
    },
    stop: async () => {
      for (const worker of workers) worker.terminate();
      await Promise.all(workers.map((worker) => worker.exited.catch(() => undefined)));
      sqs.destroy();
      await deployment.stop();
    },
  };
}

function runWorker(
  deployment: SimulatedDeployment,
  queue: SimulatedNoticeQueue,
  flags: readonly string[],
  env: Record<string, string>,
): RunningWorker {
  const terminal = new MemoryTerminal();
  const stop = new AbortController();
  const context: CliContext = {
    terminal,
    env,
    clock: systemClock,
    signal: stop.signal,
    cwd: repoRoot,
    lifecycleActions: () => deployment.asg,
    queueClient: (region) =>
      new SQSClient({ region: region ?? "us-west-2", endpoint: queue.endpoint.url, credentials }),
    instanceDirectory: () => deployment.instances,
    random: seededRandom(11),
  };
  const exited = runCli(
    [
      "serve",
      "--queue-url",
      queue.notices.url,
      "--cluster-name",
      clusterName,
      "--region",
      "us-west-2",
      "--kubeconfig",
      deployment.sim.kubeconfigPath,
      "--listen",
      "127.0.0.1:0",
      "--wait-time",
      "1s",
      "--visibility-timeout",
      "6s",
      ...flags,
    ],
    context,
  );
  const lines = () =>
    terminal.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    terminal,
    exited,
    terminate: () => stop.abort(new Error("SIGTERM")),
    lines,
    healthUrl: async () => {
      await until(() => lines().some((line) => line.message === "serving"), "the worker serves");
      const serving = lines().find((line) => line.message === "serving");
      return String(serving?.health).replace(/\/healthz$/, "");
    },
  };
}

/** Waits until `condition` holds, checking every 50 ms; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
