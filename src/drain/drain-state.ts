import type { V1Node } from "@kubernetes/client-node";
import * as z from "zod";
import type { VolumeWaitRecord } from "./pod-volumes.js";
import { type SurgeEntry, surgeEntrySchema } from "./surge-record.js";
import { TIERS, type Tier } from "./tiers.js";

const nodeChangesSchema = z.object({
  cordoned: z.boolean(),
  taint: z.string().min(1).optional(),
  excludedFromLoadBalancers: z.boolean(),
});

/**
 * What a drain of another node of the group changed on this one when it cordoned it ahead (batch cordon,
 * before this node's own drain began): this node's drain takes it over into its own `changes`, and a
 * restore undoes it even when no drain of this node ever ran.
 */
export const CORDONED_AHEAD_ANNOTATION = "eks-node-drainer/cordoned-ahead";

/** The changes a cordon ahead recorded on the node; undefined when none (or unreadable: then none). */
export function cordonedAheadOf(node: V1Node): NodeChanges | undefined {
  const text = node.metadata?.annotations?.[CORDONED_AHEAD_ANNOTATION];
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = nodeChangesSchema.safeParse(json);
  return parsed.success ? changesOf(parsed.data) : undefined;
}

/** Both records of what was changed on a node: each change made by either. */
export function unionOfChanges(
  a: NodeChanges | undefined,
  b: NodeChanges | undefined,
): NodeChanges | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const taint = a.taint ?? b.taint;
  return {
    cordoned: a.cordoned || b.cordoned,
    ...(taint === undefined ? {} : { taint }),
    excludedFromLoadBalancers: a.excludedFromLoadBalancers || b.excludedFromLoadBalancers,
  };
}

/** The one annotation holding a drain's durable state, so any later run can continue it. */
export const DRAIN_STATE_ANNOTATION = "eks-node-drainer/drain-state";

/** Forced pods kept in the annotation at most (annotations are size-limited). */
const MAX_FORCED_RECORDED = 500;

const forcedPodSchema = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string(),
  at: z.iso.datetime({ offset: true }),
  graceSeconds: z.number().int().min(0),
});

/** How the wait for volume detachment ended. */
export const VOLUME_WAIT_OUTCOMES = ["detached", "timed-out", "deadline"] as const;
export type VolumeWaitOutcome = (typeof VOLUME_WAIT_OUTCOMES)[number];

const volumeWaitSchema = z.object({
  /** Claims of the drained pods, namespace/name → their PersistentVolume ("" unknown yet, null none). */
  claims: z.record(z.string().min(1), z.string().nullable()),
  /** Inline volume handles (EBS volume IDs) of the drained pods. */
  inline: z.array(z.string().min(1)),
  /** The volumes the wait found attached to the node, once it began. */
  volumes: z.array(z.string().min(1)).optional(),
  outcome: z.enum(VOLUME_WAIT_OUTCOMES).optional(),
});

const stateSchema = z.object({
  version: z.literal(1),
  /** The step the drain is in (its first step not yet done), or "finished". */
  phase: z.string().min(1),
  tier: z.enum(TIERS).optional(),
  startedAt: z.iso.datetime({ offset: true }),
  deadline: z.iso.datetime({ offset: true }),
  /** When `phase` began: bounds the volume wait, the settle time and DaemonSet recreation. */
  phaseStartedAt: z.iso.datetime({ offset: true }),
  /** DaemonSet pods created after this were recreated by their DaemonSet after the drain evicted them. */
  daemonSetCutoff: z.iso.datetime({ offset: true }).optional(),
  updatedAt: z.iso.datetime({ offset: true }),
  forced: z.array(forcedPodSchema),
  counts: z.object({
    evicted: z.number().int().min(0),
    forced: z.number().int().min(0),
    invocations: z.number().int().min(0),
  }),
  /** Set once the drain has ended. */
  outcome: z.enum(["drained", "deadline-forced", "deadline-left", "failed"]).optional(),
  /** The volumes of the drained pods, to see detached before the drain ends (policy waitForVolumeDetach). */
  volumeWait: volumeWaitSchema.optional(),
  /** Evictions accepted per owner (namespace/Kind/name), to bound the evictions of pods that come back. */
  ownerEvictions: z.record(z.string().min(1), z.number().int().min(0)).optional(),
  /** The drain tainted the unreachable node out-of-service (policy outOfServiceTaint): remove it on restore. */
  outOfServiceTainted: z.boolean().optional(),
  /** Deployments surged before their pods were evicted, and whether each is restored. */
  surges: z.array(surgeEntrySchema).optional(),
  /** The lifecycle action (its LifecycleActionToken) the drain serves; another token is another drain. */
  actionToken: z.string().min(1).optional(),
  /** What the drain itself changed on the node, so that a restore undoes exactly that and no more. */
  changes: z.lazy(() => nodeChangesSchema).optional(),
});

export interface ForcedPod {
  namespace: string;
  name: string;
  uid: string;
  /** Epoch ms of the forced delete. */
  at: number;
  graceSeconds: number;
}

