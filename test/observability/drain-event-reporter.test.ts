import { describe, expect, it } from "vitest";
import type { PodRef } from "../../src/drain/cluster-port.js";
import type { DrainEvent, DrainEventInput } from "../../src/drain/events.js";
import { DrainEventReporter, type EventSink } from "../../src/kube/drain-event-reporter.js";
import type { EventRecord } from "../../src/kube/event-recorder.js";

const nodeName = "ip-10-0-1-10.us-west-2.compute.internal";
const start = Date.parse("2026-11-24T10:00:00Z");

class MemorySink implements EventSink {
  readonly records: EventRecord[] = [];
  flushes = 0;

  async record(event: EventRecord): Promise<void> {
    this.records.push(event);
  }

  async flush(): Promise<void> {
    this.flushes += 1;
  }

  reasons(kind?: "Node" | "Pod"): string[] {
    return this.records.filter((r) => kind === undefined || r.subject.kind === kind).map((r) => r.reason);
  }
}

function pod(index: number): PodRef {
  return { namespace: "shop", name: `web-${index}`, uid: `uid-${index}` };
}

function at(offsetMs: number, event: DrainEventInput): DrainEvent {
  return { ...event, at: start + offsetMs, nodeName } as DrainEvent;
}

const started = at(0, {
  kind: "started",
  startedAt: start,
  deadline: start + 3_600_000,
  resumed: false,
  phase: "cordon",
});

function blocked(index: number, offsetMs: number): DrainEvent {
  return at(offsetMs, {
    kind: "blocked",
    pod: pod(index),
    cause: "budget",
    budget: "shop/web",
    disruptionsAllowed: 0,
    message: "The disruption budget web needs 40 healthy pods and has 40 currently",
    retryInMs: 1_000,
  });
}

