import type { V1Node } from "@kubernetes/client-node";
import type { Clock } from "../drain/clock.js";
import { isRetryable } from "../drain/cluster-port.js";

export interface LaunchWaitRequest {
  clock: Clock;
  /** The instance's Node as it is now; undefined while it has not registered. */
  readNode: () => Promise<V1Node | undefined>;
  /** How long the Node must stay Ready, re-checked every poll, ms. */
  settleMs: number;
  /** The launch action's own limit (LAUNCH_TIMEOUT_SECONDS, within the hook's timeout), epoch ms. */
  timeoutAt: number;
  /** When this delivery must stop (its invocation's time), epoch ms. */
  stopAt: number;
  signal?: AbortSignal | undefined;
  /** Told each read that failed in a way a later read may not (logged). */
  onReadError?: (error: unknown) => void;
}

export type LaunchWait =
  /** The Node registered and stayed Ready for the settle period. */
  | { kind: "ready"; node: V1Node; nodeName: string; readySince: number }
  /** The launch limit came first; `lastSeen` says how the Node was then. */
  | { kind: "timed-out"; lastSeen: string }
  /** The delivery's time ran out first: a continuation waits on (and settles again). */
  | { kind: "out-of-time" }
  | { kind: "interrupted" };

/** How often the Node is read while waiting; shorter settle periods read more often. */
const maxPollMs = 5_000;
const minPollMs = 1_000;

/**
 * Waits until the launched instance's Node has registered, is Ready, and has stayed Ready for the settle
 * period. Readiness is read again every poll through the settle period: one NotReady reading starts the
 * settle period over, so a kubelet that flaps after registering does not pass. The Ready condition is the
 * kubelet's own (https://kubernetes.io/docs/reference/node/node-status/#condition).
 */
export async function waitForReadyNode(request: LaunchWaitRequest): Promise<LaunchWait> {
  const { clock } = request;
  const pollMs = Math.min(maxPollMs, Math.max(minPollMs, Math.floor(request.settleMs / 3)));
  let readySince: number | undefined;
  let lastSeen = "the instance's Node has not registered";
  for (;;) {
    if (request.signal?.aborted) return { kind: "interrupted" };
    let node: V1Node | undefined;
    try {
      node = await request.readNode();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      request.onReadError?.(error);
    }
    // The reading's time is when it arrived: a slow read must not count towards the settle period.
    const now = clock.now();
    const name = node?.metadata?.name;
    if (node !== undefined && name !== undefined) {
      if (isReady(node)) {
        readySince ??= now;
        lastSeen = `node ${name} is Ready since ${new Date(readySince).toISOString()}`;
        if (now - readySince >= request.settleMs) {
          return { kind: "ready", node, nodeName: name, readySince };
        }
      } else {
        readySince = undefined;
        lastSeen = `node ${name} is registered but not Ready`;
      }
    }
    const after = clock.now();
    if (after >= request.timeoutAt) return { kind: "timed-out", lastSeen };
    if (after >= request.stopAt) return { kind: "out-of-time" };
    const settledAt = readySince === undefined ? Number.POSITIVE_INFINITY : readySince + request.settleMs;
    const wakeAt = Math.min(after + pollMs, settledAt, request.timeoutAt, request.stopAt);
    await clock.sleep(Math.max(1, wakeAt - after), request.signal).catch(() => undefined);
  }
}

function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
