import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { Clock } from "../drain/clock.js";
import type { ResourceFeed } from "../drain/cluster-port.js";
import type { DrainPolicy } from "../drain/policy.js";
import { type KubeClient, kubeClientFromEndpoint } from "../kube/kube-client.js";
import { KubeCluster } from "../kube/kube-cluster.js";
import type { JobLog, LogFields } from "../lifecycle/index.js";
import type { SimulatedAutoScalingGroup } from "../sim/auto-scaling-group.js";
import type { PodDisruptionBudget, SimCluster } from "../sim/index.js";
import { type RecordedPod, recordedPods } from "../timeline/index.js";
import { type NodeTargets, nodeTargetsOf, targetEntries } from "./target-report.js";
import {
  apiEntry,
  autoScalingEntries,
  budgetsMatching,
  handlerEntry,
  type TimelineEntry,
} from "./timeline-entries.js";

/**
 * Collects a simulation's timeline from the outside, as an operator would see it: the handler's log (it is
 * the handler's JobLog), the API server's record of requests, pods going away (a watch of the node's
 * pods through the API server, as `kubectl get pods -w` shows them), and the Auto Scaling group's
 * heartbeats and completions. `poll` returns what is new, in time order.
 */
export class SimulationTimeline implements JobLog {
  private readonly entries: TimelineEntry[] = [];
  private pending: TimelineEntry[] = [];
  private requestsSeen = 0;
  private readonly autoScalingSeen = { heartbeats: 0, completions: 0 };
  /** Pods on the drained node at the start, by UID, until seen gone. */
  private readonly watched = new Map<string, string>();
  /** Labels of every pod at the start, by namespace/name: which budget refused an eviction. */
  private readonly labels = new Map<string, Record<string, string> | undefined>();
  /** Budgets covering pods of the drained node, with the status last shown. */
  private readonly budgetStatus = new Map<string, string | undefined>();
  private readonly client: KubeClient;
  /** The node's load balancer targets (its instance, its pods' IPs) and the lines already written of them. */
  readonly nodeTargets: NodeTargets;
  private readonly targetsSeen = new Set<string>();
  private feed: ResourceFeed | undefined;
  /** The drained node's pods at the start: workload, tier and budgets of each. */
  readonly pods: RecordedPod[];

  constructor(
    private readonly sim: SimCluster,
    private readonly group: SimulatedAutoScalingGroup,
    private readonly clock: Clock,
    private readonly nodeName: string,
    /** The policy the handler drains with: which tier each pod is in. */
    policy: DrainPolicy,
    /** Each handler log line as it comes, for --verbose. */
    private readonly echo?: (level: "info" | "warn" | "error", message: string, fields: LogFields) => void,
  ) {
    for (const pod of sim.view.pods()) {
      const key = `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`;
      this.labels.set(key, pod.metadata.labels);
      if (pod.spec.nodeName === nodeName && pod.metadata.uid !== undefined) {
        this.watched.set(pod.metadata.uid, key);
      }
    }
    this.nodeTargets = nodeTargetsOf(sim, nodeName);
    const budgets = sim.view.budgets();
    // The simulator keeps objects as the API server sends them (times as strings): the JSON a client reads.
    this.pods = recordedPods(
      sim.view.pods({ nodeName }) as unknown as V1Pod[],
      budgets as unknown as V1PodDisruptionBudget[],
      policy,
    );
    for (const pod of sim.view.pods({ nodeName })) {
      const namespace = pod.metadata.namespace ?? "default";
      for (const budget of budgetsMatching(budgets, namespace, pod.metadata.labels)) {
        this.budgetStatus.set(budget, undefined);
      }
    }
    this.client = kubeClientFromEndpoint({
      server: sim.server,
      caData: sim.caData,
      token: async () => sim.token,
    });
  }

