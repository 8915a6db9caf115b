import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Clock } from "../drain/clock.js";
import { describeError, type JobLog, readSettings } from "../lifecycle/index.js";
import type { SimulatedDeployment } from "../sim/simulated-deployment.js";
import { CliError } from "./cli-error.js";
import { connectToCluster } from "./cluster-connection.js";
import { simulatedLoadBalancing } from "./simulated-load-balancing.js";
import type { InvocationRecord, SimulatedShell } from "./simulated-shell.js";
import { wireQueueWorker } from "./worker-wiring.js";

/** Credentials that only the local SQS-compatible endpoint ever sees. */
const simulationCredentials = { accessKeyId: "SIMULATION", secretAccessKey: "SIMULATION" };
const pollMs = 100;

/**
 * The queue worker path of `simulate`: the lifecycle event goes to the simulated notices queue (a local
 * SQS-compatible endpoint, reached with the real SQS client), and the worker `serve` runs — wired the same
 * way, the cluster reached through a kubeconfig as through a pod's service account — handles it. Done
 * once the action has ended and the queue is empty.
 */
export function simulatedWorkerShell(
  deployment: SimulatedDeployment,
  options: {
    clock: Clock;
    log: JobLog;
    random?: (() => number) | undefined;
    /** Settings (environment variables of src/lifecycle/settings.ts) besides the cluster name. */
    settings?: Record<string, string> | undefined;
  },
): SimulatedShell {
  const { clock } = options;
  const queue = deployment.queue;
  if (queue === undefined) throw new CliError("the simulated deployment has no notices queue");
  const sqs = new SQSClient({
    region: "us-west-2",
    endpoint: queue.endpoint.url,
    credentials: simulationCredentials,
  });
  const connection = connectToCluster({
    kubeconfig: deployment.sim.kubeconfigPath,
    requestTimeoutMs: 30_000,
    env: {},
    clock,
  });
  const invocations: InvocationRecord[] = [];
  const worker = wireQueueWorker({
    settings: readSettings({ ...options.settings, CLUSTER_NAME: deployment.clusterName }),
    clock,
    lifecycle: deployment.asg,
    loadBalancing: simulatedLoadBalancing(deployment),
    instances: deployment.instances,
    link: { clusterName: deployment.clusterName, client: connection.client, port: connection.cluster },
    sqs,
    queueUrl: queue.notices.url,
    log: options.log,
    telemetry: {},
    tuning: { concurrency: 4, waitTimeSeconds: 1, visibilityTimeoutSeconds: 30, retryDelaySeconds: 5 },
    random: options.random,
    onNotice: (delivery, startedAt, end) =>
      invocations.push({
        attempt: delivery.attempt,
        startedAt,
        endedAt: clock.now(),
        ...(end.outcome === undefined ? {} : { outcome: end.outcome }),
        ...(end.error === undefined ? {} : { error: describeError(end.error) }),
      }),
  });
  return {
    via: "the queue worker",
    async deliver(event, until) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queue.notices.url, MessageBody: JSON.stringify(event) }),
      );
      const shutdown = new AbortController();
      const running = worker.run(shutdown.signal);
      let stoppedEarly: string | undefined;
      const instanceId = (event as { detail?: { EC2InstanceId?: string } }).detail?.EC2InstanceId ?? "";
      for (;;) {
        const ended = deployment.asg.action(instanceId)?.state !== "waiting";
        if (ended && queue.notices.all().length === 0 && worker.inFlight === 0) break;
        if (until.signal.aborted) {
          stoppedEarly = "interrupted";
          break;
        }
        if (clock.now() >= until.giveUpAt) {
          stoppedEarly = "the simulation's --timeout was reached";
          break;
        }
        await clock.sleep(pollMs).catch(() => undefined);
      }
      shutdown.abort(new Error("the simulation is over"));
      await running;
      return { invocations, ...(stoppedEarly === undefined ? {} : { stoppedEarly }) };
    },
    close: async () => {
      sqs.destroy();
      await connection.close();
    },
  };
}
