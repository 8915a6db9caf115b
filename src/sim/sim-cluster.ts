import { randomBytes } from "node:crypto";
import type * as z from "zod";
import { SeededRandom } from "../random/seeded-random.js";
import { type Clock, systemClock } from "../time/clock.js";
import { ApiServer } from "./api-server.js";
import { AttachDetachController } from "./attach-detach.js";
import { AvailabilityRecord, type AvailabilityView } from "./availability.js";
import { BudgetTracker } from "./budget-tracker.js";
import { seedBudget, seedCluster, seedWorkload } from "./cluster-seed.js";
import { type ClusterView, clusterView } from "./cluster-view.js";
import { ControlPlane } from "./control-plane.js";
import { DaemonSetController } from "./daemon-set-controller.js";
import { DeploymentController } from "./deployment-controller.js";
import { DisruptionController } from "./disruption-controller.js";
import type { EvictionContext } from "./eviction.js";
import { EvictionLineage, type EvictionsPerPod } from "./eviction-lineage.js";
import { type FaultControl, Faults } from "./faults.js";
import type { Node, Pod, Workload } from "./kube-objects.js";
import { kubeconfigYaml, writeKubeconfig } from "./kubeconfig.js";
import { Kubelet } from "./kubelet.js";
import { LoadBalancerController } from "./load-balancer-controller.js";
import { NodeHealth } from "./node-health.js";
import { NodeLifecycle } from "./node-lifecycle.js";
import { nodeObject } from "./node-object.js";
import { ObjectStore, type StoredObject } from "./object-store.js";
import { PodIndex } from "./pod-index.js";
import { setCondition } from "./pod-state.js";
import { Recorder, type SimRecorder } from "./recorder.js";
import { ReplicaSetController } from "./replica-set-controller.js";
import { resourceTypes } from "./resource-types.js";
import { budgetSchema, type Scenario, type ScenarioBudget, workloadSchema } from "./scenario-schema.js";
import { Scheduler } from "./scheduler.js";
import { StatefulSetController } from "./stateful-set-controller.js";
import { TargetGroupDirectory } from "./target-groups.js";
import { TimerSet } from "./timer-set.js";
import { tlsMaterial } from "./tls-material.js";
import { WatchHub } from "./watch-hub.js";

export interface SimClusterOptions {
  /** Drives kubelet, controllers and timestamps; real time by default. */
  clock?: Clock;
  /** Seeds names, UIDs and faults; defaults to the scenario's seed, else 1. */
  seed?: number;
  /** Accepts bearer tokens besides `token` (an EKS token, say). */
  acceptToken?: (bearer: string) => boolean;
}

export interface SimCluster {
  /** "https://127.0.0.1:PORT" */
  readonly server: string;
  /** Base64 of the CA PEM, as kubeconfig certificate-authority-data and EKS DescribeCluster carry it. */
  readonly caData: string;
  /** A bearer token the server accepts; a missing or wrong token gets a 401 Status. */
  readonly token: string;
  /** A kubeconfig file in a temporary directory (removed on stop). */
  readonly kubeconfigPath: string;
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly recorder: SimRecorder;
  readonly faults: FaultControl;
  readonly view: ClusterView;
  /** Each workload's time below its desired Ready count and with none Ready, since the cluster started. */
  readonly availability: AvailabilityView;
  /** The scenario's ELBv2 target groups, kept by a simulated AWS Load Balancer Controller. */
  readonly targetGroups: TargetGroupDirectory;
  /** The kubeconfig's YAML. */
  kubeconfig(): string;
  /**
   * Requests being answered (watches excepted) and TLS handshakes under way. A test on a manual clock
   * moves time only when this is 0 (test/support/virtual-time.ts).
   */
  requestsInFlight(): number;
  /** Adds a workload (same fields as a scenario's `workloads` entry, with its budget) at run time. */
  addWorkload(workload: z.input<typeof workloadSchema>): void;
  /** Adds a budget (same fields as a scenario's `budgets` entry) at run time. */
  addBudget(budget: z.input<typeof budgetSchema>): void;
  /** Sets the replicas of a Deployment or StatefulSet. */
  scale(namespace: string, name: string, replicas: number): void;
  /** Flips a pod's Ready condition, as a failing or passing readiness probe would. */
  setPodReady(namespace: string, name: string, ready: boolean): void;
  /** Accepted evictions per workload replica lineage (eviction-lineage.ts). */
  evictionsPerPod(): EvictionsPerPod;
  /** Removes a Node object, as when its instance disappears; its pods are collected after podGcSeconds. */
  deleteNode(name: string): void;
  /** A scenario node with `joined: false` registers its Node now, Ready (its instance was launched). */
  joinNode(name: string): void;
  /** Stops the node's kubelet now: it goes Unknown after nodeMonitorGraceSeconds, its pods stay as they are. */
  stopKubelet(name: string): void;
  /** Starts the node's kubelet again (its instance started): the Node is Ready, keeping its cordon, taints, labels. */
  startKubelet(name: string): void;
  /** Sets spec.unschedulable, as `kubectl cordon` / `kubectl uncordon` do (and nothing else). */
  setUnschedulable(name: string, unschedulable: boolean): void;
  /** Forgets the watch history: watches resuming from an older resourceVersion then get 410 Expired. */
  compactWatchHistory(): void;
  /** Closes the server, open watches and timers, and removes the kubeconfig. */
  stop(): Promise<void>;
}

