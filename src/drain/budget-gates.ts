import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { drawOf } from "../random/seeded-random.js";
import { probeDelay } from "./backoff.js";
import { type BudgetShare, mayClaim, newBudgetShare, noteGrants, unclaimedSince } from "./budget-shares.js";
import { budgetTurnAt, othersEvicting, type TurnSettings } from "./budget-turns.js";
import type { BackoffSettings } from "./policy.js";

/**
 * How long an accepted eviction may stay missing from the statuses the watch shows before the gate stops
 * counting it against the allowance (a status that dropped it from disruptedPods again, or a lost event).
 */
const UNSEEN_FOR_MS = 5_000;
/** `unseen` is checked again at each new status of the budget, and at least this often. */
const UNSEEN_RECHECK_MS = 500;
/** The turns' window widens at most 2^4 = 16-fold after collisions. */
const MAX_COLLISION_STEPS = 4;
/** With shares, room nobody claimed is taken in turns this many windows after it appeared. */
const UNCLAIMED_AFTER_WINDOWS = 2;

/** What a gate reads of the budgets: the watch's view (one drain's, or the process's shared board). */
export interface BudgetSource {
  budget(key: string): V1PodDisruptionBudget | undefined;
  /** A number that changes whenever this budget's object changes. */
  budgetRevisionOf(key: string): number;
  /** A status of the budget named the pod in `disruptedPods`. */
  wasDisrupted(key: string, podName: string): boolean;
  /** How many pods the budget's statuses have named in `disruptedPods` so far: evictions it accepted. */
  disruptedCountOf(key: string): number;
}

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
  /**
   * Evictions accepted that no status seen since names in its `disruptedPods` (the eviction subresource
   * adds the pod there as it spends the allowance): the status the watch shows may predate them. Pod name
   * → when accepted; forgotten once a status names it, or after `UNSEEN_FOR_MS`.
   */
  unseen: Map<string, number>;
  /** When `unseen` was last checked against the statuses: the revision and the time. */
  unseenChecked: { revision: number; at: number };
  /** Evictions under the budget in flight through this gate. */
  flying: number;
  /** Loops to wake when an answer under the budget lands (they wait for it). */
  waiters: Set<() => void>;
  /** Names of the pods evicted through this gate, to tell other drains' evictions in the status from ours. */
  ours: Set<string>;
  /** Another drainer (another process) was seen evicting under this budget: take turns from now on. */
  contended: boolean;
  /**
   * Refusals of evictions the status allowed (another drainer spent the room first: turns closer than the
   * watch's delay), less one per accepted eviction: each widens the turns' window twofold, up to 16-fold.
   */
  collisions: number;
  /**
   * This gate's turn while the budget has room (budget-turns.ts): drawn when the room appears, taken at
   * `at` (by every launch of that pass), dropped when the room is gone before.
   */
  turn: { at: number; takenAt?: number; launches: number } | undefined;
  /** With shares (the drains at once are known): this process's part of the budget's room (budget-shares.ts). */
  share: BudgetShare;
  /** The next launch under the budget is a claim on the share. */
  claimNext: boolean;
  /** Claims in flight, by pod name: one not accepted is given back. */
  claimsFlying: Set<string>;
  /** With shares: every pod the budget counted at the first look was this drainer's. */
  ownsAll: boolean;
}

export type GateDecision =
  /** `allowed`: the status allows it (else it is a blind probe). */
  | { go: true; allowed?: boolean }
  /**
   * Not now. `retryAt`: when the next blind probe (or this drain's turn) is due (absent when an answer in
   * flight will wake the loop). `budgetSaysNo`: the budget's status allows no disruption now (rather than
   * the gate only waiting for an answer in flight or for its turn).
   */
  | { go: false; retryAt?: number; budgetSaysNo: boolean };

/**
 * Decides when pods under one PodDisruptionBudget may be evicted, from the budget's status as the watch
 * shows it: as many at once as it allows, as soon as a newer status allows again. The watch is trusted:
 * a blind probe (an eviction the status does not allow) goes out only in case the watch stalled: ~2 s
 * after the last accepted eviction or refusal (~4 s after the last news of the budget, which shows the
 * watch alive), then exponentially rarer up to ~10 s, one probe at a time. One instance serves one drain,
 * or every drain of a process (then the in-flight count and the spent allowance are the process's).
 */
export class BudgetGates {
  private readonly gates = new Map<string, Gate>();
  /** The drains using these gates now, each with how many drains it was told run at once. */
  private readonly drains = new Map<symbol, { atOnce?: number; position?: number }>();
  /** The most drains that used these gates at once since they last had none. */
  private peakDrains = 0;
  /** This process's share of each budget's room (`shareOf`), kept as drains come and go. */
  private share: number | undefined;

