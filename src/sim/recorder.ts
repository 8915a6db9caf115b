/** What happened in the simulated cluster, for assertions and benchmarks. */

export type RefusalCause = "DisruptionBudget" | "BudgetNotObserved" | "Throttled";

export interface RecordedRequest {
  /** Clock time at which the request arrived. */
  readonly at: number;
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly code: number;
  /** Real milliseconds from arrival to the response head. */
  readonly durationMs: number;
  /** Why a 429 was answered. */
  readonly refusal?: RefusalCause;
}

export type DisruptionCause = "eviction" | "delete";

/** A moment a voluntary disruption left a budget with fewer healthy pods than it desires. */
export interface BudgetViolation {
  readonly at: number;
  /** namespace/name of the budget. */
  readonly budget: string;
  /** namespace/name of the pod whose disruption did it. */
  readonly pod: string;
  readonly podUid: string;
  readonly healthy: number;
  readonly desiredHealthy: number;
  readonly cause: DisruptionCause;
}

export type DeletionVia = "eviction" | "delete" | "controller" | "pod-gc";

export interface PodDeletion {
  readonly at: number;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName?: string;
  /** The pod's controller, "Kind/name" (absent for a bare pod). */
  readonly owner?: string;
  readonly gracePeriodSeconds: number;
  readonly via: DeletionVia;
}

export interface SimRecorder {
  requests(): readonly RecordedRequest[];
  /** Requests counted by verb: get, list, watch, create, update, patch, delete. */
  countsByVerb(): Record<string, number>;
  /** Requests counted by `verb resource[/subresource]`, e.g. `create pods/eviction`. */
  countsByRequest(): Record<string, number>;
  /** 429 answers, each with its cause. */
  refusals(): readonly RecordedRequest[];
  refusalsByCause(): Record<RefusalCause, number>;
  violations(): readonly BudgetViolation[];
  deletions(): readonly PodDeletion[];
  /** TLS connections accepted so far: one per request means no keep-alive. */
  connections(): number;
  /** Forgets everything recorded so far. */
  reset(): void;
  /** Calls `listener` with each request as it is recorded (when its answer is sent); returns the unsubscribe. */
  onRequest(listener: (request: RecordedRequest) => void): () => void;
}

/** The writable side, used by the server and the controllers. */
export class Recorder implements SimRecorder {
  private requestLog: RecordedRequest[] = [];
  private violationLog: BudgetViolation[] = [];
  private deletionLog: PodDeletion[] = [];
  private connectionCount = 0;
  private readonly requestListeners = new Set<(request: RecordedRequest) => void>();

  recordRequest(request: RecordedRequest): void {
    this.requestLog.push(request);
    for (const listener of this.requestListeners) listener(request);
  }

  onRequest(listener: (request: RecordedRequest) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  recordViolation(violation: BudgetViolation): void {
    this.violationLog.push(violation);
  }

  recordDeletion(deletion: PodDeletion): void {
    this.deletionLog.push(deletion);
  }

  recordConnection(): void {
    this.connectionCount += 1;
  }

  requests(): readonly RecordedRequest[] {
    return [...this.requestLog];
  }

  countsByVerb(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const request of this.requestLog) counts[request.verb] = (counts[request.verb] ?? 0) + 1;
    return counts;
  }

  countsByRequest(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const request of this.requestLog) {
      const key = `${request.verb} ${request.resource}${request.subresource ? `/${request.subresource}` : ""}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  refusals(): readonly RecordedRequest[] {
    return this.requestLog.filter((request) => request.code === 429);
  }

  refusalsByCause(): Record<RefusalCause, number> {
    const counts: Record<RefusalCause, number> = { DisruptionBudget: 0, BudgetNotObserved: 0, Throttled: 0 };
    for (const request of this.requestLog) if (request.refusal) counts[request.refusal] += 1;
    return counts;
  }

  violations(): readonly BudgetViolation[] {
    return [...this.violationLog];
  }

  deletions(): readonly PodDeletion[] {
    return [...this.deletionLog];
  }

  connections(): number {
    return this.connectionCount;
  }

  reset(): void {
    this.requestLog = [];
    this.violationLog = [];
    this.deletionLog = [];
    this.connectionCount = 0;
  }
}
