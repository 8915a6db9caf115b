import type { PodRef } from "../drain/cluster-port.js";
import type { DrainEvent, DrainObserver } from "../drain/events.js";
import type { Tier } from "../drain/tiers.js";
import { type CatalogEntry, drainEventCatalog as catalog } from "./drain-event-catalog.js";
import type { EventRecord, EventSubject } from "./event-recorder.js";
import { EventWriteBudget, type EventWriteBudgetOptions } from "./event-write-budget.js";

/** Where the events go: a KubeEventRecorder (which aggregates repeats into a count), or a test double. */
export interface EventSink {
  record(event: EventRecord): Promise<void>;
  flush(): Promise<void>;
}

/** What the handler adds to the engine's events: the lifecycle action's end, a drain that crashed. */
export type HandlerOccurrence =
  | {
      kind: "lifecycle-action-completed";
      at: number;
      instanceId: string;
      result: "CONTINUE" | "ABANDON" | "DEFAULT-RESULT";
      reason: string;
    }
  | { kind: "drain-error"; at: number; message: string }
  | { kind: "targets-waiting"; at: number; targetGroups: string[]; until: number }
  | { kind: "targets-deregistered"; at: number; targetGroups: string[]; waitedMs: number }
  | { kind: "targets-timed-out"; at: number; targetGroups: string[]; waitedMs: number };

export interface DrainEventReporterOptions {
  nodeName: string;
  nodeUid?: string;
  /** What the drain is for, e.g. "termination of instance i-0abc (Auto Scaling group workers)". */
  trigger?: string;
  /** Writes spent on details (per-pod events, batches); milestones are always written. */
  budget?: EventWriteBudgetOptions;
  /** Evictions and forced deletions are reported in batches at most this often, ms. */
  batchIntervalMs?: number;
}

/** Distinct blocking budgets named on the node whatever the write budget says. */
const MILESTONE_BUDGETS = 10;

interface Batch {
  pods: { ref: PodRef; tier?: Tier }[];
  firstAt: number;
}

/**
 * Turns a drain's progress into Kubernetes Events (the catalog in drain-event-catalog.ts), bounded:
 * milestones (start, deadline, pause, end, lifecycle action) are always written; details — a pod's refused
 * eviction, a forced deletion, the batches of evicted pods — spend a token-bucket budget, and evictions are
 * reported per batch, never per pod. `observe` is the engine's observer (synchronous, never throws); writes
 * run in the background until `flush`, which the caller awaits before its process may freeze.
 */
export class DrainEventReporter {
  readonly observe: DrainObserver = (event) => {
    try {
      this.onDrainEvent(event);
    } catch {
      // Events are best effort: a failure here must never reach the drain.
    }
  };

  private readonly budget: EventWriteBudget;
  private readonly batchIntervalMs: number;
  private readonly writes = new Set<Promise<void>>();
  private readonly budgetsReported = new Set<string>();
  private evicted: Batch | undefined;
  private forced: Batch | undefined;
  private lastApiError: string | undefined;
  private pendingFailure: { at: number; problem: string } | undefined;
  private counts = { written: 0, dropped: 0 };

  constructor(
    private readonly sink: EventSink,
    private readonly options: DrainEventReporterOptions,
  ) {
    this.budget = new EventWriteBudget(options.budget);
    this.batchIntervalMs = options.batchIntervalMs ?? 10_000;
  }

  /** Events handed to the sink, and details dropped for want of budget. */
  get stats(): { written: number; dropped: number } {
    return { ...this.counts };
  }

