import { afterEach, describe, expect, it } from "vitest";
import { defaultDrainPolicy } from "../../src/drain/policy.js";
import type { JobLog } from "../../src/lifecycle/job-log.js";
import { cordonLeavingGroup, drainBatchOf } from "../../src/lifecycle/leaving-group.js";
import { SimulatedAutoScalingGroup } from "../../src/sim/auto-scaling-group.js";
import { SimulatedInstances } from "../../src/sim/simulated-instances.js";
import { type SimDrain, startSimDrain } from "../support/sim-drain.js";

/**
 * Batch cordon: three instances of a group leave at once (a scale-in), three notices arrive together; each
 * cordons the group's other leaving nodes before its own drain evicts anything, so no pod lands on a node
 * that goes a minute later. On the virtual clock of the simulated cluster and group.
 */

const leaving = [
  { node: "ip-10-0-0-1.ec2.internal", instanceId: "i-0aaaaaaaaaaaaaa01" },
  { node: "ip-10-0-0-2.ec2.internal", instanceId: "i-0aaaaaaaaaaaaaa02" },
  { node: "ip-10-0-0-3.ec2.internal", instanceId: "i-0aaaaaaaaaaaaaa03" },
];

const scenario = `
name: scale-in of three
seed: 7
controllerDelaySeconds: 0.1
drainNode: ${leaving[0]?.node}
nodes:
${leaving.map((entry) => `  - { name: ${entry.node}, instanceId: ${entry.instanceId}, availabilityZone: us-east-1a }`).join("\n")}
  - { name: ip-10-0-0-9.ec2.internal, instanceId: i-0bbbbbbbbbbbbbb09, availabilityZone: us-east-1a, maxPods: 100 }
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 9
    nodes: [${leaving.map((entry) => entry.node).join(", ")}]
    shutdownSeconds: 1
    startupSeconds: 1
  - kind: Deployment
    name: cache
    namespace: shop
    replicas: 8
    nodes: [ip-10-0-0-9.ec2.internal]
`;

const quietLog: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

let subject: SimDrain | undefined;

afterEach(async () => {
  await subject?.stop();
  subject = undefined;
});

async function scaleIn() {
  subject = await startSimDrain({ yaml: scenario }, { virtualTime: true });
  const asg = new SimulatedAutoScalingGroup({ name: "workers", clock: subject.clock });
  for (const entry of leaving) asg.terminate(entry.instanceId);
  const instances = new SimulatedInstances(subject.sim, {});
  const link = { clusterName: "sim", client: subject.client, port: subject.cluster };
  const noticeOf = (instanceId: string) =>
    cordonLeavingGroup({
      lifecycle: asg,
      instances,
      link,
      policy: defaultDrainPolicy(),
      log: quietLog,
      asgName: "workers",
      instanceId,
    });
  return { sim: subject, asg, noticeOf };
}

describe("batch cordon", () => {
  it("three notices at once cordon the other leaving nodes once each, with one taint", async () => {
    const { sim, noticeOf } = await scaleIn();

    const outcomes = await Promise.all(leaving.map((entry) => noticeOf(entry.instanceId)));

    // Each notice cordons the two others (not its own: its drain does that); whoever comes first writes.
    for (const outcome of outcomes) {
      expect(outcome.missed).toEqual([]);
      expect(outcome.cordoned.length + outcome.already.length).toBe(2);
    }
    // Each drain then shares the budgets' room with the two others, each at a place of its own.
    const batches = outcomes.map((outcome, index) => drainBatchOf(outcome, leaving[index]?.node ?? ""));
    expect(batches.map((batch) => batch?.drainsAtOnce)).toEqual([3, 3, 3]);
    expect(new Set(batches.map((batch) => batch?.batchPosition))).toEqual(new Set([0, 1, 2]));
    for (const entry of leaving) {
      const node = sim.sim.view.nodes().find((candidate) => candidate.metadata.name === entry.node);
      expect(node?.spec.unschedulable).toBe(true);
      const taints = (node?.spec.taints ?? []).filter((taint) => taint.key === defaultDrainPolicy().taintKey);
      expect(taints).toHaveLength(1);
    }
    // Idempotent: the same notices again change nothing.
    const again = await Promise.all(leaving.map((entry) => noticeOf(entry.instanceId)));
    expect(again.flatMap((outcome) => outcome.cordoned)).toEqual([]);
  });

  it("the first drain's evicted pods land only on the node that stays (without it, on leaving nodes)", async () => {
    const placed = async (batchCordon: boolean) => {
      const { sim, noticeOf } = await scaleIn();
      if (batchCordon) await Promise.all(leaving.map((entry) => noticeOf(entry.instanceId)));
      const before = new Set(sim.sim.view.pods({}).map((pod) => pod.metadata.uid));
      const result = await sim.drain();
      expect(result.status).toBe("drained");
      expect(result.evicted).toHaveLength(3);
      const replacements = sim.sim.view
        .pods({})
        .filter((pod) => pod.metadata.name.startsWith("web-") && !before.has(pod.metadata.uid));
      await subject?.stop();
      subject = undefined;
      return replacements.map((pod) => pod.spec.nodeName);
    };

    expect(await placed(true)).toEqual(Array(3).fill("ip-10-0-0-9.ec2.internal"));
    // The control: the scheduler picks the least loaded nodes, the two about to go.
    const without = await placed(false);
    expect(without.filter((node) => node !== "ip-10-0-0-9.ec2.internal").length).toBeGreaterThan(0);
  });
});
