import { randomUUID } from "node:crypto";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import type { ClusterAccess } from "../../../src/aws/cluster-access.js";
import {
  createHandler,
  type DrainerHandler,
  type HandlerDependencies,
} from "../../../src/lambda/create-handler.js";
import type { InvocationContext, InvocationSummary } from "../../../src/lambda/invocation-shell.js";
import type { JobLog } from "../../../src/lifecycle/job-log.js";
import type { JobTiming } from "../../../src/lifecycle/lifecycle-job.js";
import { readSettings } from "../../../src/lifecycle/settings.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import {
  type SimulatedAutoScalingGroup,
  type SimulatedAutoScalingGroupOptions,
  sqsBatchOf,
} from "../../../src/sim/auto-scaling-group.js";
import {
  type Clock,
  parseScenario,
  type SimCluster,
  type SimClusterOptions,
} from "../../../src/sim/index.js";
import { startSimulatedDeployment } from "../../../src/sim/simulated-deployment.js";
import type { SimulatedInstances } from "../../../src/sim/simulated-instances.js";
import { createManualClock, type ManualClock } from "../../../src/time/manual-clock.js";
import { onVirtualTime } from "../../support/virtual-time.js";
import { MemoryLog } from "./memory-log.js";

export const queueUrl = "https://sqs.us-west-2.amazonaws.com/123456789012/eks-node-drainer-notices";
export const functionArn = "arn:aws:lambda:us-west-2:123456789012:function:eks-node-drainer:live";
const fakeCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY" };

export interface HarnessOptions {
  /** Scenario YAML of the simulated cluster. */
  scenario: string;
  clusterName?: string;
  /** Lambda environment on top of CLUSTER_NAME and QUEUE_URL. */
  env?: Record<string, string>;
  asg?: SimulatedAutoScalingGroupOptions;
  /** Where the shared virtual clock starts; defaults to the fixtures' time plus a few minutes. */
  startAt?: string;
  timing?: Partial<JobTiming>;
  /** Options of the simulated cluster; it runs on the harness's clock. */
  sim?: (clock: Clock) => Omit<SimClusterOptions, "clock">;
  /** Replaces the stand-in that points every cluster name at the simulated cluster. */
  clusterAccess?: (sim: SimCluster, clock: Clock) => ClusterAccess;
  /** Seed of the handler's jitter; container n of `container(n)` uses seed + n. Default 7. */
  seed?: number;
  /** The handler's log; a MemoryLog by default. */
  log?: JobLog;
  /** Extra dependencies of the handler (metrics, notifier setup, kube events...). */
  dependencies?: Partial<HandlerDependencies>;
}

export type Delivery = { mode: "sqs"; message: unknown } | { mode: "direct"; event: unknown };

export interface LambdaHarness {
  sim: SimCluster;
  asg: SimulatedAutoScalingGroup;
  /** One virtual clock of the cluster, the group and the handler: it moves while all of them wait. */
  clock: ManualClock;
  /** Lets `ms` of virtual time pass between invocations, the cluster's work going on. */
  pass(ms: number): Promise<void>;
  /** Runs `work` (handler calls made by the test itself) with the virtual clock moving while all wait. */
  virtually<T>(work: () => Promise<T>): Promise<T>;
  /** The handler's log when the options give none. */
  log: MemoryLog;
  instances: SimulatedInstances;
  /** Container 0's handler. */
  handler: DrainerHandler;
  /** Warm container `index` (made on first use): its own handler, caches and connections; 0 is `handler`. */
  container(index: number): DrainerHandler;
  /** Continuations sent with SQS SendMessage, in order. */
  sent: { body: string; delaySeconds: number | undefined }[];
  /** Continuations sent by asynchronous self-invocation, in order. */
  invoked: { functionName: string | undefined; invocationType: string | undefined; payload: string }[];
  /** A Lambda context whose remaining time counts down from `budgetMs`. */
  context(budgetMs?: number): InvocationContext;
  invokeSqs(messages: readonly unknown[], budgetMs?: number): Promise<SQSBatchResponse>;
  invokeDirect(event: unknown, budgetMs?: number): Promise<InvocationSummary>;
  /**
   * Delivers `first`, then every continuation the handler schedules, each in a new invocation of
   * `budgetMs`, until none is left. A failed SQS record is delivered again after a pause, as the queue
   * would, when `redeliver` is set (otherwise it throws). Returns the invocations and the failures.
   */
  runToEnd(
    first: Delivery,
    budgetMs: number,
    options?: { maxInvocations?: number; redeliver?: boolean },
  ): Promise<{ invocations: number; failures: number }>;
  stop(): Promise<void>;
}

