import { Duration, Token } from "aws-cdk-lib";
import type * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as ssm from "aws-cdk-lib/aws-ssm";
import type { DrainSettings } from "./drainer-environment.js";
import type { LaunchHookSettings } from "./launch-hooks.js";
import type { ReportBucketSettings } from "./report-bucket.js";

export type LifecycleDefaultResult = "CONTINUE" | "ABANDON";

/** An Auto Scaling group by name, or a group construct (defined or imported). */
export type AutoScalingGroupRef = string | autoscaling.IAutoScalingGroup;

export interface NodeDrainerProps {
  /** The EKS cluster whose nodes are drained; goes into each hook's NotificationMetadata. */
  readonly clusterName: string;
  /** The groups to hook; one terminate lifecycle hook is created on each. */
  readonly autoScalingGroups: readonly AutoScalingGroupRef[];
  /**
   * How long a lifecycle action waits without a heartbeat (30 s to 7200 s). The hook's global timeout is
   * min(48 h, 100 × this). Keep it above the queue's visibility timeout, so a notice whose invocation
   * crashed is retried while the instance still waits. Default 30 minutes.
   */
  readonly heartbeatTimeout?: Duration;
  /** What Auto Scaling does when the heartbeat timeout passes: both terminate; ABANDON skips later hooks. Default CONTINUE. */
  readonly defaultResult?: LifecycleDefaultResult;
  /** Name of the hook on every group; the EventBridge rule matches only this hook. Default `eks-node-drainer`. */
  readonly lifecycleHookName?: string;
  /** Drain behaviour (the Lambda's environment). */
  readonly drain?: DrainSettings;
  /**
   * Further clusters the function may drain (SERVED_CLUSTERS, eks:DescribeCluster on each, and, with
   * `accessEntry`, an access entry on each).
   */
  readonly servedClusters?: readonly string[];
  /**
   * Launch lifecycle hooks (opt-in): an `autoscaling:EC2_INSTANCE_LAUNCHING` hook on each group, routed
   * to the queue, so that an instance is put in service only once its Node is Ready and settled. `true`
   * for the defaults (settle 30 s, ABANDON on timeout). Default off.
   */
  readonly launchHooks?: boolean | LaunchHookSettings;
  /**
   * An S3 bucket for drain reports (opt-in): each finished drain's HTML report is written there
   * (REPORT_BUCKET), under `<cluster>/<node>/<drain start>.html`. S3-managed encryption, TLS only, public
   * access blocked, reports expiring after 30 days unless `expiration` says otherwise; the function may
   * only put objects in it. Default off.
   */
  readonly reportBucket?: boolean | ReportBucketSettings;

  /** Run the function in a VPC, for clusters whose API endpoint is private. */
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Default: one security group allowing all outbound traffic. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** The cluster's security group: when given, HTTPS from the function to it is allowed. */
  readonly clusterSecurityGroup?: ec2.ISecurityGroup;

  /** Retention of the function's log group. Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /** Where the alarms notify (DLQ depth, errors, throttles). */
  readonly alarmTopic?: sns.ITopic;
  /** Topic for drain start / finish / failure notifications (NOTIFY_TOPIC_ARN). */
  readonly notificationTopic?: sns.ITopic;
  /** SSM SecureString parameter or Secrets Manager secret holding a webhook URL (WEBHOOK_URL_PARAMETER gets its ARN). */
  readonly webhookUrl?: ssm.IParameter | secretsmanager.ISecret;

  /** Kubernetes group of the function's role; deploy/rbac.yaml binds `eks-node-drainer`. */
  readonly kubernetesGroup?: string;
  /**
   * Create an EKS access entry mapping the role to the group. Requires the cluster's authentication mode
   * API or API_AND_CONFIG_MAP; set false for CONFIG_MAP clusters and use deploy/aws-auth-snippet.yaml.
   * Default true.
   */
  readonly accessEntry?: boolean;

