import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SimCluster } from "../../../src/sim/index.js";
import { type CliRun, removeBuiltCli, repoRoot, runBuiltCli } from "../../cli/support/built-cli.js";
import {
  drainablePodsOn,
  nodeA,
  nodeB,
  smallCluster,
  startScenario,
} from "../../cli/support/cli-scenarios.js";

afterAll(removeBuiltCli);

const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };

describe("kubectl drain's habits", () => {
  it("lists kubectl's flags in drain --help", async () => {
    const run = await runBuiltCli(["drain", "--help"]);
    expect(run.code).toBe(0);
    for (const flag of [
      "--ignore-daemonsets",
      "--delete-emptydir-data",
      "--force",
      "-l, --selector",
      "--pod-selector",
      "--dry-run",
      "--skip-wait-for-delete-timeout",
      "--grace-period",
      "--disable-eviction",
      "<node-name | instance-id>...",
    ]) {
      expect(run.stdout, flag).toContain(flag);
    }
  });

  it("prints the package version with --version", async () => {
    const run = await runBuiltCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`eks-node-drainer ${manifest.version}\n`);
  });

  it("refuses node names and --selector together, as kubectl does", async () => {
    const run = await runBuiltCli(["drain", nodeA, "--selector", "a=b"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/give node names or instance IDs, or --selector, not both/);
  });
});

describe("drain of two nodes in one command, with kubectl's flags", () => {
  let sim: SimCluster;
  let run: CliRun;

  beforeAll(async () => {
    sim = await startScenario(smallCluster);
    run = await runBuiltCli([
      "drain",
      nodeA,
      nodeB,
      "--kubeconfig",
      sim.kubeconfigPath,
      "--ignore-daemonsets",
      "--delete-emptydir-data",
      "--force",
      "--grace-period",
      "-1",
      "--timeout",
      "2m",
    ]);
  }, 120_000);

  afterAll(() => sim.stop());

  it("drains both, within the budgets", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(drainablePodsOn(sim, nodeA)).toEqual([]);
    expect(drainablePodsOn(sim, nodeB)).toEqual([]);
    expect(sim.recorder.violations()).toEqual([]);
    expect(run.stdout.match(/drained in /g)).toHaveLength(2);
  });

  it("cordons every node before the first eviction", () => {
    const requests = sim.recorder.requests();
    const firstEviction = requests.find((request) => request.subresource === "eviction")?.at ?? 0;
    for (const node of [nodeA, nodeB]) {
      const cordon = requests.find(
        (request) => request.resource === "nodes" && request.verb === "patch" && request.name === node,
      );
      expect(cordon?.at, node).toBeLessThanOrEqual(firstEviction);
    }
    // The pods of A were not evicted onto B (cordoned), nor B's onto A.
    const replacementsOn = (node: string) =>
      sim.view
        .pods({ nodeName: node })
        .filter((pod) => pod.metadata.ownerReferences?.[0]?.kind !== "DaemonSet");
    expect(replacementsOn(nodeA)).toEqual([]);
    expect(replacementsOn(nodeB)).toEqual([]);
  });
});

describe("drain --selector, --dry-run and --disable-eviction", () => {
  let sim: SimCluster;

  // Each case on a cluster of its own: what one writes is never what another sees.
  beforeEach(async () => {
    sim = await startScenario(smallCluster);
  });

  afterEach(() => sim.stop());

  it("plans only with a bare --dry-run or --dry-run=server: nothing is written", async () => {
    for (const flag of ["--dry-run", "--dry-run=server"]) {
      const run = await runBuiltCli(["drain", nodeA, flag, "--kubeconfig", sim.kubeconfigPath]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("Dry run: nothing was changed.");
    }
    expect(
      sim.recorder.requests().filter((request) => !["get", "list", "watch"].includes(request.verb)),
    ).toEqual([]);
  });

  it("selects nodes by label with -l, and deletes instead of evicting with --disable-eviction, saying so", async () => {
    const run = await runBuiltCli([
      "drain",
      "-l",
      `kubernetes.io/hostname=${nodeA}`,
      "--disable-eviction",
      "--kubeconfig",
      sim.kubeconfigPath,
      "--timeout",
      "2m",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(drainablePodsOn(sim, nodeA)).toEqual([]);
    expect(sim.view.node(nodeB)?.spec.unschedulable).toBeUndefined();
    const deletions = sim.recorder.deletions().filter((deletion) => deletion.nodeName === nodeA);
    expect(deletions.length).toBeGreaterThan(0);
    expect(deletions.every((deletion) => deletion.via === "delete")).toBe(true);
    expect(run.stderr).toMatch(/--disable-eviction: pods are deleted, not evicted/);
  });
});

describe("bin/eks-node-drainer.js on an older Node", () => {
  it("prints one line naming Node >= 22.19 and exits non-zero, before loading anything", () => {
    // The machine's own Node outside npm (npm scripts put the project's Node 22 first on the PATH).
    const older = ["/usr/bin/node", "/bin/node", "/usr/local/bin/node"].find((path) => {
      if (!existsSync(path)) return false;
      const [major = 0, minor = 0] = execFileSync(path, ["-p", "process.versions.node"], { encoding: "utf8" })
        .trim()
        .split(".")
        .map(Number);
      return major < 22 || (major === 22 && minor < 19);
    });
    const node = older ?? process.execPath;
    const run = spawnSync(node, [join(repoRoot, "bin/eks-node-drainer.js"), "--help"], { encoding: "utf8" });
    if (older === undefined) {
      // No older Node on this machine: the bin passes the check and shows the help.
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("Usage:");
      return;
    }
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^eks-node-drainer needs Node >= 22\.19; this is Node 2\d\.\d+\.\d+ /),
    ]);
  });
});
