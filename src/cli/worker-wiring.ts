import type { SQSClient } from "@aws-sdk/client-sqs";
import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions } from "../aws/lifecycle.js";
import type { LoadBalancing } from "../aws/load-balancing.js";
import { SqsContinuations } from "../aws/sqs-continuations.js";
import type { Clock } from "../drain/clock.js";
import {
  type ClusterLink,
  connectedCluster,
  type Delivery,
  defaultTiming,
  drainPolicyOf,
  InterruptionJob,
  type JobLog,
  LifecycleJob,
  type NoticeOutcome,
  type ReportStore,
  type Settings,
  type TelemetrySetup,
} from "../lifecycle/index.js";
import { QueueWorker, type QueueWorkerOptions } from "./queue-worker.js";

export interface WorkerParts {
  settings: Settings;
  clock: Clock;
  lifecycle: LifecycleActions;
  instances: InstanceDirectory;
  /** The cluster the worker runs in (its service account, or a kubeconfig). */
  link: ClusterLink;
  sqs: SQSClient;
  queueUrl: string;
  log: JobLog;
  telemetry: Omit<TelemetrySetup, "log" | "clock">;
  /** Where drain reports go (REPORT_BUCKET); none: no report. */
  reports?: ReportStore;
  tuning: Pick<
    QueueWorkerOptions,
    "concurrency" | "waitTimeSeconds" | "visibilityTimeoutSeconds" | "retryDelaySeconds" | "onSettled"
  >;
  random?: (() => number) | undefined;
  /** The group's traffic sources and ELBv2 targets, for the wait for target deregistration. */
  loadBalancing?: LoadBalancing | undefined;
  /** Told of every notice the job handles, with its outcome or failure (simulate's record). */
  onNotice?: (
    delivery: Delivery,
    startedAt: number,
    end: { outcome?: NoticeOutcome; error?: unknown },
  ) => void;
}

/** The queue worker over the lifecycle job, wired the one way `serve` and `simulate --via worker` share. */
export function wireQueueWorker(parts: WorkerParts): QueueWorker {
  const { clock, onNotice } = parts;
  const job = new LifecycleJob({
    settings: parts.settings,
    policy: drainPolicyOf(parts.settings),
    clock,
    lifecycle: parts.lifecycle,
    instances: parts.instances,
    clusters: connectedCluster(parts.link),
    log: parts.log,
    timing: defaultTiming,
    telemetry: parts.telemetry,
    ...(parts.random === undefined ? {} : { random: parts.random }),
    ...(parts.loadBalancing === undefined ? {} : { loadBalancing: parts.loadBalancing }),
    ...(parts.reports === undefined ? {} : { reports: parts.reports }),
  });
  const observed =
    onNotice === undefined
      ? job
      : {
          run: async (delivery: Delivery) => {
            const startedAt = clock.now();
            try {
              const outcome = await job.run(delivery);
              onNotice(delivery, startedAt, { outcome });
              return outcome;
            } catch (error) {
              onNotice(delivery, startedAt, { error });
              throw error;
            }
          },
        };
  const interruptions = new InterruptionJob({
    settings: parts.settings,
    policy: drainPolicyOf(parts.settings),
    clock,
    instances: parts.instances,
    clusters: connectedCluster(parts.link),
    log: parts.log,
    ...(parts.random === undefined ? {} : { random: parts.random }),
    ...(parts.telemetry.kubeEvents === false ? { kubeEvents: false as const } : {}),
  });
  return new QueueWorker({
    sqs: parts.sqs,
    queueUrl: parts.queueUrl,
    job: observed,
    interruptions,
    continuations: new SqsContinuations(parts.sqs, parts.queueUrl),
    log: parts.log,
    clock,
    ...parts.tuning,
  });
}
