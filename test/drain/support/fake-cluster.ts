import type { V1Node, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type {
  ClusterPort,
  DeleteOutcome,
  DeletePodOptions,
  EvictionOutcome,
  EvictOptions,
  FeedSink,
  NodeMergePatch,
  PodRef,
  ResourceFeed,
  VolumeAttachmentInfo,
} from "../../../src/drain/cluster-port.js";
import { ClusterError } from "../../../src/drain/cluster-port.js";
import type { FakeClock } from "./fake-clock.js";
import { budgetStatus, decideEviction, healthyUnder, sameStatus } from "./fake-disruption.js";
import { clone, FakeFeeds } from "./fake-feeds.js";
import { applyNodePatch, newNode } from "./fake-node.js";
import { FakeVolumes } from "./fake-volumes.js";
import { type FakeWorkload, makePod, type PodTiming } from "./fake-workloads.js";

export interface Violation {
  budget: string;
  pod: string;
  healthy: number;
  desired: number;
  at: number;
}

/**
 * An in-memory cluster behind the engine's port, with the behaviours a drain meets: kubelet grace,
 * controllers replacing pods, the disruption controller (with a delay) and the eviction rules.
 */
export class FakeCluster implements ClusterPort {
  readonly nodes = new Map<string, V1Node>();
  readonly pods = new Map<string, V1Pod>();
  readonly budgets = new Map<string, V1PodDisruptionBudget>();
  readonly workloads = new Map<string, FakeWorkload>();
  readonly timing = new Map<string, PodTiming>();
  readonly requests: Array<{ verb: string; target: string; at: number }> = [];
  readonly violations: Violation[] = [];
  readonly deletions: Array<{ pod: string; uid: string; grace: number; viaEviction: boolean; at: number }> =
    [];
  /** Outcomes to return for the next evictions instead of deciding (fault injection). */
  readonly evictionFaults: EvictionOutcome[] = [];
  controllerDelayMs = 100;
  /** Nodes whose kubelet stopped: their terminating pods stay until something forces them out. */
  readonly stoppedKubelets = new Set<string>();
  readonly feeds = new FakeFeeds();
  private version = 1;
  private uidSeq = 0;

  readonly volumes: FakeVolumes;

  constructor(readonly clock: FakeClock) {
    this.volumes = new FakeVolumes(clock);
  }

  // ---- setup -------------------------------------------------------------------------------------

  addNode(name: string, spec: Partial<V1Node["spec"]> = {}): void {
    this.nodes.set(name, newNode(name, this.bump(), spec));
  }

  addWorkload(workload: FakeWorkload): V1Pod[] {
    this.workloads.set(`${workload.namespace}/${workload.name}`, workload);
    const created: V1Pod[] = [];
    for (let index = 0; index < workload.replicas; index += 1) {
      created.push(this.createPod(workload, workload.node, index, true));
    }
    if (workload.budget !== undefined) {
      this.budgets.set(`${workload.namespace}/${workload.name}`, {
        metadata: {
          name: workload.name,
          namespace: workload.namespace,
          generation: 1,
          resourceVersion: this.bump(),
        },
        spec: { selector: { matchLabels: { app: workload.name } }, ...workload.budget },
        status: {},
      });
      this.recomputeBudgets();
    }
    return created;
  }

  /** A budget selecting `app` labels, e.g. to put a pod under two budgets. */
  addBudget(
    namespace: string,
    name: string,
    app: string,
    spec: { minAvailable?: number; maxUnavailable?: number },
  ) {
    this.budgets.set(`${namespace}/${name}`, {
      metadata: { name, namespace, generation: 1, resourceVersion: this.bump() },
      spec: { selector: { matchLabels: { app } }, ...spec },
      status: {},
    });
    this.recomputeBudgets();
  }

  /**
   * The node's kubelet stops now: pods being deleted stay terminating; after `monitorGraceMs` the node's
   * Ready condition becomes Unknown, as the node lifecycle controller sets it.
   */
  stopKubelet(name: string, monitorGraceMs = 40_000): void {
    this.stoppedKubelets.add(name);
    this.clock.after(monitorGraceMs, () => {
      const node = this.nodes.get(name);
      if (node === undefined) return;
      node.status = {
        conditions: [
          {
            type: "Ready",
            status: "Unknown",
            reason: "NodeStatusUnknown",
            lastTransitionTime: new Date(this.clock.now()),
          },
        ],
      };
      node.metadata = { ...node.metadata, resourceVersion: this.bump() };
    });
  }

  podsOn(node: string): V1Pod[] {
    return [...this.pods.values()].filter((pod) => pod.spec?.nodeName === node);
  }

  count(verb: string): number {
    return this.requests.filter((request) => request.verb === verb).length;
  }

  /** A dropped pod watch: changes are lost until `relistPods`. */
  dropPodWatches(): void {
    this.feeds.mutePods();
  }

  /** The re-list that follows a dropped watch. */
  relistPods(): void {
    this.feeds.relistPods((node) => this.podsOn(node));
  }

  // ---- ClusterPort -------------------------------------------------------------------------------

  async getNode(name: string): Promise<V1Node | undefined> {
    this.record("get-node", name);
    const node = this.nodes.get(name);
    return node === undefined ? undefined : clone(node);
  }

  async patchNode(name: string, patch: NodeMergePatch): Promise<V1Node> {
    this.record("patch-node", name);
    const node = this.nodes.get(name);
    if (node === undefined)
      throw new ClusterError(`node ${name} not found`, { kind: "not-found", status: 404 });
    applyNodePatch(node, patch, () => this.bump());
    return clone(node);
  }

  async deleteNode(name: string): Promise<void> {
    this.record("delete-node", name);
    this.nodes.delete(name);
  }

  async listPodsOnNode(nodeName: string): Promise<V1Pod[]> {
    this.record("list-pods", nodeName);
    return this.podsOn(nodeName).map(clone);
  }

  async listBudgets(): Promise<V1PodDisruptionBudget[]> {
    this.record("list-budgets", "*");
    return [...this.budgets.values()].map(clone);
  }

  watchPodsOnNode(nodeName: string, sink: FeedSink<V1Pod>): ResourceFeed {
    this.record("list-pods", nodeName);
    this.record("watch-pods", nodeName);
    return this.feeds.openPods(nodeName, sink, () => this.podsOn(nodeName));
  }

  watchBudgets(sink: FeedSink<V1PodDisruptionBudget>): ResourceFeed {
    this.record("list-budgets", "*");
    this.record("watch-budgets", "*");
    return this.feeds.openBudgets(sink, () => [...this.budgets.values()]);
  }

  async evictPod(ref: PodRef, options: EvictOptions): Promise<EvictionOutcome> {
    this.record("evict", `${ref.namespace}/${ref.name}`);
    const fault = this.evictionFaults.shift();
    if (fault !== undefined) return fault;
    const pod = this.findByName(ref);
    if (pod === undefined) return { kind: "gone", reason: "not-found" };
    if (pod.metadata?.uid !== ref.uid) return { kind: "gone", reason: "uid-changed" };
    const grace = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (pod.metadata?.deletionTimestamp !== undefined || pod.status?.phase !== "Running") {
      this.startDeletion(pod, grace, true);
      return { kind: "evicted" };
    }
    const decision = decideEviction(pod, [...this.budgets.values()]);
    if (!decision.allowed) return decision.outcome;
    if (decision.spend !== undefined) {
      const status = decision.spend.status ?? {};
      status.disruptionsAllowed = (status.disruptionsAllowed ?? 0) - 1;
      // As the eviction subresource does: the pod is noted until the disruption controller sees it go.
      status.disruptedPods = { ...status.disruptedPods, [ref.name]: new Date(this.clock.now()) };
      decision.spend.metadata = { ...decision.spend.metadata, resourceVersion: this.bump() };
      this.feeds.budget(decision.spend);
    }
    this.startDeletion(pod, grace, true);
    this.checkViolations(`${ref.namespace}/${ref.name}`);
    return { kind: "evicted" };
  }

  async deletePod(ref: PodRef, options: DeletePodOptions): Promise<DeleteOutcome> {
    this.record("delete-pod", `${ref.namespace}/${ref.name}`);
    const pod = this.findByName(ref);
    if (pod === undefined || pod.metadata?.uid !== ref.uid) return "gone";
    this.startDeletion(pod, options.gracePeriodSeconds, false);
    return "deleted";
  }

  async listVolumeAttachments(nodeName: string): Promise<VolumeAttachmentInfo[]> {
    this.record("list-volume-attachments", nodeName);
    return this.volumes.list(nodeName);
  }

  async volumeOfClaim(namespace: string, claimName: string): Promise<string | undefined> {
    this.record("get-claim", `${namespace}/${claimName}`);
    return this.volumes.volumeOfClaim(namespace, claimName);
  }

  // ---- behaviour ---------------------------------------------------------------------------------

  createPod(workload: FakeWorkload, node: string, index: number, ready: boolean, name?: string): V1Pod {
    this.uidSeq += 1;
    const pod = makePod(workload, node, index, `uid-${this.uidSeq}`, ready, this.clock.now(), name);
    pod.metadata = { ...pod.metadata, resourceVersion: this.bump() };
    this.pods.set(pod.metadata.uid ?? "", pod);
    this.timing.set(pod.metadata.uid ?? "", {
      shutdownMs: workload.shutdownMs,
      startupMs: workload.startupMs,
    });
    this.feeds.pod("upsert", pod);
    this.volumes.podCreated(pod);
    if (!ready) {
      this.clock.after(workload.startupMs, () => {
        if (!this.pods.has(pod.metadata?.uid ?? "")) return;
        pod.status = { ...pod.status, conditions: [{ type: "Ready", status: "True" }] };
        pod.metadata = { ...pod.metadata, resourceVersion: this.bump() };
        this.feeds.pod("upsert", pod);
        this.recomputeBudgetsLater();
      });
    }
    this.recomputeBudgetsLater();
    return pod;
  }

  private startDeletion(pod: V1Pod, grace: number, viaEviction: boolean): void {
    const uid = pod.metadata?.uid ?? "";
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.deletions.push({ pod: key, uid, grace, viaEviction, at: this.clock.now() });
    const first = pod.metadata?.deletionTimestamp === undefined;
    pod.metadata = {
      ...pod.metadata,
      deletionTimestamp: new Date(this.clock.now() + grace * 1000),
      deletionGracePeriodSeconds: grace,
      resourceVersion: this.bump(),
    };
    this.feeds.pod("upsert", pod);
    const shutdownMs = Math.min(this.timing.get(uid)?.shutdownMs ?? 0, grace * 1000);
    this.clock.after(shutdownMs, () => this.removePod(pod));
    if (first) this.replaceTerminating(pod);
    this.recomputeBudgetsLater();
  }

  private removePod(pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? "";
    if (this.stoppedKubelets.has(pod.spec?.nodeName ?? "")) return;
    if (!this.pods.delete(uid)) return;
    this.feeds.pod("remove", pod);
    this.volumes.podRemoved(pod, this.podsOn(pod.spec?.nodeName ?? ""));
    this.recomputeBudgetsLater();
    const workload = this.workloadOf(pod);
    if (workload?.kind === "StatefulSet") {
      const target = this.schedulableNode(pod.spec?.nodeName);
      if (target !== undefined) this.createPod(workload, target, 0, false, pod.metadata?.name);
    }
  }

  private replaceTerminating(pod: V1Pod): void {
    const workload = this.workloadOf(pod);
    if (workload?.kind !== "Deployment") return;
    // A pod that tolerates every taint is placed back on its cordoned node, as the scheduler may.
    const target =
      workload.tolerateAll === true ? pod.spec?.nodeName : this.schedulableNode(pod.spec?.nodeName);
    if (target !== undefined) this.createPod(workload, target, Number(this.uidSeq), false);
  }

  private schedulableNode(avoid: string | undefined): string | undefined {
    for (const [name, node] of this.nodes) {
      if (name !== avoid && node.spec?.unschedulable !== true) return name;
    }
    return undefined;
  }

  private workloadOf(pod: V1Pod): FakeWorkload | undefined {
    return this.workloads.get(`${pod.metadata?.namespace}/${pod.metadata?.labels?.app}`);
  }

  private findByName(ref: PodRef): V1Pod | undefined {
    for (const pod of this.pods.values()) {
      if (pod.metadata?.namespace === ref.namespace && pod.metadata.name === ref.name) return pod;
    }
    return undefined;
  }

  private recomputeBudgetsLater(): void {
    this.clock.after(this.controllerDelayMs, () => this.recomputeBudgets());
  }

  private recomputeBudgets(): void {
    for (const budget of this.budgets.values()) {
      const namespace = budget.metadata?.namespace;
      const expected =
        this.workloads.get(`${namespace}/${budget.spec?.selector?.matchLabels?.app}`)?.replicas ?? 0;
      const next = budgetStatus(budget, this.pods.values(), expected);
      if (sameStatus(budget.status, next)) continue;
      budget.status = next;
      budget.metadata = { ...budget.metadata, resourceVersion: this.bump() };
      this.feeds.budget(budget);
    }
  }

  private checkViolations(pod: string): void {
    for (const budget of this.budgets.values()) {
      const healthy = healthyUnder(budget, this.pods.values());
      const desired = budget.status?.desiredHealthy ?? 0;
      if (healthy < desired) {
        this.violations.push({
          budget: budget.metadata?.name ?? "",
          pod,
          healthy,
          desired,
          at: this.clock.now(),
        });
      }
    }
  }

  private record(verb: string, target: string): void {
    this.requests.push({ verb, target, at: this.clock.now() });
  }

  private bump(): string {
    this.version += 1;
    return String(this.version);
  }
}
