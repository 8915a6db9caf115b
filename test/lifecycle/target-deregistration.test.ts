import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { LoadBalancing } from "../../src/aws/load-balancing.js";
import type { DrainEvent } from "../../src/drain/events.js";
import type { DrainResult, DrainStatus } from "../../src/drain/result.js";
import type { BoundTargetGroup } from "../../src/kube/target-group-bindings.js";
import {
  type TargetProgress,
  type TargetWaitSetup,
  withTargetDeregistration,
} from "../../src/lifecycle/target-deregistration.js";
import { SimulatedAutoScalingGroup } from "../../src/sim/auto-scaling-group.js";
import { TargetGroupDirectory, targetGroupSchema } from "../../src/sim/target-groups.js";
import { createManualClock, type ManualClock } from "../../src/time/manual-clock.js";
import { MemoryLog } from "../lambda/support/memory-log.js";
import { onVirtualTime } from "../support/virtual-time.js";

const instanceId = "i-0a1b2c3d4e5f61001";
const podIp = "10.0.1.23";
const otherIp = "10.0.2.40";
const second = 1000;

/** A node behind a group target group (30 s delay) and an ip TargetGroupBinding (20 s delay). */
function rig(options: { delays?: { group: number; ip: number }; setup?: Partial<TargetWaitSetup> } = {}) {
  const clock = createManualClock();
  const delays = options.delays ?? { group: 30, ip: 20 };
  const directory = new TargetGroupDirectory(
    [
      {
        name: "workers-ingress",
        targetType: "instance",
        attachedToGroup: true,
        deregistrationDelaySeconds: delays.group,
      },
      { name: "k8s-shop-web", targetType: "ip", deregistrationDelaySeconds: delays.ip },
    ].map((spec) => targetGroupSchema.parse(spec)),
    clock,
  );
  const [ingress, web] = directory.all();
  if (ingress === undefined || web === undefined) throw new Error("two target groups expected");
  ingress.register(instanceId);
  web.register(podIp);
  web.register(otherIp);
  const asg = new SimulatedAutoScalingGroup({ name: "workers", clock, targetGroups: directory });
  const deregistered: string[] = [];
  const loadBalancing: LoadBalancing = {
    trafficSources: asg,
    targets: {
      registeredTargets: async (arn) => directory.find(arn)?.targets() ?? [],
      deregister: async (arn, targets) => {
        for (const target of targets) directory.find(arn)?.deregister(target.id);
        deregistered.push(...targets.map((target) => `${directory.find(arn)?.name} ${target.id}`));
      },
    },
  };
  const bindings: BoundTargetGroup[] = [{ binding: "shop/web", targetGroupArn: web.arn, targetType: "ip" }];
  const progress: TargetProgress[] = [];
  const log = new MemoryLog();
  const pod = { metadata: { namespace: "shop", name: "web-1" }, spec: {}, status: { podIP: podIp } } as V1Pod;
  const setup: TargetWaitSetup = {
    clock,
    loadBalancing,
    bindings: async () => bindings,
    podsOnNode: async () => [pod],
    asgName: "workers",
    instanceId,
    wait: undefined,
    deregister: false,
    deadline: clock.now() + 600 * second,
    stopAt: clock.now() + 600 * second,
    log,
    onProgress: (entry) => progress.push(entry),
    ...options.setup,
  };
  return { clock, directory, ingress, web, asg, setup, progress, log, deregistered };
}

/** A drain that evicts the node's web pod (which the load balancer controller then deregisters). */
function drainEvicting(clock: ManualClock, onEvicted: () => void, status: DrainStatus = "drained") {
  return async (_signal: AbortSignal, observer: (event: DrainEvent) => void): Promise<DrainResult> => {
    observer({
      kind: "evicted",
      at: clock.now(),
      nodeName: "ip-10-0-1-10.us-west-2.compute.internal",
      pod: { namespace: "shop", name: "web-1", uid: "u1" },
      tier: "ordinary",
    });
    onEvicted();
    await clock.sleep(2 * second);
    return { status, deadline: Number.POSITIVE_INFINITY } as DrainResult;
  };
}

