import { Duration, Token } from "aws-cdk-lib";
import type * as z from "zod";
import type { SurgeMode } from "../src/drain/surge-policy.js";
import {
  DEADLINE_RESULTS,
  type DeadlineResult,
  ON_DEADLINE_SETTINGS,
  type OnDeadlineSetting,
  resolveDeadline,
  type SettingSpelling,
} from "../src/lifecycle/deadline-settings.js";
import { readSettings, settingsSchema } from "../src/lifecycle/settings.js";

/**
 * The Lambda's environment, typed by the one list of its variables (src/lifecycle/settings.ts): a name that
 * is not in that schema does not compile.
 */
export type SettingName = keyof z.input<typeof settingsSchema>;
export type DrainerEnvironment = Partial<Record<SettingName, string>>;

/** force or leave; abandon and default-result are older spellings of leave with that deadlineResult. */
export type OnDeadline = OnDeadlineSetting;
export type { DeadlineResult };

/** The settings' own defaults, so the construct and the template never restate them. */
export const settingDefaults = readSettings({});

/** What onDeadline (and the template's OnDeadline) accepts: force, leave, then the older spellings. */
export const onDeadlineChoices: readonly OnDeadline[] = ON_DEADLINE_SETTINGS;
export const deadlineResultChoices: readonly DeadlineResult[] = DEADLINE_RESULTS;

const propSpelling: SettingSpelling = (setting, value) => `${setting}: "${value}"`;

/** How the drain behaves; each maps to one environment variable and defaults to the schema's default. */
export interface DrainSettings {
  /** DRAIN_TIMEOUT_SECONDS: upper bound of one drain (the hook's global timeout also bounds it). */
  readonly timeout?: Duration;
  /**
   * ON_DEADLINE: what happens to the pods left at the deadline: "force" (deleted with their grace cut to
   * the time left, then CONTINUE) or "leave" (deleted not; `deadlineResult` answers the action). "abandon"
   * and "default-result" are older spellings of "leave" with the `deadlineResult` of that name (a warning).
   */
  readonly onDeadline?: OnDeadline;
  /**
   * DEADLINE_RESULT: how the action of a drain left at its deadline is answered: "abandon" (ABANDON) or
   * "default-result" (no call: the hook's defaultResult applies). Default "default-result".
   */
  readonly deadlineResult?: DeadlineResult;
  /** EVICT_DAEMONSETS: evict DaemonSet pods too, as the last tier. */
  readonly evictDaemonSets?: boolean;
  /** DELETE_NODE: delete the Node object after a successful drain. */
  readonly deleteNode?: boolean;
  /** SETTLE_SECONDS: wait after the drain before completing the lifecycle action. */
  readonly settle?: Duration;
  /** WAIT_FOR_VOLUME_DETACH: wait for the drained pods' volumes to detach before completing. */
  readonly waitForVolumeDetach?: boolean;
  /** SURGE: which Deployments get their replacement Ready before their pods are evicted. */
  readonly surge?: SurgeMode;
  /**
   * WAIT_FOR_TARGET_DEREGISTRATION: wait, before completing, until the node's load balancer targets are
   * deregistered. Unset: wait whenever the group or a TargetGroupBinding has a target group.
   */
  readonly waitForTargetDeregistration?: boolean;
  /** SPOT_DEADLINE_MARGIN_SECONDS: a Spot interruption's drain ends this long before the two minutes. */
  readonly spotDeadlineMargin?: Duration;
  /** REBALANCE_ACTION: what a rebalance recommendation does to the node. */
  readonly rebalanceAction?: "cordon" | "drain";
}

export class DrainSettingsError extends Error {
  override readonly name = "DrainSettingsError";
}

function wholeSeconds(label: string, duration: Duration, minimum: number): string {
  const seconds = duration.toSeconds({ integral: false });
  if (!Token.isUnresolved(seconds) && (!Number.isInteger(seconds) || seconds < minimum)) {
    throw new DrainSettingsError(`${label} must be a whole number of seconds ≥ ${minimum}, got ${seconds}`);
  }
  return String(seconds);
}

/** onDeadline × deadlineResult as the two variables; an older onDeadline is told to `warn`. */
function deadlineEnvironment(settings: DrainSettings, warn: (warning: string) => void): DrainerEnvironment {
  const onDeadline = settings.onDeadline ?? settingDefaults.ON_DEADLINE;
  if (!onDeadlineChoices.includes(onDeadline)) {
    throw new DrainSettingsError(`onDeadline must be force or leave, got ${JSON.stringify(onDeadline)}`);
  }
  const { deadlineResult } = settings;
  if (deadlineResult !== undefined && !deadlineResultChoices.includes(deadlineResult)) {
    throw new DrainSettingsError(
      `deadlineResult must be abandon or default-result, got ${JSON.stringify(deadlineResult)}`,
    );
  }
  const picked = resolveDeadline(onDeadline, deadlineResult, propSpelling);
  if (!picked.ok) throw new DrainSettingsError(picked.problem);
  if (picked.warning !== undefined) warn(picked.warning);
  return { ON_DEADLINE: picked.onDeadline, DEADLINE_RESULT: picked.deadlineResult };
}

/** The drain part of the environment, every variable explicit so the deployed configuration is readable. */
export function drainEnvironment(
  settings: DrainSettings = {},
  warn: (warning: string) => void = () => {},
): DrainerEnvironment {
  return {
    DRAIN_TIMEOUT_SECONDS: wholeSeconds(
      "drain timeout",
      settings.timeout ?? Duration.seconds(settingDefaults.DRAIN_TIMEOUT_SECONDS),
      1,
    ),
    ...deadlineEnvironment(settings, warn),
    EVICT_DAEMONSETS: String(settings.evictDaemonSets ?? settingDefaults.EVICT_DAEMONSETS),
    DELETE_NODE: String(settings.deleteNode ?? settingDefaults.DELETE_NODE),
    SETTLE_SECONDS: wholeSeconds(
      "settle time",
      settings.settle ?? Duration.seconds(settingDefaults.SETTLE_SECONDS),
      0,
    ),
    WAIT_FOR_VOLUME_DETACH: String(settings.waitForVolumeDetach ?? settingDefaults.WAIT_FOR_VOLUME_DETACH),
    SURGE: settings.surge ?? settingDefaults.SURGE,
    SPOT_DEADLINE_MARGIN_SECONDS: wholeSeconds(
      "spot deadline margin",
      settings.spotDeadlineMargin ?? Duration.seconds(settingDefaults.SPOT_DEADLINE_MARGIN_SECONDS),
      0,
    ),
    REBALANCE_ACTION: settings.rebalanceAction ?? settingDefaults.REBALANCE_ACTION,
    ...(settings.waitForTargetDeregistration === undefined
      ? {}
      : { WAIT_FOR_TARGET_DEREGISTRATION: String(settings.waitForTargetDeregistration) }),
  };
}

/**
 * Checks the variables whose values are known at synthesis against the Lambda's own schema, so a value
 * the handler would refuse at cold start fails the synth instead. Unresolved tokens are left out.
 */
export function checkEnvironment(environment: DrainerEnvironment): void {
  const known = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && !Token.isUnresolved(value)),
  );
  const parsed = settingsSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new DrainSettingsError(`the Lambda would reject its environment: ${problems.join("; ")}`);
  }
}
