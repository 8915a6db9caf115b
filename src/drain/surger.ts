import type { V1Pod } from "@kubernetes/client-node";
import { summarizeBudget } from "./budgets.js";
import type { Clock } from "./clock.js";
import { forceTimeOf } from "./deadline.js";
import type { DrainState } from "./drain-state.js";
import type { DrainEventInput } from "./events.js";
import type { EvictionCandidate } from "./evictor.js";
import { graceSecondsOf, isReady, isTerminating } from "./pod-facts.js";
import type { DrainPolicy } from "./policy.js";
import { surgeDecisionFor } from "./surge-decision.js";
import { deploymentNameOf, notSurgeable, type SurgeDecision } from "./surge-policy.js";
import {
  decodeSurgeRecord,
  encodeSurgeRecord,
  pointer,
  restoreOperations,
  SURGE_RECORD_ANNOTATION,
  SURGED_LABEL,
  type SurgeEntry,
} from "./surge-record.js";
import type { DeploymentFacts, PatchOperation, WorkloadPort } from "./workload-port.js";

/** A record of another node's drain is that drain's until its deadline has passed by this much. */
const ORPHAN_GRACE_MS = 60_000;
/** A surge is not begun with less time than this before it would have to be given up. */
const MIN_SURGE_WINDOW_MS = 5_000;

export interface SurgerDeps {
  workloads: WorkloadPort | undefined;
  clock: Clock;
  policy: DrainPolicy;
  nodeName: string;
  state: () => DrainState;
  saveState: () => Promise<boolean>;
  emit: (event: DrainEventInput) => void;
  warn: (message: string) => void;
  /** Pods on the node the drain still has to evict (not yet accepted). */
  pendingPods: () => readonly V1Pod[];
  /** Wakes the drain loop: a Deployment read for a surge decision came back. */
  wake: () => void;
}

/** namespace/name of the pod's Deployment, if it has one. */
export function deploymentKeyOf(pod: V1Pod): string | undefined {
  const name = deploymentNameOf(pod);
  return name === undefined ? undefined : `${pod.metadata?.namespace ?? "default"}/${name}`;
}

