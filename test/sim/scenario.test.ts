import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario, ScenarioError } from "../../src/sim/index.js";
import { startCluster } from "./cluster-fixture.js";

const scenarios = fileURLToPath(new URL("../../scenarios/", import.meta.url));

function issuesOf(text: string, name = "broken.yaml"): { path: string; message: string }[] {
  try {
    parseScenario(text, name);
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.issues];
    throw error;
  }
  throw new Error("the scenario was accepted");
}

const node = "{ name: n1, instanceId: i-0123456789abcdef0, availabilityZone: us-west-2a }";

describe("scenario files", () => {
  it("loads the default scenario: a node to drain holding one pod of each kind", async () => {
    const scenario = await loadScenario(`${scenarios}default.yaml`);
    expect(scenario.name).toBe("default");
    const subject = await startCluster(JSON.stringify(scenario), { manualClock: true });
    const drained = subject.cluster.view.pods({ nodeName: scenario.drainNode ?? "" });
    const kinds = drained.map((pod) => pod.metadata.ownerReferences?.[0]?.kind);
    expect(new Set(kinds)).toEqual(new Set(["StatefulSet", "ReplicaSet", "DaemonSet"]));
    expect(drained.some((pod) => pod.spec.priorityClassName === "system-cluster-critical")).toBe(true);
    expect(drained.some((pod) => pod.spec.volumes?.some((volume) => volume.persistentVolumeClaim))).toBe(
      true,
    );
    for (const budget of subject.cluster.view.budgets()) {
      expect(budget.status?.observedGeneration).toBe(1);
      expect(budget.status?.disruptionsAllowed).toBeGreaterThan(0);
    }
  });

  it("loads mixed-110: 110 pods on the node to drain, of every kind", async () => {
    const scenario = await loadScenario(`${scenarios}mixed-110.yaml`);
    const subject = await startCluster(JSON.stringify(scenario), { manualClock: true });
    const drained = subject.cluster.view.pods({ nodeName: scenario.drainNode ?? "" });
    expect(drained).toHaveLength(110);
    const owners = drained.map((pod) => pod.metadata.ownerReferences?.[0]?.kind ?? "none");
    expect(owners.filter((kind) => kind === "DaemonSet")).toHaveLength(3);
    expect(owners.filter((kind) => kind === "StatefulSet")).toHaveLength(1);
    expect(owners.filter((kind) => kind === "none")).toHaveLength(1);
    expect(owners.filter((kind) => kind === "Node")).toHaveLength(1);
    expect(drained.filter((pod) => pod.spec.volumes?.some((volume) => volume.emptyDir))).toHaveLength(2);
    expect(drained.filter((pod) => pod.spec.priorityClassName === "system-cluster-critical")).toHaveLength(1);
  });

  it("accepts JSON as well as YAML and names the scenario after the file", () => {
    const scenario = parseScenario(
      JSON.stringify({
        nodes: [{ name: "n1", instanceId: "i-0123456789abcdef0", availabilityZone: "us-west-2a" }],
      }),
      "dir/tiny.json",
    );
    expect(scenario.name).toBe("tiny");
    expect(scenario.controllerDelaySeconds).toBe(0.1);
    expect(scenario.nodes[0]?.maxPods).toBe(110);
  });

  it("names the file and every field at fault", () => {
    let message = "";
    try {
      parseScenario(
        `nodes: [{ name: n1, instanceId: i-12, availabilityZone: us-west-2a }]\nworkloads: [{ kind: Deployment, name: web, replica: 3 }]`,
        "clusters/bad.yaml",
      );
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toContain("scenario clusters/bad.yaml is invalid");
    expect(message).toContain("nodes[0].instanceId: must look like an EC2 instance id");
    expect(message).toMatch(/workloads\[0\]: Unrecognized key.*replica/);
  });

  it.each([
    [
      `nodes: [${node}]\nworkloads: [{ kind: Deployment, name: web, node: n9 }]`,
      "workloads[0].node",
      'no node named "n9"',
    ],
    [
      `nodes: [${node}]\nworkloads: [{ kind: Deployment, name: web, pdb: { minAvailable: 1, maxUnavailable: 1 } }]`,
      "workloads[0].pdb",
      "exactly one",
    ],
    [
      `nodes: [${node}]\nworkloads: [{ kind: Deployment, name: web, pdb: { maxUnavailable: "50" } }]`,
      "workloads[0].pdb.maxUnavailable",
      "percentage",
    ],
    [
      `nodes: [${node}]\nworkloads: [{ kind: Deployment, name: web, volumes: true }]`,
      "workloads[0].volumes",
      "only a StatefulSet",
    ],
    [
      `nodes: [${node}]\nworkloads: [{ kind: DaemonSet, name: agent, replicas: 2 }]`,
      "workloads[0].replicas",
      "DaemonSet",
    ],
    [`nodes: [${node}]\nworkloads: [{ kind: Deployment, name: Web }]`, "workloads[0].name", "DNS-1123"],
    [`nodes: [${node}, ${node}]`, "nodes[1].name", "duplicate node"],
    [`nodes: [${node}]\ndrainNode: n2`, "drainNode", 'no node named "n2"'],
    [`nodes: []`, "nodes", "at least one node"],
    [`nodes: [${node}]\nbudgets: [{ name: b, minAvailable: 1 }]`, "budgets[0]", "labels and selector"],
    [`nodes: [${node}]\nfaults: { errorRate: { get: 2 } }`, "faults.errorRate.get", ""],
  ])("rejects %j at %s", (text, path, message) => {
    const issues = issuesOf(text);
    expect(issues).toContainEqual(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });

  it("reports text that is not YAML", () => {
    expect(issuesOf("nodes: [unclosed", "bad.yaml")[0]?.message).toMatch(/^not valid YAML/);
    expect(issuesOf("{ nodes: ", "bad.json")[0]?.message).toMatch(/^not valid JSON/);
  });

  it("wraps a file that cannot be read with its path", async () => {
    await expect(loadScenario(`${scenarios}missing.yaml`)).rejects.toThrow(
      /reading scenario file .*missing\.yaml/,
    );
  });
});

describe("lifecycle scripts", () => {
  it("are optional: a scenario without them has neither autoScaling nor lifecycle", () => {
    const scenario = parseScenario(
      "nodes: [{ name: n1, instanceId: i-0a1b2c3d4e5f60001, availabilityZone: us-west-2a }]",
      "plain",
    );
    expect(scenario.lifecycle).toBeUndefined();
    expect(scenario.autoScaling).toBeUndefined();
  });

  it("read each event kind with its defaults, and name a wrong field", () => {
    const scenario = parseScenario(
      `
nodes: [{ name: n1, instanceId: i-0a1b2c3d4e5f60001, availabilityZone: us-west-2a }]
autoScaling: { warmPool: true, launchHook: true }
lifecycle:
  - { kind: terminate, node: n1, destination: WarmPool }
  - { kind: launch, node: n1, afterSeconds: 5 }
  - { kind: replaceRootVolume, node: n1 }
  - { kind: uncordon, node: n1 }
`,
      "script",
    );
    expect(scenario.autoScaling).toMatchObject({
      warmPool: true,
      launchHook: true,
      instanceStartSeconds: 20,
    });
    expect(scenario.lifecycle).toEqual([
      { kind: "terminate", node: "n1", destination: "WarmPool", afterSeconds: 0 },
      { kind: "launch", node: "n1", origin: "WarmPool", afterSeconds: 5 },
      { kind: "replaceRootVolume", node: "n1", afterSeconds: 0 },
      { kind: "uncordon", node: "n1", afterSeconds: 0 },
    ]);
    expect(() =>
      parseScenario(
        `
nodes: [{ name: n1, instanceId: i-0a1b2c3d4e5f60001, availabilityZone: us-west-2a }]
lifecycle: [{ kind: terminate, node: n1, destination: Moon }]
`,
        "bad",
      ),
    ).toThrow(ScenarioError);
  });
});
