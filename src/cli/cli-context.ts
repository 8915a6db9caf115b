import type { SQSClient } from "@aws-sdk/client-sqs";
import type { InstanceDirectory } from "../aws/instance-directory.js";
import type { LifecycleActions } from "../aws/lifecycle.js";
import type { LoadBalancing } from "../aws/load-balancing.js";
import type { Clock } from "../drain/clock.js";
import type { Terminal } from "./terminal.js";

/** What a command gets from the process: streams, environment, time, Ctrl-C, and the AWS side it may need. */
export interface CliContext {
  terminal: Terminal;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Aborted on Ctrl-C: a drain saves its state and stops. */
  signal: AbortSignal;
  /** The working directory, for relative paths. */
  cwd: string;
  /**
   * Auto Scaling lifecycle actions in a region (the SDK's default region when undefined). The AWS parts
   * may be loaded on demand (a promise), so that commands that need none never load the SDK.
   */
  lifecycleActions: (region: string | undefined) => LifecycleActions | Promise<LifecycleActions>;
  /** Traffic sources and ELBv2 targets in a region, for the worker's wait for target deregistration. */
  loadBalancing?: (region: string | undefined) => LoadBalancing | Promise<LoadBalancing>;
  /** SQS in a region, for the queue worker (`serve`). */
  queueClient: (region: string | undefined) => SQSClient | Promise<SQSClient>;
  /** EC2 instance lookups in a region, for the queue worker (`serve`). */
  instanceDirectory: (region: string | undefined) => InstanceDirectory | Promise<InstanceDirectory>;
  /** Jitter source for retries; Math.random unless a test seeds it. */
  random?: () => number;
}
