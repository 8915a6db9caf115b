import type { SQSBatchResponse } from "aws-lambda";
import type { ClusterAccess } from "../../../src/aws/cluster-access.js";
import type { DrainerHandler } from "../../../src/lambda/create-handler.js";
import type { InvocationSummary } from "../../../src/lambda/invocation-shell.js";
import { type SimulatedAutoScalingGroup, sqsBatchOf } from "../../../src/sim/auto-scaling-group.js";
import type { SimCluster, SimClusterOptions } from "../../../src/sim/index.js";
import type { Clock } from "../../../src/time/clock.js";
import type { ManualClock } from "../../../src/time/manual-clock.js";
import { type LambdaHarness, startLambdaHarness } from "../../lambda/support/lambda-harness.js";
import type { MemoryLog } from "../../lambda/support/memory-log.js";
import { quickPolicy } from "./engine-rig.js";

export const clusterName = "prod";

/** A message as the drainer receives it: in an SQS batch, or invoked directly (EventBridge, continuation). */
export interface Delivery {
  via: "sqs" | "direct";
  message: unknown;
}

export interface RigOptions {
  scenario: string;
  seed: number;
  sim?: Omit<SimClusterOptions, "clock">;
  /** Replaces the stand-in that answers every cluster name with the simulated cluster. */
  clusterAccess?: (sim: SimCluster, clock: Clock) => ClusterAccess;
  heartbeatTimeoutSeconds?: number;
}

export interface HandlerRig {
  sim: SimCluster;
  asg: SimulatedAutoScalingGroup;
  log: MemoryLog;
  clock: ManualClock;
  /** Lets `ms` of virtual time pass between deliveries, the cluster's work going on. */
  pass(ms: number): Promise<void>;
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

/**
 * The Lambda harness (../../lambda/support/lambda-harness.ts) with the suite's quick retries, short
 * leases and immediate continuations, delivering to several warm containers on the virtual clock.
 */
export async function startHandlerRig(options: RigOptions): Promise<HandlerRig> {
  const harness: LambdaHarness = await startLambdaHarness({
    scenario: options.scenario,
    clusterName,
    seed: options.seed,
    asg: { heartbeatTimeoutSeconds: options.heartbeatTimeoutSeconds ?? 300 },
    ...(options.sim === undefined ? {} : { sim: () => options.sim ?? {} }),
    ...(options.clusterAccess === undefined ? {} : { clusterAccess: options.clusterAccess }),
    // Leases outlive an invocation by this slack; short here, as the suite's invocations are.
    timing: { leaseSlackMs: 300 },
    dependencies: {
      policy: quickPolicy,
      continuationDelaySeconds: 0,
      kube: { pollIntervalMs: 200, requestTimeoutMs: 10_000 },
    },
  });
  let taken = { sent: 0, invoked: 0 };
  return {
    sim: harness.sim,
    asg: harness.asg,
    log: harness.log,
    clock: harness.clock,
    pass: harness.pass,
    container: harness.container,
    deliver: (index, delivery, budgetMs) =>
      harness.virtually(async () => {
        const handler = harness.container(index);
        const context = harness.context(budgetMs);
        if (delivery.via === "sqs") {
          const answer = (await handler(sqsBatchOf([delivery.message]), context)) as SQSBatchResponse;
          return { failed: answer.batchItemFailures.length > 0, answer };
        }
        try {
          const answer = (await handler(delivery.message, context)) as InvocationSummary;
          return { failed: false, answer };
        } catch (error) {
          return { failed: true, answer: error };
        }
      }),
    takeContinuations: () => {
      const continuations: Delivery[] = [
        ...harness.sent
          .slice(taken.sent)
          .map((sent) => ({ via: "sqs" as const, message: JSON.parse(sent.body) })),
        ...harness.invoked
          .slice(taken.invoked)
          .map((call) => ({ via: "direct" as const, message: JSON.parse(call.payload) })),
      ];
      taken = { sent: harness.sent.length, invoked: harness.invoked.length };
      return continuations;
    },
    stop: () => harness.stop(),
  };
}