  /** Starts watching the node's pods. */
  start(): void {
    const cluster = new KubeCluster(this.client, { clock: this.clock });
    this.feed = cluster.watchPodsOnNode(this.nodeName, {
      replace: (pods) => {
        const present = new Set(pods.map((pod) => pod.metadata?.uid));
        for (const uid of [...this.watched.keys()]) if (!present.has(uid)) this.gone(uid);
      },
      upsert: () => {},
      remove: (pod) => this.gone(pod.metadata?.uid),
      fail: (error) =>
        this.pending.push({
          at: this.clock.now(),
          source: "cluster",
          kind: "watch-failed",
          level: "warn",
          text: `watching the node's pods failed: ${error.message}`,
        }),
    });
  }

  /** Stops the watch and closes its connection. */
  async close(): Promise<void> {
    this.feed?.close();
    await this.client.close();
  }

  info(message: string, fields?: LogFields): void {
    this.logged("info", message, fields ?? {});
  }

  warn(message: string, fields?: LogFields): void {
    this.logged("warn", message, fields ?? {});
  }

  error(message: string, fields?: LogFields): void {
    this.logged("error", message, fields ?? {});
  }

  /** Adds an entry of the simulation itself (the lifecycle event). */
  add(entry: TimelineEntry): void {
    this.pending.push(entry);
  }

  /** Everything new since the last poll, oldest first. */
  poll(): TimelineEntry[] {
    const fresh = [...this.pending];
    this.pending = [];
    const requests = this.sim.recorder.requests().slice(this.requestsSeen);
    this.requestsSeen += requests.length;
    const budgets = this.sim.view.budgets();
    for (const request of requests) {
      const entry = apiEntry(request, (namespace, name) =>
        budgetsMatching(budgets, namespace, this.labels.get(`${namespace}/${name}`)),
      );
      if (entry !== undefined) fresh.push(entry);
    }
    fresh.push(...this.budgetChanges(budgets));
    fresh.push(...autoScalingEntries(this.group, this.autoScalingSeen));
    fresh.push(...targetEntries(this.sim.targetGroups, this.nodeTargets, this.clock.now(), this.targetsSeen));
    fresh.sort((a, b) => a.at - b.at);
    this.entries.push(...fresh);
    return fresh;
  }

  /** The whole timeline so far (after a final poll), oldest first. */
  all(): TimelineEntry[] {
    return [...this.entries].sort((a, b) => a.at - b.at);
  }

  /** A line whenever a budget that covers the node's pods changes how many disruptions it allows. */
  private budgetChanges(budgets: readonly PodDisruptionBudget[]): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    for (const budget of budgets) {
      const key = `${budget.metadata.namespace ?? "default"}/${budget.metadata.name}`;
      if (!this.budgetStatus.has(key) || budget.status === undefined) continue;
      const { disruptionsAllowed, currentHealthy, desiredHealthy } = budget.status;
      const shown = `disruptionsAllowed ${disruptionsAllowed} (${currentHealthy} healthy, ${desiredHealthy} needed)`;
      if (this.budgetStatus.get(key) === shown) continue;
      this.budgetStatus.set(key, shown);
      entries.push({
        at: this.clock.now(),
        source: "cluster",
        kind: "budget",
        level: "info",
        text: `budget ${key}: ${shown}`,
        budget: key,
        disruptionsAllowed,
        currentHealthy,
        desiredHealthy,
      });
    }
    return entries;
  }

  private gone(uid: string | undefined): void {
    const pod = uid === undefined ? undefined : this.watched.get(uid);
    if (uid === undefined || pod === undefined) return;
    this.watched.delete(uid);
    this.pending.push({
      at: this.clock.now(),
      source: "cluster",
      kind: "gone",
      level: "info",
      text: `gone ${pod}`,
      pod,
    });
  }

  private logged(level: "info" | "warn" | "error", message: string, fields: LogFields): void {
    this.echo?.(level, message, fields);
    const entry = handlerEntry(this.clock.now(), level, message, fields);
    if (entry !== undefined) this.pending.push(entry);
  }
}