/** A drain's durable state, times in epoch ms. */
export interface DrainState {
  phase: string;
  tier?: Tier;
  startedAt: number;
  deadline: number;
  phaseStartedAt: number;
  daemonSetCutoff?: number;
  updatedAt: number;
  forced: ForcedPod[];
  counts: { evicted: number; forced: number; invocations: number };
  outcome?: "drained" | "deadline-forced" | "deadline-left" | "failed";
  /** Claims and inline volumes of the pods drained so far, the volumes waited for, and how the wait ended. */
  volumeWait?: VolumeWait;
  /** Evictions accepted per owner (namespace/Kind/name) over all runs. */
  ownerEvictions?: Record<string, number>;
  /** The drain tainted the unreachable node node.kubernetes.io/out-of-service. */
  outOfServiceTainted?: boolean;
  /** Deployments surged before their pods were evicted (see surge-record.ts). */
  surges?: SurgeEntry[];
  /** The lifecycle action's token, when a lifecycle action started the drain. */
  actionToken?: string;
  /** What the drain changed on the node (absent: nothing yet, or a state written before this was kept). */
  changes?: NodeChanges;
}

/**
 * What a drain changed on its node: recorded as it changes it, so that a restore (the instance came back
 * from a warm pool, its root volume was replaced, an operator's `uncordon`) undoes exactly that. A cordon,
 * taint or label that was already there belongs to someone else and stays.
 */
export interface NodeChanges {
  /** The drain set spec.unschedulable (the node was schedulable before). */
  cordoned: boolean;
  /** The key of the NoSchedule taint the drain added. */
  taint?: string;
  /** The drain added node.kubernetes.io/exclude-from-external-load-balancers. */
  excludedFromLoadBalancers: boolean;
}

/** The volume wait's part of the state. */
export interface VolumeWait extends VolumeWaitRecord {
  /** The volumes found attached to the node for the drained pods: the ones waited for. */
  volumes?: string[];
  outcome?: VolumeWaitOutcome;
}

export class DrainStateError extends Error {
  override readonly name = "DrainStateError";
}

/** The drain state stored on the node, or undefined when there is none. Throws DrainStateError when unreadable. */
export function readDrainState(node: V1Node): DrainState | undefined {
  const text = node.metadata?.annotations?.[DRAIN_STATE_ANNOTATION];
  if (text === undefined) return undefined;
  return decodeDrainState(text, node.metadata?.name ?? "?");
}

export function decodeDrainState(text: string, nodeName: string): DrainState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DrainStateError(`annotation ${DRAIN_STATE_ANNOTATION} on node ${nodeName} is not JSON`, {
      cause,
    });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new DrainStateError(
      `annotation ${DRAIN_STATE_ANNOTATION} on node ${nodeName} is invalid: ${problems.join("; ")}`,
    );
  }
  const stored = parsed.data;
  return {
    phase: stored.phase,
    ...(stored.tier === undefined ? {} : { tier: stored.tier }),
    startedAt: Date.parse(stored.startedAt),
    deadline: Date.parse(stored.deadline),
    phaseStartedAt: Date.parse(stored.phaseStartedAt),
    ...(stored.daemonSetCutoff === undefined ? {} : { daemonSetCutoff: Date.parse(stored.daemonSetCutoff) }),
    updatedAt: Date.parse(stored.updatedAt),
    forced: stored.forced.map((pod) => ({ ...pod, at: Date.parse(pod.at) })),
    counts: stored.counts,
    ...(stored.outcome === undefined ? {} : { outcome: stored.outcome }),
    ...(stored.volumeWait === undefined ? {} : { volumeWait: volumeWaitOf(stored.volumeWait) }),
    ...(stored.ownerEvictions === undefined ? {} : { ownerEvictions: stored.ownerEvictions }),
    ...(stored.outOfServiceTainted === undefined ? {} : { outOfServiceTainted: stored.outOfServiceTainted }),
    ...(stored.surges === undefined ? {} : { surges: stored.surges }),
    ...(stored.actionToken === undefined ? {} : { actionToken: stored.actionToken }),
    ...(stored.changes === undefined ? {} : { changes: changesOf(stored.changes) }),
  };
}

export function encodeDrainState(state: DrainState): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const stored: z.input<typeof stateSchema> = {
    version: 1,
    phase: state.phase,
    ...(state.tier === undefined ? {} : { tier: state.tier }),
    startedAt: iso(state.startedAt),
    deadline: iso(state.deadline),
    phaseStartedAt: iso(state.phaseStartedAt),
    ...(state.daemonSetCutoff === undefined ? {} : { daemonSetCutoff: iso(state.daemonSetCutoff) }),
    updatedAt: iso(state.updatedAt),
    forced: state.forced.slice(-MAX_FORCED_RECORDED).map((pod) => ({ ...pod, at: iso(pod.at) })),
    counts: state.counts,
    ...(state.outcome === undefined ? {} : { outcome: state.outcome }),
    ...(state.volumeWait === undefined ? {} : { volumeWait: state.volumeWait }),
    ...(state.ownerEvictions === undefined ? {} : { ownerEvictions: state.ownerEvictions }),
    ...(state.outOfServiceTainted === undefined ? {} : { outOfServiceTainted: state.outOfServiceTainted }),
    ...(state.surges === undefined ? {} : { surges: state.surges }),
    ...(state.actionToken === undefined ? {} : { actionToken: state.actionToken }),
    ...(state.changes === undefined ? {} : { changes: state.changes }),
  };
  return JSON.stringify(stored);
}

function volumeWaitOf(stored: z.output<typeof volumeWaitSchema>): VolumeWait {
  return {
    claims: stored.claims,
    inline: stored.inline,
    ...(stored.volumes === undefined ? {} : { volumes: stored.volumes }),
    ...(stored.outcome === undefined ? {} : { outcome: stored.outcome }),
  };
}

function changesOf(stored: z.output<typeof nodeChangesSchema>): NodeChanges {
  return {
    cordoned: stored.cordoned,
    ...(stored.taint === undefined ? {} : { taint: stored.taint }),
    excludedFromLoadBalancers: stored.excludedFromLoadBalancers,
  };
}
