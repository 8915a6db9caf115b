import { afterEach, describe, expect, it } from "vitest";
import { DRAIN_STATE_ANNOTATION, readDrainState } from "../../src/drain/drain-state.js";
import { DRAINING_TAINT_KEY, EXCLUDE_FROM_LB_LABEL } from "../../src/drain/policy.js";
import { restoreNode } from "../../src/drain/restore-node.js";
import { type SimDrain, startSimDrain } from "../support/sim-drain.js";

const NODE = "ip-10-0-1-10.us-west-2.compute.internal";
const scenario = `
name: restore
drainNode: ${NODE}
nodes:
  - { name: ${NODE}, instanceId: i-0a1b2c3d4e5f60001, availabilityZone: us-west-2a }
  - { name: ip-10-0-2-20.us-west-2.compute.internal, instanceId: i-0a1b2c3d4e5f60002, availabilityZone: us-west-2b }
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 2
    nodes: [${NODE}, ip-10-0-2-20.us-west-2.compute.internal]
    labels: { app: web }
    terminationGracePeriodSeconds: 30
    shutdownSeconds: 1
`;

let rig: SimDrain | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

function nodeOf(drain: SimDrain) {
  const node = drain.sim.view.nodes().find((candidate) => candidate.metadata.name === NODE);
  if (node === undefined) throw new Error("node gone");
  return node;
}

describe("restoreNode", () => {
  it("undoes exactly what the drain changed: cordon, taint, LB-exclusion label, state", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    const result = await rig.drain();
    expect(result.status).toBe("drained");
    expect(readDrainState(nodeOf(rig) as never)?.changes).toEqual({
      cordoned: true,
      taint: DRAINING_TAINT_KEY,
      excludedFromLoadBalancers: true,
    });

    const restored = await restoreNode({ cluster: rig.cluster, nodeName: NODE });

    expect(restored).toMatchObject({
      status: "restored",
      uncordoned: true,
      taintsRemoved: [DRAINING_TAINT_KEY],
      labelsRemoved: [EXCLUDE_FROM_LB_LABEL],
      annotationsRemoved: [DRAIN_STATE_ANNOTATION],
    });
    await rig.pass(1_000); // the node lifecycle controller drops node.kubernetes.io/unschedulable
    const node = nodeOf(rig);
    expect(node.spec.unschedulable).not.toBe(true);
    expect((node.spec.taints ?? []).map((taint) => taint.key)).toEqual([]);
    expect(node.metadata.labels?.[EXCLUDE_FROM_LB_LABEL]).toBeUndefined();
    expect(node.metadata.annotations?.[DRAIN_STATE_ANNOTATION]).toBeUndefined();
  });

  it("leaves an operator's own cordon and label in place", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    rig.sim.setUnschedulable(NODE, true);
    await rig.cluster.patchNode(NODE, { metadata: { labels: { [EXCLUDE_FROM_LB_LABEL]: "operator" } } });
    expect((await rig.drain()).status).toBe("drained");

    const restored = await restoreNode({ cluster: rig.cluster, nodeName: NODE });

    expect(restored).toMatchObject({
      uncordoned: false,
      taintsRemoved: [DRAINING_TAINT_KEY],
      labelsRemoved: [],
    });
    const node = nodeOf(rig);
    expect(node.spec.unschedulable).toBe(true);
    expect(node.metadata.labels?.[EXCLUDE_FROM_LB_LABEL]).toBe("operator");
    expect((node.spec.taints ?? []).some((taint) => taint.key === DRAINING_TAINT_KEY)).toBe(false);
  });

  it("takes a state written before changes were recorded to have made all three", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    await rig.drain();
    const state = JSON.parse(nodeOf(rig).metadata.annotations?.[DRAIN_STATE_ANNOTATION] ?? "{}");
    delete state.changes;
    await rig.cluster.patchNode(NODE, {
      metadata: { annotations: { [DRAIN_STATE_ANNOTATION]: JSON.stringify(state) } },
    });

    const restored = await restoreNode({ cluster: rig.cluster, nodeName: NODE });

    expect(restored).toMatchObject({
      uncordoned: true,
      taintsRemoved: [DRAINING_TAINT_KEY],
      labelsRemoved: [EXCLUDE_FROM_LB_LABEL],
    });
  });

  it("changes nothing on a dry run, and has nothing to do on a node without a drain state", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    expect(await restoreNode({ cluster: rig.cluster, nodeName: NODE })).toMatchObject({ status: "nothing" });
    await rig.drain();

    const planned = await restoreNode({ cluster: rig.cluster, nodeName: NODE, dryRun: true });

    expect(planned).toMatchObject({ status: "planned", uncordoned: true });
    expect(nodeOf(rig).spec.unschedulable).toBe(true);
  });
});

describe("a new lifecycle action is a new drain", () => {
  it("a different token starts anew with its own deadline, keeping what the earlier drain changed", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    const firstDeadline = rig.clock.now() + 60_000;
    const first = await rig.drain({}, { actionToken: "token-1", deadline: firstDeadline });
    expect(first.status).toBe("drained");
    await rig.pass(3_600_000 / 20);

    const secondDeadline = rig.clock.now() + 30 * 60_000;
    const second = await rig.drain({}, { actionToken: "token-2", deadline: secondDeadline });

    expect(second.status).toBe("drained");
    expect(second.deadline).toBe(secondDeadline);
    const state = readDrainState(nodeOf(rig) as never);
    expect(state).toMatchObject({ actionToken: "token-2", deadline: secondDeadline });
    // The node was still cordoned by the first drain: a later restore must still undo it.
    expect(state?.changes).toMatchObject({ cordoned: true, taint: DRAINING_TAINT_KEY });
  });

  it("a drain by hand (no token) that ended is not resumed by a lifecycle action, even on a cordoned node", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    const byHand = await rig.drain({}, { deadline: rig.clock.now() + 60_000 });
    expect(byHand.status).toBe("drained");
    await rig.pass(120_000);

    const deadline = rig.clock.now() + 30 * 60_000;
    const action = await rig.drain({}, { actionToken: "token-1", deadline });

    expect(action.status).toBe("drained");
    expect(action.deadline).toBe(deadline);
    expect(action.counts.invocations).toBe(1);
  });

  it("the same token resumes its drain and keeps its deadline", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    const firstDeadline = rig.clock.now() + 60 * 60_000;
    const first = await rig.drain(
      {},
      { actionToken: "token-1", deadline: firstDeadline, stopAt: rig.clock.now() },
    );
    expect(first.status).toBe("in-progress");

    const again = await rig.drain(
      {},
      { actionToken: "token-1", deadline: rig.clock.now() + 5 * 60 * 60_000 },
    );

    expect(again.deadline).toBe(firstDeadline);
  });

  it("a run that starts past its deadline applies the deadline policy instead of failing", async () => {
    rig = await startSimDrain({ yaml: scenario }, { virtualTime: true });
    const deadline = rig.clock.now() + 60_000;
    const first = await rig.drain({}, { actionToken: "token-1", deadline, stopAt: rig.clock.now() });
    expect(first.status).toBe("in-progress");
    await rig.pass(120_000);

    const late = await rig.drain({ onDeadline: "force" }, { actionToken: "token-1", deadline });

    expect(late.status).toBe("deadline-forced");
    expect(late.error).toBeUndefined();
    expect(late.counts.forced + late.counts.evicted).toBeGreaterThan(0);
  });
});
