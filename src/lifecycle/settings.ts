import * as z from "zod";
import type { OnDeadline } from "../drain/policy.js";
import { SURGE_MODES } from "../drain/surge-policy.js";
import {
  DEADLINE_RESULTS,
  type DeadlineResult,
  ON_DEADLINE_SETTINGS,
  resolveDeadline,
} from "./deadline-settings.js";

/**
 * The Lambda's configuration, read from its environment. The CDK construct (infra/) sets exactly these
 * variables; this schema is the one list of them.
 */
const commaList = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const booleanFlag = z.enum(["true", "false"]).transform((value) => value === "true");

const settingFields = z.object({
  /** Cluster used when a notice's NotificationMetadata names none. */
  CLUSTER_NAME: z.string().min(1).optional(),
  /** When set, notices of other Auto Scaling groups are ignored (logged). */
  ASG_NAMES: commaList.optional(),
  /** When set, notices for other clusters are ignored (logged). Defaults to CLUSTER_NAME alone. */
  SERVED_CLUSTERS: commaList.optional(),
  /** Upper bound of a drain in seconds; the hook's own global timeout also bounds it. */
  DRAIN_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(3600),
  /**
   * What happens to the pods left at the deadline: force (delete them with their grace cut to the time
   * left, then complete CONTINUE) or leave (delete nothing; DEADLINE_RESULT answers the action). The
   * older values abandon and default-result mean leave with the DEADLINE_RESULT of that name.
   */
  ON_DEADLINE: z.enum(ON_DEADLINE_SETTINGS).default("force"),
  /**
   * How the action of a drain left at its deadline is answered: abandon (complete ABANDON) or
   * default-result (no call: the hook's DefaultResult applies). Unset: default-result.
   */
  DEADLINE_RESULT: z.enum(DEADLINE_RESULTS).optional(),
  /** Evict DaemonSet pods too (last tier). */
  EVICT_DAEMONSETS: booleanFlag.default(false),
  /** Delete the Node object after a successful drain. */
  DELETE_NODE: booleanFlag.default(false),
  /** Seconds to wait after the drain before completing the lifecycle action. */
  SETTLE_SECONDS: z.coerce.number().int().min(0).default(0),
  /** Wait for the drained pods' volumes to detach before completing. */
  WAIT_FOR_VOLUME_DETACH: booleanFlag.default(true),
  /**
   * Before completing, wait until the instance has left every target group it is a target of (the group's
   * traffic sources, instance TargetGroupBindings) and the evicted pods' IPs have left the ip target groups
   * of TargetGroupBindings. Unset: wait when there is any such target group.
   */
  WAIT_FOR_TARGET_DEREGISTRATION: booleanFlag.optional(),
  /** Deregister the instance from the group's target groups when the drain ends, instead of only waiting. */
  DEREGISTER_TARGETS: booleanFlag.default(false),
  /**
   * A Spot Instance interruption warning drains at once with a deadline this long before the two minutes
   * are up (pods are force-deleted at deadline − their grace period).
   */
  SPOT_DEADLINE_MARGIN_SECONDS: z.coerce.number().int().min(0).max(110).default(10),
  /** What an EC2 Instance Rebalance Recommendation does to the node: cordon it, or drain it. */
  REBALANCE_ACTION: z.enum(["cordon", "drain"]).default("cordon"),
  /** Surge before evict: off | annotated (eks-node-drainer/surge: "true") | singletons | blocked. The CLI's --surge. */
  SURGE: z.enum(SURGE_MODES).default("annotated"),
  /** A Node not Ready this long during a drain is unreachable: its pods stuck terminating count as gone. */
  UNREACHABLE_AFTER_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Taint an unreachable node node.kubernetes.io/out-of-service, so that its volumes detach. */
  OUT_OF_SERVICE_TAINT: booleanFlag.default(false),
  /** Evictions of pods that keep coming back to the node, per owner and drain, before they are left. */
  MAX_EVICTIONS_PER_OWNER: z.coerce.number().int().min(1).default(2),
  /** During an instance refresh, taint the nodes still to be replaced PreferNoSchedule (rollout-placement.ts). */
  ROLLOUT_PLACEMENT: booleanFlag.default(true),
  /** SQS queue the notices arrive on; used to schedule a continuation when an invocation runs out of time. */
  QUEUE_URL: z.string().url().optional(),
  /** Optional SNS topic for drain start / finish / failure notifications. */
  NOTIFY_TOPIC_ARN: z.string().min(1).optional(),
  /**
   * Launch actions (a launch hook, opt-in): the instance's Node must have stayed Ready this long, re-checked
   * throughout, before the action is completed with CONTINUE.
   */
  LAUNCH_SETTLE_SECONDS: z.coerce.number().int().min(0).default(30),
  /** How long a launch action waits for a Ready Node; the hook's own global timeout also bounds it. */
  LAUNCH_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(600),
  /** The result of a launch action whose Node was not Ready in time (ABANDON stops an instance refresh). */
  LAUNCH_TIMEOUT_RESULT: z.enum(["ABANDON", "CONTINUE"]).default("ABANDON"),
  /**
   * Optional S3 bucket: when a drain is over, its HTML report is written there under
   * `<cluster>/<node>/<drain start, ISO 8601>.html`, its address logged and sent with the notification.
   */
  REPORT_BUCKET: z.string().min(1).optional(),
  /** Optional SSM SecureString parameter or Secrets Manager secret name holding a webhook URL. */
  WEBHOOK_URL_PARAMETER: z.string().min(1).optional(),
});

/** The Lambda's settings; an older ON_DEADLINE contradicted by DEADLINE_RESULT is refused. */
export const settingsSchema = settingFields.superRefine((settings, context) => {
  const deadline = resolveDeadline(settings.ON_DEADLINE, settings.DEADLINE_RESULT);
  if (!deadline.ok) context.addIssue({ code: "custom", path: ["ON_DEADLINE"], message: deadline.problem });
});

/** The settings as the job reads them: ON_DEADLINE is force or leave, DEADLINE_RESULT always known. */
export type Settings = Omit<z.output<typeof settingsSchema>, "ON_DEADLINE" | "DEADLINE_RESULT"> & {
  ON_DEADLINE: OnDeadline;
  DEADLINE_RESULT: DeadlineResult;
};

export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

/**
 * Reads the settings; a variable set to an empty string counts as not set. An older spelling (ON_DEADLINE=
 * abandon) is read as what it means, and `warn` is told which settings replace it.
 */
export function readSettings(
  env: Record<string, string | undefined>,
  warn: (warning: string) => void = () => {},
): Settings {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new SettingsError(`invalid Lambda environment: ${problems.join("; ")}`);
  }
  const deadline = resolveDeadline(parsed.data.ON_DEADLINE, parsed.data.DEADLINE_RESULT);
  // The schema refused every contradiction already.
  if (!deadline.ok) throw new SettingsError(`invalid Lambda environment: ${deadline.problem}`);
  if (deadline.warning !== undefined) warn(deadline.warning);
  return { ...parsed.data, ON_DEADLINE: deadline.onDeadline, DEADLINE_RESULT: deadline.deadlineResult };
}
