import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SimCluster } from "../../src/sim/index.js";
import { execKubeconfig } from "../support/exec-kubeconfig.js";
import { drainablePodsOn, nodeA, smallCluster, startScenario } from "./support/cli-scenarios.js";
import { runInProcess } from "./support/in-process.js";

let sim: SimCluster | undefined;
let directory: string | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

/**
 * `drain` through a kubeconfig whose credential comes from an exec plugin (`aws eks get-token`): the API
 * server refusing the plugin's token once (aws-iam-authenticator's STS call failing) runs the plugin again
 * and retries, and the drain goes on.
 */
describe("drain with an exec credential plugin and a refused token", () => {
  it("runs the plugin again after a 401 and drains the node", async () => {
    sim = await startScenario(smallCluster);
    directory = await mkdtemp(join(tmpdir(), "drain-credentials-"));
    const { path, runs } = await execKubeconfig(directory, "cli", sim);
    sim.faults.update({ refuseTokens: 1 });

    const run = await runInProcess(["drain", nodeA, "--kubeconfig", path]);

    expect(run.code, run.stderr).toBe(0);
    expect(drainablePodsOn(sim, nodeA)).toEqual([]);
    expect(sim.recorder.requests().filter((request) => request.code === 401)).toHaveLength(1);
    expect(await runs()).toBe(2);
  });

  it("exits 1 naming the refused credentials when the fresh token is refused too", async () => {
    sim = await startScenario(smallCluster);
    directory = await mkdtemp(join(tmpdir(), "drain-credentials-"));
    const { path, runs } = await execKubeconfig(directory, "cli", sim);
    sim.faults.update({ refuseTokens: 2 });

    const run = await runInProcess(["drain", nodeA, "--kubeconfig", path]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("rejected the credentials (HTTP 401)");
    expect(await runs()).toBe(2);
  });
});