  report(occurrence: HandlerOccurrence): void {
    if (occurrence.kind === "drain-error") {
      // Replaces the engine's vaguer "failed" ending, so that one DrainFailed event says what went wrong.
      this.pendingFailure = { at: occurrence.at, problem: occurrence.message };
      return;
    }
    switch (occurrence.kind) {
      case "targets-waiting": {
        const { targetGroups, until } = occurrence;
        this.write(catalog.waitingForTargets, { targetGroups, until }, this.node(), occurrence.at, true);
        return;
      }
      case "targets-deregistered": {
        const { targetGroups, waitedMs } = occurrence;
        this.write(catalog.targetsDeregistered, { targetGroups, waitedMs }, this.node(), occurrence.at, true);
        return;
      }
      case "targets-timed-out": {
        const { targetGroups, waitedMs } = occurrence;
        const entry = catalog.targetDeregistrationTimedOut;
        this.write(entry, { targetGroups, waitedMs }, this.node(), occurrence.at, true);
        return;
      }
    }
    this.writePendingFailure();
    const { instanceId, reason } = occurrence;
    const entry =
      occurrence.result === "CONTINUE"
        ? catalog.lifecycleActionCompleted
        : occurrence.result === "ABANDON"
          ? catalog.lifecycleActionAbandoned
          : catalog.lifecycleActionLeftToDefault;
    this.write(entry, { instanceId, reason }, this.node(), occurrence.at, true);
  }

  /** Writes what is batched or pending and waits for every write, then for the sink's own repeats. */
  async flush(): Promise<void> {
    this.flushBatches(0, true);
    this.writePendingFailure();
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    await this.sink.flush();
  }

  private onDrainEvent(event: DrainEvent): void {
    const at = event.at;
    switch (event.kind) {
      case "started":
        if (event.resumed) {
          const { phase, startedAt, deadline } = event;
          this.write(catalog.drainResumed, { phase, startedAt, deadline }, this.node(), at, true);
        } else {
          const trigger = this.options.trigger;
          const input =
            trigger === undefined ? { deadline: event.deadline } : { deadline: event.deadline, trigger };
          this.write(catalog.drainStarted, input, this.node(), at, true);
        }
        return;
      case "tier-started":
        this.flushBatches(at, true);
        return;
      case "evicted":
        this.evicted = addTo(this.evicted, { ref: event.pod, tier: event.tier }, at);
        break;
      case "blocked":
        this.onBlocked(event);
        break;
      case "forced":
        this.forced = addTo(this.forced, { ref: event.pod }, at);
        this.write(
          catalog.podForceDeleted,
          { nodeName: event.nodeName, gracePeriodSeconds: event.gracePeriodSeconds },
          podSubject(event.pod),
          at,
          false,
        );
        break;
      case "skipped":
        if (event.reason === "returning") {
          const input = { nodeName: event.nodeName, message: event.message };
          this.write(catalog.podReturning, input, podSubject(event.pod), at, false);
        }
        if (event.reason === "node-unreachable") {
          const input = { nodeName: event.nodeName, message: event.message };
          this.write(catalog.podCountedGone, input, podSubject(event.pod), at, false);
        }
        break;
      case "deadline-approaching": {
        const { deadline, remainingMs, podsLeft } = event;
        this.write(catalog.deadlineApproaching, { deadline, remainingMs, podsLeft }, this.node(), at, true);
        break;
      }
      case "deadline-reached": {
        this.flushBatches(at, true);
        const { deadline, podsLeft, policy } = event;
        this.write(catalog.deadlineReached, { deadline, podsLeft, policy }, this.node(), at, true);
        return;
      }
      case "volumes-waiting": {
        // The pods are gone by now: their batch goes first, so that the node's events read in order.
        this.flushBatches(at, true);
        const { volumes, detachErrors, until } = event;
        this.write(catalog.waitingForVolumes, { volumes, detachErrors, until }, this.node(), at, false);
        return;
      }
      case "volumes-detached":
        this.flushBatches(at, true);
        if (event.timedOut) {
          const volumes = event.volumes ?? event.attachments;
          const input = { volumes, waitedMs: event.waitedMs, atDeadline: event.atDeadline === true };
          this.write(catalog.volumeDetachTimedOut, input, this.node(), at, true);
        } else if ((event.volumes ?? []).length > 0) {
          // Nothing to say when there was nothing to wait for.
          this.write(catalog.volumesDetached, { waitedMs: event.waitedMs }, this.node(), at, true);
        }
        return;
      case "api-error":
        this.lastApiError = `${event.operation}: ${event.message}`;
        break;
      case "stopped":
        this.flushBatches(at, true);
        this.write(catalog.drainPaused, { phase: event.phase, reason: event.reason }, this.node(), at, true);
        return;
      case "finished":
        this.flushBatches(at, true);
        this.onFinished(event);
        return;
      default:
        break;
    }
    this.flushBatches(at, false);
  }

