import { randomBytes } from "node:crypto";
import { ApiException, type CoreV1Event, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { type Clock, systemClock } from "../drain/clock.js";
import { toClusterError } from "./api-errors.js";
import type { KubeClient } from "./kube-client.js";

export interface EventSubject {
  kind: "Node" | "Pod";
  name: string;
  /** The pod's namespace; ignored for nodes (their events live in "default"). */
  namespace?: string;
  uid?: string;
}

export interface EventRecord {
  subject: EventSubject;
  type: "Normal" | "Warning";
  /** UpperCamelCase, e.g. "Evicted", "EvictionBlocked". */
  reason: string;
  message: string;
}

export interface EventRecorderOptions {
  clock?: Clock;
  /** Repeats of one event are written at most this often (their count keeps growing meanwhile), ms. */
  minUpdateIntervalMs?: number;
  component?: string;
  /** Told about failed writes; events are best effort and never fail the caller. */
  onError?: (error: Error) => void;
}

interface Aggregate {
  name: string;
  namespace: string;
  count: number;
  writtenCount: number;
  lastWrittenAt: number;
  lastSeenAt: number;
}

const MAX_MESSAGE = 1024;

/**
 * Writes Kubernetes Events about nodes and pods, aggregating repeats like client-go's correlator: the
 * first occurrence creates an Event, later ones raise its count and lastTimestamp, with at most one
 * write per event per interval, so that a drain retrying every few seconds does not flood the API.
 */
export class KubeEventRecorder {
  private readonly clock: Clock;
  private readonly interval: number;
  private readonly component: string;
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly instance = randomBytes(4).toString("hex");
  private sequence = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly options: EventRecorderOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.interval = options.minUpdateIntervalMs ?? 10_000;
    this.component = options.component ?? "eks-node-drainer";
  }

  /** Records one occurrence. Resolves once written (or deferred); never rejects. */
  async record(event: EventRecord): Promise<void> {
    const now = this.clock.now();
    const namespace = event.subject.kind === "Node" ? "default" : (event.subject.namespace ?? "default");
    const key = JSON.stringify([
      event.subject.kind,
      namespace,
      event.subject.name,
      event.type,
      event.reason,
      event.message,
    ]);
    const known = this.aggregates.get(key);
    if (known === undefined) {
      const aggregate: Aggregate = {
        name: this.eventName(event.subject.name, now),
        namespace,
        count: 1,
        writtenCount: 0,
        lastWrittenAt: now,
        lastSeenAt: now,
      };
      this.aggregates.set(key, aggregate);
      await this.create(event, aggregate);
      return;
    }
    known.count += 1;
    known.lastSeenAt = now;
    if (now - known.lastWrittenAt >= this.interval) await this.update(event, known);
  }

  /** Writes the counts of repeats not written yet (call before the process ends). */
  async flush(): Promise<void> {
    const pending = [...this.aggregates.entries()].filter(
      ([, aggregate]) => aggregate.count > aggregate.writtenCount,
    );
    await Promise.all(pending.map(([key, aggregate]) => this.update(eventOfKey(key), aggregate)));
  }

  /** Unique per event, like client-go's `<object>.<hex time>` names. */
  private eventName(subject: string, now: number): string {
    this.sequence += 1;
    return `${subject}.${now.toString(16)}${this.instance}${this.sequence.toString(16)}`;
  }

  private async create(event: EventRecord, aggregate: Aggregate): Promise<void> {
    const at = new Date(aggregate.lastSeenAt);
    const body: CoreV1Event = {
      metadata: { name: aggregate.name, namespace: aggregate.namespace },
      involvedObject: {
        apiVersion: "v1",
        kind: event.subject.kind,
        name: event.subject.name,
        ...(event.subject.kind === "Pod" ? { namespace: aggregate.namespace } : {}),
        ...(event.subject.uid === undefined ? {} : { uid: event.subject.uid }),
      },
      reason: event.reason,
      message: event.message.slice(0, MAX_MESSAGE),
      type: event.type,
      count: aggregate.count,
      firstTimestamp: at,
      lastTimestamp: at,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: `${this.component}-${this.instance}`,
    };
    try {
      await this.client.core.createNamespacedEvent({ namespace: aggregate.namespace, body });
      aggregate.writtenCount = aggregate.count;
      aggregate.lastWrittenAt = this.clock.now();
    } catch (error) {
      this.options.onError?.(
        toClusterError(`recording event ${event.reason} on ${event.subject.name}`, error),
      );
    }
  }

  private async update(event: EventRecord, aggregate: Aggregate): Promise<void> {
    try {
      await this.client.core.patchNamespacedEvent(
        {
          name: aggregate.name,
          namespace: aggregate.namespace,
          body: { count: aggregate.count, lastTimestamp: new Date(aggregate.lastSeenAt).toISOString() },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      aggregate.writtenCount = aggregate.count;
      aggregate.lastWrittenAt = this.clock.now();
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) {
        // The event expired (or its creation failed): start it again with the count so far.
        aggregate.name = this.eventName(event.subject.name, this.clock.now());
        await this.create(event, aggregate);
        return;
      }
      this.options.onError?.(
        toClusterError(`updating event ${event.reason} on ${event.subject.name}`, error),
      );
    }
  }
}

function eventOfKey(key: string): EventRecord {
  const [kind, namespace, name, type, reason, message] = JSON.parse(key) as string[];
  return {
    subject: { kind: kind === "Pod" ? "Pod" : "Node", name: name ?? "", namespace: namespace ?? "default" },
    type: type === "Warning" ? "Warning" : "Normal",
    reason: reason ?? "",
    message: message ?? "",
  };
}
