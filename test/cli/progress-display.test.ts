import { describe, expect, it } from "vitest";
import { DrainProgress } from "../../src/cli/drain-progress.js";
import { describeDrainEvent } from "../../src/cli/event-text.js";
import { statusBlock } from "../../src/cli/live-progress.js";
import { progressDisplay } from "../../src/cli/progress-display.js";
import type { PodRef } from "../../src/drain/cluster-port.js";
import type { DrainEvent, DrainEventInput } from "../../src/drain/events.js";
import { FakeClock } from "../drain/support/fake-clock.js";
import { MemoryTerminal } from "./support/memory-terminal.js";

const start = Date.parse("2026-11-24T10:00:00Z");
const node = "ip-10-0-1-10.us-west-2.compute.internal";
const pod = (name: string): PodRef => ({ namespace: "shop", name, uid: `uid-${name}` });
const event = (seconds: number, input: DrainEventInput): DrainEvent =>
  ({ ...input, at: start + seconds * 1000, nodeName: node }) as DrainEvent;

const refusal = (seconds: number, name: string, budget = "shop/web") =>
  event(seconds, {
    kind: "blocked",
    pod: pod(name),
    cause: "budget",
    budget,
    disruptionsAllowed: 0,
    message: "The disruption budget web needs 3 healthy pods and has 3 currently",
    retryInMs: 1_000,
    // The API server answered 429: a refusal (a pod held back by the budget's status is not one).
    refused: true,
  });

/** A drain of three pods: web-1 evicted and gone, web-2 refused twice then evicted, web-3 waited for. */
const drain: DrainEvent[] = [
  event(0, { kind: "started", startedAt: start, deadline: start + 600_000, resumed: false, phase: "cordon" }),
  event(0.1, { kind: "cordoned", taint: "eks-node-drainer/draining", excludedFromLoadBalancers: true }),
  event(0.1, { kind: "tier-started", tier: "ordinary", pods: 3 }),
  event(0.2, { kind: "evicted", pod: pod("web-1"), tier: "ordinary" }),
  refusal(0.3, "web-2"),
  event(0.3, { kind: "waiting", pod: pod("web-3"), reason: "opted-out", message: "opted out" }),
  refusal(1.3, "web-2"),
  event(1.5, { kind: "gone", pod: pod("web-1"), replaced: false }),
  event(2.0, { kind: "evicted", pod: pod("web-2"), tier: "ordinary" }),
];

describe("DrainProgress", () => {
  it("counts evicted, terminating, gone, waiting and blocked pods from the events", () => {
    const progress = new DrainProgress();
    for (const item of drain.slice(0, 7)) progress.apply(item);
    expect(progress.snapshot()).toMatchObject({
      stage: "tier ordinary",
      evicted: 1,
      terminating: 1,
      gone: 0,
      waiting: 1,
      blocked: [{ pod: pod("web-2"), budget: "shop/web", disruptionsAllowed: 0, refusals: 2 }],
    });
    for (const item of drain.slice(7)) progress.apply(item);
    expect(progress.snapshot()).toMatchObject({
      evicted: 2,
      terminating: 1,
      gone: 1,
      waiting: 1,
      blocked: [],
    });
  });

  it("says a blocker changed only on a pod's first refusal or another budget", () => {
    const progress = new DrainProgress();
    expect(progress.apply(refusal(0, "web-2"))).toBe(true);
    expect(progress.apply(refusal(1, "web-2"))).toBe(false);
    expect(progress.apply(refusal(2, "web-2", "shop/other"))).toBe(true);
  });
});

describe("progress on standard error", () => {
  it("prints plain timestamped lines, a pod's repeated refusal only once", () => {
    const terminal = new MemoryTerminal();
    const display = progressDisplay(terminal, {
      logFormat: "text",
      verbose: false,
      clock: new FakeClock(start),
    });
    for (const item of drain) display.observe(item);
    const lines = terminal.stderr.trimEnd().split("\n");
    expect(lines).toContain(
      "[   0.3s] eviction of shop/web-2 refused by budget shop/web (disruptionsAllowed 0); retry in 1.0s",
    );
    expect(lines.filter((line) => line.includes("refused by budget"))).toHaveLength(1);
    expect(lines[0]).toBe(
      "[   0.0s] draining ip-10-0-1-10.us-west-2.compute.internal (deadline 2026-11-24T10:10:00Z, in 10m00s)",
    );
  });

  it("prints every refusal with --verbose", () => {
    const terminal = new MemoryTerminal();
    const display = progressDisplay(terminal, {
      logFormat: "text",
      verbose: true,
      clock: new FakeClock(start),
    });
    for (const item of drain) display.observe(item);
    expect(terminal.stderr.match(/refused by budget/g)).toHaveLength(2);
  });

  it("prints one JSON object per line with --log-format json", () => {
    const terminal = new MemoryTerminal();
    const display = progressDisplay(terminal, {
      logFormat: "json",
      verbose: false,
      clock: new FakeClock(start),
    });
    for (const item of drain) display.observe(item);
    const records = terminal.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(drain.length - 1);
    expect(records[4]).toEqual({
      time: "2026-11-24T10:00:00Z",
      level: "info",
      msg: "eviction of shop/web-2 refused by budget shop/web (disruptionsAllowed 0); retry in 1.0s",
      event: "blocked",
      node,
      pod: pod("web-2"),
      cause: "budget",
      budget: "shop/web",
      disruptionsAllowed: 0,
      message: "The disruption budget web needs 3 healthy pods and has 3 currently",
      retryInMs: 1_000,
      refused: true,
    });
  });

  it("draws a status block in a terminal, naming which budget blocks which pod", () => {
    const progress = new DrainProgress();
    for (const item of drain.slice(0, 7)) progress.apply(item);
    expect(statusBlock(progress.snapshot(), 1_300, start + 1_300)).toEqual([
      `${node} · tier ordinary · 1.3s · deadline in 9m59s`,
      "  evicted 1 · terminating 1 · gone 0 · waiting 1 · blocked 1",
      "  blocked shop/web-2 by budget shop/web (disruptionsAllowed 0), 2 refusals",
    ]);
  });

  it("redraws the status block in place in a terminal", () => {
    const terminal = new MemoryTerminal({ interactive: true });
    const display = progressDisplay(terminal, {
      logFormat: "text",
      verbose: false,
      clock: new FakeClock(start),
    });
    for (const item of drain.slice(0, 5)) display.observe(item);
    display.close();
    // Each redraw moves up over the previous block (CSI n F) and clears below it (CSI J).
    expect(terminal.stderr).toContain("\u001b[2F\u001b[J");
    expect(terminal.stderr).toContain(
      "blocked shop/web-2 by budget shop/web (disruptionsAllowed 0), 1 refusal",
    );
  });
});

describe("event lines", () => {
  it("describe a pod under two budgets as a warning", () => {
    const line = describeDrainEvent(
      event(1, {
        kind: "blocked",
        pod: pod("web-4"),
        cause: "multiple-budgets",
        budget: "shop/web, shop/team",
        message: "This pod has more than one PodDisruptionBudget",
        retryInMs: 10_000,
      }),
    );
    expect(line).toEqual({
      level: "warn",
      text: "shop/web-4 is under more than one budget (shop/web, shop/team): the Eviction API refuses it until one is removed; retry in 10.0s",
    });
  });
});
