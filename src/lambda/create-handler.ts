import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { ClusterAccess } from "../aws/cluster-access.js";
import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions } from "../aws/lifecycle.js";
import { type Clock, systemClock } from "../drain/clock.js";
import type { DrainPolicy } from "../drain/policy.js";
import { ClusterLinks } from "./cluster-links.js";
import {
  type ContinuationScheduler,
  defaultContinuationDelaySeconds,
  SelfInvocationContinuations,
  SqsContinuations,
} from "./continuation-scheduler.js";
import { drainPolicyOf } from "./drain-policy-settings.js";
import type { HandlerLog } from "./handler-log.js";
import { type HandlerResponse, type InvocationContext, InvocationShell } from "./invocation-shell.js";
import { defaultTiming, type HandlerTiming, NoticeRunner } from "./notice-runner.js";
import type { Settings } from "./settings.js";

/** Everything the handler talks to; the Lambda builds the AWS ones, tests and `simulate` inject fakes. */
export interface HandlerDependencies {
  settings: Settings;
  /** Auto Scaling (or the simulated group): hook settings, heartbeats, completion. */
  lifecycle: LifecycleActions;
  /** EKS DescribeCluster + tokens (or a stand-in pointing at a simulated cluster). */
  clusterAccess: ClusterAccess;
  /** EC2 instance lookups: private DNS name fallback and cluster tags. */
  instances: InstanceDirectory;
  /** Continuations of SQS notices (used when settings.QUEUE_URL is set). */
  sqs: SQSClient;
  /** Continuations of directly invoked notices (and of SQS notices without a queue URL). */
  lambda: LambdaClient;
  log: HandlerLog;
  clock?: Clock;
  timing?: Partial<HandlerTiming>;
  /** Changes to the drain policy the settings give (tests use shorter backoffs). */
  policy?: Partial<DrainPolicy>;
  continuationDelaySeconds?: number;
  kube?: { requestTimeoutMs?: number; pollIntervalMs?: number };
  /** Jitter source of the drain's retries; seed it for reproducible runs. */
  random?: () => number;
}

/** The Lambda handler; `close` ends its Kubernetes connections (for tests and simulations). */
export interface DrainerHandler {
  (event: unknown, context: InvocationContext): Promise<HandlerResponse>;
  close(): Promise<void>;
}

/** Wires a handler from its dependencies. One per warm container: clients and caches live as long as it. */
export function createHandler(dependencies: HandlerDependencies): DrainerHandler {
  const { settings, log } = dependencies;
  const clock = dependencies.clock ?? systemClock;
  const links = new ClusterLinks({ access: dependencies.clusterAccess, clock, ...dependencies.kube });
  const runner = new NoticeRunner({
    settings,
    policy: drainPolicyOf(settings, dependencies.policy),
    clock,
    lifecycle: dependencies.lifecycle,
    instances: dependencies.instances,
    links,
    log,
    timing: { ...defaultTiming, ...dependencies.timing },
    ...(dependencies.random === undefined ? {} : { random: dependencies.random }),
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
    runner,
    log,
    sqsContinuations: (context) => queue ?? selfInvocation(context),
    directContinuations: selfInvocation,
  });
  const handler = (event: unknown, context: InvocationContext) => shell.handle(event, context);
  return Object.assign(handler, { close: () => links.close() });
}
