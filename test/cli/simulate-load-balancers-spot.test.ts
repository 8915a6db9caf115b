import { describe, expect, it } from "vitest";
import { simulationRecord } from "../../src/cli/simulation-report.js";
import { podLanes, renderDrainReport } from "../../src/timeline/index.js";
import { simulate } from "./support/virtual-simulation.js";

interface TargetEntry {
  targetGroup: string;
  targetType: "instance" | "ip";
  targets: string[];
  drainingAfterSeconds: number | null;
  deregisteredAfterSeconds: number | null;
  completedAfterSeconds: number | null;
  endedBeforeCompletionSeconds: number | null;
}

describe("simulate scenarios/target-groups.yaml", () => {
  it("completes the lifecycle action only after every instance and ip target of the node has left, within the deadline", async () => {
    const { document } = await simulate("target-groups.yaml");
    expect(document.exitCode).toBe(0);
    const targets: TargetEntry[] = document.targets;
    expect(targets.map((entry) => [entry.targetGroup, entry.targetType])).toEqual([
      ["workers-ingress", "instance"],
      ["k8s-shop-api", "instance"],
      ["k8s-shop-web", "ip"],
    ]);
    expect(targets.find((entry) => entry.targetType === "ip")?.targets).toHaveLength(2);
    const completedAfter = document.lifecycleAction.completedAfterSeconds ?? Number.NaN;
    for (const entry of targets) {
      expect(entry.deregisteredAfterSeconds, entry.targetGroup).not.toBeNull();
      expect(entry.deregisteredAfterSeconds ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(completedAfter);
      expect(entry.endedBeforeCompletionSeconds ?? -1).toBeGreaterThanOrEqual(0);
    }
    // The group's target group drains for 30 s after the lifecycle event: the completion cannot be earlier.
    expect(completedAfter).toBeGreaterThanOrEqual(30);
    expect(completedAfter).toBeLessThan(document.deadlineSeconds ?? Number.NaN);
    expect(document.violations).toEqual([]);
  });
});

describe("simulate scenarios/spot-interruption.yaml", () => {
  it("drains within 110 s of the warning and completes the same instance's terminate hook once", async () => {
    const { document } = await simulate("spot-interruption.yaml");
    expect(document.exitCode).toBe(0);
    const spot = document.spot;
    if (spot === undefined) throw new Error("the simulation reports no spot section");
    expect(spot.drainSeconds).toBeGreaterThan(0);
    expect(spot.drainSeconds).toBeLessThanOrEqual(110);
    expect(spot.windowSeconds).toBe(120);
    expect(spot.completions).toEqual({ completed: 1, calls: 1 });
    expect(document.lifecycleAction).toMatchObject({ state: "completed", result: "CONTINUE" });
    expect(document.violations).toEqual([]);
    expect(document.podsLeft).toEqual([]);
    // The terminate hook's drain ran under the warning's deadline (two minutes minus the 10 s margin).
    expect(spot.deadlineAfterSeconds).toBeLessThanOrEqual(spot.warningAfterSeconds + 110);
    expect(spot.deadlineAfterSeconds).toBeGreaterThan(spot.warningAfterSeconds + 100);
  });
});

describe("the report of a simulation", () => {
  it("draws the wait for target deregistration on the drain's row", async () => {
    const { document } = await simulate("target-groups.yaml");
    const record = simulationRecord(document);
    const wait = record.timeline.find((entry) => entry.kind === "targets-deregistered");
    expect(wait?.waitedSeconds).toBeGreaterThanOrEqual(25);
    expect(renderDrainReport(record)).toMatch(/<rect class="targets" [^>]*><title>[^<]*targets deregistered/);
  });

  it("draws a pod that came back to the node as returned, from when it was seen", async () => {
    const { document } = await simulate("tolerate-all.yaml");
    const returned = podLanes(simulationRecord(document)).filter((lane) =>
      lane.segments.some((segment) => segment.state === "returned"),
    );
    expect(returned.length).toBeGreaterThan(0);
    for (const lane of returned) expect(lane.segments[0]?.from).toBeGreaterThan(0);
  });
});
