import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import { parseDuration } from "../drain/duration.js";
import { type DrainPolicy, drainPolicyWith, ON_DEADLINE_CHOICES } from "../drain/policy.js";
import { SURGE_MODES } from "../drain/surge-policy.js";
import { parseLabelSelector } from "../labels/label-selector.js";

/**
 * The flags shared by several commands, each group as parseArgs descriptors plus the zod shape that
 * validates and types them. Keys are the flag names, so a zod issue names the flag.
 */

/** A Go-style duration ("10m", "90s", "1h30m") in milliseconds. */
export function durationFlag(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, context) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        context.addIssue({
          code: "custom",
          message: `expected a duration such as 10m, 90s or 1h30m, got "${text}"`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** One of a list of words; the error lists them and names what was given. */
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `expected ${values.join(" or ")}, got "${String(issue.input)}"` });

export const outputFlagSpecs = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  output: { type: "string", short: "o" },
  "log-format": { type: "string" },
} satisfies ParseArgsOptionsConfig;

export const outputFlagShape = {
  verbose: z.boolean().default(false),
  output: choice(["text", "json"]).default("text"),
  "log-format": choice(["text", "json"]).default("text"),
};

export const clusterFlagSpecs = {
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "request-timeout": { type: "string" },
} satisfies ParseArgsOptionsConfig;

export const clusterFlagShape = {
  kubeconfig: z.string().min(1, "needs a file path").optional(),
  context: z.string().min(1, "needs a context name").optional(),
  "request-timeout": durationFlag("30s"),
};

export const policyFlagSpecs = {
  timeout: { type: "string" },
  "pod-selector": { type: "string" },
  "include-daemonsets": { type: "boolean" },
  "on-deadline": { type: "string" },
  // kubectl drain's flags, with kubectl's meaning (see drain --help).
  "ignore-daemonsets": { type: "boolean" },
  "delete-emptydir-data": { type: "boolean" },
  force: { type: "boolean" },
  "skip-wait-for-delete-timeout": { type: "string" },
  "disable-eviction": { type: "boolean" },
  surge: { type: "string" },
  "unreachable-after": { type: "string" },
  "out-of-service-taint": { type: "boolean" },
  "max-evictions-per-owner": { type: "string" },
} satisfies ParseArgsOptionsConfig;

export const policyFlagShape = {
  timeout: durationFlag("1h"),
  "pod-selector": z
    .string()
    .optional()
    .superRefine((text, context) => {
      if (text === undefined) return;
      try {
        parseLabelSelector(text);
      } catch (error) {
        context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      }
    }),
  "include-daemonsets": z.boolean().default(false),
  // kubectl's --timeout only stops waiting: by hand, a deadline never deletes through a budget unless asked.
  "on-deadline": choice(ON_DEADLINE_CHOICES).default("leave"),
  // Accepted for kubectl's scripts: DaemonSet pods are always left alone unless --include-daemonsets, and
  // emptyDir and bare pods are evicted (the node is going away) — what these flags ask kubectl to do.
  "ignore-daemonsets": z.boolean().default(false),
  "delete-emptydir-data": z.boolean().default(false),
  force: z.boolean().default(false),
  "skip-wait-for-delete-timeout": z
    .string()
    .default("0")
    .transform((text, context) => {
      const seconds = Number(text);
      if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(seconds)) {
        context.addIssue({ code: "custom", message: `expected whole seconds (e.g. 60), got "${text}"` });
        return z.NEVER;
      }
      // As in kubectl: 0 (the default) waits for every pod.
      return seconds === 0 ? undefined : seconds * 1000;
    }),
  "disable-eviction": z.boolean().default(false),
  /** The Lambda's SURGE setting. */
  surge: choice(SURGE_MODES).default("annotated"),
  /** UNREACHABLE_AFTER_SECONDS: a Node not Ready this long is unreachable (its stuck pods count as gone). */
  "unreachable-after": durationFlag("60s"),
  /** OUT_OF_SERVICE_TAINT: taint an unreachable node node.kubernetes.io/out-of-service, so volumes detach. */
  "out-of-service-taint": z.boolean().default(false),
  /** MAX_EVICTIONS_PER_OWNER: evictions of pods that keep coming back, per owner, before they are left. */
  "max-evictions-per-owner": z
    .string()
    .default("2")
    .transform((text, context) => {
      const count = Number(text);
      if (!/^\d+$/.test(text.trim()) || count < 1) {
        context.addIssue({ code: "custom", message: `expected a whole number ≥ 1, got "${text}"` });
        return z.NEVER;
      }
      return count;
    }),
};

/** kubectl drain's --grace-period (drain only: the plan shows each pod's own grace). */
export const graceFlagSpecs = { "grace-period": { type: "string" } } satisfies ParseArgsOptionsConfig;

export const graceFlagShape = {
  "grace-period": z
    .string()
    .default("-1")
    .transform((text, context) => {
      const seconds = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(seconds)) {
        context.addIssue({ code: "custom", message: `expected whole seconds (e.g. 30), got "${text}"` });
        return z.NEVER;
      }
      // As in kubectl: a negative value keeps each pod's own terminationGracePeriodSeconds.
      return seconds < 0 ? undefined : seconds;
    }),
};

export type OutputFlags = z.output<z.ZodObject<typeof outputFlagShape>>;
export type ClusterFlags = z.output<z.ZodObject<typeof clusterFlagShape>>;
export type PolicyFlags = z.output<z.ZodObject<typeof policyFlagShape>>;

/** The engine's policy from the flags: defaults for everything the command line does not set. */
export function policyOf(flags: PolicyFlags, dryRun: boolean): DrainPolicy {
  return drainPolicyWith({
    dryRun,
    evictDaemonSets: flags["include-daemonsets"],
    onDeadline: flags["on-deadline"],
    disableEviction: flags["disable-eviction"],
    ...(flags["skip-wait-for-delete-timeout"] === undefined
      ? {}
      : { skipWaitForDeleteTimeoutMs: flags["skip-wait-for-delete-timeout"] }),
    surge: flags.surge,
    unreachableAfterMs: flags["unreachable-after"],
    outOfServiceTaint: flags["out-of-service-taint"],
    maxEvictionsPerOwner: flags["max-evictions-per-owner"],
    ...(flags["pod-selector"] === undefined ? {} : { podSelector: flags["pod-selector"] }),
  });
}
