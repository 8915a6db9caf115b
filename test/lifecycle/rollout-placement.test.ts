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

  it("without a list of instances to replace, taints those in service launched before the refresh started", async () => {
    const { sim, taintedNodes } = await refreshUnderWay();
    const startedAt = sim.clock.now();
    const launchedAt = (index: number) => (index < 3 ? startedAt - 3_600_000 : startedAt + 60_000);
    const instances = {
      describe: async (instanceId: string) => {
        const index = group.findIndex((entry) => entry.instanceId === instanceId);
        const entry = group[index];
        if (entry === undefined) return undefined;
        return {
          instanceId,
          privateDnsName: entry.node,
          availabilityZone: "us-east-1a",
          state: "running",
          tags: {},
          launchedAt: launchedAt(index),
        };
      },
    };
    const lifecycle = {
      describeHook: async () => ({
        heartbeatTimeoutSeconds: 300,
        defaultResult: "ABANDON" as const,
        globalTimeoutSeconds: 30_000,
      }),
      recordHeartbeat: async () => "recorded" as const,
      complete: async () => "completed" as const,
      instanceRefresh: async () => ({
        id: "r-1",
        status: "InProgress" as const,
        startedAt,
        inService: group.slice(1).map((entry) => entry.instanceId),
      }),
    };

    const outcome = await sim.run(() =>
      placeForRollout({
        lifecycle,
        instances,
        link: { clusterName: "sim", client: sim.client, port: sim.cluster },
        log: quietLog,
        asgName: "workers",
        instanceId: group[0]?.instanceId ?? "",
        now: sim.clock.now(),
      }),
    );

    // ip-10-0-0-4 was launched after the refresh started: a new instance, left alone.
    expect(outcome.tainted.sort()).toEqual([group[1]?.node, group[2]?.node]);
    expect(taintedNodes()).toEqual([group[1]?.node, group[2]?.node]);
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
