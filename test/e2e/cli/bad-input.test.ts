import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { SimCluster } from "../../../src/sim/index.js";
import { type CliRun, removeBuiltCli, runBuiltCli } from "../../cli/support/built-cli.js";
import { smallCluster, startScenario, writeRequests } from "../../cli/support/cli-scenarios.js";

const files = mkdtempSync(join(tmpdir(), "eks-node-drainer-bad-input-"));
let sim: SimCluster;

beforeAll(async () => {
  sim = await startScenario(smallCluster);
});

afterAll(async () => {
  await sim.stop();
  removeBuiltCli();
  rmSync(files, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function kubeconfigFor(server: string, token: string, caData?: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "c",
        cluster: {
          server,
          ...(caData ? { "certificate-authority-data": caData } : { "insecure-skip-tls-verify": true }),
        },
      },
    ],
    users: [{ name: "u", user: { token } }],
    contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
    "current-context": "x",
  });
}

/** Exactly one line on stderr, matching, without a stack trace; a non-zero exit. */
function expectOneLineError(run: CliRun, pattern: RegExp, code = 1): void {
  expect(run.code).toBe(code);
  expect(run.errorLines, run.stderr).toHaveLength(1);
  expect(run.errorLines[0]).toMatch(/^error: /);
  expect(run.errorLines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe("bad input gives one line and a non-zero exit", () => {
  it("an unknown node", async () => {
    const run = await runBuiltCli(["drain", "ip-10-9-9-9.example", "--kubeconfig", sim.kubeconfigPath]);
    expectOneLineError(run, /^error: node ip-10-9-9-9\.example not found$/);
    expect(writeRequests(sim)).toBe(0);
  });

  it("an unknown instance", async () => {
    const run = await runBuiltCli(["plan", "i-0fff00000000000ff", "--kubeconfig", sim.kubeconfigPath]);
    expectOneLineError(run, /no node of instance i-0fff00000000000ff in the cluster/);
  });

  it("an unreachable API server", async () => {
    const port = await closedPort();
    const config = file("unreachable.yaml", kubeconfigFor(`https://127.0.0.1:${port}`, "t"));
    const run = await runBuiltCli(["drain", "node-1", "--kubeconfig", config]);
    expectOneLineError(
      run,
      new RegExp(
        `^error: cannot reach the API server https://127\\.0\\.0\\.1:${port}: reading node node-1: network failure`,
      ),
    );
  });

  it("credentials the API server rejects", async () => {
    const config = file("wrong-token.yaml", kubeconfigFor(sim.server, "not-the-token", sim.caData));
    const run = await runBuiltCli(["plan", "node-1", "--kubeconfig", config]);
    expectOneLineError(run, /rejected the credentials \(HTTP 401\)$/);
  });

  it("a kubeconfig that is not YAML", async () => {
    const config = file("broken.yaml", "clusters: [\n  - name: c\n server");
    const run = await runBuiltCli(["drain", "node-1", "--kubeconfig", config]);
    expectOneLineError(run, /^error: kubeconfig .*broken\.yaml is not valid YAML: /);
  });

  it("a kubeconfig that does not exist", async () => {
    const run = await runBuiltCli(["drain", "node-1", "--kubeconfig", join(files, "absent.yaml")]);
    expectOneLineError(run, /^error: kubeconfig .*absent\.yaml does not exist$/);
  });

  it("a context the kubeconfig lacks", async () => {
    const run = await runBuiltCli([
      "drain",
      "node-1",
      "--kubeconfig",
      sim.kubeconfigPath,
      "--context",
      "prod",
    ]);
    expectOneLineError(run, /has no context "prod" \(it has: sim-cli-small\)/);
  });

  it("no kubeconfig at all", async () => {
    const run = await runBuiltCli(["drain", "node-1"]);
    expectOneLineError(run, /^error: no kubeconfig found: pass --kubeconfig, set KUBECONFIG/);
  });

  it("a scenario file that is not valid", async () => {
    const scenario = file(
      "bad-scenario.yaml",
      "name: bad\nnodes:\n  - { name: a, instanceId: nope, availabilityZone: us-west-2a }\nworkloads:\n  - { kind: Deployment, name: Web }\n",
    );
    const run = await runBuiltCli(["simulate", scenario]);
    expectOneLineError(
      run,
      /scenario .*bad-scenario\.yaml is invalid: nodes\[0\]\.instanceId: must look like an EC2 instance id.*; workloads\[0\]\.name: must be a DNS-1123 label/,
    );
  });

  it("a scenario file that does not exist", async () => {
    const run = await runBuiltCli(["simulate", "no-such-scenario.yaml"]);
    expectOneLineError(run, /^error: reading scenario file .*no-such-scenario\.yaml: ENOENT/);
  });

  it("a scenario without a node to drain", async () => {
    const scenario = file(
      "no-target.yaml",
      "nodes:\n  - { name: a, instanceId: i-0123456789abcdef0, availabilityZone: us-west-2a }\n",
    );
    const run = await runBuiltCli(["simulate", scenario]);
    expectOneLineError(run, /names no drainNode/);
  });

  it("prints the stack as well with --verbose", async () => {
    const run = await runBuiltCli([
      "drain",
      "ip-10-9-9-9.example",
      "--kubeconfig",
      sim.kubeconfigPath,
      "--verbose",
    ]);
    expect(run.code).toBe(1);
    expect(run.errorLines[0]).toBe("error: node ip-10-9-9-9.example not found");
    expect(run.stderr).toMatch(/^\s+at /m);
  });

  it("still prints a JSON document on stdout with --output json", async () => {
    const run = await runBuiltCli([
      "drain",
      "ip-10-9-9-9.example",
      "--kubeconfig",
      sim.kubeconfigPath,
      "-o",
      "json",
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      kind: "DrainResult",
      status: "error",
      exitCode: 1,
      node: "ip-10-9-9-9.example",
      dryRun: false,
      error: { message: "node ip-10-9-9-9.example not found", retryable: false },
    });
    expect(run.errorLines).toEqual(["error: node ip-10-9-9-9.example not found"]);
  });
});