describe("the wait for target deregistration", () => {
  it("ends only once the instance and the evicted pod's IP have left their target groups", async () => {
    const { clock, asg, web, setup, progress } = rig();
    const { event } = asg.terminate(instanceId); // Auto Scaling starts deregistering the instance (30 s)
    expect(event).toBeDefined();
    const startedAt = clock.now();
    const drain = withTargetDeregistration(
      drainEvicting(clock, () => web.deregister(podIp)),
      setup,
    );
    const result = await onVirtualTime(clock, () => drain(new AbortController().signal, () => {}));

    expect(result.status).toBe("drained");
    const waited = clock.now() - startedAt;
    expect(waited).toBeGreaterThanOrEqual(30 * second);
    expect(waited).toBeLessThanOrEqual(30 * second + 5 * second);
    expect(progress.map((entry) => [entry.kind, entry.targetGroups])).toEqual([
      ["waiting", ["k8s-shop-web", "workers-ingress"]],
      ["waiting", ["workers-ingress"]],
      ["deregistered", ["workers-ingress", "k8s-shop-web"]],
    ]);
  });

  it("waits for the IPs of the pods it evicted, not for other pods' IPs in the same target group", async () => {
    const { clock, setup, progress, web } = rig();
    const drain = withTargetDeregistration(
      drainEvicting(clock, () => web.deregister(podIp)),
      setup,
    );
    await onVirtualTime(clock, () => drain(new AbortController().signal, () => {}));
    // otherIp stays registered; the group's instance was never deregistered by Auto Scaling here, so
    // that group is what the wait runs into: its deadline.
    expect(progress.at(-1)).toMatchObject({ kind: "timed-out", targetGroups: ["workers-ingress"] });
  });

  it("completes at the deadline with the groups still draining named, when the delay outlasts it", async () => {
    const { clock, asg, web, setup, progress, log } = rig({
      delays: { group: 900, ip: 20 },
      setup: {},
    });
    setup.deadline = clock.now() + 60 * second;
    setup.stopAt = setup.deadline;
    asg.terminate(instanceId);
    const drain = withTargetDeregistration(
      drainEvicting(clock, () => web.deregister(podIp)),
      setup,
    );
    const result = await onVirtualTime(clock, () => drain(new AbortController().signal, () => {}));

    expect(result.status).toBe("drained");
    expect(clock.now()).toBe(setup.deadline);
    expect(progress.at(-1)).toMatchObject({
      kind: "timed-out",
      atDeadline: true,
      targetGroups: ["workers-ingress"],
    });
    expect(log.find("target groups still draining at the deadline")).toHaveLength(1);
  });

  it("waits no longer than the engine's deadline when it is nearer (a Spot warning's drain)", async () => {
    const { clock, asg, web, setup, progress } = rig({ delays: { group: 900, ip: 20 } });
    const engineDeadline = clock.now() + 110 * second;
    asg.terminate(instanceId);
    const drain = withTargetDeregistration(async (signal, observer) => {
      const result = await drainEvicting(clock, () => web.deregister(podIp))(signal, observer);
      return { ...result, deadline: engineDeadline };
    }, setup);
    await onVirtualTime(clock, () => drain(new AbortController().signal, () => {}));
    expect(clock.now()).toBe(engineDeadline);
    expect(progress.at(-1)).toMatchObject({ kind: "timed-out", atDeadline: true });
  });

  it("leaves the rest to a continuation when this run's time ends before the deadline", async () => {
    const { clock, asg, web, setup } = rig();
    setup.stopAt = clock.now() + 10 * second;
    asg.terminate(instanceId);
    const drain = withTargetDeregistration(
      drainEvicting(clock, () => web.deregister(podIp)),
      setup,
    );
    const result = await onVirtualTime(clock, () => drain(new AbortController().signal, () => {}));
    expect(result.status).toBe("in-progress");
    expect(clock.now()).toBe(setup.stopAt);
  });

  it("keeps the evicted IPs for a continuation, which waits for them though it evicts nothing", async () => {
    const { clock, asg, web, setup, progress } = rig({ delays: { group: 5, ip: 300 } });
    const kept: string[] = [];
    setup.evictedIps = {
      recall: async () => [...kept],
      remember: async (ips) => {
        kept.push(...ips);
      },
    };
    setup.stopAt = clock.now() + 60 * second;
    asg.terminate(instanceId);
    const first = withTargetDeregistration(
      drainEvicting(clock, () => web.deregister(podIp)),
      setup,
    );
    expect((await onVirtualTime(clock, () => first(new AbortController().signal, () => {}))).status).toBe(
      "in-progress",
    );
    expect(kept).toEqual([podIp]);

    setup.stopAt = setup.deadline;
    const continuation = withTargetDeregistration(
      async () => ({ status: "drained", deadline: Number.POSITIVE_INFINITY }) as DrainResult,
      setup,
    );
    const startedAt = clock.now();
    await onVirtualTime(clock, () => continuation(new AbortController().signal, () => {}));
    // The pod's IP drains for 300 s from its eviction, about 60 s before the continuation began.
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(230 * second);
    expect(progress.at(-1)).toMatchObject({ kind: "deregistered" });
  });

  it("with DEREGISTER_TARGETS deregisters the instance from the group's target groups itself", async () => {
    const { clock, web, setup, deregistered, ingress } = rig({ setup: { deregister: true } });
    const drain = withTargetDeregistration(
      drainEvicting(clock, () => web.deregister(podIp)),
      setup,
    );
    const result = await onVirtualTime(clock, () => drain(new AbortController().signal, () => {}));
    expect(result.status).toBe("drained");
    expect(deregistered).toEqual([`workers-ingress ${instanceId}`]);
    // The wait ended because the instance's deregistration delay ran out: it has left the group.
    expect(ingress.targets()).toEqual([]);
  });

  it("does not wait when WAIT_FOR_TARGET_DEREGISTRATION is false, nor for a drain that did not finish", async () => {
    const off = rig({ setup: { wait: false } });
    const drain = withTargetDeregistration(
      drainEvicting(off.clock, () => {}),
      off.setup,
    );
    await onVirtualTime(off.clock, () => drain(new AbortController().signal, () => {}));
    expect(off.progress).toEqual([]);

    const unfinished = rig();
    const blocked = withTargetDeregistration(
      drainEvicting(unfinished.clock, () => {}, "deadline-left"),
      unfinished.setup,
    );
    const result = await onVirtualTime(unfinished.clock, () =>
      blocked(new AbortController().signal, () => {}),
    );
    expect(result.status).toBe("deadline-left");
    expect(unfinished.progress).toEqual([]);
  });
});
