import type { PodRef } from "../drain/cluster-port.js";
import type { DrainEvent } from "../drain/events.js";
import type { Tier } from "../drain/tiers.js";

/** A pod whose eviction is refused right now, and what refuses it. */
export interface BlockedNow {
  pod: PodRef;
  cause: "budget" | "multiple-budgets" | "namespace-terminating";
  budget?: string;
  disruptionsAllowed?: number;
  refusals: number;
}

export interface ProgressSnapshot {
  nodeName: string;
  /** Where the drain is: cordon, a tier, finished… */
  stage: string;
  tier?: Tier;
  deadline?: number;
  /** Evictions accepted. */
  evicted: number;
  /** Evicted or forced, not gone yet. */
  terminating: number;
  gone: number;
  forced: number;
  /** Waited for without eviction (opted out, already terminating) and not gone yet. */
  waiting: number;
  blocked: BlockedNow[];
}

/** Counts of a drain in progress, folded from its events: what the live view and the summary show. */
export class DrainProgress {
  private nodeName = "";
  private stage = "starting";
  private tier: Tier | undefined;
  private deadline: number | undefined;
  private readonly evicted = new Set<string>();
  private readonly forced = new Set<string>();
  private readonly gone = new Set<string>();
  private readonly waiting = new Set<string>();
  private readonly blocked = new Map<string, BlockedNow>();

  /** Applies an event; returns true when a pod's blocker changed (a first refusal, or another budget). */
  apply(event: DrainEvent): boolean {
    this.nodeName = event.nodeName;
    switch (event.kind) {
      case "started":
        this.deadline = event.deadline;
        this.stage = event.phase;
        return false;
      case "cordoned":
        this.stage = "cordoned";
        return false;
      case "tier-started":
        this.tier = event.tier;
        this.stage = `tier ${event.tier}`;
        return false;
      case "evicted":
        this.evicted.add(event.pod.uid);
        this.blocked.delete(event.pod.uid);
        return false;
      case "forced":
        this.forced.add(event.pod.uid);
        this.blocked.delete(event.pod.uid);
        return false;
      case "gone":
        this.gone.add(event.pod.uid);
        this.blocked.delete(event.pod.uid);
        this.waiting.delete(event.pod.uid);
        return false;
      case "waiting":
        if (!this.gone.has(event.pod.uid)) this.waiting.add(event.pod.uid);
        return false;
      case "blocked":
        return this.refused(event);
      case "deadline-reached":
        this.stage = "deadline reached";
        return false;
      case "finished":
        this.stage = event.status;
        return false;
      default:
        return false;
    }
  }

  snapshot(): ProgressSnapshot {
    const terminating = [...this.evicted, ...this.forced].filter((uid) => !this.gone.has(uid));
    return {
      nodeName: this.nodeName,
      stage: this.stage,
      ...(this.tier === undefined ? {} : { tier: this.tier }),
      ...(this.deadline === undefined ? {} : { deadline: this.deadline }),
      evicted: this.evicted.size,
      terminating: new Set(terminating).size,
      gone: this.gone.size,
      forced: this.forced.size,
      waiting: this.waiting.size,
      blocked: [...this.blocked.values()].map((entry) => ({ ...entry })),
    };
  }

  private refused(event: Extract<DrainEvent, { kind: "blocked" }>): boolean {
    const known = this.blocked.get(event.pod.uid);
    const next: BlockedNow = {
      pod: event.pod,
      cause: event.cause,
      ...(event.budget === undefined ? {} : { budget: event.budget }),
      ...(event.disruptionsAllowed === undefined ? {} : { disruptionsAllowed: event.disruptionsAllowed }),
      // Only the server's answers count as refusals; a pod held back by the budget's status was never asked.
      refusals: (known?.refusals ?? 0) + (event.refused === true ? 1 : 0),
    };
    this.blocked.set(event.pod.uid, next);
    return known === undefined || known.cause !== next.cause || known.budget !== next.budget;
  }
}
