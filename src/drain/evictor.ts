import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { backoffDelay } from "./backoff.js";
import { blockedEvent, budgetStatusHold, nextBlocked } from "./blocked-pods.js";
import { BudgetGates } from "./budget-gates.js";
import { budgetKey } from "./budgets.js";
import type { Clock } from "./clock.js";
import { type ClusterPort, type EvictionOutcome, isRetryable, type PodRef } from "./cluster-port.js";
import type { ClusterView } from "./cluster-view.js";
import { evictionGraceSeconds } from "./deadline.js";
import type { DrainEventInput } from "./events.js";
import { graceSecondsOf, isReady } from "./pod-facts.js";
import type { DrainPolicy } from "./policy.js";
import type { BlockedPod } from "./result.js";
import type { Tier } from "./tiers.js";

/** A pod the current step wants evicted, with the budgets that cover it. */
export interface EvictionCandidate {
  pod: V1Pod;
  ref: PodRef;
  tier: Tier;
  budgets: V1PodDisruptionBudget[];
}

type RecordState = "idle" | "in-flight" | "accepted" | "gone" | "forced";

interface EvictionRecord {
  ref: PodRef;
  state: RecordState;
  /** Unanswered or refused attempts so far, for the pod's own backoff. */
  failures: number;
  nextAttemptAt: number;
  /** The last refusal came from a budget the gates track. */
  gated: boolean;
  /** The budget's status allowed the eviction in flight (it is not a blind probe). */
  allowedAtLaunch?: boolean;
  blocked?: BlockedPod;
}

export interface EvictorDeps {
  cluster: ClusterPort;
  clock: Clock;
  policy: DrainPolicy;
  view: ClusterView;
  random: () => number;
  deadline: () => number;
  emit: (event: DrainEventInput) => void;
  /** Who this drain is among drainers taking turns under a budget (the node's name). */
  identity: string;
  /** Called when something changed (an answer arrived) so the loop runs again. */
  wake: () => void;
  onAccepted: (ref: PodRef, tier: Tier, gracePeriodSeconds: number | undefined, pod: V1Pod) => void;
  onGone: (ref: PodRef) => void;
  /** The budget gates of every drain of the process; absent: this drain's own. */
  gates?: BudgetGates;
  /** How many drains run at once, this one included (budget-gates.ts `enter`); absent: unknown. */
  drainsAtOnce?: number;
  /** This drain's place among them (drain-node.ts `batchPosition`). */
  batchPosition?: number;
}

/**
 * Evicts pods with bounded concurrency and retries refusals as soon as the budget may allow again:
 * on a budget status change seen through the watch, else on a slow blind probe. Knows
 * nothing of tiers or deadlines beyond what it is handed.
 */
export class Evictor {
  private readonly records = new Map<string, EvictionRecord>();
  private readonly gates: BudgetGates;
  private readonly inFlight = new Map<string, Promise<void>>();
  private fatalError: string | undefined;
  /** Budgets with pods of this drain waiting for room after the last pass. */
  private waitingOn = new Set<string>();
  /** Ends this drain's part in the gates' shares. */
  readonly leaveGates: () => void;

  constructor(private readonly deps: EvictorDeps) {
    this.gates =
      deps.gates ??
      new BudgetGates(deps.view, deps.policy.budgetBackoff, deps.random, {
        identity: deps.identity,
        windowMs: deps.policy.budgetTurnWindowMs,
      });
    this.leaveGates = this.gates.enter(deps.drainsAtOnce, deps.batchPosition);
  }

  /**
   * True when pods of this drain waited for room under the budget in the last pass and the budget's gate
   * has a use for a pass now (a new status may show room this drain can take).
   */
  waitsFor(budgetKey: string): boolean {
    return this.waitingOn.has(budgetKey) && this.gates.worthAPass(budgetKey, this.deps.clock.now());
  }

  get fatal(): string | undefined {
    return this.fatalError;
  }

  /** True once an eviction of this pod was accepted (or it was forced or found gone). */
  isHandled(uid: string): boolean {
    const state = this.records.get(uid)?.state;
    return state === "accepted" || state === "gone" || state === "forced";
  }

  /** True once the drain sent this pod an eviction or a delete (answered or not). */
  isTouched(uid: string): boolean {
    const state = this.records.get(uid)?.state;
    return state !== undefined && (state !== "idle" || (this.records.get(uid)?.failures ?? 0) > 0);
  }

  markGone(uid: string): void {
    const record = this.records.get(uid);
    if (record !== undefined && record.state !== "in-flight") record.state = "gone";
  }

  markForced(ref: PodRef): void {
    const record = this.records.get(ref.uid) ?? this.newRecord(ref, this.deps.clock.now());
    if (record.state !== "in-flight") record.state = "forced";
    record.blocked = undefined;
  }

  /** Pods whose last attempt was refused and that are not evicted yet. */
  blockedPods(): BlockedPod[] {
    return [...this.records.values()]
      .filter((record) => record.state === "idle" && record.blocked !== undefined)
      .map((record) => record.blocked as BlockedPod);
  }

