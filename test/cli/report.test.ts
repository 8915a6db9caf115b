import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { SimCluster } from "../../src/sim/index.js";
import type { DrainRecord } from "../../src/timeline/index.js";
import { type LambdaHarness, startLambdaHarness } from "../lambda/support/lambda-harness.js";
import { drainedInstance, drainedNode, slowDrainScenario } from "../lambda/support/scenarios.js";
import { embeddedRecord, lanesOf } from "../timeline/support/report-page-reader.js";
import { nodeA, smallCluster, startScenario } from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

const directory = mkdtempSync(join(tmpdir(), "eks-node-drainer-report-"));
let harness: LambdaHarness | undefined;
let sim: SimCluster | undefined;

afterEach(async () => {
  await harness?.stop();
  await sim?.stop();
  harness = undefined;
  sim = undefined;
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("report NODE --report FILE.html", () => {
  it("draws a drain the Lambda ran from the node's state and the drainer's Events: one lane per drained pod, the outcome", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const drained = harness.sim.view
      .pods({ nodeName: drainedNode, namespace: "shop" })
      .map((pod) => `shop/${pod.metadata.name}`)
      .sort();
    const terminated = harness.asg.terminate(drainedInstance);
    const answer = await harness.invokeDirect(terminated.event, 120_000);
    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });

    const file = join(directory, "lambda.html");
    const run = await runInProcess(
      ["report", drainedInstance, "--kubeconfig", harness.sim.kubeconfigPath, "--report", file, "-o", "json"],
      { virtualTime: { clock: harness.clock, sim: harness.sim } },
    );

    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(file, "utf8");
    const record = embeddedRecord(html);
    expect(JSON.parse(run.stdout) as DrainRecord).toEqual(record);
    expect(record).toMatchObject({
      node: drainedNode,
      instanceId: drainedInstance,
      outcome: "drained; lifecycle action completed with CONTINUE",
      succeeded: true,
      counts: { evictions: 4, forced: 0 },
    });
    expect(record.counts.refusals).toBeGreaterThan(0);
    const lanes = lanesOf(html);
    expect(lanes.map((lane) => lane.pod).sort()).toEqual(drained);
    expect(lanes.every((lane) => lane.end === "gone")).toBe(true);
    expect(lanes.some((lane) => lane.states.includes("held"))).toBe(true);
    expect(html).toContain(
      "reconstructed from the node&#39;s drain state and the drainer&#39;s Kubernetes Events",
    );
    expect(html).toMatch(
      /<h1 class="ok">Drain of [^<]*: drained; lifecycle action completed with CONTINUE<\/h1>/,
    );
  });

  it("asks for a page or JSON: without either it is a usage error", async () => {
    const run = await runInProcess(["report", nodeA]);
    expect(run.code).toBe(64);
    expect(run.errorLines).toEqual([
      "error: report needs --report FILE.html (or --output json) (see eks-node-drainer report --help)",
    ]);
  });

  it("says in one line that a node never drained has nothing to draw, and exits 1", async () => {
    sim = await startScenario(smallCluster);
    const file = join(directory, "none.html");
    const run = await runInProcess(["report", nodeA, "--kubeconfig", sim.kubeconfigPath, "--report", file]);
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      `error: node ${nodeA} has no drain state and no drainer Events (Events expire after an hour by default)`,
    ]);
  });
});
