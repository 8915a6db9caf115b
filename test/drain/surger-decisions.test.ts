import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { DrainState } from "../../src/drain/drain-state.js";
import type { EvictionCandidate } from "../../src/drain/evictor.js";
import { drainPolicyWith } from "../../src/drain/policy.js";
import { Surger } from "../../src/drain/surger.js";
import type { DeploymentFacts, WorkloadPort } from "../../src/drain/workload-port.js";
import { createManualClock } from "../../src/time/manual-clock.js";

function podOf(deployment: string, index: number): EvictionCandidate {
  const hash = "5d9c7b";
  const pod: V1Pod = {
    metadata: {
      name: `${deployment}-${hash}-${index}`,
      namespace: "shop",
      uid: `${deployment}-${index}`,
      labels: { app: deployment, "pod-template-hash": hash },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: `${deployment}-${hash}`,
          uid: "rs",
          controller: true,
        },
      ],
    },
    spec: { nodeName: "ip-10-1-0-10", containers: [{ name: "main" }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
  return {
    pod,
    ref: { namespace: "shop", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" },
    tier: "ordinary",
    budgets: [],
  };
}

function deploymentFacts(name: string): DeploymentFacts {
  return {
    namespace: "shop",
    name,
    generation: 1,
    replicas: 3,
    observedGeneration: 1,
    readyReplicas: 3,
    strategy: { type: "RollingUpdate", maxSurge: "25%" },
    selector: { app: name },
    labels: {},
    annotations: {},
  };
}

/** Deployment reads that answer only when the test says so. */
class SlowWorkloads implements WorkloadPort {
  readonly reads: string[] = [];
  private readonly answers = new Map<string, () => void>();

  getDeployment(_namespace: string, name: string): Promise<DeploymentFacts | undefined> {
    this.reads.push(name);
    return new Promise((resolve) => this.answers.set(name, () => resolve(deploymentFacts(name))));
  }
  answer(name: string): void {
    this.answers.get(name)?.();
  }
  async patchDeployment(): Promise<DeploymentFacts> {
    throw new Error("no surge expected");
  }
  async listDeploymentsLabelled(): Promise<DeploymentFacts[]> {
    return [];
  }
  async autoscalersOf(): Promise<string[]> {
    return [];
  }
}

describe("Surger decisions", () => {
  it("reads every Deployment at once and lets each one's pods go as soon as its own answer is in", async () => {
    const clock = createManualClock();
    const workloads = new SlowWorkloads();
    let wakes = 0;
    const state: DrainState = {
      phase: "evict:ordinary",
      startedAt: clock.now(),
      deadline: clock.now() + 600_000,
      phaseStartedAt: clock.now(),
      updatedAt: clock.now(),
      forced: [],
      counts: { evicted: 0, forced: 0, invocations: 1 },
    };
    const surger = new Surger({
      workloads,
      clock,
      policy: drainPolicyWith({ surge: "annotated" }),
      nodeName: "ip-10-1-0-10",
      state: () => state,
      saveState: async () => true,
      emit: () => {},
      warn: () => {},
      pendingPods: () => [],
      wake: () => {
        wakes += 1;
      },
    });
    const candidates = [podOf("web", 1), podOf("api", 1), podOf("web", 2), podOf("cache", 1)];

    const first = await surger.gate(candidates);
    // Every Deployment is asked for at once; nothing goes before its Deployment's answer.
    expect(workloads.reads.sort()).toEqual(["api", "cache", "web"]);
    expect(first.released).toEqual([]);

    workloads.answer("web");
    await clock.advance(0);
    expect(wakes).toBe(1);
    const second = await surger.gate(candidates);
    expect(second.released.map((candidate) => candidate.ref.name).sort()).toEqual([
      "web-5d9c7b-1",
      "web-5d9c7b-2",
    ]);

    workloads.answer("api");
    workloads.answer("cache");
    await clock.advance(0);
    const third = await surger.gate(candidates);
    expect(third.released).toHaveLength(4);
    // Each Deployment was read once.
    expect(workloads.reads).toHaveLength(3);
  });
});
