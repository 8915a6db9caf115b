import { describe, expect, it } from "vitest";
import { planDrain } from "../../src/drain/plan-drain.js";
import { drainPolicyWith } from "../../src/drain/policy.js";
import { FakeClock } from "./support/fake-clock.js";
import { FakeCluster } from "./support/fake-cluster.js";
import { workload } from "./support/fake-workloads.js";

function setup() {
  const clock = new FakeClock();
  const cluster = new FakeCluster(clock);
  cluster.addNode("node-a");
  cluster.addNode("node-b");
  return { clock, cluster };
}

async function settle(clock: FakeClock): Promise<void> {
  await clock.sleep(1_000); // lets the fake disruption controller publish budget status
}

describe("planDrain", () => {
  it("lists the pods that tolerate the cordon: their replacements may come back", async () => {
    const { clock, cluster } = setup();
    const [agent] = cluster.addWorkload(workload("Deployment", "agent", { tolerateAll: true }));
    cluster.addWorkload(workload("Deployment", "web"));
    await settle(clock);

    const plan = await planDrain({ cluster, clock, nodeName: "node-a", policy: drainPolicyWith({}) });

    expect(plan.blockers).toEqual([
      {
        pod: expect.objectContaining({ name: agent?.metadata?.name }),
        kind: "may-return",
        message: expect.stringMatching(
          /tolerates the cordoned node's taints \(\{any key, operator Exists, any effect\}\): .* evicted at most 2 times, then left$/,
        ),
      },
    ]);
  });

  it("gives each pod its action, reason, tier and budget", async () => {
    const { clock, cluster } = setup();
    cluster.addWorkload(workload("Deployment", "web", { replicas: 3, budget: { maxUnavailable: 1 } }));
    cluster.addWorkload(workload("DaemonSet", "agent"));
    cluster.addWorkload(workload("Deployment", "dns", { priorityClassName: "system-cluster-critical" }));
    await settle(clock);

    const plan = await planDrain({ cluster, clock, nodeName: "node-a", policy: drainPolicyWith({}) });

    const web = plan.pods.filter((pod) => pod.name.startsWith("web"));
    expect(web).toHaveLength(3);
    expect(web[0]).toMatchObject({
      action: "evict",
      tier: "ordinary",
      budgets: [
        { name: "default/web", disruptionsAllowed: 1, desiredHealthy: 2, currentHealthy: 3, expectedPods: 3 },
      ],
    });
    expect(plan.pods.find((pod) => pod.name.startsWith("agent"))).toMatchObject({
      action: "skip",
      reason: "daemonset",
    });
    expect(plan.pods.find((pod) => pod.name.startsWith("dns"))).toMatchObject({
      action: "evict",
      tier: "critical",
    });
    expect(plan.tiers).toEqual([
      { tier: "ordinary", pods: 3 },
      { tier: "critical", pods: 1 },
    ]);
    expect(plan.blockers).toEqual([]);
  });

  it("names the blockers: a budget that can never allow, two budgets, an opt-out, a refused pod", async () => {
    const { clock, cluster } = setup();
    cluster.addWorkload(workload("Deployment", "solo", { budget: { minAvailable: 1 } }));
    cluster.addWorkload(workload("Deployment", "twice", { replicas: 2, budget: { maxUnavailable: 1 } }));
    cluster.addBudget("default", "twice-again", "twice", { minAvailable: 1 });
    cluster.addWorkload(
      workload("Deployment", "batch", { annotations: { "eks-node-drainer/opt-out": "true" } }),
    );
    cluster.addWorkload(workload("Pod", "handmade"));
    await settle(clock);

    const plan = await planDrain({
      cluster,
      clock,
      nodeName: "node-a",
      policy: drainPolicyWith({ barePods: "refuse" }),
    });

    const kinds = plan.blockers
      .map((blocker) => [blocker.pod.name.replace(/-uid-\d+$/, ""), blocker.kind])
      .sort();
    expect(kinds).toEqual([
      ["batch", "opted-out"],
      ["handmade", "refused"],
      ["solo", "budget-never-allows"],
      ["twice", "multiple-budgets"],
      ["twice", "multiple-budgets"],
    ]);
    expect(plan.blockers.find((blocker) => blocker.kind === "budget-never-allows")?.message).toMatch(
      /needs 1 healthy of 1 expected/,
    );
    expect(plan.estimate.bottleneck).toMatch(/cannot be evicted/);
  });

  it("estimates budget-limited drains in rounds", async () => {
    const { clock, cluster } = setup();
    cluster.addWorkload(
      workload("Deployment", "web", { replicas: 4, graceSeconds: 10, budget: { maxUnavailable: 1 } }),
    );
    await settle(clock);

    const plan = await planDrain({
      cluster,
      clock,
      nodeName: "node-a",
      policy: drainPolicyWith({}),
      assumedStartupSeconds: 20,
    });

    // 4 pods, 1 at a time: 3 waits for a replacement (20 s each) and the last pod's grace (10 s).
    expect(plan.estimate.seconds).toBe(70);
    expect(plan.estimate.bottleneck).toBe("budget default/web: 4 pods, 4 rounds");
  });

  it("marks the pods whose force time has come as force", async () => {
    const { clock, cluster } = setup();
    cluster.addWorkload(workload("Deployment", "web", { graceSeconds: 60 }));

    const plan = await planDrain({
      cluster,
      clock,
      nodeName: "node-a",
      policy: drainPolicyWith({}),
      deadline: clock.now() + 30_000,
    });

    expect(plan.pods[0]).toMatchObject({ action: "force", forceAt: clock.now() - 30_000 });
  });

  it("plans a missing node as empty", async () => {
    const { clock, cluster } = setup();
    const plan = await planDrain({ cluster, clock, nodeName: "ghost", policy: drainPolicyWith({}) });
    expect(plan.node.exists).toBe(false);
    expect(plan.pods).toEqual([]);
  });
});
