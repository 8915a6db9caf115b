import * as z from "zod";
import { parseLabelSelector } from "../labels/label-selector.js";
import { SURGE_MODES } from "./surge-policy.js";

/** Annotation a pod owner sets to keep the drain from evicting the pod: "true" or a duration ("30m"). */
export const OPT_OUT_ANNOTATION = "eks-node-drainer/opt-out";
/** NoSchedule taint put on the node while it drains (keeps DaemonSets from recreating evicted pods). */
export const DRAINING_TAINT_KEY = "eks-node-drainer/draining";
/** Label that removes the node from external load balancers' targets. */
export const EXCLUDE_FROM_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

const backoffSchema = z
  .object({
    initialMs: z.number().int().positive(),
    maxMs: z.number().int().positive(),
  })
  .refine((backoff) => backoff.maxMs >= backoff.initialMs, { message: "maxMs must be at least initialMs" });

/**
 * What happens to the pods still on the node at the deadline: delete them with their grace clamped
 * ("force") or stop and leave them ("leave"). The one pair of words the CLI's --on-deadline, `serve
 * --on-deadline` and the Lambda's ON_DEADLINE use too.
 */
export const ON_DEADLINE_CHOICES = ["force", "leave"] as const;
export type OnDeadline = (typeof ON_DEADLINE_CHOICES)[number];

export const drainPolicySchema = z.object({
  /** Plan and report only: no write of any kind. */
  dryRun: z.boolean(),
  /** Evict DaemonSet-owned pods too, in the last tier. */
  evictDaemonSets: z.boolean(),
  /** Pods without a controller: evicted (the node is going away) or a reason to refuse the drain. */
  barePods: z.enum(["evict", "refuse"]),
  /** Pods with emptyDir volumes (whose data is lost): evicted or a reason to refuse the drain. */
  emptyDirPods: z.enum(["evict", "refuse"]),
  /** Only pods matching this label selector are drained (kubectl's --pod-selector). */
  podSelector: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      if (text === undefined) return;
      try {
        parseLabelSelector(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      }
    }),
  /** The opt-out annotation's key. */
  optOutAnnotation: z.string().min(1),
  /** At (deadline − a pod's grace period): delete what is left with the grace clamped ("force") or stop ("leave"). */
  onDeadline: z.enum(ON_DEADLINE_CHOICES),
  /** Key of the NoSchedule taint put on the node; undefined for none. */
  taintKey: z.string().min(1).optional(),
  /** Label the node with node.kubernetes.io/exclude-from-external-load-balancers. */
  excludeFromLoadBalancers: z.boolean(),
  /** Priority classes of the critical tier (evicted after the ordinary pods). */
  criticalPriorityClasses: z.array(z.string().min(1)),
  /**
   * A pod that comes back to the node (created after the drain began, under an owner whose pods the drain
   * evicted: it tolerates the cordon) is evicted only while its owner has had fewer evictions than this in
   * the drain; after that it is reported ("returning") and left on the node.
   */
  maxEvictionsPerOwner: z.number().int().min(1),
  /**
   * A node whose Ready condition has been False or Unknown this long (its kubelet is gone): pods terminating
   * on it past their grace period count as gone, since no kubelet will confirm their end.
   */
  unreachableAfterMs: z.number().int().min(0),
  /**
   * Also taint such a node node.kubernetes.io/out-of-service=nodeshutdown:NoExecute, so that the pod GC
   * force-deletes its terminating pods and their volumes detach (the drain records it, to remove it later).
   */
  outOfServiceTaint: z.boolean(),
  /**
   * Delete pods instead of evicting them (kubectl drain's --disable-eviction): the API server's budget check
   * is bypassed; the drain still paces deletions by the budgets' status.
   */
  disableEviction: z.boolean(),
  /**
   * Stop waiting for a pod whose deletionTimestamp is older than this (kubectl drain's
   * --skip-wait-for-delete-timeout); undefined: wait for it.
   */
  skipWaitForDeleteTimeoutMs: z.number().int().positive().optional(),
  /** Evictions in flight at once. */
  concurrency: z.number().int().min(1).max(500),
  /**
   * The blind probe of a budget whose status (seen through the watch) does not allow an eviction: the
   * first ~initialMs after the last accepted eviction, refusal or news of the budget, then exponentially
   * rarer up to maxMs. The watch normally says first when the budget allows again; the probe only covers
   * for a watch that stalled. Also the retry of a refusal by a budget the drain cannot see.
   */
  budgetBackoff: backoffSchema,
  /**
   * Drainers in other processes under the same budget (concurrent invocations of a scale-in) take turns:
   * each uses the budget's allowance at a time drawn within this window after each change of its status
   * (budget-turns.ts). Before the first eviction under a budget, and once another drainer is seen
   * evicting under it. 0: no turns.
   */
  budgetTurnWindowMs: z.number().int().min(0).max(10_000),
  /** Retry of a pod under two budgets (a human must fix it; keep trying rarely). */
  multipleBudgetsBackoff: backoffSchema,
  /** Retry of throttling without Retry-After, 5xx and network failures. */
  transientBackoff: backoffSchema,
  /** Warn (event "deadline-approaching") this long before the deadline. */
  deadlineWarningMs: z.number().int().min(0),
  /**
   * After the pods are gone, wait until the VolumeAttachments on the node of the volumes the drained pods
   * used are deleted (at most until the deadline, where `onDeadline` decides).
   */
  waitForVolumeDetach: z.boolean(),
  /** Give up waiting for volumes after this long, before the deadline (the drain succeeds, with a warning). */
  volumeDetachTimeoutMs: z.number().int().min(0).optional(),
  /** How often to look at VolumeAttachments. */
  volumePollIntervalMs: z.number().int().positive(),
  /** Wait this long after the drain before finishing (lets endpoints and load balancers settle); never past the deadline. */
  settleMs: z.number().int().min(0),
  /** Delete the Node object at the end of a successful drain (not after a forced, left or failed one). */
  deleteNode: z.boolean(),
  /**
   * Which Deployments get their replacement started (and Ready) before their pods are evicted: none,
   * those annotated eks-node-drainer/surge: "true", also single replicas, also those whose budget never
   * allows an eviction. See surge-policy.ts.
   */
  surge: z.enum(SURGE_MODES),
  /** Give a surge up (restore, then the normal path) when the replacements are not Ready after this long. */
  surgeTimeoutMs: z.number().int().positive(),
  /** How often a surging Deployment's status is read. */
  surgePollMs: z.number().int().positive(),
});

