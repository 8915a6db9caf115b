import { randomUUID } from "node:crypto";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Clock } from "../drain/clock.js";
import { createHandler } from "../lambda/create-handler.js";
import type { InvocationSummary } from "../lambda/invocation-shell.js";
import { describeError, type JobLog, readSettings } from "../lifecycle/index.js";
import type { SimulatedDeployment } from "../sim/simulated-deployment.js";
import { simulatedLoadBalancing } from "./simulated-load-balancing.js";
import type { InvocationRecord, SimulatedShell } from "./simulated-shell.js";

const FUNCTION_ARN = "arn:aws:lambda:us-west-2:123456789012:function:eks-node-drainer-sim";

/** Credentials and an endpoint that lead nowhere: a simulation must never reach AWS. */
const nowhere = {
  region: "us-west-2",
  credentials: { accessKeyId: "SIMULATION", secretAccessKey: "SIMULATION" },
  endpoint: "http://127.0.0.1:9",
  maxAttempts: 1,
};

/**
 * A Lambda client whose asynchronous self-invocations (the handler's continuations) are kept in memory
 * instead of sent, so that the simulation delivers them itself as Lambda would. Other calls fail.
 */
export function capturingLambdaClient(): { client: LambdaClient; take: () => unknown[] } {
  const captured: unknown[] = [];
  const client = new LambdaClient(nowhere);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "InvokeCommand") return next(args);
      const payload = (args.input as { Payload?: Uint8Array }).Payload;
      captured.push(JSON.parse(new TextDecoder().decode(payload ?? new Uint8Array())));
      return { output: { StatusCode: 202, $metadata: {} }, response: {} };
    },
    { step: "initialize", name: "simulatedSelfInvocation" },
  );
  return { client, take: () => captured.splice(0) };
}

/** The SQS client the handler needs; a simulation without a queue never uses it. */
export function unreachableSqsClient(): SQSClient {
  return new SQSClient(nowhere);
}

/**
 * The Lambda path of `simulate`: the real handler (cluster access pointed at the simulated API server)
 * gets the lifecycle event as a direct invocation of at most `lambdaTimeoutMs`, and every continuation it
 * schedules as a new invocation, as Lambda would deliver it.
 */
export function simulatedLambdaShell(
  deployment: SimulatedDeployment,
  options: {
    clock: Clock;
    lambdaTimeoutMs: number;
    log: JobLog;
    random?: (() => number) | undefined;
    /** Settings (environment variables of src/lifecycle/settings.ts) besides the cluster name. */
    settings?: Record<string, string> | undefined;
  },
): SimulatedShell {
  const { clock } = options;
  const lambda = capturingLambdaClient();
  const loadBalancing = simulatedLoadBalancing(deployment);
  const handler = createHandler({
    settings: readSettings({ ...options.settings, CLUSTER_NAME: deployment.clusterName }),
    lifecycle: deployment.asg,
    clusterAccess: deployment.clusterAccess,
    instances: deployment.instances,
    sqs: unreachableSqsClient(),
    lambda: lambda.client,
    log: options.log,
    clock,
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(loadBalancing === undefined ? {} : { loadBalancing }),
  });
  return {
    via: "the handler",
    async deliver(event, until) {
      const invocations: InvocationRecord[] = [];
      const queue: unknown[] = [event];
      for (let attempt = 0; queue.length > 0; attempt++) {
        if (until.signal.aborted) return { invocations, stoppedEarly: "interrupted" };
        if (clock.now() >= until.giveUpAt) {
          return { invocations, stoppedEarly: "the simulation's --timeout was reached" };
        }
        const payload = queue.shift();
        const invocationStart = clock.now();
        const endsAt = Math.min(invocationStart + options.lambdaTimeoutMs, until.giveUpAt);
        const record: InvocationRecord = { attempt, startedAt: invocationStart, endedAt: invocationStart };
        try {
          const answer = (await handler(payload, {
            awsRequestId: randomUUID(),
            invokedFunctionArn: FUNCTION_ARN,
            getRemainingTimeInMillis: () => Math.max(0, endsAt - clock.now()),
          })) as InvocationSummary;
          record.outcome = answer.outcome;
        } catch (error) {
          record.error = describeError(error);
        }
        record.endedAt = clock.now();
        invocations.push(record);
        queue.push(...lambda.take());
      }
      return { invocations };
    },
    close: () => handler.close(),
  };
}