  constructor(
    private readonly view: BudgetSource,
    private readonly backoff: BackoffSettings,
    private readonly random: () => number,
    private readonly turns: TurnSettings = { identity: "", windowMs: 0 },
  ) {}

  /**
   * May one more eviction under `key` start now? `wake` is called when an answer under the budget lands,
   * if the decision is to wait for one. `podsHere`: the caller's pods under the budget still to evict.
   */
  decide(
    key: string,
    budget: V1PodDisruptionBudget,
    now: number,
    wake: () => void,
    podsHere = 0,
  ): GateDecision {
    const gate = this.gateOf(key);
    const revision = this.view.budgetRevisionOf(key);
    const current = this.view.budget(key) ?? budget;
    const share = this.share;
    this.observe(gate, key, current, now);
    const fresh = gate.revisionAtRefusal === undefined || gate.revisionAtRefusal !== revision;
    const allowed = current.status?.disruptionsAllowed ?? 0;
    const spent = this.unseenSpent(gate, key, revision, now);
    const room = allowed - spent - gate.flying;
    if (fresh && room > 0) {
      const turnAt =
        share === undefined
          ? this.turnAt(gate, key, current, now, podsHere)
          : this.claimAt(gate, key, current, now, share, podsHere);
      if (turnAt !== undefined) return { go: false, retryAt: turnAt, budgetSaysNo: false };
      gate.tried = true;
      return { go: true, allowed: true };
    }
    const budgetSaysNo = !fresh || allowed - spent <= 0;
    // No room: a turn not taken yet is void (drawn again when room appears, so not all at once).
    if (gate.turn?.takenAt === undefined) gate.turn = undefined;
    if (!gate.tried && gate.nextProbeAt === 0 && this.turns.windowMs > 0) {
      // Taking turns with other drainers, which spend the allowance now: its next status comes first.
      gate.nextProbeAt = now + this.probeDelay(gate);
    }
    if (gate.flying === 0 && now >= gate.nextProbeAt) {
      // Before the first attempt the probe goes at once (alone, without turns): the server's answer names
      // the blocking budget.
      gate.tried = true;
      gate.nextProbeAt = now + this.probeDelay(gate);
      return { go: true };
    }
    if (gate.flying > 0) {
      // An answer in flight (of this drain or, with shared gates, another) wakes the loop.
      gate.waiters.add(wake);
      return { go: false, budgetSaysNo };
    }
    return { go: false, retryAt: gate.nextProbeAt, budgetSaysNo };
  }

  /** Reads the budget's status once per revision: its grants, whether others evict under it, the probe's time. */
  private observe(gate: Gate, key: string, current: V1PodDisruptionBudget, now: number): void {
    const revision = this.view.budgetRevisionOf(key);
    if (revision === gate.seenRevision) return;
    gate.seenRevision = revision;
    if (this.share !== undefined) {
      const status = {
        allowed: current.status?.disruptionsAllowed ?? 0,
        spent: this.view.disruptedCountOf(key),
      };
      noteGrants(gate.share, status, now, () => this.phaseOf(key));
    }
    // Once per status, not per pod and pass: its disruptedPods may name a hundred pods.
    gate.contended ||= othersEvicting(current, gate.ours);
    // The watch is alive and will show the budget allowing again: push the blind probe back, a step
    // further than it would wait after its own last attempt.
    if (gate.tried || this.turns.windowMs > 0) {
      gate.nextProbeAt = Math.max(gate.nextProbeAt, now + this.probeDelay(gate, 1));
    }
  }

  /**
   * A new status of the budget came: has a drain that waits under it a use for a pass now? Not when the
   * status shows no room (an answer in flight, the next probe or the watchdog wakes it), nor when it shows
   * room this drainer may not claim and its turn for it is set already (the drain's timer is set for it).
   * Fifty drains under shared budgets see hundreds of statuses a second, most of them of no use to each.
   */
  worthAPass(key: string, now: number): boolean {
    const gate = this.gates.get(key);
    const current = this.view.budget(key);
    if (gate === undefined || current === undefined || !gate.tried) return true;
    this.observe(gate, key, current, now);
    if (gate.revisionAtRefusal === this.view.budgetRevisionOf(key)) return false;
    const room =
      (current.status?.disruptionsAllowed ?? 0) -
      this.unseenSpent(gate, key, gate.seenRevision, now) -
      gate.flying;
    if (room <= 0) return false;
    const share = this.share;
    if (share === undefined || (gate.ownsAll && !gate.contended)) return true;
    // A turn taken in an earlier pass is over: the next one is drawn in a pass.
    return mayClaim(gate.share, share) || gate.turn === undefined || gate.turn.takenAt !== undefined;
  }

