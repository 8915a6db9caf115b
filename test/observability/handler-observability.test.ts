import { Logger } from "@aws-lambda-powertools/logger";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { InvocationSummary } from "../../src/lambda/invocation-shell.js";
import { powertoolsLog } from "../../src/lambda/powertools-log.js";
import type { CoreEvent } from "../../src/sim/index.js";
import { MemoryLog } from "../lambda/support/memory-log.js";
import { drainedInstance, drainedNode, slowDrainScenario } from "../lambda/support/scenarios.js";
import { credentials, type ObservedHarness, startObservedHarness } from "./support/observed-handler.js";

/** Writes to stdout and stderr while `work` runs (Powertools writes there), kept instead of printed. */
async function capturingOutput<T>(work: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const chunks: string[] = [];
  const keep = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(keep);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(keep);
  try {
    const value = await work();
    return {
      value,
      lines: chunks
        .join("")
        .split("\n")
        .filter((line) => line.trim() !== ""),
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function eventsAbout(events: CoreEvent[], kind: string): CoreEvent[] {
  return events.filter((event) => event.involvedObject?.kind === kind);
}

describe("a drain held up by a PodDisruptionBudget, through the handler", () => {
  let harness: ObservedHarness;
  let answer: InvocationSummary;
  let logLines: Record<string, unknown>[];
  let rawLines: string[];
  const emf: Record<string, unknown>[] = [];
  let token = "";

  beforeAll(async () => {
    const logger = new Logger({ serviceName: "eks-node-drainer", logLevel: "DEBUG" });
    harness = await startObservedHarness({
      scenario: slowDrainScenario,
      log: powertoolsLog(logger),
      dependencies: { metrics: (line) => emf.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const terminated = harness.asg.terminate(drainedInstance);
    token = terminated.token;
    const captured = await capturingOutput(() => harness.invokeDirect(terminated.event, 120_000));
    answer = captured.value;
    rawLines = captured.lines;
    logLines = rawLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("drains the node and completes the action once with CONTINUE, no budget violated", () => {
    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
    expect(harness.asg.completions().filter((entry) => entry.token === token)).toHaveLength(1);
    expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
    expect(harness.sim.recorder.violations()).toEqual([]);
  });

  it("tells on the Node which PodDisruptionBudget blocks evictions, with its disruptionsAllowed", () => {
    const onNode = eventsAbout(harness.sim.view.events(), "Node");
    const blocked = onNode.filter((event) => event.reason === "EvictionBlocked");
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({
      type: "Warning",
      metadata: { namespace: "default" },
      involvedObject: { name: drainedNode },
    });
    expect(blocked[0]?.message).toContain("PodDisruptionBudget shop/web (disruptionsAllowed: 0)");
  });

  it("records the drain's milestones on the Node, in order", () => {
    const reasons = eventsAbout(harness.sim.view.events(), "Node").map((event) => event.reason);
    expect(reasons[0]).toBe("DrainStarted");
    expect(reasons).toContain("PodsEvicted");
    expect(reasons.indexOf("DrainSucceeded")).toBeGreaterThan(reasons.indexOf("EvictionBlocked"));
    expect(reasons.at(-1)).toBe("LifecycleActionCompleted");
    const started = eventsAbout(harness.sim.view.events(), "Node").find((e) => e.reason === "DrainStarted");
    expect(started?.message).toContain(`termination of instance ${drainedInstance}`);
  });

  it("puts a Warning naming the budget on each pod whose eviction was refused, and no event per evicted pod", () => {
    const onPods = eventsAbout(harness.sim.view.events(), "Pod");
    expect(onPods.length).toBeGreaterThan(0);
    for (const event of onPods) {
      expect(event).toMatchObject({
        reason: "EvictionBlocked",
        type: "Warning",
        metadata: { namespace: "shop" },
      });
      expect(event.message).toContain("PodDisruptionBudget shop/web");
      expect(event.involvedObject?.uid).toBeTruthy();
    }
    const evicted = eventsAbout(harness.sim.view.events(), "Node").filter((e) => e.reason === "PodsEvicted");
    const listed = evicted.reduce(
      (sum, event) => sum + Number(/Evicted (\d+) pod/.exec(event.message ?? "")?.[1]),
      0,
    );
    expect(listed).toBe(4);
  });

  it("never logs a bearer token, an EKS token or the credentials that signed it", () => {
    expect(harness.tokens.size).toBeGreaterThan(0);
    expect(rawLines.length).toBeGreaterThan(5);
    expect(rawLines.some((line) => line.includes(drainedInstance))).toBe(true);
    for (const line of rawLines) {
      expect(line).not.toContain("k8s-aws-v1.");
      for (const bearer of harness.tokens) expect(line).not.toContain(bearer.slice("k8s-aws-v1.".length, 60));
      expect(line).not.toContain(credentials.secretAccessKey);
      expect(line).not.toContain(credentials.accessKeyId);
    }
  });

  it("puts instanceId, asg, hook, cluster and node on every line of the notice's processing", () => {
    const noticeLines = logLines.filter((line) => line.instanceId === drainedInstance);
    expect(noticeLines.map((line) => line.message)).toEqual(
      expect.arrayContaining(["draining", "drain: started", "drain run ended", "notice completed"]),
    );
    for (const line of noticeLines) {
      expect(line).toMatchObject({
        instanceId: drainedInstance,
        asg: "prod-workers",
        hook: "drain-before-terminate",
      });
    }
    const afterNode = noticeLines.slice(noticeLines.findIndex((line) => line.message === "draining"));
    for (const line of afterNode) expect(line).toMatchObject({ cluster: "prod" });
    for (const line of afterNode.filter((entry) => entry.message !== "notice completed")) {
      expect(line).toMatchObject({ node: drainedNode });
    }
  });

  it("publishes EMF documents with the drain's metrics under ClusterName and AutoScalingGroupName", () => {
    const [main, ...splits] = emf;
    expect(main).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: "EksNodeDrainer",
            Dimensions: [["ClusterName", "AutoScalingGroupName"]],
            Metrics: expect.arrayContaining([
              { Name: "PodsEvicted", Unit: "Count" },
              { Name: "EvictionsBlocked", Unit: "Count" },
              { Name: "PodsForceDeleted", Unit: "Count" },
              { Name: "DrainDuration", Unit: "Seconds" },
            ]),
          },
        ],
      },
      ClusterName: "prod",
      AutoScalingGroupName: "prod-workers",
      PodsEvicted: 4,
      PodsForceDeleted: 0,
    });
    expect(main?.EvictionsBlocked).toBeGreaterThanOrEqual(1);
    expect(main?.DrainDuration).toBeGreaterThan(0);
    expect(splits).toEqual([
      expect.objectContaining({ Outcome: "drained", DrainOutcome: 1 }),
      expect.objectContaining({ Result: "CONTINUE", LifecycleActionsCompleted: 1 }),
    ]);
  });
});

describe("a drain whose first request the API server refuses (401), with the re-minted token too", () => {
  let harness: ObservedHarness;
  let rawLines: string[];
  let failure: unknown;
  let retried: InvocationSummary;

  beforeAll(async () => {
    // The first 401 re-mints the token and retries once; the retry's 401 is the answer.
    let refusals = 2;
    const logger = new Logger({ serviceName: "eks-node-drainer" });
    harness = await startObservedHarness({
      scenario: slowDrainScenario,
      log: powertoolsLog(logger),
      acceptToken: () => {
        refusals -= 1;
        return refusals < 0;
      },
    });
    const { event } = harness.asg.terminate(drainedInstance);
    const captured = await capturingOutput(async () => {
      failure = await harness.invokeDirect(event).then(
        () => undefined,
        (error: unknown) => error,
      );
      retried = await harness.invokeDirect(event, 120_000);
    });
    rawLines = captured.lines;
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("fails the first invocation, logs why, and drains on the retry", () => {
    expect(failure).toBeInstanceOf(Error);
    expect(retried.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
    const errors = rawLines.filter((line) => line.includes('"level":"ERROR"'));
    expect(errors.some((line) => line.includes("401"))).toBe(true);
  });

  it("logs no token even in the lines about the refused requests", () => {
    expect(harness.tokens.size).toBeGreaterThan(0);
    for (const line of rawLines) {
      expect(line).not.toContain("k8s-aws-v1.");
      expect(line).not.toMatch(/Bearer\s+[A-Za-z0-9]/);
      for (const bearer of harness.tokens) expect(line).not.toContain(bearer.slice("k8s-aws-v1.".length, 60));
      expect(line).not.toContain(credentials.secretAccessKey);
    }
  });
});

describe("a drain that outlives its invocations", () => {
  let harness: ObservedHarness;
  let invocations = 0;
  const emf: Record<string, unknown>[] = [];

  beforeAll(async () => {
    harness = await startObservedHarness({
      scenario: slowDrainScenario,
      log: new MemoryLog(),
      dependencies: { metrics: (line) => emf.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const { event } = harness.asg.terminate(drainedInstance);
    ({ invocations } = await harness.runToEnd(event, 1_200));
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
  });

  it("starts once, pauses and resumes with each invocation, and ends once on the Node", () => {
    expect(invocations).toBeGreaterThanOrEqual(3);
    const reasons = eventsAbout(harness.sim.view.events(), "Node").map((event) => event.reason);
    const count = (reason: string) => reasons.filter((candidate) => candidate === reason).length;
    expect(count("DrainStarted")).toBe(1);
    expect(count("DrainPaused")).toBe(invocations - 1);
    expect(count("DrainResumed")).toBe(invocations - 1);
    expect(count("DrainSucceeded")).toBe(1);
    expect(count("LifecycleActionCompleted")).toBe(1);
  });

  it("counts each continuation, sums the evictions over the invocations, and one outcome", () => {
    const sum = (name: string) => emf.reduce((total, document) => total + Number(document[name] ?? 0), 0);
    expect(sum("DrainContinuations")).toBe(invocations - 1);
    expect(sum("PodsEvicted")).toBe(4);
    expect(emf.filter((document) => "DrainOutcome" in document)).toEqual([
      expect.objectContaining({ Outcome: "drained", DrainOutcome: 1 }),
    ]);
    expect(emf.filter((document) => "DrainDuration" in document)).toHaveLength(1);
  });
});
