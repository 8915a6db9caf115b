import { describe, expect, it } from "vitest";
import type { LifecycleRecord } from "../../src/lifecycle/lifecycle-record.js";
import {
  type AdmissionRequest,
  admit,
  afterCompletion,
  afterHandOff,
  withoutLeaseOf,
} from "../../src/lifecycle/notice-admission.js";

const token = "87654321-4321-4321-4321-210987654321";
const now = Date.parse("2026-11-24T10:30:00Z");
const minute = 60_000;

function request(attempt: number, owner = "me"): AdmissionRequest {
  return { token, attempt, owner, now, leaseUntil: now + 15 * minute, handOffWindowMs: 20 * minute };
}

const live = (owner: string, attempt: number) => ({ owner, attempt, until: now + 5 * minute });
const expired = (owner: string, attempt: number) => ({ owner, attempt, until: now - 1 });

describe("admit", () => {
  const table: [string, LifecycleRecord | undefined, AdmissionRequest, string][] = [
    ["no record yet", undefined, request(0), "claim"],
    ["a record without lease", { token }, request(0), "claim"],
    [
      "the action already completed",
      { token, completion: { result: "CONTINUE", at: now - minute, by: "x" } },
      request(3),
      "completed",
    ],
    [
      "a live lease of another delivery of the same attempt",
      { token, lease: live("other", 0) },
      request(0),
      "busy",
    ],
    ["a live lease of a later attempt", { token, lease: live("other", 4) }, request(2), "busy"],
    ["an expired lease", { token, lease: expired("other", 0) }, request(0), "claim"],
    [
      "its own lease (an asynchronous retry of the same request)",
      { token, lease: live("me", 1) },
      request(1),
      "claim",
    ],
    [
      "the lease of the attempt that handed off to this one",
      { token, lease: live("other", 1), handedOff: { attempt: 2, at: now - 1_000 } },
      request(2),
      "claim",
    ],
    [
      "the lease of an earlier attempt that has not recorded its hand-off",
      { token, lease: live("other", 1), handedOff: { attempt: 1, at: now - 2 * minute } },
      request(2),
      "wait-for-hand-off",
    ],
    [
      "a copy of an attempt a continuation has moved past",
      { token, handedOff: { attempt: 3, at: now - minute } },
      request(1),
      "superseded",
    ],
    [
      "a copy older than a continuation scheduled too long ago to still come",
      { token, handedOff: { attempt: 3, at: now - 30 * minute } },
      request(1),
      "claim",
    ],
    [
      "the continuation that was handed off",
      { token, handedOff: { attempt: 3, at: now - minute } },
      request(3),
      "claim",
    ],
  ];

  for (const [situation, record, req, expected] of table) {
    it(`${situation} → ${expected}`, () => {
      expect(admit(record, req).kind).toBe(expected);
    });
  }

  it("claims with this delivery's lease, keeping what the record knew", () => {
    const decision = admit({ token, lastHeartbeatAt: now - minute }, request(2));
    expect(decision).toEqual({
      kind: "claim",
      record: {
        token,
        lastHeartbeatAt: now - minute,
        lease: { owner: "me", attempt: 2, until: now + 15 * minute },
      },
    });
  });
});

describe("record changes", () => {
  it("a hand-off ends the owner's lease and keeps the latest heartbeat and attempt", () => {
    const record: LifecycleRecord = { token, lease: live("me", 2), lastHeartbeatAt: now - 5 * minute };
    expect(afterHandOff(record, { owner: "me", attempt: 3, at: now, lastHeartbeatAt: now - minute })).toEqual(
      {
        token,
        handedOff: { attempt: 3, at: now },
        lastHeartbeatAt: now - minute,
      },
    );
  });

  it("a hand-off leaves a successor's lease alone", () => {
    const record: LifecycleRecord = {
      token,
      lease: live("successor", 3),
      handedOff: { attempt: 3, at: now },
    };
    expect(
      afterHandOff(record, { owner: "me", attempt: 3, at: now, lastHeartbeatAt: undefined }).lease,
    ).toEqual(live("successor", 3));
  });

  it("a completion is recorded once: a later one does not overwrite it", () => {
    const first = afterCompletion(
      { token, lease: live("me", 0) },
      { owner: "me", result: "CONTINUE", at: now },
    );
    expect(first).toEqual({ token, completion: { result: "CONTINUE", at: now, by: "me" } });
    const second = afterCompletion(first, { owner: "other", result: "ABANDON", at: now + minute });
    expect(second.completion).toEqual(first.completion);
  });

  it("releasing removes only the owner's own lease", () => {
    expect(withoutLeaseOf({ token, lease: live("me", 0) }, "me")).toEqual({ token });
    expect(withoutLeaseOf({ token, lease: live("other", 0) }, "me")).toEqual({
      token,
      lease: live("other", 0),
    });
  });
});