  /** Waits for requests in flight, at most `maxMs`. */
  async settle(maxMs: number): Promise<void> {
    const pending = [...this.inFlight.values()];
    if (pending.length === 0) return;
    const timer = new AbortController();
    await Promise.race([
      Promise.allSettled(pending),
      this.deps.clock.sleep(maxMs, timer.signal).catch(() => {}),
    ]);
    timer.abort();
  }

  /**
   * Starts the evictions that may start now. Returns the earliest time (epoch ms) at which a waiting
   * candidate may be tried again without any news, or undefined when only news can unblock them.
   */
  pump(candidates: readonly EvictionCandidate[]): number | undefined {
    const now = this.deps.clock.now();
    let next: number | undefined;
    const later = (at: number) => {
      next = next === undefined ? at : Math.min(next, at);
    };
    /** This drain's pods still to evict per budget (a budget whose pods are all here has no other drainer). */
    const here = new Map<string, number>();
    for (const candidate of candidates) {
      const [only] = candidate.budgets;
      if (candidate.budgets.length !== 1 || only === undefined) continue;
      const key = budgetKey(only);
      here.set(key, (here.get(key) ?? 0) + 1);
    }
    const waiting = new Set<string>();
    this.waitingOn = waiting;
    for (const candidate of budgetedFirst(candidates)) {
      if (this.fatalError !== undefined) break;
      const record = this.records.get(candidate.ref.uid) ?? this.newRecord(candidate.ref, now);
      if (record.state !== "idle") continue;
      const budget =
        candidate.budgets.length === 1 && isReady(candidate.pod) ? candidate.budgets[0] : undefined;
      // The pod's own wait (throttling, server errors, two budgets) holds; a budget refusal is the
      // budget gate's to lift, as soon as the budget allows again.
      if (now < record.nextAttemptAt && !(budget !== undefined && record.gated)) {
        later(record.nextAttemptAt);
        continue;
      }
      // With every slot taken, the next answer wakes the loop.
      if (this.inFlight.size >= this.deps.policy.concurrency) continue;
      if (budget === undefined) {
        this.launch(candidate, record, undefined);
        continue;
      }
      const key = budgetKey(budget);
      const decision = this.gates.decide(key, budget, now, this.deps.wake, here.get(key) ?? 0);
      if (decision.go) {
        record.allowedAtLaunch = decision.allowed === true;
        this.launch(candidate, record, key);
        continue;
      }
      waiting.add(key);
      if (decision.retryAt !== undefined) later(decision.retryAt);
      if (decision.budgetSaysNo) this.holdByBudget(candidate, record, key, now);
    }
    return next;
  }

  /**
   * The budget's status, as the watch shows it, allows no eviction now: the pod is reported blocked
   * (once) without asking the server for a refusal.
   */
  private holdByBudget(candidate: EvictionCandidate, record: EvictionRecord, key: string, now: number): void {
    if (record.blocked !== undefined) return;
    const hold = budgetStatusHold(key, this.deps.view.budget(key)?.status);
    record.blocked = nextBlocked(candidate.ref, undefined, hold, now).blocked;
    this.deps.emit(blockedEvent(record.blocked, Math.max(0, (this.gates.nextProbeOf(key) ?? now) - now)));
  }

  private newRecord(ref: PodRef, now: number): EvictionRecord {
    const record: EvictionRecord = { ref, state: "idle", failures: 0, nextAttemptAt: now, gated: false };
    this.records.set(ref.uid, record);
    return record;
  }

  private launch(candidate: EvictionCandidate, record: EvictionRecord, budget: string | undefined): void {
    const { clock } = this.deps;
    // Under "leave" a pod keeps its whole grace period, as with kubectl drain; "force" ends it by the deadline.
    const grace =
      this.deps.policy.onDeadline === "force"
        ? evictionGraceSeconds(this.deps.deadline(), clock.now(), graceSecondsOf(candidate.pod))
        : undefined;
    record.state = "in-flight";
    if (budget !== undefined) this.gates.launched(budget, candidate.ref.name);
    const promise = this.request(candidate, grace)
      .catch(
        (error: unknown): EvictionOutcome =>
          isRetryable(error)
            ? { kind: "retry", cause: "network", message: errorMessage(error) }
            : { kind: "fatal", message: errorMessage(error) },
      )
      .then((outcome) => {
        this.settleOutcome(candidate, record, outcome, budget, grace);
        if (budget !== undefined) this.gates.landed(budget, candidate.ref.name, outcome.kind === "evicted");
      })
      .finally(() => {
        this.inFlight.delete(candidate.ref.uid);
        this.deps.wake();
      });
    this.inFlight.set(candidate.ref.uid, promise);
  }