  /**
   * A drain starts using these gates. `drainsAtOnce`: how many drains of its scale-in run at once, itself
   * included (the group's leaving instances), each in a process of its own or sharing this one;
   * `position`: its place among them. Returns the call for the drain's end.
   */
  enter(drainsAtOnce?: number, position?: number): () => void {
    const drain = Symbol("drain");
    this.drains.set(drain, {
      ...(drainsAtOnce === undefined ? {} : { atOnce: drainsAtOnce }),
      ...(position === undefined ? {} : { position }),
    });
    this.peakDrains = Math.max(this.peakDrains, this.drains.size);
    this.share = this.shareOf();
    return () => {
      this.drains.delete(drain);
      if (this.drains.size === 0) this.peakDrains = 0;
      this.share = this.shareOf();
    };
  }

  /**
   * This process's share of each budget's room: its drains over all the drains at once. Undefined when
   * no drain was told how many run at once, all of them are this process's, or turns are off (then it
   * takes turns, or none). The process's drains are counted at their most since it last had none: a
   * drain that finished first does not make its batch's others look like a smaller part of it.
   */
  private shareOf(): number | undefined {
    if (this.turns.windowMs <= 0) return undefined;
    let atOnce: number | undefined;
    for (const drain of this.drains.values()) {
      if (drain.atOnce !== undefined) atOnce = Math.max(atOnce ?? 0, drain.atOnce);
    }
    const here = Math.max(1, this.peakDrains);
    return atOnce === undefined || here >= atOnce ? undefined : here / atOnce;
  }

  /**
   * Where this process's claims step as the grants grow: its first drain's place among the drains at once
   * (every drainer's at an even distance from the next), else drawn from its identity and the budget.
   */
  private phaseOf(key: string): number {
    for (const drain of this.drains.values()) {
      if (drain.position !== undefined && drain.atOnce !== undefined) return drain.position / drain.atOnce;
    }
    return drawOf(`${this.turns.identity}|${key}|phase`);
  }

  /** An eviction of `podName` under `key` goes out now. */
  launched(key: string, podName: string): void {
    const gate = this.gateOf(key);
    gate.flying += 1;
    gate.ours.add(podName);
    if (gate.claimNext) gate.claimsFlying.add(podName);
    gate.claimNext = false;
  }

