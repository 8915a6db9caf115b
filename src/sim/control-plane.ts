import type { SeededRandom } from "../random/seeded-random.js";
import type { Clock } from "../time/clock.js";
import type { Faults } from "./faults.js";
import type { ObjectStore } from "./object-store.js";
import type { Recorder } from "./recorder.js";
import { Reconciler, type TimerSet } from "./timer-set.js";

/** How long the simulated machinery takes, in milliseconds of the injected clock. */
export interface Timings {
  /** Delay of the controllers (replica sets, stateful sets, daemon sets, disruption, attach-detach, scheduler). */
  readonly controllerDelayMs: number;
  readonly detachMs: number;
  readonly attachMs: number;
  /** Delay before pods of a deleted node are removed. */
  readonly podGcMs: number;
  /** The node lifecycle controller's --node-monitor-grace-period: a silent kubelet's node goes Unknown after it. */
  readonly nodeMonitorGraceMs: number;
}

/** What every part of the simulated control plane shares: the store, time, randomness and the record. */
export class ControlPlane {
  /** Nodes whose kubelet has stopped (a scenario fault): it neither starts nor stops pods any more. */
  readonly stoppedKubelets = new Set<string>();

  constructor(
    readonly store: ObjectStore,
    readonly clock: Clock,
    readonly names: SeededRandom,
    readonly recorder: Recorder,
    readonly faults: Faults,
    readonly timers: TimerSet,
    readonly timings: Timings,
  ) {}

  /** An RFC 3339 timestamp with second precision, as metav1.Time serialises, `offsetMs` from now. */
  timestamp(offsetMs = 0): string {
    return formatTime(this.clock.now() + offsetMs);
  }

  /** A controller's work queue: `reconcile(key)` runs once per key, the controller delay after a request. */
  controllerQueue(reconcile: (key: string) => void): Reconciler {
    return new Reconciler(this.timers, () => this.timings.controllerDelayMs, reconcile);
  }

  uid(): string {
    return this.names.uuid();
  }
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