  /** An eviction, or with `disableEviction` a DELETE of the pod (kubectl drain's --disable-eviction). */
  private request(candidate: EvictionCandidate, grace: number | undefined): Promise<EvictionOutcome> {
    const { cluster } = this.deps;
    if (!this.deps.policy.disableEviction) {
      return cluster.evictPod(candidate.ref, grace === undefined ? {} : { gracePeriodSeconds: grace });
    }
    const gracePeriodSeconds = grace ?? graceSecondsOf(candidate.pod);
    return cluster
      .deletePod(candidate.ref, { gracePeriodSeconds })
      .then(
        (outcome): EvictionOutcome =>
          outcome === "gone" ? { kind: "gone", reason: "not-found" } : { kind: "evicted" },
      );
  }

  private settleOutcome(
    candidate: EvictionCandidate,
    record: EvictionRecord,
    outcome: EvictionOutcome,
    budget: string | undefined,
    grace: number | undefined,
  ): void {
    const { clock, policy, random, emit } = this.deps;
    const now = clock.now();
    const ref = candidate.ref;
    if (record.state === "forced") return;
    switch (outcome.kind) {
      case "evicted": {
        record.state = "accepted";
        record.blocked = undefined;
        if (budget !== undefined) this.gates.accepted(budget, ref.name, now);
        this.deps.onAccepted(ref, candidate.tier, grace, candidate.pod);
        return;
      }
      case "gone":
        record.state = "gone";
        record.blocked = undefined;
        this.deps.onGone(ref);
        return;
      case "blocked": {
        record.state = "idle";
        record.failures += 1;
        const key =
          outcome.cause === "budget" ? this.refusingBudget(candidate, outcome.budget, budget) : undefined;
        let retryIn: number;
        record.gated = outcome.cause === "budget" && key !== undefined;
        if (outcome.cause === "budget" && key !== undefined) {
          retryIn = this.gates.refused(key, now, outcome.retryAfterMs, record.allowedAtLaunch === true);
        } else {
          const backoff =
            outcome.cause === "multiple-budgets" ? policy.multipleBudgetsBackoff : policy.budgetBackoff;
          retryIn = backoffDelay(record.failures - 1, backoff, random);
        }
        record.nextAttemptAt = now + retryIn;
        const budgetName =
          outcome.cause === "multiple-budgets"
            ? candidate.budgets.map(budgetKey).join(", ") || undefined
            : key;
        const allowed =
          key === undefined ? undefined : this.deps.view.budget(key)?.status?.disruptionsAllowed;
        const hold = {
          cause: outcome.cause,
          budget: budgetName,
          disruptionsAllowed: allowed,
          message: outcome.message,
          refused: true,
        };
        const next = nextBlocked(ref, record.blocked, hold, now);
        record.blocked = next.blocked;
        if (next.first) emit(blockedEvent(next.blocked, retryIn));
        return;
      }
      case "retry": {
        record.state = "idle";
        record.gated = false;
        const retryIn =
          outcome.retryAfterMs ?? backoffDelay(record.failures, policy.transientBackoff, random);
        record.failures += 1;
        record.nextAttemptAt = now + retryIn;
        emit({
          kind: "retrying",
          pod: ref,
          operation: "evict",
          message: outcome.message,
          retryInMs: retryIn,
        });
        return;
      }
      case "fatal":
        record.state = "idle";
        this.fatalError = `evicting pod ${ref.namespace}/${ref.name}: ${outcome.message}`;
        return;
    }
  }

  /** The budget a refusal names (namespace of the pod), else the one the cache says covers the pod. */
  private refusingBudget(
    candidate: EvictionCandidate,
    named: string | undefined,
    launched: string | undefined,
  ) {
    if (named !== undefined) return `${candidate.ref.namespace}/${named}`;
    if (launched !== undefined) return launched;
    const [only] = candidate.budgets;
    return only === undefined ? undefined : budgetKey(only);
  }
}

/**
 * Pods under a budget first: they go in waves, each waiting for the previous one's replacements, so they
 * make the drain's critical path; a pod under no budget can go any time (with 300 such pods ahead in the
 * list, a 500-pod node began its budgets' first wave a second late). The budgets take turns, one pod
 * each: every budget's waves are a chain of their own, and with a budget's pods all ahead of the next
 * one's, the second budget's first wave waited for the first's (260 ms of a 500-pod node's 4.9 s).
 */
function budgetedFirst(candidates: readonly EvictionCandidate[]): readonly EvictionCandidate[] {
  const byBudgets = new Map<string, EvictionCandidate[]>();
  const free: EvictionCandidate[] = [];
  for (const candidate of candidates) {
    if (candidate.budgets.length === 0) {
      free.push(candidate);
      continue;
    }
    const key = candidate.budgets.map(budgetKey).join(" ");
    const queue = byBudgets.get(key);
    if (queue === undefined) byBudgets.set(key, [candidate]);
    else queue.push(candidate);
  }
  if (byBudgets.size === 0) return candidates;
  const queues = [...byBudgets.values()];
  const ordered: EvictionCandidate[] = [];
  for (let turn = 0; ordered.length < candidates.length - free.length; turn += 1) {
    for (const queue of queues) {
      const candidate = queue[turn];
      if (candidate !== undefined) ordered.push(candidate);
    }
  }
  return [...ordered, ...free];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
