import type { PodRef } from "./cluster-port.js";
import type { DrainState } from "./drain-state.js";
import type {
  BlockedPod,
  DrainError,
  DrainResult,
  DrainStatus,
  EvictedPod,
  SkippedPod,
  VolumeWaitResult,
  WaitedPod,
} from "./result.js";
import type { Tier } from "./tiers.js";

/** Collects what one run of a drain did, and turns it into the DrainResult. */
export class RunReport {
  readonly evicted: EvictedPod[] = [];
  private readonly skipped = new Map<string, SkippedPod>();
  private readonly waited = new Map<string, WaitedPod>();
  readonly warnings: string[] = [];
  readonly tiers: DrainResult["timings"]["tiers"] = {};
  /** The volume wait as this run last saw it. */
  volumes: VolumeWaitResult | undefined;
  /** What the last "volumes-waiting" event of this run said (volumes and detach errors). */
  volumeWaitAnnounced: string | undefined;
  nodeDeleted = false;

  constructor(
    readonly nodeName: string,
    readonly runStartedAt: number,
  ) {}

  /** Records a skipped pod; true the first time it is seen. */
  skip(pod: SkippedPod): boolean {
    if (this.skipped.has(pod.uid)) return false;
    this.skipped.set(pod.uid, pod);
    return true;
  }

  isSkipped(uid: string): boolean {
    return this.skipped.has(uid);
  }

  /** Records a pod waited for; true the first time it is seen. */
  wait(pod: WaitedPod): boolean {
    const known = this.waited.get(pod.uid);
    if (known !== undefined) {
      if (pod.until !== undefined) known.until = pod.until;
      return false;
    }
    this.waited.set(pod.uid, pod);
    return true;
  }

  waitedGone(uid: string): void {
    const known = this.waited.get(uid);
    if (known !== undefined) known.gone = true;
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  tierStarted(tier: Tier, at: number): boolean {
    if (this.tiers[tier] !== undefined) return false;
    this.tiers[tier] = { startedAt: at };
    return true;
  }

  tierFinished(tier: Tier, at: number): void {
    const timing = this.tiers[tier];
    if (timing !== undefined && timing.finishedAt === undefined) timing.finishedAt = at;
  }

  result(args: {
    status: DrainStatus;
    state: DrainState;
    now: number;
    blocked: BlockedPod[];
    remaining: PodRef[];
    stoppedBy?: "stop-at" | "abort";
    error?: DrainError;
  }): DrainResult {
    const { state, now } = args;
    return {
      status: args.status,
      nodeName: this.nodeName,
      startedAt: state.startedAt,
      deadline: state.deadline,
      phase: state.phase,
      evicted: this.evicted,
      forced: state.forced,
      skipped: [...this.skipped.values()],
      blocked: args.blocked,
      waitedFor: [...this.waited.values()],
      remaining: args.remaining,
      counts: { ...state.counts },
      timings: {
        runStartedAt: this.runStartedAt,
        finishedAt: now,
        runMs: now - this.runStartedAt,
        totalMs: now - state.startedAt,
        tiers: this.tiers,
      },
      ...(args.stoppedBy === undefined ? {} : { stoppedBy: args.stoppedBy }),
      ...(this.volumes === undefined ? {} : { volumes: this.volumes }),
      ...(this.nodeDeleted ? { nodeDeleted: true } : {}),
      warnings: this.warnings,
      ...(args.error === undefined ? {} : { error: args.error }),
    };
  }
}
