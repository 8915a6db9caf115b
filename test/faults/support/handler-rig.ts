import { randomUUID } from "node:crypto";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import type { ClusterAccess } from "../../../src/aws/cluster-access.js";
import { createHandler, type DrainerHandler } from "../../../src/lambda/create-handler.js";
import type { InvocationContext, InvocationSummary } from "../../../src/lambda/invocation-shell.js";
import type { JobLog, LogFields } from "../../../src/lifecycle/job-log.js";
import { readSettings } from "../../../src/lifecycle/settings.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import { type SimulatedAutoScalingGroup, sqsBatchOf } from "../../../src/sim/auto-scaling-group.js";
import {
  type Clock,
  parseScenario,
  type SimCluster,
  type SimClusterOptions,
  systemClock,
} from "../../../src/sim/index.js";
import { startSimulatedDeployment } from "../../../src/sim/simulated-deployment.js";
import { quickPolicy } from "./engine-rig.js";

export const clusterName = "prod";
const queueUrl = "https://sqs.us-west-2.amazonaws.com/123456789012/eks-node-drainer-notices";
const functionArn = "arn:aws:lambda:us-west-2:123456789012:function:eks-node-drainer";
const fakeCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY" };

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields: LogFields;
}

/** Keeps every log line of every container, for assertions. */
export class LogBook implements JobLog {
  readonly lines: LogLine[] = [];
  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "error", message, fields });
  }
}

/** A message as the drainer receives it: in an SQS batch, or invoked directly (EventBridge, continuation). */
export interface Delivery {
  via: "sqs" | "direct";
  message: unknown;
}

export interface RigOptions {
  scenario: string;
  seed: number;
  clock?: Clock;
  sim?: Omit<SimClusterOptions, "clock">;
  /** Replaces the stand-in that answers every cluster name with the simulated cluster. */
  clusterAccess?: (sim: SimCluster) => ClusterAccess;
  heartbeatTimeoutSeconds?: number;
}

export interface HandlerRig {
  sim: SimCluster;
  asg: SimulatedAutoScalingGroup;
  log: LogBook;
  /** Warm container `index` (created on first use): its own handler, caches and connections. */
  container(index: number): DrainerHandler;
  /** Runs one delivery in a container; failed = an SQS batch item failure or a direct invocation's error. */
  deliver(
    container: number,
    delivery: Delivery,
    budgetMs: number,
  ): Promise<{ failed: boolean; answer?: unknown }>;
  /** Continuations the containers scheduled since the last call (SQS SendMessage and Lambda Invoke). */
  takeContinuations(): Delivery[];
  stop(): Promise<void>;
}

/** A simulated cluster and Auto Scaling group, and Lambda containers of the real handler wired to them. */
export async function startHandlerRig(options: RigOptions): Promise<HandlerRig> {
  const clock = options.clock ?? systemClock;
  const deployment = await startSimulatedDeployment({
    scenario: parseScenario(options.scenario, "handler fault scenario"),
    clusterName,
    clock,
    sim: options.sim ?? {},
    asg: { heartbeatTimeoutSeconds: options.heartbeatTimeoutSeconds ?? 300 },
    ...(options.clusterAccess === undefined ? {} : { clusterAccess: options.clusterAccess }),
  });
  const { sim, asg, instances } = deployment;
  const log = new LogBook();
  const sqs = new SQSClient({ region: "us-west-2", credentials: fakeCredentials });
  const lambda = new LambdaClient({ region: "us-west-2", credentials: fakeCredentials });
  let continuations: Delivery[] = [];
  const sqsMock = mockClient(sqs);
  sqsMock.on(SendMessageCommand).callsFake((input: { MessageBody: string }) => {
    continuations.push({ via: "sqs", message: JSON.parse(input.MessageBody) });
    return { MessageId: randomUUID() };
  });
  const lambdaMock = mockClient(lambda);
  lambdaMock.on(InvokeCommand).callsFake((input: { Payload?: Uint8Array }) => {
    continuations.push({ via: "direct", message: JSON.parse(new TextDecoder().decode(input.Payload)) });
    return { StatusCode: 202 };
  });
  const access = deployment.clusterAccess;
  const containers: DrainerHandler[] = [];
  const container = (index: number): DrainerHandler => {
    let handler = containers[index];
    if (handler === undefined) {
      handler = createHandler({
        settings: readSettings({ CLUSTER_NAME: clusterName, QUEUE_URL: queueUrl }),
        lifecycle: asg,
        clusterAccess: access,
        instances,
        sqs,
        lambda,
        log,
        clock,
        // Leases outlive an invocation by this slack; short here, as the suite's invocations are.
        timing: { invocationMarginMs: 0, leaseSlackMs: 300 },
        policy: quickPolicy,
        continuationDelaySeconds: 0,
        kube: { pollIntervalMs: 200, requestTimeoutMs: 10_000 },
        random: seededRandom(options.seed + index),
      });
      containers[index] = handler;
    }
    return handler;
  };
  // The invocation's time runs on the shared clock, so that a test moving the clock moves it too.
  const context = (budgetMs: number): InvocationContext => {
    const endsAt = clock.now() + budgetMs;
    return {
      awsRequestId: randomUUID(),
      invokedFunctionArn: functionArn,
      getRemainingTimeInMillis: () => Math.max(0, endsAt - clock.now()),
    };
  };
  return {
    sim,
    asg,
    log,
    container,
    deliver: async (index, delivery, budgetMs) => {
      const handler = container(index);
      if (delivery.via === "sqs") {
        const answer = (await handler(sqsBatchOf([delivery.message]), context(budgetMs))) as SQSBatchResponse;
        return { failed: answer.batchItemFailures.length > 0, answer };
      }
      try {
        const answer = (await handler(delivery.message, context(budgetMs))) as InvocationSummary;
        return { failed: false, answer };
      } catch (error) {
        return { failed: true, answer: error };
      }
    },
    takeContinuations: () => {
      const taken = continuations;
      continuations = [];
      return taken;
    },
    stop: async () => {
      await Promise.all(containers.map((handler) => handler.close()));
      sqsMock.restore();
      lambdaMock.restore();
      await deployment.stop();
    },
  };
}
