import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DrainDocument } from "../../src/cli/drain-report.js";
import { drainRecord } from "../../src/cli/drain-timeline.js";
import type { PlanDocument } from "../../src/cli/plan-report.js";
import type { SimCluster } from "../../src/sim/index.js";
import { podLanes } from "../../src/timeline/index.js";
import { embeddedRecord, lanesOf } from "../timeline/support/report-page-reader.js";
import { nodeA, nodeB, smallCluster, startScenario } from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

const directory = mkdtempSync(join(tmpdir(), "eks-node-drainer-drain-report-"));
let sim: SimCluster | undefined;

afterAll(async () => {
  await sim?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe("drain --report", () => {
  it("draws the record --output json prints: every pod of the node, its budget's allowance, the drain's events", async () => {
    sim = await startScenario(smallCluster);
    const podsBefore = sim.view
      .pods({ nodeName: nodeA })
      .map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
    const report = join(directory, "drain.html");
    const run = await runInProcess([
      "drain",
      nodeA,
      "--kubeconfig",
      sim.kubeconfigPath,
      "--output",
      "json",
      "--report",
      report,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as DrainDocument;
    const html = readFileSync(report, "utf8");
    expect(embeddedRecord(html)).toEqual(drainRecord(document, `drain ${nodeA}`));

    expect(document.pods?.map((pod) => pod.pod).sort()).toEqual(podsBefore.sort());
    const lanes = lanesOf(html);
    expect(lanes.map((lane) => lane.pod).sort()).toEqual(podsBefore.sort());
    const evicted = (document.evicted ?? []).map((pod) => pod.pod).sort();
    expect(evicted).toHaveLength(3);
    expect(
      lanes
        .filter((lane) => lane.end === "gone")
        .map((lane) => lane.pod)
        .sort(),
    ).toEqual(evicted);
    expect(lanes.filter((lane) => lane.end === "skipped")).toHaveLength(1);

    const web = document.pods?.filter((pod) => pod.budgets.includes("shop/web"));
    expect(web).toHaveLength(2);
    const allowances = document.timeline?.filter(
      (entry) => entry.kind === "budget" && entry.budget === "shop/web",
    );
    expect(allowances?.length).toBeGreaterThan(1);
    expect(document.timeline?.map((entry) => entry.seconds)).toEqual(
      document.timeline?.map((entry) => entry.seconds).sort((a, b) => a - b),
    );
    expect(html).toContain("shop/web (2 pods)");
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("plan --report draws the timeline the estimate expects, ending at the estimate", async () => {
    sim ??= await startScenario(smallCluster);
    const report = join(directory, "plan.html");
    const run = await runInProcess([
      "plan",
      nodeB,
      "--kubeconfig",
      sim.kubeconfigPath,
      "--output",
      "json",
      "--report",
      report,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as PlanDocument;
    const record = embeddedRecord(readFileSync(report, "utf8"));
    expect(record).toMatchObject({ kind: "plan", node: nodeB, endSeconds: plan.estimate.seconds });
    const lanes = podLanes(record);
    expect(lanes.map((lane) => lane.pod).sort()).toEqual(
      plan.pods.map((pod) => `${pod.namespace}/${pod.name}`).sort(),
    );
    const evicted = plan.pods.filter((pod) => pod.action === "evict");
    expect(evicted.length).toBeGreaterThan(0);
    for (const pod of evicted) {
      const lane = lanes.find((candidate) => candidate.pod === `${pod.namespace}/${pod.name}`);
      expect(lane?.removedAt).toBe(pod.expected?.evictAfterSeconds);
      expect(lane?.goneAt).toBe(pod.expected?.goneAfterSeconds);
      expect(pod.expected?.goneAfterSeconds).toBeLessThanOrEqual(plan.estimate.seconds);
    }
    expect(Math.max(...evicted.map((pod) => pod.expected?.goneAfterSeconds ?? 0))).toBe(
      plan.estimate.seconds,
    );
    // The web pods under their budget go in rounds of what it allows, each round later than the last.
    const web = evicted.filter((pod) => pod.budgets.some((budget) => budget.name === "shop/web"));
    const allowed = Math.max(1, web[0]?.budgets[0]?.disruptionsAllowed ?? 1);
    expect(web.length).toBeGreaterThan(1);
    expect(new Set(web.map((pod) => pod.expected?.evictAfterSeconds)).size).toBe(
      Math.ceil(web.length / allowed),
    );
  });

  it("refuses a report file that is not HTML", async () => {
    const run = await runInProcess(["drain", nodeA, "--report", join(directory, "drain.png")]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--report.*end its name in \.html/);
  });
});
