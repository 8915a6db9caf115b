import type { LifecycleRecord, RecordedResult } from "./lifecycle-record.js";

export interface AdmissionRequest {
  token: string;
  /** 0 for the lifecycle event itself, n for the n-th continuation. */
  attempt: number;
  /** This delivery: the invocation's request ID and the SQS message ID. */
  owner: string;
  now: number;
  /** The lease this delivery takes when admitted: the end of its invocation (epoch ms). */
  leaseUntil: number;
  /**
   * How long a scheduled continuation is expected to arrive within. An older delivery is superseded only
   * while the continuation may still come: past this, it may go on (a lost continuation must not stall).
   */
  handOffWindowMs: number;
}

export type Admission =
  /** Go on: `record` (with this delivery's lease) is to be written before draining. */
  | { kind: "claim"; record: LifecycleRecord }
  /** The action was already completed (or left to its DefaultResult) by an earlier delivery. */
  | { kind: "completed"; result: RecordedResult; at: number }
  /** Another delivery of the same or a later attempt holds a live lease: it carries the drain. */
  | { kind: "busy"; owner: string; attempt: number; until: number }
  /**
   * An earlier attempt holds a live lease and has not recorded handing off to this one (it is about to,
   * or it is a stray copy): this delivery must be tried again later, never dropped.
   */
  | { kind: "wait-for-hand-off"; owner: string; attempt: number; until: number }
  /** A later continuation was already scheduled: this delivery is an older copy. */
  | { kind: "superseded"; handedOffAttempt: number };

/**
 * Decides whether a delivery of a notice may work on its drain. A continuation (attempt n + 1) takes over
 * the lease of attempt n once n has recorded handing off to it; a copy of an attempt that a live lease or a
 * scheduled continuation has moved past is acknowledged, because the delivery holding the drain completes
 * it, hands it off, or fails and is delivered again itself.
 */
export function admit(record: LifecycleRecord | undefined, request: AdmissionRequest): Admission {
  const current: LifecycleRecord = record ?? { token: request.token };
  if (current.completion !== undefined) {
    return { kind: "completed", result: current.completion.result, at: current.completion.at };
  }
  const handedOff = current.handedOff;
  if (
    handedOff !== undefined &&
    handedOff.attempt > request.attempt &&
    request.now - handedOff.at < request.handOffWindowMs
  ) {
    return { kind: "superseded", handedOffAttempt: handedOff.attempt };
  }
  const lease = current.lease;
  if (lease !== undefined && lease.owner !== request.owner && lease.until > request.now) {
    const holder = { owner: lease.owner, attempt: lease.attempt, until: lease.until };
    if (lease.attempt >= request.attempt) return { kind: "busy", ...holder };
    const handedToThis = handedOff !== undefined && handedOff.attempt >= request.attempt;
    if (!handedToThis) return { kind: "wait-for-hand-off", ...holder };
  }
  return {
    kind: "claim",
    record: {
      ...current,
      lease: { owner: request.owner, attempt: request.attempt, until: request.leaseUntil },
    },
  };
}

/** The record once `owner` has scheduled continuation `attempt`: its lease ends, the heartbeat is kept. */
export function afterHandOff(
  record: LifecycleRecord,
  change: { owner: string; attempt: number; at: number; lastHeartbeatAt: number | undefined },
): LifecycleRecord {
  const next = withoutLeaseOf(record, change.owner);
  const previous = record.handedOff?.attempt ?? 0;
  next.handedOff = { attempt: Math.max(previous, change.attempt), at: change.at };
  const beat = Math.max(record.lastHeartbeatAt ?? 0, change.lastHeartbeatAt ?? 0);
  if (beat > 0) next.lastHeartbeatAt = beat;
  return next;
}

/** The record once the action is completed (or left to its DefaultResult); a first completion stays. */
export function afterCompletion(
  record: LifecycleRecord,
  change: { owner: string; result: RecordedResult; at: number },
): LifecycleRecord {
  const next = withoutLeaseOf(record, change.owner);
  next.completion ??= { result: change.result, at: change.at, by: change.owner };
  return next;
}

/** The record without `owner`'s lease (another owner's lease is left alone). */
export function withoutLeaseOf(record: LifecycleRecord, owner: string): LifecycleRecord {
  const { lease, ...rest } = record;
  return lease === undefined || lease.owner === owner ? { ...rest } : { ...rest, lease };
}
