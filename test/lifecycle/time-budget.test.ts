import { describe, expect, it } from "vitest";
import { drainDeadline, invocationBudget } from "../../src/lifecycle/time-budget.js";

const start = "2026-11-24T10:00:00.000Z";
const startMs = Date.parse(start);

describe("drainDeadline", () => {
  it("is DRAIN_TIMEOUT_SECONDS after the action's start, less a minute, when the hook allows longer", () => {
    expect(drainDeadline(start, 3600, { globalTimeoutSeconds: 30_000 })).toBe(startMs + 3600_000 - 60_000);
  });

  it("is bounded by the hook's global timeout when that is shorter", () => {
    expect(drainDeadline(start, 3600, { globalTimeoutSeconds: 3000 })).toBe(startMs + 3000_000 - 60_000);
  });

  it("keeps a tenth of a short bound as the margin", () => {
    expect(drainDeadline(start, 60, { globalTimeoutSeconds: 30_000 })).toBe(startMs + 54_000);
  });

  it("refuses a start that is not a time", () => {
    expect(() => drainDeadline("yesterday", 60, { globalTimeoutSeconds: 3000 })).toThrow(/not a time/);
  });
});

describe("invocationBudget", () => {
  const now = startMs;

  it("stops the margin before the invocation ends", () => {
    const budget = invocationBudget({
      now,
      remainingMs: 900_000,
      marginMs: 30_000,
      deadline: now + 3600_000,
      deadlineSlackMs: 10_000,
    });
    expect(budget).toEqual({ stopAt: now + 870_000, invocationEndsAt: now + 900_000 });
  });

  it("stops shortly after the drain's deadline when that comes first", () => {
    const budget = invocationBudget({
      now,
      remainingMs: 900_000,
      marginMs: 30_000,
      deadline: now + 60_000,
      deadlineSlackMs: 10_000,
    });
    expect(budget.stopAt).toBe(now + 70_000);
  });

  it("keeps at most a quarter of a short invocation as the margin, so that every invocation makes progress", () => {
    const budget = invocationBudget({
      now,
      remainingMs: 10_000,
      marginMs: 30_000,
      deadline: now + 3600_000,
      deadlineSlackMs: 10_000,
    });
    expect(budget.stopAt).toBe(now + 7_500);
  });

  it("never stops in the past, even past the deadline or with no time left", () => {
    const common = { now, marginMs: 30_000, deadlineSlackMs: 10_000 };
    expect(invocationBudget({ ...common, remainingMs: 0, deadline: now + 3600_000 }).stopAt).toBe(now);
    expect(invocationBudget({ ...common, remainingMs: 0, deadline: now - 60_000 }).stopAt).toBe(now);
  });

  it("gives a run that starts past the deadline the slack to apply the deadline policy", () => {
    const common = { now, marginMs: 30_000, deadlineSlackMs: 10_000 };
    expect(invocationBudget({ ...common, remainingMs: 900_000, deadline: now - 60_000 }).stopAt).toBe(
      now + 10_000,
    );
  });
});
