import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { probeDelay } from "./backoff.js";
import type { ClusterView } from "./cluster-view.js";
import type { BackoffSettings } from "./policy.js";

/** Shared retry state of one budget: its pods wait together, and at most one blind probe is out at a time. */
interface Gate {
  /** Refusals since the last accepted eviction: the step of the probe's backoff. */
  refusals: number;
  /** The earliest time of the next blind probe. */
  nextProbeAt: number;
  /** Set once an eviction under the budget was tried; from then on news from the watch defers the probe. */
  tried: boolean;
  /** The budget's revision at the last refusal: only a newer status can say it allows again. */
  revisionAtRefusal: number | undefined;
  /** The budget's revision when the gate last looked, to notice news from the watch. */
  seenRevision: number;
  /** Evictions accepted while the cached status (at this revision) did not show them yet. */
  spent: { revision: number; count: number };
}

export type GateDecision =
  | { go: true }
  /**
   * Not now. `retryAt`: when the next blind probe is due (absent when an answer in flight will wake the
   * loop). `budgetSaysNo`: the budget's status allows no disruption now (rather than the gate only
   * waiting for an answer in flight).
   */
  | { go: false; retryAt?: number; budgetSaysNo: boolean };

/**
 * Decides when pods under one PodDisruptionBudget may be evicted, from the budget's status as the watch
 * shows it: as many at once as it allows, as soon as a newer status allows again. The watch is trusted:
 * a blind probe (an eviction the status does not allow) goes out only in case the watch stalled: ~2 s
 * after the last accepted eviction or refusal (~4 s after the last news of the budget, which shows the
 * watch alive), then exponentially rarer up to ~10 s, one probe at a time.
 */
export class BudgetGates {
  private readonly gates = new Map<string, Gate>();

  constructor(
    private readonly view: ClusterView,
    private readonly backoff: BackoffSettings,
    private readonly random: () => number,
  ) {}

  /**
   * May one more eviction under `key` start now, given `flying` evictions under it in flight and
   * `reserved` already started in this pass?
   */
  decide(
    key: string,
    budget: V1PodDisruptionBudget,
    now: number,
    flying: number,
    reserved: number,
  ): GateDecision {
    const gate = this.gateOf(key);
    const revision = this.view.budgetRevisionOf(key);
    if (revision !== gate.seenRevision) {
      gate.seenRevision = revision;
      // The watch is alive and will show the budget allowing again: push the blind probe back, a step
      // further than it would wait after its own last attempt.
      if (gate.tried) gate.nextProbeAt = Math.max(gate.nextProbeAt, now + this.probeDelay(gate, 1));
    }
    const fresh = gate.revisionAtRefusal === undefined || gate.revisionAtRefusal !== revision;
    const allowed =
      this.view.budget(key)?.status?.disruptionsAllowed ?? budget.status?.disruptionsAllowed ?? 0;
    const spent = gate.spent.revision === revision ? gate.spent.count : 0;
    const room = allowed - spent - flying - reserved;
    if (fresh && room > 0) {
      gate.tried = true;
      return { go: true };
    }
    const budgetSaysNo = !fresh || allowed - spent <= 0;
    if (flying === 0 && reserved === 0 && now >= gate.nextProbeAt) {
      // Before the first attempt the probe goes at once: the server's answer names the blocking budget.
      gate.tried = true;
      gate.nextProbeAt = now + this.probeDelay(gate);
      return { go: true };
    }
    // With an eviction in flight its answer wakes the loop; otherwise the next probe is due then.
    return flying > 0 ? { go: false, budgetSaysNo } : { go: false, retryAt: gate.nextProbeAt, budgetSaysNo };
  }

  /** The server accepted an eviction launched when the budget was at `revisionAtLaunch`. */
  accepted(key: string, revisionAtLaunch: number, now: number): void {
    const gate = this.gateOf(key);
    gate.refusals = 0;
    gate.revisionAtRefusal = undefined;
    // The allowance just spent shows in the budget's next status; probe blindly only if none comes.
    gate.nextProbeAt = now + this.probeDelay(gate);
    if (this.view.budgetRevisionOf(key) !== revisionAtLaunch) return;
    gate.spent =
      gate.spent.revision === revisionAtLaunch
        ? { revision: revisionAtLaunch, count: gate.spent.count + 1 }
        : { revision: revisionAtLaunch, count: 1 };
  }

  /** The budget refused an eviction; returns how long until the next probe. */
  refused(key: string, now: number, retryAfterMs: number | undefined): number {
    const gate = this.gateOf(key);
    const retryIn = retryAfterMs ?? this.probeDelay(gate);
    gate.refusals += 1;
    gate.nextProbeAt = now + retryIn;
    gate.revisionAtRefusal = this.view.budgetRevisionOf(key);
    return retryIn;
  }

  /** When the next blind probe under `key` is due, if the gate has one planned. */
  nextProbeOf(key: string): number | undefined {
    return this.gates.get(key)?.nextProbeAt;
  }

  private probeDelay(gate: Gate, stepsFurther = 0): number {
    return probeDelay(gate.refusals + stepsFurther, this.backoff, this.random);
  }

  private gateOf(key: string): Gate {
    let gate = this.gates.get(key);
    if (gate === undefined) {
      gate = {
        refusals: 0,
        nextProbeAt: 0,
        tried: false,
        revisionAtRefusal: undefined,
        seenRevision: -1,
        spent: { revision: -1, count: 0 },
      };
      this.gates.set(key, gate);
    }
    return gate;
  }
}