function split(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Surge before evict: for a Deployment the policy picks, raises `replicas` by the number of its pods on
 * the node (recorded first), holds those pods back from the evictor until the Deployment's Ready replicas
 * have grown by as many, then lets them go; restores `replicas` as soon as they are evicted (or gone), at
 * the end of the drain, or when the replacements are not Ready in time (then the pods take the normal
 * path). See README "Surge before evict".
 */
export class Surger {
  private readonly podFacts = new WeakMap<V1Pod, { key: string | undefined; never: boolean }>();
  private readonly decisions = new Map<string, { decision: SurgeDecision; deployment?: DeploymentFacts }>();
  /** Deployments whose surge decision is being read. */
  private readonly deciding = new Set<string>();
  private readonly lastPoll = new Map<string, number>();
  private swept = false;

  constructor(private readonly deps: SurgerDeps) {}

  /** The candidates the evictor may have now; the others wait for their Deployment's surge. */
  async gate(
    candidates: readonly EvictionCandidate[],
  ): Promise<{ released: EvictionCandidate[]; nextAt?: number }> {
    const port = this.deps.workloads;
    if (port === undefined) return { released: [...candidates] };
    const off = this.deps.policy.surge === "off";
    const groups = new Map<string, EvictionCandidate[]>();
    const released: EvictionCandidate[] = [];
    const sortOut = () => {
      groups.clear();
      released.length = 0;
      for (const candidate of candidates) {
        const { key, never } = this.factsOf(candidate.pod);
        const entry = key === undefined ? undefined : this.entry(key);
        if (key === undefined || (entry === undefined && (off || never))) {
          released.push(candidate);
          continue;
        }
        const members = groups.get(key);
        if (members === undefined) groups.set(key, [candidate]);
        else members.push(candidate);
      }
    };
    sortOut();
    // Each Deployment is read once, in the background: its pods wait for its decision alone, and the
    // reads of a drain's Deployments go out together (with the first pass's sweep), not one pass after
    // another.
    for (const [key, members] of groups) {
      if (this.entry(key) === undefined && !this.decisions.has(key)) this.decide(port, key, members);
    }
    if (!this.swept) {
      this.swept = true;
      await this.sweep(port);
      // The sweep may have adopted a surge this node's drain left: its pods follow it.
      sortOut();
    }
    const now = this.deps.clock.now();
    let nextAt: number | undefined;
    for (const [key, group] of groups) {
      let entry = this.entry(key);
      if (entry === undefined) {
        const decided = this.decisions.get(key);
        // Read in the background: its pods wait for the answer, which wakes the drain.
        if (decided === undefined) continue;
        if (decided.decision.surge !== true || decided.deployment === undefined) {
          released.push(...group);
          continue;
        }
        entry = await this.start(port, key, decided, group, now);
      }
      if (entry.status === "surging") await this.check(port, entry);
      if (entry.status === "surging") {
        const at = Math.min((this.lastPoll.get(key) ?? now) + this.deps.policy.surgePollMs, entry.giveUpAt);
        nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
        continue;
      }
      released.push(...group);
    }
    await this.restoreFinished(port);
    return nextAt === undefined ? { released } : { released, nextAt };
  }

  /** Reads what the surge decision of Deployment `key` needs, and decides; the answer wakes the drain. */
  private decide(port: WorkloadPort, key: string, group: readonly EvictionCandidate[]): void {
    if (this.deciding.has(key)) return;
    this.deciding.add(key);
    const [namespace, name] = split(key);
    const budgets = (group[0]?.budgets ?? []).map(summarizeBudget);
    surgeDecisionFor({ workloads: port, mode: this.deps.policy.surge, namespace, name, budgets })
      .catch((error: unknown) => ({ decision: { surge: false as const, reason: message(error) } }))
      .then((decided) => {
        this.decisions.set(key, decided);
        this.deciding.delete(key);
        this.deps.wake();
      });
  }

  /** Restores every surge still in place (the drain ends). */
  async restoreAll(why: string): Promise<void> {
    const port = this.deps.workloads;
    if (port === undefined) return;
    for (const entry of this.active()) await this.restore(port, entry, "restored", why);
  }

  /** A pod's Deployment and whether it could ever be surged, read once per pod object (a pass asks per pod). */
  private factsOf(pod: V1Pod): { key: string | undefined; never: boolean } {
    let facts = this.podFacts.get(pod);
    if (facts === undefined) {
      facts = { key: deploymentKeyOf(pod), never: notSurgeable(pod) !== undefined };
      this.podFacts.set(pod, facts);
    }
    return facts;
  }

  private entry(key: string): SurgeEntry | undefined {
    return this.deps.state().surges?.findLast((entry) => entry.workload === key);
  }

  private active(): SurgeEntry[] {
    return (this.deps.state().surges ?? []).filter(
      (entry) => entry.status === "surging" || entry.status === "ready",
    );
  }

  /** Surges whose pods are all evicted or gone are restored at once. */
  private async restoreFinished(port: WorkloadPort): Promise<void> {
    const active = this.active();
    // Every pass comes here: without a surge in place, no need to look at the pending pods.
    if (active.length === 0) return;
    const needed = new Set(this.deps.pendingPods().map(deploymentKeyOf));
    for (const entry of active) {
      if (needed.has(entry.workload)) continue;
      const reason =
        entry.status === "ready" ? "its pods on the node are evicted" : "its pods left the node first";
      await this.restore(port, entry, "restored", reason);
    }
  }

  private async start(
    port: WorkloadPort,
    key: string,
    decided: { decision: SurgeDecision; deployment?: DeploymentFacts },
    group: readonly EvictionCandidate[],
    now: number,
  ): Promise<SurgeEntry> {
    const deployment = decided.deployment as DeploymentFacts;
    const { state } = this.deps;
    const deadline = state().deadline;
    const latest = Math.min(...group.map(({ pod }) => forceTimeOf(deadline, graceSecondsOf(pod))));
    const entry: SurgeEntry = {
      workload: key,
      replicas: deployment.replicas,
      surged: deployment.replicas + group.length,
      // The Deployment's status may lag its pods: the controller recounts readyReplicas only when it syncs
      // (calculateStatus in https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go).
      // Its Ready pods on this node are Ready replicas too, so that the original pods are never taken for
      // replacements.
      readyBefore: Math.max(
        deployment.readyReplicas,
        group.filter(({ pod }) => isReady(pod) && !isTerminating(pod)).length,
      ),
      startedAt: now,
      giveUpAt: Math.min(now + this.deps.policy.surgeTimeoutMs, latest),
      status: "surging",
      reason: decided.decision.reason,
    };
    if (entry.giveUpAt - now < MIN_SURGE_WINDOW_MS) {
      entry.status = "fell-back";
      entry.reason = "too close to the deadline to surge";
      entry.endedAt = now;
    }
    const current = state();
    current.surges = [...(current.surges ?? []), entry];
    // Recorded in the drain state before the Deployment changes.
    await this.deps.saveState();
    if (entry.status === "surging") await this.scaleUp(port, entry, deployment);
    return entry;
  }

  private async scaleUp(port: WorkloadPort, entry: SurgeEntry, deployment: DeploymentFacts): Promise<void> {
    const [namespace, name] = split(entry.workload);
    const record = encodeSurgeRecord({
      node: this.deps.nodeName,
      replicas: entry.replicas,
      surged: entry.surged,
      at: entry.startedAt,
      deadline: this.deps.state().deadline,
    });
    const operations: PatchOperation[] = [
      { op: "test", path: "/spec/replicas", value: entry.replicas },
      { op: "replace", path: "/spec/replicas", value: entry.surged },
      Object.keys(deployment.annotations).length === 0
        ? { op: "add", path: "/metadata/annotations", value: { [SURGE_RECORD_ANNOTATION]: record } }
        : { op: "add", path: `/metadata/annotations/${pointer(SURGE_RECORD_ANNOTATION)}`, value: record },
      Object.keys(deployment.labels).length === 0
        ? { op: "add", path: "/metadata/labels", value: { [SURGED_LABEL]: "true" } }
        : { op: "add", path: `/metadata/labels/${pointer(SURGED_LABEL)}`, value: "true" },
    ];
    try {
      await port.patchDeployment(namespace, name, operations);
    } catch (error) {
      await this.end(entry, "fell-back", `scaling up: ${message(error)}`);
      return;
    }
    this.lastPoll.set(entry.workload, this.deps.clock.now());
    this.deps.emit({
      kind: "surge",
      workload: entry.workload,
      phase: "started",
      replicas: entry.replicas,
      surged: entry.surged,
      message: `replicas ${entry.replicas} → ${entry.surged} before evicting (${entry.reason}); given up at ${new Date(entry.giveUpAt).toISOString()}`,
    });
  }

  /** A surging Deployment: Ready yet? Changed by someone else? Out of time? */
  private async check(port: WorkloadPort, entry: SurgeEntry): Promise<void> {
    const now = this.deps.clock.now();
    if (now >= entry.giveUpAt) {
      const waited = Math.round((now - entry.startedAt) / 1000);
      await this.restore(port, entry, "fell-back", `replacements not Ready after ${waited}s`);
      return;
    }
    if (now < (this.lastPoll.get(entry.workload) ?? 0) + this.deps.policy.surgePollMs) return;
    this.lastPoll.set(entry.workload, now);
    const [namespace, name] = split(entry.workload);
    let deployment: DeploymentFacts | undefined;
    try {
      deployment = await port.getDeployment(namespace, name);
    } catch (error) {
      this.deps.emit({
        kind: "api-error",
        operation: "read-deployment",
        retryable: true,
        message: message(error),
      });
      return;
    }
    if (deployment === undefined) {
      await this.end(entry, "fell-back", "the Deployment was deleted");
      return;
    }
    if (decodeSurgeRecord(deployment.annotations[SURGE_RECORD_ANNOTATION]) === undefined) {
      // Recorded in the state, never applied (the run stopped in between): apply it now.
      if (deployment.replicas === entry.replicas) await this.scaleUp(port, entry, deployment);
      else await this.end(entry, "fell-back", `replicas changed to ${deployment.replicas} by someone else`);
      return;
    }
    if (deployment.replicas !== entry.surged) {
      await this.restore(
        port,
        entry,
        "fell-back",
        `replicas changed to ${deployment.replicas} by someone else`,
      );
      return;
    }
    const grown = deployment.readyReplicas >= entry.readyBefore + (entry.surged - entry.replicas);
    if (deployment.observedGeneration < deployment.generation || !grown) return;
    entry.status = "ready";
    await this.deps.saveState();
    this.deps.emit({
      kind: "surge",
      workload: entry.workload,
      phase: "ready",
      replicas: entry.replicas,
      surged: entry.surged,
      message: `${deployment.readyReplicas} Ready after ${((now - entry.startedAt) / 1000).toFixed(1)}s: evicting`,
    });
  }

  /** Puts `replicas` back (only if still ours) and removes the record; retried at the next pass on failure. */
  private async restore(
    port: WorkloadPort,
    entry: SurgeEntry,
    status: "restored" | "fell-back",
    why: string,
  ) {
    const [namespace, name] = split(entry.workload);
    let deployment: DeploymentFacts | undefined;
    try {
      deployment = await port.getDeployment(namespace, name);
      if (deployment !== undefined) {
        const record = decodeSurgeRecord(deployment.annotations[SURGE_RECORD_ANNOTATION]);
        const operations = restoreOperations(entry, {
          replicas: record === undefined ? -1 : deployment.replicas,
          annotated: deployment.annotations[SURGE_RECORD_ANNOTATION] !== undefined,
          labelled: deployment.labels[SURGED_LABEL] !== undefined,
        });
        if (operations.length > 0) await port.patchDeployment(namespace, name, operations);
      }
    } catch (error) {
      const text = `restoring Deployment ${entry.workload} to ${entry.replicas} replicas: ${message(error)}`;
      this.deps.emit({ kind: "api-error", operation: "restore-deployment", retryable: true, message: text });
      return;
    }
    let reason = why;
    if (
      deployment !== undefined &&
      deployment.replicas !== entry.surged &&
      deployment.replicas !== entry.replicas
    ) {
      reason = `${why}; replicas left at ${deployment.replicas}: changed by someone else meanwhile`;
      this.deps.warn(`surge of ${entry.workload}: ${reason}`);
    }
    if (status === "fell-back")
      this.deps.warn(`surge of ${entry.workload} given up (${reason}): evicted the usual way`);
    await this.end(entry, status, reason);
  }

  private async end(entry: SurgeEntry, status: "restored" | "fell-back", reason: string): Promise<void> {
    entry.status = status;
    entry.reason = reason;
    entry.endedAt = this.deps.clock.now();
    await this.deps.saveState();
    this.deps.emit({
      kind: "surge",
      workload: entry.workload,
      phase: status,
      replicas: entry.replicas,
      surged: entry.surged,
      message: reason,
    });
  }

  /**
   * Surge records a drain left behind: this node's are adopted (and finished or restored); another
   * node's are restored once that drain's deadline is well past.
   */
  private async sweep(port: WorkloadPort): Promise<void> {
    let labelled: DeploymentFacts[];
    try {
      labelled = await port.listDeploymentsLabelled(SURGED_LABEL);
    } catch (error) {
      this.deps.warn(
        `listing surged Deployments: ${message(error)}; a surge left by an earlier drain is not looked for`,
      );
      return;
    }
    const now = this.deps.clock.now();
    for (const deployment of labelled) {
      const record = decodeSurgeRecord(deployment.annotations[SURGE_RECORD_ANNOTATION]);
      if (record === undefined) continue;
      const key = `${deployment.namespace}/${deployment.name}`;
      const mine = record.node === this.deps.nodeName;
      if (!mine && now < record.deadline + ORPHAN_GRACE_MS) continue;
      if (mine && this.entry(key) !== undefined && this.active().some((entry) => entry.workload === key))
        continue;
      const entry: SurgeEntry = {
        workload: key,
        replicas: record.replicas,
        surged: record.surged,
        readyBefore: Math.max(0, deployment.readyReplicas - (record.surged - record.replicas)),
        startedAt: record.at,
        giveUpAt: Math.min(record.at + this.deps.policy.surgeTimeoutMs, this.deps.state().deadline),
        status: "surging",
        reason: mine
          ? "left by an earlier run of this node's drain"
          : `left by the drain of node ${record.node}`,
      };
      const state = this.deps.state();
      state.surges = [...(state.surges ?? []), entry];
      if (!mine) await this.restore(port, entry, "restored", entry.reason ?? "");
    }
  }
}