  private onBlocked(event: Extract<DrainEvent, { kind: "blocked" }>): void {
    const input = {
      pod: event.pod,
      cause: event.cause,
      message: event.message,
      ...(event.budget === undefined ? {} : { budget: event.budget }),
      ...(event.disruptionsAllowed === undefined ? {} : { disruptionsAllowed: event.disruptionsAllowed }),
    };
    // On the node: once per budget (or cause) and run, so that `kubectl describe node` names what holds the
    // drain up. A milestone for the first few budgets (a node rarely meets more); a detail after that.
    const key = `${event.cause}:${event.budget ?? ""}`;
    if (!this.budgetsReported.has(key)) {
      const milestone = this.budgetsReported.size < MILESTONE_BUDGETS;
      if (this.write(catalog.budgetBlocking, input, this.node(), event.at, milestone)) {
        this.budgetsReported.add(key);
      }
    }
    this.write(catalog.evictionBlocked, input, podSubject(event.pod), event.at, false);
  }

  private onFinished(event: Extract<DrainEvent, { kind: "finished" }>): void {
    const { at, durationMs, evicted, forced } = event;
    switch (event.status) {
      case "drained":
        this.write(catalog.drainSucceeded, { durationMs, evicted, forced }, this.node(), at, true);
        return;
      case "deadline-forced":
        this.write(catalog.drainForcedAtDeadline, { durationMs, forced }, this.node(), at, true);
        return;
      case "deadline-left":
        this.pendingFailure = {
          at,
          problem: `the deadline passed with pods still on the node (after ${Math.round(durationMs / 1000)}s)`,
        };
        return;
      case "failed":
        this.pendingFailure ??= { at, problem: this.lastApiError ?? "see the drainer's log" };
        return;
      default:
        return;
    }
  }

  private writePendingFailure(): void {
    const failure = this.pendingFailure;
    if (failure === undefined) return;
    this.pendingFailure = undefined;
    this.write(catalog.drainFailed, { problem: failure.problem }, this.node(), failure.at, true);
  }

  /** Writes the batches due at `at` (all of them when `force`), as far as the budget allows. */
  private flushBatches(at: number, force: boolean): void {
    const due = (batch: Batch | undefined): batch is Batch =>
      batch !== undefined && batch.pods.length > 0 && (force || at - batch.firstAt >= this.batchIntervalMs);
    if (due(this.evicted)) {
      const batch = this.evicted;
      const tiers = new Set(batch.pods.map((pod) => pod.tier));
      const [tier] = tiers;
      const input = { pods: batch.pods.map((pod) => pod.ref), ...(tiers.size === 1 && tier ? { tier } : {}) };
      if (this.write(catalog.podsEvicted, input, this.node(), at, force)) {
        this.evicted = undefined;
      }
    }
    if (due(this.forced)) {
      const batch = this.forced;
      const input = { pods: batch.pods.map((pod) => pod.ref) };
      if (this.write(catalog.podsForceDeleted, input, this.node(), at, force)) {
        this.forced = undefined;
      }
    }
  }

  /** Hands one event to the sink; a detail (not `milestone`) only if the budget has a write left. */
  private write<Input>(
    entry: CatalogEntry<Input>,
    input: Input,
    subject: EventSubject,
    at: number,
    milestone: boolean,
  ): boolean {
    if (!milestone && !this.budget.take(at)) {
      this.counts.dropped += 1;
      return false;
    }
    this.counts.written += 1;
    const record: EventRecord = {
      subject,
      type: entry.type,
      reason: entry.reason,
      message: entry.message(input),
    };
    const writing = this.sink.record(record).catch(() => undefined);
    this.writes.add(writing);
    void writing.finally(() => this.writes.delete(writing));
    return true;
  }

  private node(): EventSubject {
    const { nodeName, nodeUid } = this.options;
    return { kind: "Node", name: nodeName, ...(nodeUid === undefined ? {} : { uid: nodeUid }) };
  }
}

function podSubject(pod: PodRef): EventSubject {
  return { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid };
}

function addTo(batch: Batch | undefined, pod: Batch["pods"][number], at: number): Batch {
  if (batch === undefined) return { pods: [pod], firstAt: at };
  batch.pods.push(pod);
  return batch;
}