/** A simulated cluster and Auto Scaling group, and the real handler wired to them (AWS calls mocked). */
export async function startLambdaHarness(options: HarnessOptions): Promise<LambdaHarness> {
  const clusterName = options.clusterName ?? "prod";
  const clock = createManualClock(Date.parse(options.startAt ?? "2026-11-24T10:06:00Z"));
  const access = options.clusterAccess;
  const deployment = await startSimulatedDeployment({
    scenario: parseScenario(options.scenario, "lambda test"),
    clusterName,
    clock,
    sim: options.sim?.(clock) ?? {},
    ...(options.asg === undefined ? {} : { asg: options.asg }),
    ...(access === undefined ? {} : { clusterAccess: (sim: SimCluster) => access(sim, clock) }),
  });
  const { sim, asg, instances } = deployment;
  const log = new MemoryLog();
  const sqs = new SQSClient({ region: "us-west-2", credentials: fakeCredentials });
  const lambda = new LambdaClient({ region: "us-west-2", credentials: fakeCredentials });
  const sent: LambdaHarness["sent"] = [];
  const invoked: LambdaHarness["invoked"] = [];
  const sqsMock = mockClient(sqs);
  sqsMock.on(SendMessageCommand).callsFake((input: { MessageBody: string; DelaySeconds?: number }) => {
    sent.push({ body: input.MessageBody, delaySeconds: input.DelaySeconds });
    return { MessageId: randomUUID() };
  });
  const lambdaMock = mockClient(lambda);
  lambdaMock
    .on(InvokeCommand)
    .callsFake((input: { FunctionName?: string; InvocationType?: string; Payload?: Uint8Array }) => {
      invoked.push({
        functionName: input.FunctionName,
        invocationType: input.InvocationType,
        payload: new TextDecoder().decode(input.Payload),
      });
      return { StatusCode: 202 };
    });
  const containers: DrainerHandler[] = [];
  const container = (index: number): DrainerHandler => {
    const built =
      containers[index] ??
      createHandler({
        // As the handler does: an older spelling of a setting is logged as a warning.
        settings: readSettings(
          { CLUSTER_NAME: clusterName, QUEUE_URL: queueUrl, ...options.env },
          (warning) => (options.log ?? log).warn(warning),
        ),
        lifecycle: asg,
        clusterAccess: deployment.clusterAccess,
        instances,
        sqs,
        lambda,
        log: options.log ?? log,
        clock,
        timing: { invocationMarginMs: 0, ...options.timing },
        policy: { transientBackoff: { initialMs: 100, maxMs: 1_000 } },
        kube: { pollIntervalMs: 500 },
        random: seededRandom((options.seed ?? 7) + index),
        ...options.dependencies,
      });
    containers[index] = built;
    return built;
  };
  const handler = container(0);

  const context = (budgetMs = 60_000): InvocationContext => {
    const endsAt = clock.now() + budgetMs;
    return {
      awsRequestId: randomUUID(),
      invokedFunctionArn: functionArn,
      getRemainingTimeInMillis: () => Math.max(0, endsAt - clock.now()),
    };
  };
  const virtually = <T>(work: () => Promise<T>): Promise<T> =>
    onVirtualTime(clock, work, { busy: () => sim.requestsInFlight() > 0 });
  const invokeSqs = (messages: readonly unknown[], budgetMs?: number) =>
    virtually(async () => (await handler(sqsBatchOf(messages), context(budgetMs))) as SQSBatchResponse);
  const invokeDirect = (event: unknown, budgetMs?: number) =>
    virtually(async () => (await handler(event, context(budgetMs))) as InvocationSummary);
  const pass = (ms: number) => virtually(() => clock.sleep(ms));

  return {
    sim,
    asg,
    clock,
    pass,
    virtually,
    log,
    instances,
    handler,
    container,
    sent,
    invoked,
    context,
    invokeSqs,
    invokeDirect,
    runToEnd: async (first, budgetMs, runOptions = {}) => {
      const maxInvocations = runOptions.maxInvocations ?? 40;
      const pending: Delivery[] = [first];
      let invocations = 0;
      let failures = 0;
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        if (invocations >= maxInvocations)
          throw new Error(`still continuing after ${invocations} invocations`);
        const sentBefore = sent.length;
        const invokedBefore = invoked.length;
        invocations += 1;
        if (next.mode === "sqs") {
          const response = await invokeSqs([next.message], budgetMs);
          if (response.batchItemFailures.length > 0) {
            if (runOptions.redeliver !== true) {
              throw new Error(
                `invocation ${invocations} reported ${JSON.stringify(response.batchItemFailures)}`,
              );
            }
            failures += 1;
            pending.push(next);
            await pass(300);
          }
        } else {
          await invokeDirect(next.event, budgetMs);
        }
        for (const message of sent.slice(sentBefore)) {
          pending.push({ mode: "sqs", message: JSON.parse(message.body) });
        }
        for (const call of invoked.slice(invokedBefore)) {
          pending.push({ mode: "direct", event: JSON.parse(call.payload) });
        }
      }
      return { invocations, failures };
    },
    stop: async () => {
      await Promise.all(containers.map((built) => built.close()));
      sqsMock.restore();
      lambdaMock.restore();
      await deployment.stop();
    },
  };
}
