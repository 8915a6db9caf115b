import { describe, expect, it } from "vitest";
import {
  type CompletionDecision,
  type DeadlineSettings,
  type DrainEnding,
  decideCompletion,
} from "../../src/lifecycle/completion-policy.js";

type Expected = Pick<CompletionDecision, "kind"> & { result?: "CONTINUE" | "ABANDON"; retryable?: boolean };

const failedRetryable: DrainEnding = { kind: "failed", message: "listing pods: 503", retryable: true };
const failedForbidden: DrainEnding = { kind: "failed", message: "evicting: 403 forbidden", retryable: false };

const force: DeadlineSettings = { ON_DEADLINE: "force", DEADLINE_RESULT: "default-result" };
const forceAbandon: DeadlineSettings = { ON_DEADLINE: "force", DEADLINE_RESULT: "abandon" };
const abandon: DeadlineSettings = { ON_DEADLINE: "leave", DEADLINE_RESULT: "abandon" };
const defaultResult: DeadlineSettings = { ON_DEADLINE: "leave", DEADLINE_RESULT: "default-result" };
const named = (deadline: DeadlineSettings) =>
  `ON_DEADLINE=${deadline.ON_DEADLINE} DEADLINE_RESULT=${deadline.DEADLINE_RESULT}`;

/** Every ending under every ON_DEADLINE × DEADLINE_RESULT: the completion policy in one table. */
const table: [DrainEnding, DeadlineSettings, Expected][] = [
  [{ kind: "drained" }, force, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "drained" }, abandon, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "drained" }, defaultResult, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "no-node" }, force, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "no-node" }, abandon, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "no-node" }, defaultResult, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-forced" }, force, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-forced" }, abandon, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-forced" }, defaultResult, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-reached" }, force, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-reached" }, forceAbandon, { kind: "complete", result: "CONTINUE" }],
  [{ kind: "deadline-reached" }, abandon, { kind: "complete", result: "ABANDON" }],
  [{ kind: "deadline-reached" }, defaultResult, { kind: "left-to-default-result" }],
  [{ kind: "out-of-time" }, force, { kind: "continue-later" }],
  [{ kind: "out-of-time" }, abandon, { kind: "continue-later" }],
  [{ kind: "out-of-time" }, defaultResult, { kind: "continue-later" }],
  [{ kind: "action-gone" }, force, { kind: "stop" }],
  [{ kind: "action-gone" }, abandon, { kind: "stop" }],
  [{ kind: "action-gone" }, defaultResult, { kind: "stop" }],
  [{ kind: "interrupted" }, force, { kind: "retry", retryable: true }],
  [{ kind: "interrupted" }, abandon, { kind: "retry", retryable: true }],
  [{ kind: "interrupted" }, defaultResult, { kind: "retry", retryable: true }],
  [failedRetryable, force, { kind: "retry", retryable: true }],
  [failedRetryable, abandon, { kind: "retry", retryable: true }],
  [failedRetryable, defaultResult, { kind: "retry", retryable: true }],
  [failedForbidden, abandon, { kind: "retry", retryable: false }],
  [
    { kind: "launch-ready", nodeName: "n", restored: true },
    abandon,
    { kind: "complete", result: "CONTINUE" },
  ],
  [{ kind: "launch-to-warm-pool" }, abandon, { kind: "complete", result: "CONTINUE" }],
  [
    { kind: "launch-timed-out", result: "ABANDON", reason: "not Ready" },
    force,
    { kind: "complete", result: "ABANDON" },
  ],
  [
    { kind: "launch-timed-out", result: "CONTINUE", reason: "not Ready" },
    abandon,
    { kind: "complete", result: "CONTINUE" },
  ],
];

describe("decideCompletion", () => {
  for (const [ending, deadline, expected] of table) {
    const label = expected.result === undefined ? expected.kind : `${expected.kind} ${expected.result}`;
    it(`${ending.kind} with ${named(deadline)} → ${label}`, () => {
      const decision = decideCompletion(ending, deadline);
      expect(decision).toMatchObject(expected);
      expect(decision.reason.length).toBeGreaterThan(0);
    });
  }

  it("never answers a failure with a completion, whatever the setting", () => {
    for (const deadline of [force, forceAbandon, abandon, defaultResult]) {
      for (const failure of [failedRetryable, failedForbidden]) {
        expect(decideCompletion(failure, deadline).kind).toBe("retry");
      }
    }
  });

  it("keeps the failure's message as the reason", () => {
    expect(decideCompletion(failedRetryable, force).reason).toBe("listing pods: 503");
  });
});

describe("decideCompletion with a requested result (drain --complete-lifecycle-action --result)", () => {
  it.each([
    [{ kind: "drained" }, force, { kind: "complete", result: "ABANDON" }],
    [{ kind: "deadline-forced" }, force, { kind: "complete", result: "ABANDON" }],
    [{ kind: "deadline-reached" }, force, { kind: "complete", result: "ABANDON" }],
    [{ kind: "deadline-reached" }, defaultResult, { kind: "left-to-default-result" }],
    [{ kind: "interrupted" }, force, { kind: "retry" }],
    [failedRetryable, force, { kind: "retry" }],
  ] as [DrainEnding, DeadlineSettings, Expected][])("%o with %o → %o", (ending, deadline, expected) => {
    expect(decideCompletion(ending, deadline, "ABANDON")).toMatchObject(expected);
  });
});
