import { afterEach, describe, expect, it } from "vitest";
import { REPLACING_TAINT_KEY } from "../../src/drain/replacing-taint.js";
import { restoreNode } from "../../src/drain/restore-node.js";
import type { JobLog } from "../../src/lifecycle/job-log.js";
import { placeForRollout, REPLACING_TAINT_BOUND_MS } from "../../src/lifecycle/rollout-placement.js";
import { SimulatedAutoScalingGroup } from "../../src/sim/auto-scaling-group.js";
import { SimulatedInstances } from "../../src/sim/simulated-instances.js";
import { type SimDrain, startSimDrain } from "../support/sim-drain.js";

/**
 * Rollout-aware placement: during an instance refresh, a terminate notice taints (PreferNoSchedule) the
 * Nodes the refresh has still to replace; the taint goes when the refresh is seen cancelled, and after the
 * time bound. On the virtual clock of the simulated cluster and group.
 */

const group = [1, 2, 3, 4].map((index) => ({
  node: `ip-10-0-0-${index}.ec2.internal`,
  instanceId: `i-0aaaaaaaaaaaaaa0${index}`,
}));

const scenario = `
name: instance refresh of four
seed: 7
controllerDelaySeconds: 0.1
drainNode: ${group[0]?.node}
nodes:
${group.map((entry) => `  - { name: ${entry.node}, instanceId: ${entry.instanceId}, availabilityZone: us-east-1a }`).join("\n")}
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 4
    shutdownSeconds: 1
    startupSeconds: 1
`;

const quietLog: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

let subject: SimDrain | undefined;

afterEach(async () => {
  await subject?.stop();
  subject = undefined;
});

async function refreshUnderWay() {
  subject = await startSimDrain({ yaml: scenario }, { virtualTime: true });
  const sim = subject;
  const asg = new SimulatedAutoScalingGroup({ name: "workers", clock: sim.clock });
  asg.startInstanceRefresh(group.map((entry) => entry.instanceId));
  // The first batch: two instances get their terminate actions.
  for (const entry of group.slice(0, 2)) asg.terminate(entry.instanceId);
  const instances = new SimulatedInstances(sim.sim, {});
  const link = { clusterName: "sim", client: sim.client, port: sim.cluster };
  const noticeOf = (instanceId: string) =>
    sim.run(() =>
      placeForRollout({
        lifecycle: asg,
        instances,
        link,
        log: quietLog,
        asgName: "workers",
        instanceId,
        now: sim.clock.now(),
      }),
    );
  const taintedNodes = () =>
    sim.sim.view
      .nodes()
      .filter((node) => (node.spec.taints ?? []).some((taint) => taint.key === REPLACING_TAINT_KEY))
      .map((node) => node.metadata.name)
      .sort();
  return { sim, asg, noticeOf, taintedNodes };
}

const laterBatch = group.slice(2).map((entry) => entry.node);

describe("rollout-aware placement", () => {
  it("taints the nodes still to be replaced once, and removes the taint when the refresh is cancelled", async () => {
    const { asg, noticeOf, taintedNodes } = await refreshUnderWay();

    const first = await Promise.all(group.slice(0, 2).map((entry) => noticeOf(entry.instanceId)));

    expect(first.flatMap((outcome) => outcome.tainted).sort()).toEqual(laterBatch);
    expect(taintedNodes()).toEqual(laterBatch);
    const again = await noticeOf(group[0]?.instanceId ?? "");
    expect(again.tainted).toEqual([]);

    asg.cancelInstanceRefresh();
    asg.endInstanceRefresh();
    const afterCancel = await noticeOf(group[1]?.instanceId ?? "");
    expect(afterCancel.status).toBe("Cancelled");
    expect(afterCancel.untainted.sort()).toEqual(laterBatch);
    expect(taintedNodes()).toEqual([]);
  });

  it("removes a taint older than the bound though the refresh never ends", async () => {
    const { sim, noticeOf, taintedNodes } = await refreshUnderWay();
    await noticeOf(group[0]?.instanceId ?? "");
    expect(taintedNodes()).toEqual(laterBatch);

    await sim.pass(REPLACING_TAINT_BOUND_MS + 1_000);
    const late = await noticeOf(group[1]?.instanceId ?? "");

    expect(late.status).toBe("InProgress");
    expect(late.untainted.sort()).toEqual(laterBatch);
    expect(taintedNodes()).toEqual([]);
  });

  it("a restore removes the taint and its annotation", async () => {
    const { sim, noticeOf, taintedNodes } = await refreshUnderWay();
    await noticeOf(group[0]?.instanceId ?? "");
    const [node] = laterBatch;

    const restored = await sim.run(() => restoreNode({ cluster: sim.cluster, nodeName: node ?? "" }));

    expect(restored.taintsRemoved).toEqual([REPLACING_TAINT_KEY]);
    expect(taintedNodes()).toEqual(laterBatch.slice(1));
  });
});
