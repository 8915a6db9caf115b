import { describe, expect, it } from "vitest";
import {
  DRAIN_STATE_ANNOTATION,
  type DrainState,
  DrainStateError,
  decodeDrainState,
  encodeDrainState,
  readDrainState,
} from "../../src/drain/drain-state.js";

const state: DrainState = {
  phase: "evict:critical",
  tier: "critical",
  startedAt: Date.parse("2026-11-24T10:00:00Z"),
  deadline: Date.parse("2026-11-24T11:00:00Z"),
  phaseStartedAt: Date.parse("2026-11-24T10:05:00Z"),
  updatedAt: Date.parse("2026-11-24T10:06:00Z"),
  forced: [
    { namespace: "db", name: "mongo-0", uid: "u1", at: Date.parse("2026-11-24T10:59:30Z"), graceSeconds: 30 },
  ],
  counts: { evicted: 12, forced: 1, invocations: 2 },
};

describe("drain state annotation", () => {
  it("round-trips through the annotation", () => {
    const node = {
      metadata: { name: "n", annotations: { [DRAIN_STATE_ANNOTATION]: encodeDrainState(state) } },
    };
    expect(readDrainState(node)).toEqual(state);
  });

  it("is absent on a node never drained", () => {
    expect(readDrainState({ metadata: { name: "n" } })).toBeUndefined();
  });

  it("names the bad field when the annotation is invalid", () => {
    const broken = JSON.stringify({ ...JSON.parse(encodeDrainState(state)), deadline: "tomorrow" });
    expect(() => decodeDrainState(broken, "node-a")).toThrow(/node node-a is invalid: deadline/);
  });

  it("says when the annotation is not JSON", () => {
    expect(() => decodeDrainState("{oops", "node-a")).toThrow(DrainStateError);
  });

  it("stores times as readable ISO strings", () => {
    expect(JSON.parse(encodeDrainState(state)).deadline).toBe("2026-11-24T11:00:00.000Z");
  });
});
