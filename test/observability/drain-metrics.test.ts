import { describe, expect, it, vi } from "vitest";
import type { Clock } from "../../src/drain/clock.js";
import type { DrainEvent, DrainEventInput } from "../../src/drain/events.js";
import { DrainMetrics, drainMetricCatalog, stdoutMetricsOutput } from "../../src/lifecycle/drain-metrics.js";

const now = Date.parse("2026-11-24T10:30:00Z");
const clock: Clock = { now: () => now, sleep: async () => {} };
const pod = { namespace: "shop", name: "web-1", uid: "u1" };

function event(input: DrainEventInput): DrainEvent {
  return { ...input, at: now, nodeName: "node-a" } as DrainEvent;
}

function metricsInto(lines: Record<string, unknown>[]): DrainMetrics {
  const metrics = new DrainMetrics({
    output: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    clock,
    asgName: "prod-workers",
  });
  metrics.cluster = "prod";
  return metrics;
}

describe("DrainMetrics", () => {
  it("publishes one EMF document of the drain's counts and duration, dimensioned by cluster and group only", () => {
    const lines: Record<string, unknown>[] = [];
    const metrics = metricsInto(lines);

    metrics.observe(
      event({ kind: "started", startedAt: now, deadline: now, resumed: false, phase: "cordon" }),
    );
    for (let index = 0; index < 3; index += 1)
      metrics.observe(event({ kind: "evicted", pod, tier: "ordinary" }));
    metrics.observe(
      event({ kind: "blocked", pod, cause: "budget", budget: "shop/web", message: "no", retryInMs: 10 }),
    );
    metrics.observe(event({ kind: "forced", pod, gracePeriodSeconds: 5 }));
    metrics.observe(
      event({ kind: "finished", status: "deadline-forced", evicted: 3, forced: 1, durationMs: 90_500 }),
    );
    metrics.outcome("deadline-forced");
    metrics.lifecycleActionEnded("CONTINUE");
    metrics.publish();

    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: now,
          CloudWatchMetrics: [
            {
              Namespace: "EksNodeDrainer",
              Dimensions: [["ClusterName", "AutoScalingGroupName"]],
              Metrics: [
                { Name: "PodsEvicted", Unit: "Count" },
                { Name: "EvictionsBlocked", Unit: "Count" },
                { Name: "PodsForceDeleted", Unit: "Count" },
                { Name: "DrainDuration", Unit: "Seconds" },
              ],
            },
          ],
        },
        ClusterName: "prod",
        AutoScalingGroupName: "prod-workers",
        PodsEvicted: 3,
        EvictionsBlocked: 1,
        PodsForceDeleted: 1,
        DrainDuration: 90.5,
      },
      {
        _aws: {
          Timestamp: now,
          CloudWatchMetrics: [
            {
              Namespace: "EksNodeDrainer",
              Dimensions: [["ClusterName", "AutoScalingGroupName", "Outcome"]],
              Metrics: [{ Name: "DrainOutcome", Unit: "Count" }],
            },
          ],
        },
        ClusterName: "prod",
        AutoScalingGroupName: "prod-workers",
        Outcome: "deadline-forced",
        DrainOutcome: 1,
      },
      {
        _aws: {
          Timestamp: now,
          CloudWatchMetrics: [
            {
              Namespace: "EksNodeDrainer",
              Dimensions: [["ClusterName", "AutoScalingGroupName", "Result"]],
              Metrics: [{ Name: "LifecycleActionsCompleted", Unit: "Count" }],
            },
          ],
        },
        ClusterName: "prod",
        AutoScalingGroupName: "prod-workers",
        Result: "CONTINUE",
        LifecycleActionsCompleted: 1,
      },
    ]);
  });

  it("counts a continuation instead of an outcome, and no duration while the drain goes on", () => {
    const lines: Record<string, unknown>[] = [];
    const metrics = metricsInto(lines);

    metrics.observe(
      event({ kind: "started", startedAt: now, deadline: now, resumed: true, phase: "evict:ordinary" }),
    );
    metrics.observe(event({ kind: "stopped", reason: "stop-at", phase: "evict:ordinary" }));
    metrics.outcome("out-of-time");
    metrics.publish();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ PodsEvicted: 0, DrainContinuations: 1 });
    expect(lines[0]).not.toHaveProperty("DrainDuration");
  });

  it("publishes nothing for a notice that ran no drain, and starts over after each publication", () => {
    const lines: Record<string, unknown>[] = [];
    const metrics = metricsInto(lines);

    metrics.publish();
    metrics.noticeFailed();
    metrics.publish();
    metrics.publish();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ NoticeFailures: 1, ClusterName: "prod" });
  });

  it("writes its documents to stdout as JSON lines by default", () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const metrics = new DrainMetrics({ output: stdoutMetricsOutput, clock, asgName: "g" });
      metrics.notificationFailed();
      metrics.publish();
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]?.endsWith("\n")).toBe(true);
    expect(JSON.parse(written[0] ?? "")).toMatchObject({ NotificationFailures: 1, ClusterName: "unknown" });
  });

  it("declares every metric with a unique name", () => {
    const names = Object.values(drainMetricCatalog).map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
