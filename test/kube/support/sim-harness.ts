import { seededRandom } from "../../../src/drain/backoff.js";
import { type Clock, systemClock } from "../../../src/drain/clock.js";
import type { DrainRequest } from "../../../src/drain/drain-node.js";
import { drainNode } from "../../../src/drain/drain-node.js";
import type { DrainEvent } from "../../../src/drain/events.js";
import { type DrainPolicy, drainPolicyWith } from "../../../src/drain/policy.js";
import type { DrainResult } from "../../../src/drain/result.js";
import { type KubeClient, kubeClientFromEndpoint } from "../../../src/kube/kube-client.js";
import { KubeCluster } from "../../../src/kube/kube-cluster.js";
import {
  createManualClock,
  loadScenario,
  type ManualClock,
  parseScenario,
  type SimCluster,
  startSimCluster,
} from "../../../src/sim/index.js";

export interface SimDrainHarness {
  sim: SimCluster;
  client: KubeClient;
  cluster: KubeCluster;
  events: DrainEvent[];
  nodeName: string;
  /** The clock both sides run on: the system clock, or the manual one with `manualClock`. */
  clock: Clock;
  drain(policy?: Partial<DrainPolicy>, request?: Partial<DrainRequest>): Promise<DrainResult>;
  /** With a manual clock: moves it `ms` forward in steps (real I/O settles between steps). */
  pass(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Virtual time moved per step of a manual clock while work runs. */
const STEP_MS = 100;
const realPause = () => new Promise<void>((resolve) => setTimeout(resolve, 2));

/**
 * Starts the simulated cluster of a scenario file (or inline YAML) and a drainer wired to it over HTTPS.
 * With `manualClock`, both run on one manual clock that `drain` and `pass` move in 100 ms steps while the
 * work runs: minutes of start-up, timeouts and deadlines pass in seconds, and assertions rest on the order
 * of what happened, never on real time.
 */
export async function startHarness(
  source: ({ file: string } | { yaml: string }) & { manualClock?: boolean },
): Promise<SimDrainHarness> {
  const scenario =
    "file" in source ? await loadScenario(source.file) : parseScenario(source.yaml, "inline scenario");
  const manual: ManualClock | undefined = source.manualClock ? createManualClock() : undefined;
  const clock: Clock = manual ?? systemClock;
  const sim = await startSimCluster(scenario, manual === undefined ? {} : { clock: manual });
  const client = kubeClientFromEndpoint({
    server: sim.server,
    caData: sim.caData,
    token: async () => sim.token,
  });
  const cluster = new KubeCluster(client, {
    pollIntervalMs: 500,
    ...(manual === undefined ? {} : { clock }),
  });
  const events: DrainEvent[] = [];
  const nodeName = scenario.drainNode ?? scenario.nodes[0]?.name ?? "";
  const during = async <T>(work: Promise<T>): Promise<T> => {
    if (manual === undefined) return work;
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    while (!settled) {
      await manual.advance(STEP_MS);
      await realPause();
    }
    return watched;
  };
  return {
    sim,
    client,
    cluster,
    events,
    nodeName,
    clock,
    drain: (policy = {}, request = {}) =>
      during(
        drainNode({
          cluster,
          clock,
          nodeName,
          policy: drainPolicyWith(policy),
          deadline: clock.now() + 10 * 60_000,
          random: seededRandom(11),
          ...request,
          observer: (event) => {
            events.push(event);
            request.observer?.(event);
          },
        }),
      ),
    pass: async (ms) => {
      if (manual === undefined) throw new Error("pass() needs a harness started with manualClock");
      for (let moved = 0; moved < ms; moved += STEP_MS) {
        await manual.advance(STEP_MS);
        await realPause();
      }
    },
    stop: async () => {
      await client.close();
      await sim.stop();
    },
  };
}
