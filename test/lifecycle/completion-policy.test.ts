import { describe, expect, it } from "vitest";
import {
  type CompletionDecision,
  type DrainEnding,
  decideCompletion,
  type OnDeadline,
} from "../../src/lifecycle/completion-policy.js";

type Expected = Pick<CompletionDecision, "kind"> & { result?: "CONTINUE" | "ABANDON"; retryable?: boolean };

const failedRetryable: DrainEnding = { kind: "failed", message: "listing pods: 503", retryable: true };
const failedForbidden: DrainEnding = { kind: "failed", message: "evicting: 403 forbidden", retryable: false };

/** Every ending under every ON_DEADLINE setting: the completion policy in one table. */
const table: [DrainEnding, OnDeadline, Expected][] = [
  [{ kind: "drained" }, "force", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "drained" }, "abandon", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "drained" }, "default-result", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "no-node" }, "force", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "no-node" }, "abandon", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "no-node" }, "default-result", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-forced" }, "force", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-forced" }, "abandon", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-forced" }, "default-result", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-reached" }, "force", { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-reached" }, "abandon", { kind: "complete", result: "ABANDON" }],
  [{ kind: "deadline-reached" }, "default-result", { kind: "leave-to-default-result" }],
  [{ kind: "out-of-time" }, "force", { kind: "continue-later" }],
  [{ kind: "out-of-time" }, "abandon", { kind: "continue-later" }],
  [{ kind: "out-of-time" }, "default-result", { kind: "continue-later" }],
  [{ kind: "action-gone" }, "force", { kind: "stop" }],
  [{ kind: "action-gone" }, "abandon", { kind: "stop" }],
  [{ kind: "action-gone" }, "default-result", { kind: "stop" }],
  [{ kind: "interrupted" }, "force", { kind: "retry", retryable: true }],
  [{ kind: "interrupted" }, "abandon", { kind: "retry", retryable: true }],
  [{ kind: "interrupted" }, "default-result", { kind: "retry", retryable: true }],
  [failedRetryable, "force", { kind: "retry", retryable: true }],
  [failedRetryable, "abandon", { kind: "retry", retryable: true }],
  [failedRetryable, "default-result", { kind: "retry", retryable: true }],
  [failedForbidden, "abandon", { kind: "retry", retryable: false }],
  [
    { kind: "launch-ready", nodeName: "n", restored: true },
    "abandon",
    { kind: "complete", result: "CONTINUE" },
  ],
  [{ kind: "launch-to-warm-pool" }, "abandon", { kind: "complete", result: "CONTINUE" }],
  [
    { kind: "launch-timed-out", result: "ABANDON", reason: "not Ready" },
    "force",
    { kind: "complete", result: "ABANDON" },
  ],
  [
    { kind: "launch-timed-out", result: "CONTINUE", reason: "not Ready" },
    "abandon",
    { kind: "complete", result: "CONTINUE" },
  ],
];

describe("decideCompletion", () => {
  for (const [ending, onDeadline, expected] of table) {
    const label = expected.result === undefined ? expected.kind : `${expected.kind} ${expected.result}`;
    it(`${ending.kind} with ON_DEADLINE=${onDeadline} → ${label}`, () => {
      const decision = decideCompletion(ending, onDeadline);
      expect(decision).toMatchObject(expected);
      expect(decision.reason.length).toBeGreaterThan(0);
    });
  }

  it("never answers a failure with a completion, whatever the setting", () => {
    for (const onDeadline of ["force", "abandon", "default-result"] as const) {
      for (const failure of [failedRetryable, failedForbidden]) {
        expect(decideCompletion(failure, onDeadline).kind).toBe("retry");
      }
    }
  });

  it("keeps the failure's message as the reason", () => {
    expect(decideCompletion(failedRetryable, "force").reason).toBe("listing pods: 503");
  });
});

describe("decideCompletion with a requested result (drain --complete-lifecycle-action --result)", () => {
  it.each([
    [{ kind: "drained" }, "force", { kind: "complete", result: "ABANDON" }],
    [{ kind: "deadline-forced" }, "force", { kind: "complete", result: "ABANDON" }],
    [{ kind: "deadline-reached" }, "force", { kind: "complete", result: "ABANDON" }],
    [{ kind: "deadline-reached" }, "default-result", { kind: "leave-to-default-result" }],
    [{ kind: "interrupted" }, "force", { kind: "retry" }],
    [failedRetryable, "force", { kind: "retry" }],
  ] as [DrainEnding, OnDeadline, Expected][])(
    "%o with ON_DEADLINE=%s → %o",
    (ending, onDeadline, expected) => {
      expect(decideCompletion(ending, onDeadline, "ABANDON")).toMatchObject(expected);
    },
  );
});
