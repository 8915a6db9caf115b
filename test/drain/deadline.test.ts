import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/drain/backoff.js";
import {
  clampedGraceSeconds,
  evictionGraceSeconds,
  forceTimeOf,
  secondsLeft,
} from "../../src/drain/deadline.js";
import { parseDuration } from "../../src/drain/duration.js";
import { seededRandom } from "../../src/random/seeded-random.js";

const deadline = Date.parse("2026-11-24T11:00:00Z");

describe("deadline arithmetic", () => {
  it("forces a pod at deadline minus its grace period", () => {
    expect(forceTimeOf(deadline, 30)).toBe(deadline - 30_000);
  });

  it("never asks for a grace below 1 s: a pod without grace is forced 1 s before the deadline", () => {
    expect(forceTimeOf(deadline, 0)).toBe(deadline - 1_000);
    expect(clampedGraceSeconds(deadline, deadline - 10_000, 0)).toBe(1);
    expect(evictionGraceSeconds(deadline, deadline + 5_000, 30)).toBe(1);
  });

  it("clamps the grace of a forced delete to the time left", () => {
    expect(clampedGraceSeconds(deadline, deadline - 30_000, 30)).toBe(30);
    expect(clampedGraceSeconds(deadline, deadline - 10_500, 30)).toBe(10);
    expect(clampedGraceSeconds(deadline, deadline + 5_000, 30)).toBe(1);
    expect(clampedGraceSeconds(deadline, deadline - 600_000, 30)).toBe(30);
  });

  it("shortens an eviction's grace only when it would outlast the deadline", () => {
    expect(evictionGraceSeconds(deadline, deadline - 600_000, 30)).toBeUndefined();
    expect(evictionGraceSeconds(deadline, deadline - 20_000, 30)).toBe(20);
    expect(secondsLeft(deadline, deadline + 1)).toBe(0);
  });
});

describe("backoff", () => {
  it("grows from the initial step to the cap, with jitter inside [step/2, step]", () => {
    const settings = { initialMs: 200, maxMs: 5_000 };
    const random = seededRandom(1);
    const delays = Array.from({ length: 10 }, (_, attempt) => backoffDelay(attempt, settings, random));
    delays.forEach((delay, attempt) => {
      const step = Math.min(5_000, 200 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(step);
    });
    expect(Math.max(...delays)).toBeLessThanOrEqual(5_000);
  });

  it("is reproducible with a seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe("parseDuration", () => {
  it.each([
    ["30m", 1_800_000],
    ["1h30m", 5_400_000],
    ["90s", 90_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
    ["2d", 172_800_000],
  ])("%s = %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "true", "30", "-5m", "5 minutes", "0s"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
