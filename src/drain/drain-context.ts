import type { V1Node, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { LabelRequirement } from "../labels/label-selector.js";
import { ClaimVolumes } from "./claim-volumes.js";
import type { Clock } from "./clock.js";
import { type ClusterPort, type PodRef, podRef } from "./cluster-port.js";
import type { ClusterView } from "./cluster-view.js";
import { DRAIN_STATE_ANNOTATION, type DrainState, encodeDrainState } from "./drain-state.js";
import type { DrainEventInput, DrainObserver } from "./events.js";
import type { Evictor } from "./evictor.js";
import { deleteTimeoutVerdict, unreachableVerdict } from "./node-reachability.js";
import { createdAt, isDaemonSetPod } from "./pod-facts.js";
import { classifyPod, type PodVerdict } from "./pod-filters.js";
import { noteVolumesOf } from "./pod-volumes.js";
import type { DrainPolicy } from "./policy.js";
import { ownerKeyOf, returningVerdict } from "./returning-pods.js";
import type { RunReport } from "./run-report.js";
import type { Surger } from "./surger.js";
import { type Tier, tierOf } from "./tiers.js";

const SNAPSHOT_TIME_STEP_MS = 250;

/** One pod as the drain sees it in one pass of its loop. */
export interface PodSnapshot {
  pod: V1Pod;
  ref: PodRef;
  verdict: PodVerdict;
  tier: Tier;
  budgets: V1PodDisruptionBudget[];
}

/** True when the drain needs this pod gone (evicted, waited for, or forced at the deadline). */
export function mustGo(snapshot: PodSnapshot): boolean {
  return snapshot.verdict.action === "evict" || snapshot.verdict.action === "wait";
}

/** Everything the steps of one drain run share. */
export class DrainContext {
  private lastSnapshot: PodSnapshot[] = [];
  /** Pods already announced as evicted without a way back (bare, emptyDir). */
  private readonly cautioned = new Set<string>();
  /** Evictions wait for it (several nodes drained together: every node cordoned first). */
  evictionGate: Promise<void> | undefined;
  /** UIDs of the pods on the node when this run first listed them; pods not among them came later. */
  private podsAtStart: ReadonlySet<string> | undefined;
  private snapshotKey = "";
  /** Each pod's snapshot as last classified, with the pod object and the verdict inputs it was classified under. */
  private classified = new Map<string, { pod: V1Pod; key: string; snapshot: PodSnapshot }>();
  /** The budgets' index the pods were last classified under (a new index: a budget's selector changed). */
  private classifiedUnder: unknown;
  /** Evictions counted per owner so far (a verdict on pods that come back reads them). */
  private ownerEvictionCount = 0;
  /** Reads the drained pods' claims to know their volumes. */
  readonly claimVolumes: ClaimVolumes;
  /** Surge before evict; absent when the cluster offers no WorkloadPort. */
  surger: Surger | undefined;

  constructor(
    readonly cluster: ClusterPort,
    readonly clock: Clock,
    readonly policy: DrainPolicy,
    readonly nodeName: string,
    readonly selector: readonly LabelRequirement[] | undefined,
    readonly random: () => number,
    readonly view: ClusterView,
    readonly evictor: Evictor,
    readonly report: RunReport,
    public state: DrainState,
    public node: V1Node,
    private readonly observer: DrainObserver | undefined,
  ) {
    this.claimVolumes = new ClaimVolumes({
      cluster,
      record: () => this.state.volumeWait,
      onProblem: (_claim, message, retryable) => {
        this.emit({ kind: "api-error", operation: "read-claim", retryable, message });
        if (!retryable) this.report.warn(`${message}; its volume is not waited for`);
      },
    });
  }

  emit(event: DrainEventInput): void {
    if (this.observer === undefined) return;
    try {
      this.observer({
        ...event,
        at: this.clock.now(),
        nodeName: this.nodeName,
      } as Parameters<DrainObserver>[0]);
    } catch {
      // An observer's failure must never break a drain.
    }
  }

  /** Classifies every pod now on the node; reports skipped and waited-for pods the first time. */
  refreshSnapshot(): PodSnapshot[] {
    this.classified.clear();
    return this.classifyPods();
  }

  /**
   * Classifies the pods whose object changed since, or all of them when anything else a verdict reads
   * changed: a time step, the node, the evictions counted per owner, the deadline, which budgets cover
   * which pods. Of 500 pods, an eviction's update reclassifies one, not 500.
   */
  private classifyPods(): PodSnapshot[] {
    const now = this.clock.now();
    const budgets = this.view.budgets();
    const context = {
      policy: this.policy,
      selector: this.selector,
      now,
      startedAt: this.state.startedAt,
      deadline: this.state.deadline,
    };
    const pods = this.view.pods();
    if (this.podsAtStart === undefined && this.view.podsSynced) {
      this.podsAtStart = new Set(pods.map((pod) => pod.metadata?.uid ?? ""));
    }
    const atStart = this.podsAtStart ?? new Set<string>();
    this.snapshotKey = this.snapshotKeyAt(now);
    if (budgets !== this.classifiedUnder) this.classified.clear();
    this.classifiedUnder = budgets;
    const verdictKey = this.verdictInputsAt(now);
    const classified = new Map<string, { pod: V1Pod; key: string; snapshot: PodSnapshot }>();
    this.lastSnapshot = pods.map((pod) => {
      const uid = pod.metadata?.uid ?? "";
      const known = this.classified.get(uid);
      if (known !== undefined && known.pod === pod && known.key === verdictKey) {
        classified.set(uid, known);
        return known.snapshot;
      }
      const verdictOfPod = this.recreatedDaemonSetPod(pod) ?? classifyPod(pod, context);
      const verdict =
        returningVerdict(pod, verdictOfPod, {
          policy: this.policy,
          startedAt: this.state.startedAt,
          ownerEvictions: this.state.ownerEvictions ?? {},
          seenAtStart: atStart.has(pod.metadata?.uid ?? ""),
        }) ??
        unreachableVerdict(pod, verdictOfPod, { node: this.node, now, policy: this.policy }) ??
        deleteTimeoutVerdict(pod, verdictOfPod, now, this.policy) ??
        verdictOfPod;
      const snapshot = {
        pod,
        ref: podRef(pod),
        verdict,
        tier: tierOf(pod, this.policy),
        budgets: budgets.forPod(pod),
      };
      this.noteVerdict(snapshot);
      if (verdict.action === "evict" || (verdict.action === "wait" && verdict.reason === "terminating")) {
        this.noteDrainedVolumes(pod);
      }
      classified.set(uid, { pod, key: verdictKey, snapshot });
      return snapshot;
    });
    this.classified = classified;
    return this.lastSnapshot;
  }

  /** The pods as classified now; recomputed when the view has changed or a time step has passed since. */
  get snapshot(): readonly PodSnapshot[] {
    this.updateSnapshot();
    return this.lastSnapshot;
  }

  /**
   * Classifies the pods again if anything a verdict reads changed since: the pods or which budgets cover
   * them, the node, the evictions counted per owner, or a time step. A pass woken by a budget's status
   * alone (fifty drains under shared budgets wake hundreds of times a second) reuses the verdicts.
   */
  updateSnapshot(): void {
    if (this.snapshotKeyAt(this.clock.now()) !== this.snapshotKey) this.classifyPods();
  }

  /** What the snapshot was built from: the view's pods and budgets, and what every verdict reads. */
  private snapshotKeyAt(now: number): string {
    return `${this.view.revision}@${this.verdictInputsAt(now)}`;
  }

  /**
   * What every pod's verdict reads besides the pod: a pod whose object is the same keeps its verdict while
   * these are. Verdicts depend on the time only through deadlines and opt-out durations, so a
   * quarter-second step is fine enough; keying on the exact millisecond rebuilt every pod's verdict
   * several times per pass.
   */
  private verdictInputsAt(now: number): string {
    return [
      Math.floor(now / SNAPSHOT_TIME_STEP_MS),
      this.node?.metadata?.resourceVersion ?? "",
      this.ownerEvictionCount,
      this.state.deadline,
      this.state.daemonSetCutoff ?? "",
      this.podsAtStart === undefined ? "" : "listed",
    ].join("|");
  }

  /**
   * Remembers the volumes of a pod the drain removes (evicts, forces, or sees leave while it had to go),
   * in the state, so that the volume wait knows them after the pod is gone, in any later run.
   */
  noteDrainedVolumes(pod: V1Pod): void {
    if (!this.policy.waitForVolumeDetach) return;
    this.state.volumeWait ??= { claims: {}, inline: [] };
    if (noteVolumesOf(pod, this.state.volumeWait)) this.claimVolumes.resolvePending();
  }

  /** Counts an accepted eviction against the pod's owner (the bound on pods that come back). */
  countOwnerEviction(pod: V1Pod): void {
    const owner = ownerKeyOf(pod);
    if (owner === undefined) return;
    this.ownerEvictionCount += 1;
    this.state.ownerEvictions ??= {};
    this.state.ownerEvictions[owner] = (this.state.ownerEvictions[owner] ?? 0) + 1;
  }

  /** Persists the state annotation. Failures are reported, not thrown: the drain goes on. */
  async saveState(): Promise<boolean> {
    this.state.updatedAt = this.clock.now();
    try {
      this.node = await this.cluster.patchNode(this.nodeName, {
        metadata: { annotations: { [DRAIN_STATE_ANNOTATION]: encodeDrainState(this.state) } },
      });
      this.emit({ kind: "state-saved", phase: this.state.phase });
      return true;
    } catch (error) {
      const message = `saving drain state on node ${this.nodeName}: ${error instanceof Error ? error.message : String(error)}`;
      this.emit({ kind: "api-error", operation: "save-state", retryable: true, message });
      this.report.warn(message);
      return false;
    }
  }

  private recreatedDaemonSetPod(pod: V1Pod): PodVerdict | undefined {
    const cutoff = this.state.daemonSetCutoff;
    if (cutoff === undefined || !this.policy.evictDaemonSets || !isDaemonSetPod(pod)) return undefined;
    const created = createdAt(pod);
    if (created === undefined || created <= cutoff) return undefined;
    return {
      action: "skip",
      reason: "daemonset",
      message: "recreated by its DaemonSet after the drain evicted it",
    };
  }

  private noteVerdict(snapshot: PodSnapshot): void {
    const { ref, verdict } = snapshot;
    if (
      verdict.action === "evict" &&
      (verdict.reason === "bare" || verdict.reason === "empty-dir") &&
      !this.cautioned.has(ref.uid)
    ) {
      this.cautioned.add(ref.uid);
      this.emit({ kind: "caution", pod: ref, reason: verdict.reason, message: verdict.message });
    }
    if (
      verdict.action === "skip" &&
      this.report.skip({ ...ref, reason: verdict.reason, message: verdict.message })
    ) {
      this.emit({ kind: "skipped", pod: ref, reason: verdict.reason, message: verdict.message });
    }
    if (verdict.action === "wait" && !this.evictor.isTouched(ref.uid)) {
      const waited = {
        ...ref,
        reason: verdict.reason,
        gone: false,
        ...(verdict.waitUntil === undefined ? {} : { until: verdict.waitUntil }),
      };
      if (this.report.wait(waited)) {
        this.emit({
          kind: "waiting",
          pod: ref,
          reason: verdict.reason,
          message: verdict.message,
          ...(verdict.waitUntil === undefined ? {} : { until: verdict.waitUntil }),
        });
      }
    }
  }
}
