import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { ClusterAccess } from "../aws/cluster-access.js";
import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions } from "../aws/lifecycle.js";
import type { LoadBalancing } from "../aws/load-balancing.js";
import { S3ReportStore } from "../aws/s3-report-store.js";
import { defaultContinuationDelaySeconds, SqsContinuations } from "../aws/sqs-continuations.js";
import { type Clock, systemClock } from "../drain/clock.js";
import type { DrainPolicy } from "../drain/policy.js";
import {
  ClusterLinks,
  type ContinuationScheduler,
  type DrainNotifier,
  defaultTiming,
  drainPolicyOf,
  InterruptionJob,
  type JobLog,
  type JobTiming,
  LifecycleJob,
  LogRedactor,
  type MetricsOutput,
  type NotifierSetup,
  notifierFromSettings,
  type ReportStore,
  redactedLog,
  type Settings,
  stdoutMetricsOutput,
  type TelemetrySetup,
} from "../lifecycle/index.js";
import { type HandlerResponse, type InvocationContext, InvocationShell } from "./invocation-shell.js";
import { SelfInvocationContinuations } from "./self-invocation.js";

/** Everything the handler talks to; the Lambda builds the AWS ones, tests and `simulate` inject stand-ins. */
export interface HandlerDependencies {
  settings: Settings;
  /** Auto Scaling (or the simulated group): hook settings, heartbeats, completion. */
  lifecycle: LifecycleActions;
  /** The group's traffic sources and ELBv2 targets, for the wait for target deregistration; none: no wait. */
  loadBalancing?: LoadBalancing;
  /** EKS DescribeCluster + tokens (or a stand-in pointing at a simulated cluster). */
  clusterAccess: ClusterAccess;
  /** EC2 instance lookups: private DNS name fallback and cluster tags. */
  instances: InstanceDirectory;
  /** Continuations of SQS notices (used when settings.QUEUE_URL is set). */
  sqs: SQSClient;
  /** Continuations of directly invoked notices (and of SQS notices without a queue URL). */
  lambda: LambdaClient;
  log: JobLog;
  clock?: Clock;
  timing?: Partial<JobTiming>;
  /** Changes to the drain policy the settings give (tests use shorter backoffs). */
  policy?: Partial<DrainPolicy>;
  continuationDelaySeconds?: number;
  kube?: { requestTimeoutMs?: number; pollIntervalMs?: number };
  /** Jitter source of the drain's retries; seed it for reproducible runs. */
  random?: () => number;
  /**
   * Where CloudWatch metrics (EMF JSON lines) go. Default: stdout when running in Lambda
   * (AWS_LAMBDA_FUNCTION_NAME is set), nowhere otherwise (tests, `simulate`); false for none.
   */
  metrics?: MetricsOutput | false;
  /** Drain notifications. Default: SNS and/or the webhook as the settings configure them; false for none. */
  notifier?: DrainNotifier | false;
  /** For the default notifier: its AWS clients and fetch (tests); built on first use otherwise. */
  notifierSetup?: Omit<NotifierSetup, "onSecret">;
  /** Kubernetes Events on the drained node and its pods: on unless false; options bound their writes. */
  kubeEvents?: TelemetrySetup["kubeEvents"];
  /** Where drain reports go. Default: the S3 bucket REPORT_BUCKET names (none: no report). */
  reports?: ReportStore;
}

/** The Lambda handler; `close` ends its Kubernetes connections (for tests and simulations). */
export interface DrainerHandler {
  (event: unknown, context: InvocationContext): Promise<HandlerResponse>;
  close(): Promise<void>;
}

/** Wires a handler from its dependencies. One per warm container: clients and caches live as long as it. */
export function createHandler(dependencies: HandlerDependencies): DrainerHandler {
  const { settings } = dependencies;
  // Every line goes through the redactor: no token, credential or webhook URL reaches the log.
  const redactor = new LogRedactor();
  const log = redactedLog(dependencies.log, redactor);
  const clock = dependencies.clock ?? systemClock;
  const links = new ClusterLinks({ access: dependencies.clusterAccess, clock, ...dependencies.kube });
  const job = new LifecycleJob({
    settings,
    policy: drainPolicyOf(settings, dependencies.policy),
    clock,
    lifecycle: dependencies.lifecycle,
    instances: dependencies.instances,
    clusters: links,
    log,
    timing: { ...defaultTiming, ...dependencies.timing },
    telemetry: telemetryOf(dependencies, log, redactor),
    ...(dependencies.random === undefined ? {} : { random: dependencies.random }),
    ...(dependencies.loadBalancing === undefined ? {} : { loadBalancing: dependencies.loadBalancing }),
    ...reportsOf(dependencies),
  });
  const interruptions = new InterruptionJob({
    settings,
    policy: drainPolicyOf(settings, dependencies.policy),
    clock,
    instances: dependencies.instances,
    clusters: links,
    log,
    ...(dependencies.random === undefined ? {} : { random: dependencies.random }),
    ...(dependencies.kubeEvents === false ? { kubeEvents: false as const } : {}),
  });
  const selfInvocation = (context: InvocationContext): ContinuationScheduler =>
    new SelfInvocationContinuations(dependencies.lambda, context.invokedFunctionArn);
  const queueUrl = settings.QUEUE_URL;
  const queue =
    queueUrl === undefined
      ? undefined
      : new SqsContinuations(
          dependencies.sqs,
          queueUrl,
          dependencies.continuationDelaySeconds ?? defaultContinuationDelaySeconds,
        );
  const shell = new InvocationShell({
    job,
    interruptions,
    log,
    sqsContinuations: (context) => queue ?? selfInvocation(context),
    directContinuations: selfInvocation,
  });
  const handler = (event: unknown, context: InvocationContext) => shell.handle(event, context);
  return Object.assign(handler, { close: () => links.close() });
}

/** The report store the dependencies give, else REPORT_BUCKET's (its S3 client loaded on the first report). */
function reportsOf(dependencies: HandlerDependencies): { reports?: ReportStore } {
  if (dependencies.reports !== undefined) return { reports: dependencies.reports };
  const bucket = dependencies.settings.REPORT_BUCKET;
  return bucket === undefined ? {} : { reports: new S3ReportStore(bucket) };
}

/** Metrics, notifications and Kubernetes Events as the dependencies and settings ask. */
function telemetryOf(
  dependencies: HandlerDependencies,
  log: JobLog,
  redactor: LogRedactor,
): Omit<TelemetrySetup, "log" | "clock"> {
  const metrics =
    dependencies.metrics === false
      ? undefined
      : (dependencies.metrics ??
        (process.env.AWS_LAMBDA_FUNCTION_NAME === undefined ? undefined : stdoutMetricsOutput));
  let notifier: DrainNotifier | undefined;
  if (dependencies.notifier !== undefined) {
    notifier = dependencies.notifier === false ? undefined : dependencies.notifier;
  } else {
    const built = notifierFromSettings(dependencies.settings, {
      ...dependencies.notifierSetup,
      onSecret: (secret) => redactor.addSecret(secret),
    });
    for (const problem of built.problems) log.error("webhook notifications are off", { problem });
    notifier = built.notifier;
  }
  return {
    ...(metrics === undefined ? {} : { metrics }),
    ...(notifier === undefined ? {} : { notifier }),
    ...(dependencies.kubeEvents === undefined ? {} : { kubeEvents: dependencies.kubeEvents }),
  };
}