  /** The function's code; default: src/lambda/handler.ts bundled by local esbuild. */
  readonly code?: lambda.Code;
  /** Handler for `code`. Default `index.handler`. */
  readonly handler?: string;
  /** Default 512 MB. */
  readonly memorySize?: number;
  /** Reserved concurrency; default none (the account's unreserved pool). */
  readonly reservedConcurrency?: number;
  /** Notices per invocation, 1 to 10. Default 5. */
  readonly batchSize?: number;
  /** Failed receives before a notice moves to the dead-letter queue. Default 5. */
  readonly maxReceiveCount?: number;
  /**
   * How long a received notice stays hidden; at least the function timeout (15 min). AWS advises 6 × the
   * function timeout against throttling, but a crashed invocation is then retried only after 90 minutes,
   * when the hook may have expired. Default 20 minutes.
   */
  readonly queueVisibilityTimeout?: Duration;
  /**
   * Target groups (ARNs) attached to the groups: when the drain ends, the drainer deregisters the instance
   * from them itself (DEREGISTER_TARGETS=true) instead of only waiting, and may deregister from these only.
   */
  readonly deregisterTargetGroups?: readonly string[];
}

export class NodeDrainerConfigError extends Error {
  override readonly name = "NodeDrainerConfigError";
}

export const functionTimeout = Duration.minutes(15);
export const defaults = {
  heartbeatTimeout: Duration.minutes(30),
  defaultResult: "CONTINUE" as LifecycleDefaultResult,
  lifecycleHookName: "eks-node-drainer",
  kubernetesGroup: "eks-node-drainer",
  memorySize: 512,
  batchSize: 5,
  maxReceiveCount: 5,
  queueVisibilityTimeout: Duration.minutes(20),
};

function known(value: number | string): boolean {
  return !Token.isUnresolved(value);
}

function requireRange(label: string, value: number, min: number, max: number, unit = ""): void {
  if (known(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new NodeDrainerConfigError(
      `${label} must be a whole number from ${min} to ${max}${unit}, got ${value}`,
    );
  }
}

function requirePattern(label: string, value: string, pattern: RegExp, rule: string): void {
  if (known(value) && !pattern.test(value)) {
    throw new NodeDrainerConfigError(`${label} ${JSON.stringify(value)} is invalid: ${rule}`);
  }
}

/** Fails the synth with a message naming the property, for every value AWS or Kubernetes would refuse. */
export function validateProps(props: NodeDrainerProps): void {
  requirePattern(
    "clusterName",
    props.clusterName,
    /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
    "EKS cluster names are 1-100 letters, digits, hyphens and underscores, starting with a letter or digit",
  );
  for (const name of props.servedClusters ?? []) {
    requirePattern(
      "servedClusters entry",
      name,
      /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
      "not an EKS cluster name",
    );
  }
  if (props.autoScalingGroups.length === 0) {
    throw new NodeDrainerConfigError("autoScalingGroups must name at least one Auto Scaling group");
  }
  requireRange(
    "heartbeatTimeout",
    (props.heartbeatTimeout ?? defaults.heartbeatTimeout).toSeconds({ integral: false }),
    30,
    7200,
    " s",
  );
  const result = props.defaultResult ?? defaults.defaultResult;
  if (known(result) && result !== "CONTINUE" && result !== "ABANDON") {
    throw new NodeDrainerConfigError(
      `defaultResult must be CONTINUE or ABANDON, got ${JSON.stringify(result)}`,
    );
  }
  requirePattern(
    "lifecycleHookName",
    props.lifecycleHookName ?? defaults.lifecycleHookName,
    /^[A-Za-z0-9\-_/]{1,255}$/,
    "1-255 letters, digits, hyphens, underscores and slashes",
  );
  const group = props.kubernetesGroup ?? defaults.kubernetesGroup;
  requirePattern(
    "kubernetesGroup",
    group,
    /^(?!system:).+$/,
    "must be non-empty and must not start with system: (EKS reserves those)",
  );
  requireRange("memorySize", props.memorySize ?? defaults.memorySize, 128, 10240, " MB");
  if (props.reservedConcurrency !== undefined) {
    requireRange("reservedConcurrency", props.reservedConcurrency, 1, 100000);
  }
  requireRange("batchSize", props.batchSize ?? defaults.batchSize, 1, 10);
  requireRange("maxReceiveCount", props.maxReceiveCount ?? defaults.maxReceiveCount, 1, 1000);
  requireRange(
    "queueVisibilityTimeout",
    (props.queueVisibilityTimeout ?? defaults.queueVisibilityTimeout).toSeconds({ integral: false }),
    functionTimeout.toSeconds(),
    12 * 3600,
    " s (at least the function timeout, at most 12 h)",
  );
  if (props.vpcSubnets && !props.vpc) {
    throw new NodeDrainerConfigError("vpcSubnets needs vpc");
  }
}
