import type { CompletionOutcome, LifecycleResult } from "../aws/lifecycle.js";

/** What handling one notice came to; every kind is acknowledged (failures throw a NoticeError instead). */
export type NoticeOutcome =
  /** Not for this deployment (another group or cluster), or nothing to drain (a launch, a test message). */
  | { kind: "ignored"; reason: string }
  /** CompleteLifecycleAction was called; `completion` says whether it was still waiting. */
  | {
      kind: "completed";
      result: LifecycleResult;
      completion: CompletionOutcome;
      reason: string;
      nodeName?: string;
    }
  /** The drain was left at its deadline (ON_DEADLINE=leave) and DEADLINE_RESULT=default-result: no completion call. */
  | { kind: "left-to-default-result"; reason: string; nodeName: string }
  /** The invocation ran out of time: continuation `nextAttempt` resumes the drain. */
  | { kind: "continued"; nextAttempt: number; reason: string; nodeName: string; scheduled: string }
  /** Another delivery of the same notice carries (or carried) the drain. */
  | { kind: "duplicate"; reason: string; nodeName?: string }
  /** An EC2 interruption event drained (or cordoned) the node; there is no lifecycle action of its own. */
  | {
      kind: "drained";
      reason: string;
      nodeName: string;
      status: string;
      event: "spot-interruption" | "rebalance-recommendation" | "state-change";
    }
  /** The lifecycle action ended elsewhere: nothing more to do. */
  | { kind: "stopped"; reason: string; nodeName?: string };
