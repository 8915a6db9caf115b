import { type ClusterPort, isRetryable } from "./cluster-port.js";
import { unresolvedClaims, type VolumeWaitRecord } from "./pod-volumes.js";

export interface ClaimVolumesDeps {
  cluster: ClusterPort;
  /** The record to fill in (the drain state's; it may not exist yet). */
  record: () => VolumeWaitRecord | undefined;
  /** A claim could not be read: `retryable` says whether a later attempt may succeed. */
  onProblem: (claim: string, message: string, retryable: boolean) => void;
}

/**
 * Resolves the drained pods' claims to the PersistentVolumes bound to them (pod → claim → volume), as soon
 * as the drain notes them: a generic ephemeral volume's claim is deleted with its pod, so it is read while
 * the pod is still there. A claim that cannot be read now is tried again at the next `resolvePending`;
 * one that can never be read (missing, unbound, forbidden) gets null: its volume cannot be waited for.
 */
export class ClaimVolumes {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: ClaimVolumesDeps) {}

  /** Starts reading every claim whose volume is not known yet (at most once at a time per claim). */
  resolvePending(): void {
    const record = this.deps.record();
    if (record === undefined) return;
    for (const claim of unresolvedClaims(record)) {
      if (this.inFlight.has(claim)) continue;
      const reading = this.resolve(record, claim).finally(() => this.inFlight.delete(claim));
      this.inFlight.set(claim, reading);
    }
  }

  /** Reads what is pending and waits until every read in flight has answered. */
  async settle(): Promise<void> {
    this.resolvePending();
    await Promise.all(this.inFlight.values());
  }

  private async resolve(record: VolumeWaitRecord, claim: string): Promise<void> {
    const slash = claim.indexOf("/");
    const namespace = claim.slice(0, slash);
    const name = claim.slice(slash + 1);
    try {
      record.claims[claim] = (await this.deps.cluster.volumeOfClaim(namespace, name)) ?? null;
    } catch (error) {
      const retryable = isRetryable(error);
      if (!retryable) record.claims[claim] = null;
      const message = `reading claim ${claim}: ${error instanceof Error ? error.message : String(error)}`;
      this.deps.onProblem(claim, message, retryable);
    }
  }
}
