import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, removeBuiltCli, runBuiltCli } from "../../cli/support/built-cli.js";
import { instanceA, nodeA, smallCluster } from "../../cli/support/cli-scenarios.js";

const scenarioDir = mkdtempSync(join(tmpdir(), "eks-node-drainer-simulate-"));
const scenarioFile = join(scenarioDir, "small.yaml");
writeFileSync(scenarioFile, smallCluster);

afterAll(() => {
  removeBuiltCli();
  rmSync(scenarioDir, { recursive: true, force: true });
});

describe("simulate a small scenario", () => {
  let run: CliRun;
  let lines: string[];

  beforeAll(async () => {
    run = await runBuiltCli(["simulate", scenarioFile]);
    lines = run.stdout.split("\n");
  }, 90_000);

  it("exits 0: the lifecycle action completed with CONTINUE, no budget violated", () => {
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^ {2}lifecycle action {3}completed with CONTINUE after /m);
    expect(run.stdout).toMatch(/^ {2}budget violations {2}0$/m);
    expect(run.stdout).toMatch(/^ {2}pods left on node {2}none$/m);
    expect(run.stdout).toContain("PASS");
  });

  it("prints a timeline in order, with elapsed seconds: event, cordon, evictions, pods gone, completion", () => {
    const timeline = lines.filter((line) => /^\s+\d+\.\d+s {2}/.test(line));
    const seconds = timeline.map((line) => Number.parseFloat(line));
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    const index = (pattern: RegExp) => timeline.findIndex((line) => pattern.test(line));
    const event = index(new RegExp(`${instanceA} \\(node ${nodeA}\\) entered Terminating:Wait`));
    const cordon = index(new RegExp(`cordoned ${nodeA}`));
    const firstEviction = index(/ evicted shop\//);
    const lastGone = timeline.findLastIndex((line) => / gone shop\//.test(line));
    const completion = index(new RegExp(`lifecycle action of ${instanceA} completed with CONTINUE`));
    expect(event).toBe(0);
    expect(cordon).toBeGreaterThan(event);
    expect(firstEviction).toBeGreaterThan(cordon);
    expect(lastGone).toBeGreaterThan(firstEviction);
    expect(completion).toBeGreaterThan(lastGone);
    expect(timeline.filter((line) => / evicted shop\//.test(line))).toHaveLength(3);
    expect(timeline.filter((line) => / gone shop\//.test(line))).toHaveLength(3);
  });
});

describe("simulate with no scenario", () => {
  it("runs the package's default scenario in under 30 s, naming the budgets that hold pods back", async () => {
    const run = await runBuiltCli(["simulate", "--output", "json", "--log-format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      kind: "SimulationResult",
      exitCode: 0,
      scenario: { name: "default" },
      lifecycleAction: { state: "completed", result: "CONTINUE" },
      violations: [],
      podsLeft: [],
    });
    expect(document.drainSeconds).toBeLessThan(30);
    // Budgets keep every replicated workload above zero Ready replicas; nothing of theirs is left changed.
    expect(document.availability.length).toBeGreaterThanOrEqual(3);
    for (const entry of document.availability) {
      expect(entry).toMatchObject({ zeroReadySeconds: 0, restored: true });
      expect(entry.minReady).toBeGreaterThan(0);
    }
    expect(document.evictions).toBeGreaterThanOrEqual(4);
    const refusals = document.timeline.filter((entry: { kind: string }) => entry.kind === "refused");
    expect(refusals.length).toBe(document.refusals.DisruptionBudget + document.refusals.BudgetNotObserved);
    for (const refusal of refusals)
      expect(refusal.text).toMatch(/^429 \S+: budget (shop\/web|data\/mongo|kube-system\/coredns) /);
    expect(document.timeline.filter((entry: { kind: string }) => entry.kind === "completion")).toHaveLength(
      1,
    );
    // --log-format json: the same timeline as JSON lines on stderr.
    const lines = run.stderr
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as { time: string; seconds: number; kind: string; text: string });
    expect(lines.map((line) => line.kind)).toContain("completion");
    for (const line of lines) {
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
      expect(line.seconds).toBeGreaterThanOrEqual(0);
    }
  }, 90_000);
});

describe("simulate scenarios/tolerate-all.yaml", () => {
  it("completes, evicting the workload that tolerates every taint at most twice, and reports the pod it left", async () => {
    const run = await runBuiltCli(["simulate", "scenarios/tolerate-all.yaml", "--output", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      lifecycleAction: { state: "completed", result: "CONTINUE" },
      violations: [],
      podsLeft: [],
      podsReturning: [expect.stringMatching(/^monitoring\/node-agent-/)],
    });
    expect(document.evictionsPerWorkload["monitoring/Deployment/node-agent"]).toBeLessThanOrEqual(2);
    const left = document.timeline.filter(
      (entry: { kind: string; text: string }) =>
        entry.kind === "skipped" && entry.text.startsWith("leaving "),
    );
    expect(left.length).toBeGreaterThan(0);
    expect(left[0].text).toMatch(/tolerates the cordoned node's taints/);
  }, 90_000);
});

describe("simulate --via worker", () => {
  it("runs the default scenario through the queue worker to the same result as through the Lambda", async () => {
    const [viaWorker, viaLambda] = await Promise.all([
      runBuiltCli(["simulate", "--via", "worker", "--output", "json"]),
      runBuiltCli(["simulate", "--via", "lambda", "--output", "json"]),
    ]);
    expect(viaWorker.code, viaWorker.stderr).toBe(0);
    expect(viaLambda.code, viaLambda.stderr).toBe(0);
    const worker = JSON.parse(viaWorker.stdout);
    const lambda = JSON.parse(viaLambda.stdout);
    expect(Object.keys(worker).sort()).toEqual(Object.keys(lambda).sort());
    for (const document of [worker, lambda]) {
      expect(document).toMatchObject({
        kind: "SimulationResult",
        exitCode: 0,
        scenario: { name: "default" },
        lifecycleAction: { state: "completed", result: "CONTINUE" },
        violations: [],
        podsLeft: [],
      });
      expect(document.timeline.filter((entry: { kind: string }) => entry.kind === "completion")).toHaveLength(
        1,
      );
    }
    expect(worker.evictions).toBe(lambda.evictions);
    expect(worker.invocations).toEqual([
      expect.objectContaining({
        attempt: 0,
        outcome: expect.objectContaining({ kind: "completed", result: "CONTINUE" }),
      }),
    ]);
    expect(worker.timeline[0].text).toContain("the terminate lifecycle event goes to the queue worker");
  }, 120_000);

  it("refuses an unknown shell", async () => {
    const run = await runBuiltCli(["simulate", "--via", "batch"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("--via: expected lambda or worker");
  }, 60_000);
});
