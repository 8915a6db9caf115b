import { systemClock } from "../../../src/drain/clock.js";
import type { DrainRequest } from "../../../src/drain/drain-node.js";
import { drainNode } from "../../../src/drain/drain-node.js";
import type { DrainEvent } from "../../../src/drain/events.js";
import { type DrainPolicy, drainPolicyWith } from "../../../src/drain/policy.js";
import type { DrainResult } from "../../../src/drain/result.js";
import { type KubeClient, kubeClientFromEndpoint } from "../../../src/kube/kube-client.js";
import { KubeCluster } from "../../../src/kube/kube-cluster.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import { loadScenario, parseScenario, type SimCluster, startSimCluster } from "../../../src/sim/index.js";

export interface SimDrainHarness {
  sim: SimCluster;
  client: KubeClient;
  cluster: KubeCluster;
  events: DrainEvent[];
  nodeName: string;
  drain(policy?: Partial<DrainPolicy>, request?: Partial<DrainRequest>): Promise<DrainResult>;
  stop(): Promise<void>;
}

/** Starts the simulated cluster of a scenario file (or inline YAML) and a drainer wired to it over HTTPS. */
export async function startHarness(source: { file: string } | { yaml: string }): Promise<SimDrainHarness> {
  const scenario =
    "file" in source ? await loadScenario(source.file) : parseScenario(source.yaml, "inline scenario");
  const sim = await startSimCluster(scenario);
  const client = kubeClientFromEndpoint({
    server: sim.server,
    caData: sim.caData,
    token: async () => sim.token,
  });
  const cluster = new KubeCluster(client, { pollIntervalMs: 500 });
  const events: DrainEvent[] = [];
  const nodeName = scenario.drainNode ?? scenario.nodes[0]?.name ?? "";
  return {
    sim,
    client,
    cluster,
    events,
    nodeName,
    drain: (policy = {}, request = {}) =>
      drainNode({
        cluster,
        clock: systemClock,
        nodeName,
        policy: drainPolicyWith(policy),
        deadline: Date.now() + 10 * 60_000,
        random: seededRandom(11),
        ...request,
        observer: (event) => {
          events.push(event);
          request.observer?.(event);
        },
      }),
    stop: async () => {
      await client.close();
      await sim.stop();
    },
  };
}
