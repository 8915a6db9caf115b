import * as z from "zod";
import { describeValue, EventError, eventErrorFromZod } from "./event-error.js";
import type { IntakeResult } from "./intake-result.js";
import { type TerminationNotice, terminationNoticeSchema } from "./termination-notice.js";

/**
 * A message the Lambda sends itself (SQS SendMessage or an asynchronous self-invocation) to resume a drain
 * that outlived one invocation. The key doubles as a marker and a version number:
 * `{ "eks-node-drainer/continuation": 1, "notice": { ... }, "attempt": 3 }`.
 */
export const continuationKey = "eks-node-drainer/continuation";
export const continuationVersion = 1;
/** Far above any real drain (48 h at one continuation a minute is 2,880), low enough to catch a loop. */
export const maxContinuationAttempt = 100_000;

export interface ContinuationMessage {
  [continuationKey]: typeof continuationVersion;
  notice: TerminationNotice;
  /** 1 for the first continuation, counting up. */
  attempt: number;
}

const continuationSchema = z.object({
  notice: terminationNoticeSchema,
  attempt: z
    .number({ error: "expected the attempt number" })
    .int({ error: "expected a whole attempt number" })
    .min(1, { error: "expected an attempt of at least 1" })
    .max(maxContinuationAttempt, { error: `expected an attempt of at most ${maxContinuationAttempt}` }),
});

/** Builds the continuation that resumes `notice`'s drain; `attempt` is the continuation's number (≥ 1). */
export function continuationMessage(notice: TerminationNotice, attempt: number): ContinuationMessage {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > maxContinuationAttempt) {
    throw new RangeError(
      `continuation attempt must be an integer in 1..${maxContinuationAttempt}, got ${attempt}`,
    );
  }
  return { [continuationKey]: continuationVersion, notice: { ...notice }, attempt };
}

export function looksLikeContinuation(value: Record<string, unknown>): boolean {
  return Object.hasOwn(value, continuationKey);
}

export function readContinuation(message: Record<string, unknown>): IntakeResult {
  const version = message[continuationKey];
  if (version !== continuationVersion) {
    throw new EventError(
      continuationKey,
      `expected continuation format version ${continuationVersion}, got ${describeValue(version)}`,
    );
  }
  const parsed = continuationSchema.safeParse(message);
  if (!parsed.success) throw eventErrorFromZod(parsed.error, message);
  const { notice, attempt } = parsed.data;
  const result: TerminationNotice = {
    instanceId: notice.instanceId,
    asgName: notice.asgName,
    hookName: notice.hookName,
    token: notice.token,
    receivedAt: notice.receivedAt,
    via: notice.via,
  };
  if (notice.clusterName !== undefined) result.clusterName = notice.clusterName;
  if (notice.metadataText !== undefined) result.metadataText = notice.metadataText;
  if (notice.transition !== undefined) result.transition = notice.transition;
  if (notice.origin !== undefined) result.origin = notice.origin;
  if (notice.destination !== undefined) result.destination = notice.destination;
  return { kind: "notice", notice: result, attempt };
}
