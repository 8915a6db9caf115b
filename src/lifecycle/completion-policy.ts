import type { LifecycleResult } from "../aws/lifecycle.js";
import type { Settings } from "./settings.js";

/** How the work on one notice ended, as far as completing the lifecycle action is concerned. */
export type DrainEnding =
  /** Every pod that had to go is gone. */
  | { kind: "drained" }
  /** The instance is not a node of the cluster (never joined, a warm pool instance), or its Node is gone. */
  | { kind: "no-node" }
  /** The deadline came and the pods left were deleted with their grace clamped. */
  | { kind: "deadline-forced" }
  /** The deadline came with pods still on the node (policy "leave", or the drain could not finish). */
  | { kind: "deadline-reached" }
  /** The invocation's time ran out before the drain's deadline: the state is saved on the node. */
  | { kind: "out-of-time" }
  /** The shell is shutting down (SIGTERM, Ctrl-C) before the deadline: the state is saved on the node. */
  | { kind: "interrupted" }
  /** Auto Scaling says the action is no longer waiting (completed elsewhere or timed out). */
  | { kind: "action-gone" }
  /** The drain cannot go on now (API or authentication errors, refused pods...). */
  | { kind: "failed"; message: string; retryable: boolean }
  /** A launch action: the instance's Node registered and stayed Ready for the settle period. */
  | { kind: "launch-ready"; nodeName: string; restored: boolean }
  /** A launch action towards the warm pool: the instance is stopped there, no Node is awaited. */
  | { kind: "launch-to-warm-pool" }
  /** A launch action whose Node was not Ready in time: LAUNCH_TIMEOUT_RESULT decides. */
  | { kind: "launch-timed-out"; result: LifecycleResult; reason: string };

/** The two settings that decide how an action whose drain reached its deadline is answered. */
export type DeadlineSettings = Pick<Settings, "ON_DEADLINE" | "DEADLINE_RESULT">;

export type CompletionDecision =
  /** CompleteLifecycleAction with this result. */
  | { kind: "complete"; result: LifecycleResult; reason: string }
  /** Heartbeat and schedule a continuation; the drain resumes from the node's state. */
  | { kind: "continue-later"; reason: string }
  /** No completion call: the hook's DefaultResult applies when its timeout comes. */
  | { kind: "left-to-default-result"; reason: string }
  /** Nothing more to do for this action. */
  | { kind: "stop"; reason: string }
  /** Deliver the notice again later; never answered with a completion that would skip the drain. */
  | { kind: "retry"; reason: string; retryable: boolean };

/**
 * The completion policy, in one place (table-tested, documented in src/lifecycle/README.md):
 * drained, no node, forced at the deadline → CONTINUE; deadline with pods left → ON_DEADLINE=force →
 * CONTINUE, ON_DEADLINE=leave → DEADLINE_RESULT decides (abandon → ABANDON, default-result → no call);
 * out of invocation time → continue later;
 * action gone → stop; interrupted or failed → retry, never an immediate ABANDON. Launch actions: Ready and
 * settled, or towards the warm pool → CONTINUE; not Ready in time → LAUNCH_TIMEOUT_RESULT.
 */
export function decideCompletion(
  ending: DrainEnding,
  deadline: DeadlineSettings,
  /** The result a drain that let the instance go completes with (the CLI's --result); CONTINUE otherwise. */
  result: LifecycleResult = "CONTINUE",
): CompletionDecision {
  switch (ending.kind) {
    case "drained":
      return { kind: "complete", result, reason: "the node is drained" };
    case "no-node":
      return {
        kind: "complete",
        result,
        reason: "the instance has no Node in the cluster: nothing to drain",
      };
    case "deadline-forced":
      return {
        kind: "complete",
        result,
        reason: "the deadline came: the pods left were deleted with their grace period",
      };
    case "deadline-reached":
      return deadlineDecision(deadline, result);
    case "interrupted":
      return {
        kind: "retry",
        reason: "the drain was interrupted: its state is kept on the node and the next delivery resumes it",
        retryable: true,
      };
    case "out-of-time":
      return { kind: "continue-later", reason: "the invocation's time ran out before the drain finished" };
    case "action-gone":
      return { kind: "stop", reason: "the lifecycle action is no longer waiting" };
    case "failed":
      return { kind: "retry", reason: ending.message, retryable: ending.retryable };
    case "launch-ready":
      return {
        kind: "complete",
        result: "CONTINUE",
        reason: ending.restored
          ? `node ${ending.nodeName} is back and Ready: what the drain changed on it is undone`
          : `node ${ending.nodeName} is Ready`,
      };
    case "launch-to-warm-pool":
      return { kind: "complete", result: "CONTINUE", reason: "the instance goes to the warm pool" };
    case "launch-timed-out":
      return { kind: "complete", result: ending.result, reason: ending.reason };
  }
}

function deadlineDecision(deadline: DeadlineSettings, result: LifecycleResult): CompletionDecision {
  if (deadline.ON_DEADLINE === "force") {
    return {
      kind: "complete",
      result,
      reason: "the deadline came (ON_DEADLINE=force): the instance may terminate",
    };
  }
  switch (deadline.DEADLINE_RESULT) {
    case "abandon":
      return {
        kind: "complete",
        result: "ABANDON",
        reason: "the deadline came with pods left (ON_DEADLINE=leave, DEADLINE_RESULT=abandon)",
      };
    case "default-result":
      return {
        kind: "left-to-default-result",
        reason:
          "the deadline came with pods left (ON_DEADLINE=leave, DEADLINE_RESULT=default-result): the hook's DefaultResult applies",
      };
  }
}