function surface(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Starts a simulated cluster for the scenario: its API server listens on 127.0.0.1 at a free port. */
export async function startSimCluster(
  scenario: Scenario,
  options: SimClusterOptions = {},
): Promise<SimCluster> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? scenario.seed ?? 1;
  const store = new ObjectStore();
  const recorder = new Recorder();
  const timers = new TimerSet(clock, surface);
  const watches = new WatchHub(store);
  const faults = new Faults(scenario.faults, new SeededRandom(seed ^ 0x5eed), () => watches.dropAll());
  const plane = new ControlPlane(store, clock, new SeededRandom(seed), recorder, faults, timers, {
    controllerDelayMs: scenario.controllerDelaySeconds * 1000,
    detachMs: scenario.detachSeconds * 1000,
    attachMs: scenario.attachSeconds * 1000,
    podGcMs: scenario.podGcSeconds * 1000,
    nodeMonitorGraceMs: scenario.nodeMonitorGraceSeconds * 1000,
  });

  const pods = new PodIndex(store);
  const availability = new AvailabilityRecord(plane);
  let disruption: DisruptionController | undefined;
  const budgets = new BudgetTracker(
    plane,
    (budget, selected) => disruption?.desiredHealthy(budget, selected) ?? 0,
  );
  disruption = new DisruptionController(plane, budgets);
  new Kubelet(plane, pods);
  new Scheduler(plane, pods);
  new NodeLifecycle(plane, pods, budgets);
  new DeploymentController(plane, pods);
  const nodeHealth = new NodeHealth(plane, pods, budgets);
  new ReplicaSetController(plane, pods, budgets);
  new StatefulSetController(plane, pods, budgets);
  new DaemonSetController(plane, pods);
  new AttachDetachController(plane);

  seedCluster(plane, scenario);
  const targetGroups = new TargetGroupDirectory(scenario.targetGroups, clock);
  const view = clusterView(store, scenario.nodes);
  new LoadBalancerController(plane, targetGroups, () => view.instances()).start();
  disruption.syncAll();
  availability.begin();
  const stopKubelet = scenario.faults.stopKubelet;
  if (stopKubelet)
    timers.after(stopKubelet.afterSeconds * 1000, () => nodeHealth.stopKubelet(stopKubelet.node));

  const removeNode = (name: string) => {
    const node = store.get(resourceTypes.nodes, undefined, name);
    if (node) store.remove(node);
  };
  const evictionsByNode = new Map<string, number>();
  const lineage = new EvictionLineage(store);
  const eviction: EvictionContext = {
    plane,
    budgets,
    afterEviction: (pod: Pod) => {
      lineage.evicted(pod);
      const nodeName = pod.spec.nodeName;
      if (!nodeName) return;
      const count = (evictionsByNode.get(nodeName) ?? 0) + 1;
      evictionsByNode.set(nodeName, count);
      if (faults.nodeToDelete(nodeName, count)) timers.after(0, () => removeNode(nodeName));
    },
  };

  const tls = await tlsMaterial();
  const token = randomBytes(24).toString("base64url");
  const api = new ApiServer({
    tls,
    token,
    ...(options.acceptToken ? { acceptToken: options.acceptToken } : {}),
    context: { plane, budgets, eviction },
    watches,
    faults,
    recorder,
    clock,
  });
  const port = await api.listen();
  const server = `https://127.0.0.1:${port}`;
  const caData = Buffer.from(tls.caPem).toString("base64");
  const yaml = kubeconfigYaml({ server, caData, token, name: `sim-${scenario.name}` });
  const kubeconfigFile = await writeKubeconfig(yaml).catch(async (cause: unknown) => {
    await api.close();
    throw new Error("writing the simulated cluster's kubeconfig", { cause });
  });

  let stopped = false;
  return {
    server,
    caData,
    token,
    kubeconfigPath: kubeconfigFile.path,
    scenario,
    clock,
    recorder,
    faults,
    view,
    availability,
    targetGroups,
    kubeconfig: () => yaml,
    addWorkload: (input) => {
      const workload = workloadSchema.parse(input);
      seedWorkload(plane, workload);
    },
    addBudget: (input) => {
      const budget: ScenarioBudget = budgetSchema.parse(input);
      seedBudget(plane, budget);
    },
    scale: (namespace, name, replicas) => {
      const deployment = store.get(resourceTypes.deployments, namespace, name) as
        | StoredObject<Workload>
        | undefined;
      const statefulSet = store.get(resourceTypes.statefulSets, namespace, name) as
        | StoredObject<Workload>
        | undefined;
      const target = deployment ?? statefulSet;
      if (!target) throw new Error(`scaling ${namespace}/${name}: no Deployment or StatefulSet of that name`);
      const bump = (draft: Workload) => {
        draft.spec.replicas = replicas;
        draft.metadata.generation = (draft.metadata.generation ?? 1) + 1;
      };
      // A Deployment's ReplicaSet follows through the Deployment controller.
      store.update(target, bump);
    },
    setPodReady: (namespace, name, ready) => {
      const stored = store.get(resourceTypes.pods, namespace, name) as StoredObject<Pod> | undefined;
      if (!stored) throw new Error(`setting readiness of ${namespace}/${name}: no such pod`);
      store.update(stored, (draft) => {
        for (const type of ["Ready", "ContainersReady"]) {
          draft.status.conditions = setCondition(draft.status.conditions, {
            type,
            status: ready ? "True" : "False",
            lastProbeTime: null,
            lastTransitionTime: plane.timestamp(),
          });
        }
        for (const status of draft.status.containerStatuses ?? []) status.ready = ready;
      });
    },
    deleteNode: (name) => {
      if (!store.get(resourceTypes.nodes, undefined, name))
        throw new Error(`deleting node ${name}: no such node`);
      removeNode(name);
    },
    evictionsPerPod: () => lineage.summary(),
    joinNode: (name) => {
      const index = scenario.nodes.findIndex((node) => node.name === name);
      const node = scenario.nodes[index];
      if (node === undefined) throw new Error(`joining node ${name}: no such node in the scenario`);
      if (store.get(resourceTypes.nodes, undefined, name)) return;
      store.create(resourceTypes.nodes, nodeObject(plane, node, index));
    },
    stopKubelet: (name) => {
      if (!store.get(resourceTypes.nodes, undefined, name))
        throw new Error(`stopping the kubelet of node ${name}: no such node`);
      nodeHealth.stopKubelet(name);
    },
    startKubelet: (name) => {
      if (!store.get(resourceTypes.nodes, undefined, name))
        throw new Error(`starting the kubelet of node ${name}: no such node`);
      nodeHealth.startKubelet(name);
    },
    setUnschedulable: (name, unschedulable) => {
      const stored = store.get(resourceTypes.nodes, undefined, name) as StoredObject<Node> | undefined;
      if (!stored) throw new Error(`cordoning node ${name}: no such node`);
      store.update(stored, (draft) => {
        if (unschedulable) draft.spec.unschedulable = true;
        else delete draft.spec.unschedulable;
      });
    },
    compactWatchHistory: () => store.compact(),
    requestsInFlight: () => api.requestsInFlight(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      timers.stop();
      await api.close();
      await kubeconfigFile.remove();
    },
  };
}
