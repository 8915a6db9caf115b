import { type DrainRequest, drainNode } from "../../src/drain/drain-node.js";
import type { DrainEvent } from "../../src/drain/events.js";
import { type DrainPolicy, drainPolicyWith } from "../../src/drain/policy.js";
import type { DrainResult } from "../../src/drain/result.js";
import { SharedBudgets } from "../../src/drain/shared-budgets.js";
import { type KubeClient, kubeClientFromEndpoint } from "../../src/kube/kube-client.js";
import { KubeCluster } from "../../src/kube/kube-cluster.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { loadScenario, parseScenario, type SimCluster, startSimCluster } from "../../src/sim/index.js";
import { type Clock, systemClock } from "../../src/time/clock.js";
import { createManualClock } from "../../src/time/manual-clock.js";
import { onVirtualTime } from "./virtual-time.js";

/** A simulated cluster and the drain engine wired to it over HTTPS, through the Kubernetes adapter. */
export interface SimDrain {
  sim: SimCluster;
  client: KubeClient;
  cluster: KubeCluster;
  nodeName: string;
  events: DrainEvent[];
  eventsOf<K extends DrainEvent["kind"]>(kind: K): Array<Extract<DrainEvent, { kind: K }>>;
  /** The clock of the cluster and the drain: with `virtualTime`, a manual one moved whenever both wait. */
  clock: Clock;
  /** Drains the scenario's node; the deadline defaults to ten minutes from now. */
  drain(policy?: Partial<DrainPolicy>, request?: Partial<DrainRequest>): Promise<DrainResult>;
  /**
   * Drains several nodes at once: each through a client of its own, as concurrent Lambda invocations
   * would, or (`shared`) all through `cluster` with one budget watch and one gate per budget, as the CLI
   * draining several nodes does. Jitter seeds are the drain's seed plus the node's index.
   */
  drainNodes(
    nodeNames: readonly string[],
    options?: { policy?: Partial<DrainPolicy>; shared?: boolean; drainsAtOnce?: number },
  ): Promise<DrainResult[]>;
  /** The PersistentVolume bound to a claim, as the simulated cluster has it. */
  volumeOfClaim(namespace: string, claim: string): string;
  /** PersistentVolume names attached to the drained node now (VolumeAttachments not yet deleted). */
  attachedToNode(): string[];
  /** Runs `work` against the cluster: with `virtualTime`, the clock moves whenever `work` and the cluster wait. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** With `virtualTime`: moves the clock `ms` forward in 100 ms steps, letting the cluster's work settle. */
  pass(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SimDrainOptions {
  /** One manual clock for the simulator and the drain, moved whenever both wait (./virtual-time.ts). */
  virtualTime?: boolean;
  /** Seed of the drain's jitter. */
  seed?: number;
}

/**
 * The one factory of engine-on-simulator tests: starts the simulated cluster of a scenario file (or inline
 * YAML) and a drainer wired to it over HTTPS, as the Lambda and the CLI wire it.
 */
export async function startSimDrain(
  source: { file: string } | { yaml: string },
  options: SimDrainOptions = {},
): Promise<SimDrain> {
  const scenario =
    "file" in source ? await loadScenario(source.file) : parseScenario(source.yaml, "inline scenario");
  const manual = options.virtualTime ? createManualClock() : undefined;
  const clock: Clock = manual ?? systemClock;
  const sim = await startSimCluster(scenario, { clock });
  const client = kubeClientFromEndpoint({
    server: sim.server,
    caData: sim.caData,
    token: async () => sim.token,
  });
  const cluster = new KubeCluster(client, { pollIntervalMs: 500, clock });
  const nodeName = scenario.drainNode ?? scenario.nodes[0]?.name ?? "";
  const events: DrainEvent[] = [];
  const runWork = <T>(work: () => Promise<T>): Promise<T> =>
    manual ? onVirtualTime(manual, work, { busy: () => sim.requestsInFlight() > 0 }) : work();
  return {
    sim,
    client,
    cluster,
    nodeName,
    events,
    eventsOf: <K extends DrainEvent["kind"]>(kind: K) =>
      events.filter((event): event is Extract<DrainEvent, { kind: K }> => event.kind === kind),
    clock,
    run: runWork,
    drain: (policy = {}, request = {}) =>
      runWork(() =>
        drainNode({
          cluster,
          clock,
          nodeName,
          policy: drainPolicyWith(policy),
          deadline: clock.now() + 10 * 60_000,
          random: seededRandom(options.seed ?? 11),
          ...request,
          observer: (event) => {
            events.push(event);
            request.observer?.(event);
          },
        }),
      ),
    drainNodes: (nodeNames, drainOptions = {}) => {
      const policy = drainPolicyWith(drainOptions.policy ?? {});
      const seed = options.seed ?? 11;
      const run = async () => {
        const shared = drainOptions.shared
          ? new SharedBudgets({ policy, random: seededRandom(seed), identity: "process" })
          : undefined;
        shared?.open(cluster);
        const clients = nodeNames.map(() =>
          shared === undefined
            ? kubeClientFromEndpoint({ server: sim.server, caData: sim.caData, token: async () => sim.token })
            : undefined,
        );
        try {
          return await Promise.all(
            nodeNames.map((name, index) => {
              const own = clients[index];
              return drainNode({
                cluster: own === undefined ? cluster : new KubeCluster(own, { pollIntervalMs: 500, clock }),
                clock,
                nodeName: name,
                policy,
                deadline: clock.now() + 10 * 60_000,
                random: seededRandom(seed + index),
                ...(shared === undefined ? {} : { sharedBudgets: shared }),
                ...(drainOptions.drainsAtOnce === undefined
                  ? {}
                  : { drainsAtOnce: drainOptions.drainsAtOnce }),
                observer: (event) => events.push(event),
              });
            }),
          );
        } finally {
          shared?.close();
          await Promise.all(clients.map((own) => own?.close()));
        }
      };
      return runWork(run);
    },
    volumeOfClaim: (namespace, claim) => {
      const found = sim.view.persistentVolumeClaims(namespace).find((item) => item.metadata.name === claim);
      const volume = found?.spec.volumeName;
      if (typeof volume !== "string") throw new Error(`claim ${namespace}/${claim} is not bound`);
      return volume;
    },
    attachedToNode: () =>
      sim.view
        .volumeAttachments()
        .filter((attachment) => attachment.spec.nodeName === nodeName)
        .map((attachment) => attachment.spec.source.persistentVolumeName ?? attachment.metadata.name),
    pass: async (ms) => {
      if (manual === undefined) throw new Error("pass() needs a drain started with virtualTime");
      for (let moved = 0; moved < ms; moved += PASS_STEP_MS) {
        await manual.advance(PASS_STEP_MS);
        await settle();
      }
    },
    stop: async () => {
      await client.close();
      await sim.stop();
    },
  };
}

/** Virtual time moved per step of `pass`; the cluster's requests settle between steps. */
const PASS_STEP_MS = 100;
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
