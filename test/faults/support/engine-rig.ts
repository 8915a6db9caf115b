import { drainNode } from "../../../src/drain/drain-node.js";
import type { DrainEvent } from "../../../src/drain/events.js";
import { type DrainPolicy, drainPolicyWith } from "../../../src/drain/policy.js";
import type { DrainResult } from "../../../src/drain/result.js";
import { kubeClientFromEndpoint } from "../../../src/kube/kube-client.js";
import { KubeCluster } from "../../../src/kube/kube-cluster.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import type { SimCluster } from "../../../src/sim/index.js";
import type { Clock } from "../../../src/time/clock.js";
import { startSimDrain } from "../../support/sim-drain.js";

/** Retries sized for drains of seconds (the defaults are sized for real clusters). */
export const quickPolicy: Partial<DrainPolicy> = {
  budgetBackoff: { initialMs: 50, maxMs: 500 },
  transientBackoff: { initialMs: 50, maxMs: 500 },
};

export interface DrainRun {
  seed: number;
  /** Epoch ms; defaults to ten minutes from now. Ignored by a resumed drain (it keeps its own). */
  deadline?: number;
  signal?: AbortSignal;
  policy?: Partial<DrainPolicy>;
  observer?: (event: DrainEvent) => void;
}

export interface EngineRig {
  sim: SimCluster;
  nodeName: string;
  clock: Clock;
  /** One drain by a fresh engine instance: its own client, connections and caches, as a new process has. */
  drain(run: DrainRun): Promise<DrainResult>;
  stop(): Promise<void>;
}

/**
 * The engine-on-simulator factory (../../support/sim-drain.ts) with a fresh drainer for each drain, over
 * HTTPS through the real adapter. On the virtual clock unless `realTime` (drainers in other processes).
 */
export async function startEngineRig(
  scenarioYaml: string,
  nodeName: string,
  options: { realTime?: boolean } = {},
): Promise<EngineRig> {
  const base = await startSimDrain({ yaml: scenarioYaml }, { virtualTime: options.realTime !== true });
  const { sim, clock } = base;
  return {
    sim,
    nodeName,
    clock,
    drain: (run) =>
      base.run(async () => {
        const client = kubeClientFromEndpoint({
          server: sim.server,
          caData: sim.caData,
          token: async () => sim.token,
          requestTimeoutMs: 10_000,
        });
        try {
          return await drainNode({
            cluster: new KubeCluster(client, { pollIntervalMs: 200, clock }),
            clock,
            nodeName,
            policy: drainPolicyWith({ ...quickPolicy, ...run.policy }),
            deadline: run.deadline ?? clock.now() + 10 * 60_000,
            random: seededRandom(run.seed),
            ...(run.signal === undefined ? {} : { signal: run.signal }),
            ...(run.observer === undefined ? {} : { observer: run.observer }),
          });
        } finally {
          await client.close();
        }
      }),
    stop: () => base.stop(),
  };
}