export type DrainPolicy = z.infer<typeof drainPolicySchema>;
export type BackoffSettings = DrainPolicy["budgetBackoff"];

export function defaultDrainPolicy(): DrainPolicy {
  return {
    dryRun: false,
    evictDaemonSets: false,
    barePods: "evict",
    emptyDirPods: "evict",
    podSelector: undefined,
    optOutAnnotation: OPT_OUT_ANNOTATION,
    onDeadline: "force",
    taintKey: DRAINING_TAINT_KEY,
    excludeFromLoadBalancers: true,
    criticalPriorityClasses: ["system-cluster-critical", "system-node-critical"],
    maxEvictionsPerOwner: 2,
    unreachableAfterMs: 60_000,
    disableEviction: false,
    skipWaitForDeleteTimeoutMs: undefined,
    outOfServiceTaint: false,
    concurrency: 16,
    budgetBackoff: { initialMs: 2_000, maxMs: 10_000 },
    budgetTurnWindowMs: 250,
    multipleBudgetsBackoff: { initialMs: 10_000, maxMs: 60_000 },
    transientBackoff: { initialMs: 250, maxMs: 10_000 },
    deadlineWarningMs: 5 * 60_000,
    waitForVolumeDetach: false,
    volumeDetachTimeoutMs: undefined,
    volumePollIntervalMs: 2_000,
    settleMs: 0,
    deleteNode: false,
    surge: "annotated",
    surgeTimeoutMs: 5 * 60_000,
    surgePollMs: 1_000,
  };
}

export class DrainPolicyError extends Error {
  override readonly name = "DrainPolicyError";
}

/** The default policy with `overrides` applied, validated; errors name every bad field. */
export function drainPolicyWith(overrides: Partial<DrainPolicy>): DrainPolicy {
  const parsed = drainPolicySchema.safeParse({ ...defaultDrainPolicy(), ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "policy"}: ${issue.message}`,
    );
    throw new DrainPolicyError(`invalid drain policy: ${problems.join("; ")}`);
  }
  return parsed.data;
}
