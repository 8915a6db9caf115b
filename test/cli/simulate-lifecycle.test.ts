import { describe, expect, it } from "vitest";
import type { simulationDocument } from "../../src/cli/simulation-report.js";
import { simulationSummary } from "../../src/cli/simulation-report.js";
import { simulate } from "./support/virtual-simulation.js";

const drainerKeys = (record: Record<string, string>) =>
  Object.keys(record).filter((key) => key.startsWith("eks-node-drainer/"));

function expectRestored(document: ReturnType<typeof simulationDocument>): void {
  const node = document.nodeAfter;
  expect(node).not.toBeNull();
  if (node === null) return;
  expect(node.unschedulable).toBe(false);
  expect(node.taints.filter((taint) => taint.key.startsWith("eks-node-drainer/"))).toEqual([]);
  expect(drainerKeys(node.labels)).toEqual([]);
  expect(drainerKeys(node.annotations)).toEqual([]);
  expect(node.labels["node.kubernetes.io/exclude-from-external-load-balancers"]).toBeUndefined();
}

function expectEachCompletedOnce(document: ReturnType<typeof simulationDocument>): void {
  for (const action of document.lifecycleActions) {
    expect(action).toMatchObject({ state: "completed", result: "CONTINUE", completions: 1 });
    expect(action.completedAfterSeconds).toEqual(expect.any(Number));
  }
}

describe("simulate: the lifecycle paths of an Auto Scaling group", () => {
  it("warm pool: drained on the way in, restored exactly when the instance returns", async () => {
    const { document, report } = await simulate("warm-pool.yaml");
    expect(document.exitCode).toBe(0);
    const summary = simulationSummary(report);
    expect(summary).toMatch(
      /lifecycle actions {2}terminate AutoScalingGroup → WarmPool: completed with CONTINUE/,
    );
    expect(summary).toMatch(/ {21}launch WarmPool → AutoScalingGroup: completed with CONTINUE/);
    expect(summary).toMatch(/node after {9}schedulable, nothing of the drain left/);
    expect(document.lifecycleActions.map((a) => [a.transition, a.origin, a.destination])).toEqual([
      ["terminate", "AutoScalingGroup", "WarmPool"],
      ["launch", "WarmPool", "AutoScalingGroup"],
    ]);
    expectEachCompletedOnce(document);
    expectRestored(document);
    expect(document.evictions).toBe(2);
    const [terminate, launch] = document.lifecycleActions;
    // The launch action waits for Ready (instanceStartSeconds) plus the settle period (30 s).
    expect((launch?.completedAfterSeconds ?? 0) - (launch?.startedAfterSeconds ?? 0)).toBeGreaterThanOrEqual(
      35,
    );
    expect(terminate?.completedAfterSeconds).toBeLessThan(launch?.startedAfterSeconds ?? 0);
  }, 120_000);

  it("root-volume replacement: a terminate action, then the same Node back and restored by the launch action", async () => {
    const { document } = await simulate("root-volume-refresh.yaml");
    expect(document.exitCode).toBe(0);
    expect(document.lifecycleActions.map((a) => a.transition)).toEqual(["terminate", "launch"]);
    expectEachCompletedOnce(document);
    expectRestored(document);
  }, 120_000);

  it("launch hook: completed once the Node has been Ready for the settle period, nothing to restore", async () => {
    const { document } = await simulate("launch-hook.yaml");
    expect(document.exitCode).toBe(0);
    expect(document.lifecycleActions).toHaveLength(1);
    expectEachCompletedOnce(document);
    const [launch] = document.lifecycleActions;
    // Launched at 10 s, Ready 10 s later, then settled for LAUNCH_SETTLE_SECONDS (30 s).
    expect(launch?.completedAfterSeconds).toBeGreaterThanOrEqual(10 + 10 + 30);
    expect(document.evictions).toBe(0);
  }, 120_000);

  it("redrain: after an operator's uncordon, a later terminate action with a new token is a new drain", async () => {
    const { document, report } = await simulate("redrain.yaml");
    expect(document.exitCode).toBe(0);
    expect(document.lifecycleActions.map((a) => [a.transition, a.destination])).toEqual([
      ["terminate", "WarmPool"],
      ["terminate", "EC2"],
    ]);
    expectEachCompletedOnce(document);
    const [first, second] = document.lifecycleActions;
    expect(first?.token).not.toBe(second?.token);
    // Two drains, each with its own start: the second cordoned the node again after the uncordon.
    const cordons = report.timeline.filter((entry) => entry.text.startsWith("cordoned "));
    expect(cordons).toHaveLength(2);
    expect(report.timeline.some((entry) => entry.level === "error")).toBe(false);
    // The instance terminated: its Node is gone.
    expect(document.nodeAfter).toBeNull();
  }, 120_000);

  it("the queue worker serves the same script", async () => {
    const { document } = await simulate("warm-pool.yaml", "worker");
    expect(document.exitCode).toBe(0);
    expectEachCompletedOnce(document);
    expectRestored(document);
  }, 120_000);
});