describe("DrainEventReporter", () => {
  it("names the blocking PodDisruptionBudget on the node once and on each refused pod", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName, nodeUid: "node-uid" });

    reporter.observe(started);
    reporter.observe(blocked(1, 100));
    reporter.observe(blocked(2, 200));
    await reporter.flush();

    const onNode = sink.records.filter((r) => r.reason === "EvictionBlocked" && r.subject.kind === "Node");
    expect(onNode).toHaveLength(1);
    expect(onNode[0]).toMatchObject({ type: "Warning", subject: { name: nodeName, uid: "node-uid" } });
    expect(onNode[0]?.message).toBe(
      "Eviction of pod shop/web-1 refused: PodDisruptionBudget shop/web (disruptionsAllowed: 0) allows no " +
        "disruption now: The disruption budget web needs 40 healthy pods and has 40 currently; retrying",
    );
    const onPods = sink.records.filter((r) => r.subject.kind === "Pod");
    expect(onPods.map((r) => r.subject)).toEqual([
      { kind: "Pod", name: "web-1", namespace: "shop", uid: "uid-1" },
      { kind: "Pod", name: "web-2", namespace: "shop", uid: "uid-2" },
    ]);
    expect(
      onPods.every((r) => r.type === "Warning" && r.message.includes("PodDisruptionBudget shop/web")),
    ).toBe(true);
  });

  it("says a pod under two budgets can never be evicted, naming both", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName });

    reporter.observe(
      at(0, {
        kind: "blocked",
        pod: pod(1),
        cause: "multiple-budgets",
        budget: "shop/web, shop/all",
        message: "This pod has more than one PodDisruptionBudget",
        retryInMs: 10_000,
      }),
    );
    await reporter.flush();

    expect(sink.records[0]?.message).toContain("more than one PodDisruptionBudget (shop/web, shop/all)");
  });

  it("reports evictions in batches on the node, never one event per pod, and loses none", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName, batchIntervalMs: 10_000 });

    reporter.observe(started);
    reporter.observe(at(1, { kind: "tier-started", tier: "ordinary", pods: 110 }));
    for (let index = 0; index < 110; index += 1) {
      reporter.observe(at(1_000 + index * 500, { kind: "evicted", pod: pod(index), tier: "ordinary" }));
    }
    reporter.observe(
      at(60_000, { kind: "finished", status: "drained", evicted: 110, forced: 0, durationMs: 60_000 }),
    );
    await reporter.flush();

    const batches = sink.records.filter((r) => r.reason === "PodsEvicted");
    expect(batches.length).toBeGreaterThanOrEqual(5);
    expect(batches.length).toBeLessThanOrEqual(8);
    const total = batches.reduce((sum, r) => sum + Number(/^Evicted (\d+) pods?/.exec(r.message)?.[1]), 0);
    expect(total).toBe(110);
    expect(batches[0]?.message).toMatch(/\(tier ordinary\): shop\/web-0, shop\/web-1, .* and \d+ more$/);
    expect(sink.reasons("Pod")).toEqual([]);
    expect(sink.reasons().at(-1)).toBe("DrainSucceeded");
  });

  it("bounds the writes of a 110-pod drain refused again and again, and still writes its milestones", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName, budget: { burst: 30, refillPerMinute: 6 } });
    const minutes = 10;

    reporter.observe(started);
    // Every pod refused, then refused again under another cause, then evicted, over ten minutes.
    for (let round = 0; round < 4; round += 1) {
      for (let index = 0; index < 110; index += 1) {
        const offset = (round * 110 + index) * ((minutes * 60_000) / 440);
        reporter.observe(blocked(index, offset));
        reporter.observe(
          at(offset, {
            kind: "retrying",
            pod: pod(index),
            operation: "evict",
            message: "throttled",
            retryInMs: 100,
          }),
        );
      }
    }
    for (let index = 0; index < 110; index += 1) {
      reporter.observe(at(minutes * 60_000 + index, { kind: "evicted", pod: pod(index), tier: "ordinary" }));
    }
    reporter.observe(
      at(minutes * 60_000 + 1_000, {
        kind: "finished",
        status: "drained",
        evicted: 110,
        forced: 0,
        durationMs: 601_000,
      }),
    );
    await reporter.flush();

    // Milestones (started, the budget named on the node, finished) + the burst + what ten minutes refill +
    // the last batch of evictions.
    expect(sink.records.length).toBeLessThanOrEqual(3 + 30 + 6 * minutes + 1);
    expect(reporter.stats.dropped).toBeGreaterThan(300);
    expect(sink.reasons()[0]).toBe("DrainStarted");
    expect(sink.reasons()).toContain("DrainSucceeded");
    const evicted = sink.records.filter((r) => r.reason === "PodsEvicted");
    expect(evicted.reduce((sum, r) => sum + Number(/^Evicted (\d+)/.exec(r.message)?.[1]), 0)).toBe(110);
  });

  it("records forced deletions on each pod and in a batch on the node, with the deadline's warnings", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName });
    const deadline = start + 600_000;

    reporter.observe(
      at(540_000, { kind: "deadline-approaching", deadline, remainingMs: 60_000, podsLeft: 2 }),
    );
    reporter.observe(at(570_000, { kind: "forced", pod: pod(1), gracePeriodSeconds: 30 }));
    reporter.observe(at(570_001, { kind: "forced", pod: pod(2), gracePeriodSeconds: 30 }));
    reporter.observe(at(600_000, { kind: "deadline-reached", deadline, podsLeft: 0, policy: "force" }));
    reporter.observe(
      at(600_001, {
        kind: "finished",
        status: "deadline-forced",
        evicted: 0,
        forced: 2,
        durationMs: 600_001,
      }),
    );
    await reporter.flush();

    expect(sink.records.map((r) => `${r.subject.kind}/${r.reason}/${r.type}`)).toEqual([
      "Node/DrainDeadlineApproaching/Warning",
      "Pod/ForceDeleted/Warning",
      "Pod/ForceDeleted/Warning",
      "Node/PodsForceDeleted/Warning",
      "Node/DrainDeadlineReached/Warning",
      "Node/DrainForcedAtDeadline/Warning",
    ]);
    expect(sink.records[0]?.message).toBe(
      "The drain deadline 2026-11-24T10:10:00Z is 1m00s away and 2 pods still have to go",
    );
    expect(sink.records[1]?.message).toBe(
      `Deleted at the drain deadline of node ${nodeName}, grace period 30s`,
    );
  });

  it("writes one DrainFailed that says what went wrong, then the lifecycle action's end", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName });

    reporter.observe(
      at(0, { kind: "api-error", operation: "cordon", retryable: true, message: "503 Service Unavailable" }),
    );
    reporter.observe(at(1, { kind: "finished", status: "failed", evicted: 0, forced: 0, durationMs: 1 }));
    reporter.report({
      kind: "drain-error",
      at: start + 2,
      message: "draining node x: pods refused by the policy",
    });
    reporter.report({
      kind: "lifecycle-action-completed",
      at: start + 3,
      instanceId: "i-0a1b2c3d4e5f60001",
      result: "ABANDON",
      reason: "the deadline came",
    });
    await reporter.flush();

    expect(sink.records.map((r) => [r.reason, r.message])).toEqual([
      ["DrainFailed", "Drain failed: draining node x: pods refused by the policy"],
      [
        "LifecycleActionAbandoned",
        "Completed the terminate lifecycle action of i-0a1b2c3d4e5f60001 with ABANDON: the deadline came",
      ],
    ]);
    expect(sink.flushes).toBe(1);
  });

  it("says when a drain resumes and when a run pauses, and names waited-for volumes", async () => {
    const sink = new MemorySink();
    const reporter = new DrainEventReporter(sink, { nodeName, trigger: "termination of instance i-1" });

    reporter.observe(
      at(0, {
        kind: "started",
        startedAt: start - 900_000,
        deadline: start + 900_000,
        resumed: true,
        phase: "volumes",
      }),
    );
    reporter.observe(
      at(1, {
        kind: "volumes-waiting",
        volumes: ["pv-kafka-0"],
        attachments: ["csi-123"],
        detachErrors: [],
        until: start + 60_000,
      }),
    );
    reporter.observe(at(2, { kind: "stopped", reason: "stop-at", phase: "volumes" }));
    await reporter.flush();

    expect(sink.records.map((r) => r.message)).toEqual([
      "Resuming the drain started 2026-11-24T09:45:00Z in phase volumes; deadline 2026-11-24T10:15:00Z",
      "Waiting until 2026-11-24T10:01:00Z for 1 volume to detach: pv-kafka-0",
      "Drain paused in phase volumes (this run's time is up); it resumes from the node's state",
    ]);
  });

  it("never lets a failing sink reach the drain", async () => {
    const sink: EventSink = {
      record: () => Promise.reject(new Error("API server down")),
      flush: () => Promise.resolve(),
    };
    const reporter = new DrainEventReporter(sink, { nodeName });

    expect(() => reporter.observe(started)).not.toThrow();
    await expect(reporter.flush()).resolves.toBeUndefined();
  });
});
