import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { backoffDelay } from "./backoff.js";
import type { ClusterView } from "./cluster-view.js";
import type { BackoffSettings } from "./policy.js";

/** Shared retry state of one budget: its refusals back off together, one probe at a time. */
interface Gate {
  refusals: number;
  nextProbeAt: number;
  /** The budget's revision at the last refusal: only a newer status can say it allows again. */
  revisionAtRefusal: number | undefined;
  /** Evictions accepted while the cached status (at this revision) did not show them yet. */
  spent: { revision: number; count: number };
}

export type GateDecision = { go: true } | { go: false; retryAt?: number };

/**
 * Decides when pods under one PodDisruptionBudget may be evicted, from the budget's status as the
 * watch shows it: as many at once as it allows, as soon as a newer status allows again, and otherwise
 * one probe at a time on a jittered exponential backoff (in case the watch is behind).
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
    const fresh = gate.revisionAtRefusal === undefined || gate.revisionAtRefusal !== revision;
    const allowed =
      this.view.budget(key)?.status?.disruptionsAllowed ?? budget.status?.disruptionsAllowed ?? 0;
    const spent = gate.spent.revision === revision ? gate.spent.count : 0;
    const room = allowed - spent - flying - reserved;
    if (fresh && room > 0) return { go: true };
    if (flying === 0 && reserved === 0 && now >= gate.nextProbeAt) {
      gate.nextProbeAt = now + backoffDelay(gate.refusals, this.backoff, this.random);
      return { go: true };
    }
    // With an eviction in flight its answer wakes the loop; otherwise the next probe is due then.
    return flying > 0 ? { go: false } : { go: false, retryAt: gate.nextProbeAt };
  }

  /** The server accepted an eviction launched when the budget was at `revisionAtLaunch`. */
  accepted(key: string, revisionAtLaunch: number, now: number): void {
    const gate = this.gateOf(key);
    gate.refusals = 0;
    gate.revisionAtRefusal = undefined;
    // The allowance just spent shows in the budget's next status; probe again only after a pause.
    gate.nextProbeAt = now + backoffDelay(0, this.backoff, this.random);
    if (this.view.budgetRevisionOf(key) !== revisionAtLaunch) return;
    gate.spent =
      gate.spent.revision === revisionAtLaunch
        ? { revision: revisionAtLaunch, count: gate.spent.count + 1 }
        : { revision: revisionAtLaunch, count: 1 };
  }

  /** The budget refused an eviction; returns how long until the next probe. */
  refused(key: string, now: number, retryAfterMs: number | undefined): number {
    const gate = this.gateOf(key);
    const retryIn = retryAfterMs ?? backoffDelay(gate.refusals, this.backoff, this.random);
    gate.refusals += 1;
    gate.nextProbeAt = now + retryIn;
    gate.revisionAtRefusal = this.view.budgetRevisionOf(key);
    return retryIn;
  }

  private gateOf(key: string): Gate {
    let gate = this.gates.get(key);
    if (gate === undefined) {
      gate = { refusals: 0, nextProbeAt: 0, revisionAtRefusal: undefined, spent: { revision: -1, count: 0 } };
      this.gates.set(key, gate);
    }
    return gate;
  }
}
