import type { V1Node } from "@kubernetes/client-node";
import * as z from "zod";

/**
 * The handler's own annotation on the Node, next to the engine's drain state: which lifecycle action
 * (token) it belongs to, who works on it now (a lease), the last heartbeat, the last continuation handed
 * off, and the completion once made. It is what makes duplicates cheap: a notice delivered again after the
 * completion is acknowledged without a second CompleteLifecycleAction, and two deliveries at once lead to
 * one drain. Every write is a read-modify-write pinned to the Node's resourceVersion.
 */
export const LIFECYCLE_RECORD_ANNOTATION = "eks-node-drainer/lifecycle-action";

export type RecordedResult = "CONTINUE" | "ABANDON" | "DEFAULT-RESULT";

export interface LifecycleRecord {
  token: string;
  /** Who drains now, for which attempt, until when (epoch ms): the end of its invocation. */
  lease?: { owner: string; attempt: number; until: number };
  /** The last RecordLifecycleActionHeartbeat that succeeded (epoch ms). */
  lastHeartbeatAt?: number;
  /** The last continuation scheduled: its attempt number and when (epoch ms). */
  handedOff?: { attempt: number; at: number };
  /** Set once the action was completed (or left to the DefaultResult) by this program. */
  completion?: { result: RecordedResult; at: number; by: string };
  /**
   * IPs of the pods the drain evicted, kept for the wait for target deregistration of a later run
   * (a continuation no longer sees those pods). At most `maxRecordedPodIps`, the latest.
   */
  podIps?: string[];
}

export const maxRecordedPodIps = 512;

const iso = z.iso.datetime({ offset: true });

const recordSchema = z.object({
  version: z.literal(1),
  token: z.string().min(1),
  lease: z.object({ owner: z.string().min(1), attempt: z.number().int().min(0), until: iso }).optional(),
  lastHeartbeatAt: iso.optional(),
  handedOff: z.object({ attempt: z.number().int().min(1), at: iso }).optional(),
  completion: z
    .object({ result: z.enum(["CONTINUE", "ABANDON", "DEFAULT-RESULT"]), at: iso, by: z.string() })
    .optional(),
  podIps: z.array(z.string().min(1).max(45)).max(maxRecordedPodIps).optional(),
});

export type RecordReading =
  | { kind: "absent" }
  | { kind: "found"; record: LifecycleRecord }
  /** The annotation belongs to an earlier lifecycle action of this node (another token). */
  | { kind: "other-action"; token: string }
  | { kind: "unreadable"; problem: string };

/** Reads the record of the lifecycle action `token` from a Node. */
export function readLifecycleRecord(node: V1Node, token: string): RecordReading {
  const text = node.metadata?.annotations?.[LIFECYCLE_RECORD_ANNOTATION];
  if (text === undefined) return { kind: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "unreadable", problem: `annotation ${LIFECYCLE_RECORD_ANNOTATION} is not JSON` };
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "(root)" : issue.path.join(".") || "(root)";
    return {
      kind: "unreadable",
      problem: `annotation ${LIFECYCLE_RECORD_ANNOTATION} is invalid at ${where}: ${issue?.message ?? "?"}`,
    };
  }
  const stored = parsed.data;
  if (stored.token !== token) return { kind: "other-action", token: stored.token };
  const record: LifecycleRecord = { token: stored.token };
  if (stored.lease) record.lease = { ...stored.lease, until: Date.parse(stored.lease.until) };
  if (stored.lastHeartbeatAt) record.lastHeartbeatAt = Date.parse(stored.lastHeartbeatAt);
  if (stored.handedOff) record.handedOff = { ...stored.handedOff, at: Date.parse(stored.handedOff.at) };
  if (stored.completion) record.completion = { ...stored.completion, at: Date.parse(stored.completion.at) };
  if (stored.podIps) record.podIps = [...stored.podIps];
  return { kind: "found", record };
}

export function encodeLifecycleRecord(record: LifecycleRecord): string {
  const time = (ms: number) => new Date(ms).toISOString();
  const stored: z.input<typeof recordSchema> = { version: 1, token: record.token };
  if (record.lease) stored.lease = { ...record.lease, until: time(record.lease.until) };
  if (record.lastHeartbeatAt !== undefined) stored.lastHeartbeatAt = time(record.lastHeartbeatAt);
  if (record.handedOff) stored.handedOff = { ...record.handedOff, at: time(record.handedOff.at) };
  if (record.completion) stored.completion = { ...record.completion, at: time(record.completion.at) };
  if (record.podIps !== undefined && record.podIps.length > 0) {
    stored.podIps = record.podIps.slice(-maxRecordedPodIps);
  }
  return JSON.stringify(stored);
}
