import * as z from "zod";
import { deadlineResultChoices, onDeadlineChoices } from "./drainer-environment.js";

/**
 * The CDK app's configuration, from context (`npx cdk deploy -c clusterName=prod -c asgNames=a,b`, or
 * the `context` block of cdk.json). Values given with -c arrive as strings.
 */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(",")).map((item) => item.trim()))
  .transform((items) => items.filter((item) => item.length > 0));

const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);
const seconds = z.coerce.number().int();

export const appContextSchema = z.object({
  clusterName: z.string().min(1),
  asgNames: list.pipe(z.array(z.string()).min(1, "name at least one Auto Scaling group")),
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, "letters, digits and hyphens, starting with a letter")
    .optional(),
  heartbeatTimeout: seconds.min(30).max(7200).optional(),
  defaultResult: z.enum(["CONTINUE", "ABANDON"]).optional(),
  lifecycleHookName: z.string().min(1).optional(),
  /** Also hook launches (settle 30 s, ABANDON on timeout): see NodeDrainerProps.launchHooks. */
  launchHooks: flag.optional(),
  /** Create the drain reports' S3 bucket (REPORT_BUCKET): see NodeDrainerProps.reportBucket. */
  reportBucket: flag.optional(),
  /** Days a drain report is kept in that bucket (default 30). */
  reportExpirationDays: z.coerce.number().int().positive().optional(),
  drainTimeout: seconds.positive().optional(),
  /** force | leave (abandon and default-result: older spellings of leave with that deadlineResult). */
  onDeadline: z.enum(onDeadlineChoices as [string, ...string[]]).optional(),
  deadlineResult: z.enum(deadlineResultChoices as [string, ...string[]]).optional(),
  evictDaemonSets: flag.optional(),
  deleteNode: flag.optional(),
  settleSeconds: seconds.min(0).optional(),
  waitForVolumeDetach: flag.optional(),
  waitForTargetDeregistration: flag.optional(),
  spotDeadlineMargin: seconds.min(0).max(110).optional(),
  rebalanceAction: z.enum(["cordon", "drain"]).optional(),
  /** Target group ARNs the drainer may deregister the instance from (and does: DEREGISTER_TARGETS). */
  deregisterTargetGroups: list.optional(),
  servedClusters: list.optional(),
  kubernetesGroup: z.string().min(1).optional(),
  accessEntry: flag.optional(),
  alarmTopicArn: z.string().startsWith("arn:").optional(),
  notificationTopicArn: z.string().startsWith("arn:").optional(),
  logRetentionDays: z.coerce.number().int().positive().optional(),
  reservedConcurrency: z.coerce.number().int().positive().optional(),
  vpcId: z.string().startsWith("vpc-").optional(),
  subnetIds: list.optional(),
  securityGroupIds: list.optional(),
  clusterSecurityGroupId: z.string().startsWith("sg-").optional(),
  /** lambda (default): the function handles the notices; worker: the in-cluster queue worker does. */
  mode: z.enum(["lambda", "worker"]).optional(),
});

export type AppContext = z.infer<typeof appContextSchema>;
export const contextKeys = Object.keys(appContextSchema.shape) as (keyof AppContext)[];

export class AppContextError extends Error {
  override readonly name = "AppContextError";
}

const usage =
  "usage: npx cdk deploy -c clusterName=<EKS cluster> -c asgNames=<group>[,<group>...] [-c key=value ...]";

/** Reads and validates the context; the error names every missing or invalid key and shows the usage. */
export function readAppContext(lookup: (key: string) => unknown): AppContext {
  const raw = Object.fromEntries(
    contextKeys.map((key) => [key, lookup(key)] as const).filter(([, value]) => value !== undefined),
  );
  const parsed = appContextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join(".");
      return raw[key] === undefined ? `missing context ${key}` : `context ${key}: ${issue.message}`;
    });
    throw new AppContextError(`${problems.join("; ")}\n${usage}`);
  }
  const context = parsed.data;
  if ((context.subnetIds || context.securityGroupIds || context.clusterSecurityGroupId) && !context.vpcId) {
    throw new AppContextError(
      `context subnetIds, securityGroupIds and clusterSecurityGroupId need vpcId\n${usage}`,
    );
  }
  if (context.vpcId && !context.subnetIds?.length) {
    throw new AppContextError(
      `context vpcId needs subnetIds (the private subnets the function runs in)\n${usage}`,
    );
  }
  return context;
}