  /**
   * The answer to an eviction under `key` arrived (after accepted/refused, which read it). Loops that wait
   * for room are woken unless it was accepted: an accepted eviction only moves from in flight to spent,
   * and the budget's next status wakes them anyway.
   */
  landed(key: string, podName: string, accepted: boolean): void {
    const gate = this.gateOf(key);
    // A claim not accepted (refused: another drainer took the room; the pod gone; no answer) spent
    // nothing of the budget: the grant is still this drainer's.
    if (gate.claimsFlying.delete(podName) && !accepted) gate.share.launched -= 1;
    gate.flying = Math.max(0, gate.flying - 1);
    if (accepted && gate.flying > 0) return;
    const waiters = [...gate.waiters];
    gate.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** The server accepted the eviction of `podName` under `key`. */
  accepted(key: string, podName: string, now: number): void {
    const gate = this.gateOf(key);
    gate.refusals = 0;
    gate.revisionAtRefusal = undefined;
    gate.collisions = Math.max(0, gate.collisions - 1);
    // The allowance just spent shows in the budget's next status; probe blindly only if none comes.
    gate.nextProbeAt = now + this.probeDelay(gate);
    gate.unseen.set(podName, now);
    gate.unseenChecked = { revision: -1, at: 0 };
  }

  /** Accepted evictions the status `budget` does not show yet. */
  private unseenSpent(gate: Gate, key: string, revision: number, now: number): number {
    const checked = gate.unseenChecked;
    if (checked.revision === revision && now - checked.at < UNSEEN_RECHECK_MS) return gate.unseen.size;
    gate.unseenChecked = { revision, at: now };
    for (const [name, at] of gate.unseen) {
      if (this.view.wasDisrupted(key, name) || now - at > UNSEEN_FOR_MS) gate.unseen.delete(name);
    }
    return gate.unseen.size;
  }

  /**
   * The budget refused an eviction; returns how long until the next probe. `allowedAtLaunch`: the status
   * allowed it when it went out, so another drainer spent the allowance first.
   */
  refused(key: string, now: number, retryAfterMs: number | undefined, allowedAtLaunch: boolean): number {
    const gate = this.gateOf(key);
    gate.contended ||= allowedAtLaunch;
    if (allowedAtLaunch) gate.collisions = Math.min(gate.collisions + 1, MAX_COLLISION_STEPS);
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

  /**
   * With room in the budget: undefined when this drainer may use it now, else when its turn comes. Turns
   * are taken before the first eviction under the budget (every drain of a scale-in starts at once) and
   * from the moment another drainer is seen evicting under it; a drain alone never waits.
   */
  private turnAt(
    gate: Gate,
    key: string,
    budget: V1PodDisruptionBudget,
    now: number,
    podsHere: number,
  ): number | undefined {
    if (this.turns.windowMs <= 0) return undefined;
    if (gate.tried && !gate.contended) return undefined;
    // Every pod the budget counts is this drainer's to evict: no other drainer can spend it.
    const expected = budget.status?.expectedPods ?? 0;
    if (!gate.tried && !gate.contended && expected > 0 && podsHere >= expected) return undefined;
    // A turn is one pass: a later pass draws the next one (the others' turns may come first).
    if (gate.turn?.takenAt !== undefined && gate.turn.takenAt !== now) gate.turn = undefined;
    gate.turn ??= { at: budgetTurnAt(this.turnsOf(gate), key, budget, now), launches: 0 };
    if (now < gate.turn.at) return gate.turn.at;
    if (gate.contended && gate.turn.launches >= 1) {
      // While others spend the budget too, one eviction per turn: a turn taken on a stale status (two turns
      // closer than the watch's delay) then costs one refusal, not as many as the room it showed.
      gate.turn = { at: budgetTurnAt(this.turnsOf(gate), key, budget, now), launches: 0 };
      return gate.turn.at;
    }
    gate.turn.takenAt = now;
    gate.turn.launches += 1;
    return undefined;
  }

  /** With shares and room in the budget: undefined when this process may claim some now, else when. */
  private claimAt(
    gate: Gate,
    key: string,
    budget: V1PodDisruptionBudget,
    now: number,
    share: number,
    podsHere: number,
  ): number | undefined {
    // Every pod the budget counted at the first look was this drainer's to evict: no other drainer
    // spends it, unless one is seen evicting under it after all.
    const expected = budget.status?.expectedPods ?? 0;
    if (!gate.tried) gate.ownsAll = expected > 0 && podsHere >= expected;
    gate.tried = true;
    if (gate.ownsAll && !gate.contended) return undefined;
    if (mayClaim(gate.share, share)) {
      gate.share.launched += 1;
      gate.claimNext = true;
      return undefined;
    }
    // Room no drainer claimed (drainers with nothing left under the budget, one not started yet): taken
    // in turns, one eviction per turn, once its claimants had their time.
    const window = this.turnsOf(gate).windowMs;
    const unclaimedAt = (unclaimedSince(gate.share) ?? now) + UNCLAIMED_AFTER_WINDOWS * this.turns.windowMs;
    if (gate.turn?.takenAt !== undefined && gate.turn.takenAt !== now) gate.turn = undefined;
    gate.turn ??= {
      at: budgetTurnAt({ ...this.turns, windowMs: window }, key, budget, Math.max(now, unclaimedAt)),
      launches: 0,
    };
    if (now < gate.turn.at) return gate.turn.at;
    if (gate.turn.launches >= 1) {
      gate.turn = { at: budgetTurnAt({ ...this.turns, windowMs: window }, key, budget, now), launches: 0 };
      return gate.turn.at;
    }
    gate.turn.takenAt = now;
    gate.turn.launches += 1;
    // Counted as a claim: the drainers' claims never add up to more than the grants.
    gate.share.launched += 1;
    gate.claimNext = true;
    return undefined;
  }

  /** The turns' window: doubled once others are seen under the budget, and once more per recent collision. */
  private turnsOf(gate: Gate): TurnSettings {
    return {
      identity: this.turns.identity,
      windowMs: this.turns.windowMs * 2 ** (gate.collisions + (gate.contended ? 1 : 0)),
    };
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
        unseen: new Map(),
        unseenChecked: { revision: -1, at: 0 },
        flying: 0,
        waiters: new Set(),
        ours: new Set(),
        contended: false,
        collisions: 0,
        turn: undefined,
        share: newBudgetShare(),
        claimNext: false,
        claimsFlying: new Set(),
        ownsAll: false,
      };
      this.gates.set(key, gate);
    }
    return gate;
  }
}
