import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DrainDocument } from "../../src/cli/drain-report.js";
import { drainRecord } from "../../src/cli/drain-timeline.js";
import type { SimCluster } from "../../src/sim/index.js";
import { embeddedRecord, lanesOf } from "../timeline/support/report-page-reader.js";
import { nodeA, smallCluster, startScenario } from "./support/cli-scenarios.js";
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

  it("refuses a report file that is not HTML", async () => {
    const run = await runInProcess(["drain", nodeA, "--report", join(directory, "drain.png")]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--report.*end its name in \.html/);
  });
});
