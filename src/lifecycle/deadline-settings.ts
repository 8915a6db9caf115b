import { ON_DEADLINE_CHOICES, type OnDeadline } from "../drain/policy.js";

/**
 * How the lifecycle action is answered when its drain is left at the deadline (ON_DEADLINE=leave):
 * completed with ABANDON at once, or not answered at all, so that the hook's DefaultResult applies when
 * its heartbeat timeout passes. Under ON_DEADLINE=force the action is completed (CONTINUE) either way.
 */
export const DEADLINE_RESULTS = ["abandon", "default-result"] as const;
export type DeadlineResult = (typeof DEADLINE_RESULTS)[number];

/** No completion call: what a drain left at its deadline always did before DEADLINE_RESULT existed. */
export const DEFAULT_DEADLINE_RESULT: DeadlineResult = "default-result";

/**
 * What ON_DEADLINE accepts: the engine's two words, then its older values, each of which means `leave`
 * with the DEADLINE_RESULT of the same name.
 */
export const ON_DEADLINE_SETTINGS = [...ON_DEADLINE_CHOICES, ...DEADLINE_RESULTS] as const;
export type OnDeadlineSetting = (typeof ON_DEADLINE_SETTINGS)[number];

/** How a setting and its value are written where they were read (`ON_DEADLINE=leave`, `--on-deadline leave`). */
export type SettingSpelling = (setting: "onDeadline" | "deadlineResult", value: string) => string;

export const environmentSpelling: SettingSpelling = (setting, value) =>
  `${setting === "onDeadline" ? "ON_DEADLINE" : "DEADLINE_RESULT"}=${value}`;

export type DeadlineChoice =
  | { ok: true; onDeadline: OnDeadline; deadlineResult: DeadlineResult; warning?: string }
  | { ok: false; problem: string };

/**
 * ON_DEADLINE and DEADLINE_RESULT read as one choice. An older value of ON_DEADLINE (abandon,
 * default-result) is `leave` with the DEADLINE_RESULT of the same name, and a warning names the
 * replacement; with a DEADLINE_RESULT that says otherwise, it is a problem naming both.
 */
export function resolveDeadline(
  onDeadline: OnDeadlineSetting,
  deadlineResult: DeadlineResult | undefined,
  spell: SettingSpelling = environmentSpelling,
): DeadlineChoice {
  if (onDeadline === "force" || onDeadline === "leave") {
    return { ok: true, onDeadline, deadlineResult: deadlineResult ?? DEFAULT_DEADLINE_RESULT };
  }
  const meaning = `${spell("onDeadline", "leave")} with ${spell("deadlineResult", onDeadline)}`;
  if (deadlineResult !== undefined && deadlineResult !== onDeadline) {
    return {
      ok: false,
      problem:
        `${spell("onDeadline", onDeadline)} (an older spelling of ${meaning}) contradicts ` +
        `${spell("deadlineResult", deadlineResult)}: set ${spell("onDeadline", "leave")} and one deadline result`,
    };
  }
  return {
    ok: true,
    onDeadline: "leave",
    deadlineResult: onDeadline,
    warning: `${spell("onDeadline", onDeadline)} is an older spelling of ${meaning}: set those instead`,
  };
}
